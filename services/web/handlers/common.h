#pragma once
// What every page handler shares: the dependencies, the per-request state the middleware prepares (the
// session, the posted form), rendering a page inside the layout, redirects, flashes and calling the
// gateway with the session's token.

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bookstore/http/context.h"
#include "bookstore/http/message.h"
#include "gateway/api.h"
#include "session/sealer.h"
#include "session/session.h"
#include "views/assets.h"
#include "views/book_view.h"
#include "views/form.h"
#include "views/renderer.h"

namespace bookstore::web {

struct WebDeps {
  GatewayApi& api;
  const Renderer& renderer;
  const AssetCatalog& assets;
  const SessionSealer& sealer;
};

// The first block of a page's memory (PageStorage), taken from and given back to a pool shared by the
// requests: a new block per request made malloc reorganise its free lists (malloc_consolidate) every time.
using PageBuffer = std::array<unsigned char, 32 * 1024>;
struct PageBlockReturn {
  void operator()(PageBuffer* block) const;
};
using PageBlock = std::unique_ptr<PageBuffer, PageBlockReturn>;

// Set by the session middleware for every request that passes through it.
struct RequestState {
  Session session;
  PageBlock page_block;                                          // see PageStorage; outlives page_memory
  std::unique_ptr<boost::json::monotonic_resource> page_memory;  // see PageStorage
  bool dirty = false;                                            // rewrite the cookie in the response
  bool secure = false;          // the browser reached us over HTTPS (TLS here, or a trusted proxy's)
  bool live_refresh = false;    // a live.js refetch of the page: leaves the flash for a real page view
  bool token_accepted = false;  // the gateway answered a call with the session's token (CallApi)
  Form form;                    // the posted form (POST only)
};

RequestState& State(http::Context& ctx);
Session& SessionOf(http::Context& ctx);
// Marks the session as changed so the middleware sends the new cookie.
Session& MutableSession(http::Context& ctx);
const Form& PostedForm(http::Context& ctx);

// Memory for the JSON a page is made of (its view of the books, the layout's data): taken from one block
// that grows as needed and is freed at once when the request ends, instead of hundreds of separate
// allocations and frees per page (nor destructors: its values need none). Only for values that do not
// outlive the request's handler.
boost::json::storage_ptr PageStorage(http::Context& ctx);

void SetFlash(http::Context& ctx, FlashKind kind, std::string text);

// Thrown when a page needs a login (or the gateway refused the session's token): the error middleware
// redirects to /login?next=<next>, with a flash saying why.
class LoginRequired : public std::exception {
 public:
  LoginRequired(std::string next, bool expired) : next_(std::move(next)), expired_(expired) {}
  [[nodiscard]] const char* what() const noexcept override { return "login required"; }
  [[nodiscard]] const std::string& next() const { return next_; }
  [[nodiscard]] bool expired() const { return expired_; }

 private:
  std::string next_;
  bool expired_;
};

// Throws LoginRequired unless someone is logged in; `next` is where to come back after logging in.
void RequireLogin(http::Context& ctx, std::string_view next);

// The path and query of this request (the "next" of a login redirect for a GET).
std::string CurrentPath(const http::Context& ctx);

struct PageSpec {
  std::string_view page{};  // templates/pages/<page>.mustache
  std::string title{};      // the <title> and the <h1> of most pages
  std::string_view nav{};   // the highlighted navigation item ("catalog", "sell", "cart"...)
  std::string_view live{};  // what live.js follows on this page ("" for nothing)
  http::Status status = http::Status::ok;
};

// The page inside the layout, with what the layout needs (user, cart size, CSRF token, flash, assets).
http::Response RenderPage(http::Context& ctx, const WebDeps& deps, const PageSpec& spec,
                          boost::json::object data);

// 303 See Other: the "redirect" of POST-redirect-GET.
http::Response Redirect(std::string_view location);

// The status of a form shown again after the gateway refused what it sent: the gateway's 4xx, else 502.
http::Status FormStatus(int api_status);

// A gateway call with the session's token. A 401 for a logged-in session means the token expired or was
// revoked: the session is logged out and LoginRequired is thrown (back to call.next after the login).
// A public call (ApiCall::Public) goes without the token once the gateway has accepted it in this
// request: the token is checked once per page, and a page reading several books (the cart) reads all
// but the first from web's AnswerCache.
// `call` must outlive the call (a named variable of the caller).
http::Awaitable<ApiResult> CallApi(http::Context& ctx, const WebDeps& deps, const ApiCall& call);

// GET /books/{id} through the gateway: the book (read-only: it may be shared with other requests), null
// when there is none (404); any other failure throws a 502 error page. A login the call needs returns to
// `after_login`.
http::Awaitable<SharedJson> FindBook(http::Context& ctx, const WebDeps& deps, std::int64_t id,
                                     std::string_view after_login);

// FindBook for a page about that book (never null): no book is the "not for sale" page (404).
http::Awaitable<SharedJson> LoadBook(http::Context& ctx, const WebDeps& deps, std::int64_t id);

// Compact JSON text of an object (request bodies).
std::string JsonText(const boost::json::object& object);

// The value of an integer member, or `fallback`.
std::int64_t IntMember(const boost::json::value& value, std::string_view key, std::int64_t fallback = 0);
// The value of a string member, or "".
std::string StringMember(const boost::json::value& value, std::string_view key);

// Form validation errors: {"errors": {field: message}} for the templates (aria-describedby, messages
// next to fields) plus a flash summarising them.
class FieldErrors {
 public:
  void Add(std::string_view field, std::string_view message);
  // An API error: next to its field when the problem names one of `fields`, and as the page's error
  // message in any case.
  void AddApiError(const ApiResult& result, const std::vector<std::string_view>& fields);
  // Puts "errors", "has_errors" and the error message (as this page's flash) into a page's data.
  void Into(boost::json::object& data) const;
  [[nodiscard]] const std::string& message() const { return message_; }
  [[nodiscard]] bool empty() const { return errors_.empty(); }
  [[nodiscard]] const boost::json::object& object() const { return errors_; }

 private:
  boost::json::object errors_;
  std::string message_;
};

}  // namespace bookstore::web
