// Money parsing: libs/money (ParseDecimal, FromDecimal, FromJson, ToDecimal, ToJson) and catalog's price
// rule (ParsePriceCents, which reads a JSON number's own text). The input is an amount as text: typed in a
// form, sent in JSON, or read from a DECIMAL column.
//
// Invariants:
// - an accepted amount is within kMaxCents, and every form of it reads back as the same cents: its
//   decimal text, its JSON value, that value written by json::Serialize and parsed again by Boost.JSON
//   (what a client reads), and the number text TopLevelNumberTexts finds in such a body;
// - a plain decimal that ParseDecimal accepts and that is also a JSON number reads the same through
//   FromJson;
// - catalog's ParsePriceCents fails only with ValidationError, accepts only prices in (0, 1,000,000.00],
//   and agrees with ParseDecimal wherever both accept the text.

#include "bookstore/money/money.h"

#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bookstore/json/json.h"
#include "bookstore/service/validation_error.h"
#include "check.h"
#include "domain/price.h"

namespace {

namespace money = bookstore::money;

void CheckForms(std::int64_t cents) {
  FUZZ_CHECK(cents >= -money::kMaxCents && cents <= money::kMaxCents,
             "an accepted amount is within kMaxCents");
  const std::string decimal = money::ToDecimal(cents);
  FUZZ_CHECK(money::ParseDecimal(decimal) == cents, "ParseDecimal(ToDecimal(c)) == c");
  FUZZ_CHECK(money::FromDecimal(decimal) == cents, "FromDecimal(ToDecimal(c)) == c");

  const boost::json::value json = money::ToJson(cents);
  FUZZ_CHECK(money::FromJson(json) == cents, "FromJson(ToJson(c)) == c");
  const std::string written = bookstore::json::Serialize(json);
  boost::system::error_code ec;
  const boost::json::value reread = boost::json::parse(written, ec);
  FUZZ_CHECK(!ec && money::FromJson(reread) == cents, "FromJson(parse(Serialize(ToJson(c)))) == c");

  const auto texts = bookstore::json::TopLevelNumberTexts("{\"price\":" + written + "}");
  const auto text = texts.find("price");
  FUZZ_CHECK(text != texts.end() && money::ParseDecimal(text->second) == cents,
             "the number text of a written amount is its decimal");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const std::optional<std::int64_t> decimal = money::ParseDecimal(text);
  if (decimal) CheckForms(*decimal);

  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(text, ec);
  if (!ec) {
    if (const auto cents = money::FromJson(json)) {
      CheckForms(*cents);
      if (decimal) FUZZ_CHECK(*cents == *decimal, "FromJson and ParseDecimal agree on a plain decimal");
    } else {
      FUZZ_CHECK(!decimal || !json.is_number(), "a plain decimal JSON number is an amount for FromJson too");
    }
  }

  try {
    const std::int64_t price = bookstore::catalog::ParsePriceCents(text);
    FUZZ_CHECK(price > 0 && price <= bookstore::catalog::kMaxPriceCents, "a price is in (0, 1000000.00]");
    if (decimal) FUZZ_CHECK(price == *decimal, "ParsePriceCents and ParseDecimal agree");
    CheckForms(price);
  } catch (const bookstore::ValidationError& e) {
    FUZZ_CHECK(e.Field() == "price", "a bad price names the field price");
    FUZZ_CHECK(!decimal || *decimal <= 0 || *decimal > bookstore::catalog::kMaxPriceCents,
               "ParsePriceCents accepts every price ParseDecimal reads");
  }
  return 0;
}
