#include "views/form.h"

#include <boost/url/encode.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>

#include "bookstore/text/utf8.h"

namespace bookstore::web {

std::optional<Form> Form::Parse(std::string_view body) {
  Form form;
  if (body.empty()) {
    return form;
  }
  // A copy of its own: Boost.URL 1.81 may read the last value past the end of a view (see libs/http).
  const std::string text(body);
  const auto parsed = boost::urls::parse_query(boost::urls::string_view(text.data(), text.size()));
  if (!parsed) {
    return std::nullopt;
  }
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  for (const auto param : *parsed) {
    if (param.key.empty() && !param.has_value) {
      continue;  // "a=1&&b=2"
    }
    form.fields_.emplace_back(param.key.decode(options),
                              param.has_value ? param.value.decode(options) : std::string());
  }
  return form;
}

std::optional<std::string> Form::Get(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::string Form::Text(std::string_view name) const {
  const auto value = Get(name);
  return value ? Trim(*value) : std::string();
}

std::string Trim(std::string_view text) { return std::string(text::TrimAsciiWhitespace(text)); }

std::optional<std::int64_t> ParseInteger(std::string_view text, std::int64_t min, std::int64_t max) {
  const std::string trimmed = Trim(text);
  if (trimmed.empty()) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const char* end = trimmed.data() + trimmed.size();
  const auto [ptr, ec] = std::from_chars(trimmed.data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) {
      out += '&';
    }
    out += boost::urls::encode(name, boost::urls::unreserved_chars);
    out += '=';
    out += boost::urls::encode(value, boost::urls::unreserved_chars);
  }
  return out;
}

std::string SafeLocalPath(std::string_view next, std::string_view fallback) {
  const bool local =
      next.size() >= 1 && next.front() == '/' && (next.size() == 1 || (next[1] != '/' && next[1] != '\\'));
  if (!local) {
    return std::string(fallback);
  }
  for (const char c : next) {
    // Control characters could split headers; a backslash is read as '/' by some browsers.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') {
      return std::string(fallback);
    }
  }
  return std::string(next);
}

}  // namespace bookstore::web
