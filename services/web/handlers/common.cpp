#include "handlers/common.h"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <memory>
#include <stdexcept>

#include "bookstore/http/error.h"
#include "bookstore/money/money.h"
#include "cart/cart.h"
#include "views/money.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

constexpr std::string_view kStateKey = "web_state";
constexpr int kCoverColours = 8;
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// First letter (or UTF-8 character) of a title, for the drawn cover.
std::string Initial(std::string_view title) {
  if (title.empty()) {
    return "?";
  }
  std::size_t length = 1;
  const auto lead = static_cast<unsigned char>(title[0]);
  if (lead >= 0xF0) {
    length = 4;
  } else if (lead >= 0xE0) {
    length = 3;
  } else if (lead >= 0xC0) {
    length = 2;
  }
  std::string out(title.substr(0, std::min(length, title.size())));
  if (out.size() == 1 && out[0] >= 'a' && out[0] <= 'z') {
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  }
  return out;
}

json::object StockView(std::int64_t stock) {
  json::object out;
  out["stock"] = stock;
  out["in_stock"] = stock > 0;
  out["sold_out"] = stock <= 0;
  out["low_stock"] = stock > 0 && stock <= 3;
  if (stock <= 0) {
    out["stock_label"] = "Sold out";
  } else if (stock <= 3) {
    out["stock_label"] = "Only " + std::to_string(stock) + " left";
  } else {
    out["stock_label"] = std::to_string(stock) + " in stock";
  }
  out["max_quantity"] = std::min<std::int64_t>(std::max<std::int64_t>(stock, 1), 99);
  return out;
}

}  // namespace

RequestState& State(http::Context& ctx) {
  auto* state = ctx.Get<std::shared_ptr<RequestState>>(kStateKey);
  if (state == nullptr) {
    ctx.Set(std::string(kStateKey), std::make_shared<RequestState>());
    state = ctx.Get<std::shared_ptr<RequestState>>(kStateKey);
  }
  return **state;
}

Session& SessionOf(http::Context& ctx) { return State(ctx).session; }

Session& MutableSession(http::Context& ctx) {
  auto& state = State(ctx);
  state.dirty = true;
  return state.session;
}

const Form& PostedForm(http::Context& ctx) { return State(ctx).form; }

void SetFlash(http::Context& ctx, FlashKind kind, std::string text) {
  constexpr std::size_t kMaxFlashChars = 500;
  if (text.size() > kMaxFlashChars) {
    text.resize(kMaxFlashChars);
  }
  MutableSession(ctx).flash = Flash{kind, std::move(text)};
}

void RequireLogin(http::Context& ctx, std::string_view next) {
  if (!SessionOf(ctx).LoggedIn()) {
    throw LoginRequired(std::string(next), false);
  }
}

std::string CurrentPath(const http::Context& ctx) { return SafeLocalPath(ctx.target(), "/"); }

http::Response Redirect(std::string_view location) {
  http::Response response{http::Status::see_other, 11};
  response.set(http::Field::location, SafeLocalPath(location, "/"));
  response.set(http::Field::cache_control, "no-store");
  return response;
}

http::Response RenderPage(http::Context& ctx, const WebDeps& deps, const PageSpec& spec, json::object data) {
  auto& state = State(ctx);
  const Session& session = state.session;
  data["page_title"] = spec.title;
  data["assets"] = deps.assets.TemplateUrls();
  data["csrf"] = session.csrf;
  data["logged_in"] = session.LoggedIn();
  if (session.LoggedIn()) {
    data["user"] =
        json::object{{"name", session.name}, {"id", session.user_id}, {"is_admin", session.IsAdmin()}};
  }
  const auto copies = CartCopies(session.cart);
  data["cart_count"] = copies;
  data["cart_has_items"] = copies > 0;
  if (!spec.nav.empty()) {
    data["nav_" + std::string(spec.nav)] = true;
  }
  data["live"] = spec.live;
  data["return_to"] = CurrentPath(ctx);
  if (!state.live_refresh && session.flash && !data.contains("flash")) {
    data["flash"] = json::object{{"kind", FlashKindName(session.flash->kind)},
                                 {"text", session.flash->text},
                                 {"is_error", session.flash->kind == FlashKind::kError}};
    MutableSession(ctx).flash.reset();
  }
  auto response =
      http::TextResponse(deps.renderer.RenderPage(spec.page, data), spec.status, "text/html; charset=utf-8");
  // Pages hold the user's data and a CSRF token: never stored by a shared or back-forward cache.
  response.set(http::Field::cache_control, "no-store");
  response.set(http::Field::vary, "Cookie");
  return response;
}

http::Awaitable<ApiResult> CallApi(http::Context& ctx, const WebDeps& deps, const ApiCall& call) {
  const bool logged_in = SessionOf(ctx).LoggedIn();
  ApiCall with_token = call;
  if (logged_in && with_token.token.empty()) {
    with_token.token = SessionOf(ctx).token;
  }
  ApiResult result = co_await deps.api.Call(with_token, ctx);
  if (result.status == 401 && logged_in) {
    LogOut(MutableSession(ctx), std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
    throw LoginRequired(call.next, true);
  }
  co_return result;
}

std::string JsonText(const json::object& object) { return json::serialize(object); }

std::int64_t IntMember(const json::value& value, std::string_view key, std::int64_t fallback) {
  const auto* object = value.if_object();
  if (object == nullptr) {
    return fallback;
  }
  const auto* member = object->if_contains(key);
  if (member == nullptr || !member->is_int64()) {
    return fallback;
  }
  return member->as_int64();
}

std::string StringMember(const json::value& value, std::string_view key) {
  const auto* object = value.if_object();
  if (object == nullptr) {
    return {};
  }
  const auto* member = object->if_contains(key);
  if (member == nullptr || !member->is_string()) {
    return {};
  }
  return std::string(member->as_string());
}

std::string FormatDate(std::string_view rfc3339) {
  // "2026-03-07T..." -> "7 Mar 2026"
  if (rfc3339.size() < 10 || rfc3339[4] != '-' || rfc3339[7] != '-') {
    return std::string(rfc3339);
  }
  const auto month = ParseInteger(rfc3339.substr(5, 2), 1, 12);
  const auto day = ParseInteger(rfc3339.substr(8, 2), 1, 31);
  if (!month || !day) {
    return std::string(rfc3339);
  }
  return std::to_string(*day) + " " + std::string(kMonths[static_cast<std::size_t>(*month - 1)]) + " " +
         std::string(rfc3339.substr(0, 4));
}

http::Awaitable<std::optional<json::value>> FindBook(http::Context& ctx, const WebDeps& deps, std::int64_t id,
                                                     std::string_view after_login) {
  const ApiCall call = ApiCall::Get("/books/" + std::to_string(id)).AfterLogin(std::string(after_login));
  auto result = co_await CallApi(ctx, deps, call);
  if (result.status == 404) {
    co_return std::nullopt;
  }
  if (!result.ok()) {
    throw http::Error(http::Status::bad_gateway, result.ErrorMessage());
  }
  co_return std::move(result.body);
}

http::Awaitable<json::value> LoadBook(http::Context& ctx, const WebDeps& deps, std::int64_t id) {
  const std::string here = CurrentPath(ctx);  // named: g++ 12 mishandles temporaries passed to coroutines
  auto book = co_await FindBook(ctx, deps, id, here);
  if (!book) {
    throw http::NotFound("This book is not for sale (any more).");
  }
  co_return std::move(*book);
}

json::object BookView(const json::value& book, const Session& session) {
  const std::int64_t id = IntMember(book, "id");
  const std::string title = StringMember(book, "title");
  json::object out = StockView(IntMember(book, "stock"));
  out["id"] = id;
  out["url"] = "/books/" + std::to_string(id);
  out["title"] = title;
  out["author"] = StringMember(book, "author");
  out["description"] = StringMember(book, "description");
  out["has_description"] = !StringMember(book, "description").empty();
  const auto* object = book.if_object();
  const auto* price = object != nullptr ? object->if_contains("price") : nullptr;
  const auto cents = price != nullptr ? CentsFromJson(*price) : std::nullopt;
  out["price"] = cents ? FormatCents(*cents) : "—";
  out["price_input"] = cents ? money::ToDecimal(*cents) : "";
  out["seller_name"] = StringMember(book, "seller_name");
  out["seller_id"] = IntMember(book, "seller_id");
  out["is_mine"] = session.LoggedIn() && IntMember(book, "seller_id") == session.user_id;
  out["listed"] = FormatDate(StringMember(book, "created_at"));
  out["cover"] = "cover-" + std::to_string(id % kCoverColours);
  out["initial"] = Initial(title);
  const auto in_cart = QuantityInCart(session.cart, id);
  out["in_cart"] = in_cart;
  out["is_in_cart"] = in_cart > 0;
  return out;
}

void FieldErrors::Add(std::string_view field, std::string_view message) {
  if (message_.empty()) {
    message_ = "Please check the highlighted fields.";
  }
  if (!errors_.contains(field)) {
    errors_[field] = message;
  }
}

void FieldErrors::AddApiError(const ApiResult& result, const std::vector<std::string_view>& fields) {
  const std::string field = result.ErrorField();
  const std::string message = result.ErrorMessage();
  for (const auto known : fields) {
    if (!field.empty() && field == known) {
      if (!errors_.contains(field)) {
        errors_[field] = message;
      }
      break;
    }
  }
  message_ = message;
}

void FieldErrors::Into(json::object& data) const {
  data["errors"] = errors_;
  data["has_errors"] = !errors_.empty() || !message_.empty();
  if (!message_.empty()) {
    data["flash"] = json::object{{"kind", "error"}, {"text", message_}, {"is_error", true}};
  }
}

}  // namespace bookstore::web
