#include "handlers/common.h"

#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "bookstore/http/error.h"
#include "bookstore/money/money.h"
#include "cart/cart.h"
#include "views/money.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

constexpr std::string_view kStateKey = "web_state";
// Page blocks not in use, kept for the next requests (as many as were in use at once, up to kMaxFree).
class PageBlockPool {
 public:
  PageBlock Take() {
    {
      const std::scoped_lock lock(mutex_);
      if (!free_.empty()) {
        PageBlock block(free_.back().release());
        free_.pop_back();
        return block;
      }
    }
    return PageBlock(std::make_unique<PageBuffer>().release());
  }

  void Give(PageBuffer* returned) {
    std::unique_ptr<PageBuffer> block(returned);
    const std::scoped_lock lock(mutex_);
    if (free_.size() < kMaxFree) free_.push_back(std::move(block));
  }

 private:
  static constexpr std::size_t kMaxFree = 64;
  std::mutex mutex_;
  std::vector<std::unique_ptr<PageBuffer>> free_;
};

PageBlockPool& Pool() {
  static PageBlockPool pool;
  return pool;
}

}  // namespace

void PageBlockReturn::operator()(PageBuffer* block) const { Pool().Give(block); }

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

json::storage_ptr PageStorage(http::Context& ctx) {
  auto& state = State(ctx);
  if (!state.page_memory) {
    state.page_block = Pool().Take();
    state.page_memory =
        std::make_unique<json::monotonic_resource>(state.page_block->data(), state.page_block->size());
  }
  // Not shared (no reference count): the request state outlives the handler and its values.
  return {state.page_memory.get()};
}

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

http::Status FormStatus(int api_status) {
  return api_status >= 400 && api_status < 500 ? static_cast<http::Status>(api_status)
                                               : http::Status::bad_gateway;
}

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
    data["user"] = json::object(
        {{"name", session.name}, {"id", session.user_id}, {"is_admin", session.IsAdmin()}}, data.storage());
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
    data["flash"] = json::object({{"kind", FlashKindName(session.flash->kind)},
                                  {"text", session.flash->text},
                                  {"is_error", session.flash->kind == FlashKind::kError}},
                                 data.storage());
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
  auto& state = State(ctx);
  const bool logged_in = state.session.LoggedIn();
  ApiCall with_token = call;
  const bool checked = call.is_public && state.token_accepted;
  if (logged_in && with_token.token.empty() && !checked) {
    with_token.token = state.session.token;
  }
  // live.js refetches a page because of an event: what web kept may predate it.
  if (state.live_refresh) {
    with_token.may_use_cache = false;
  }
  ApiResult result = co_await deps.api.Call(with_token, ctx);
  if (!with_token.token.empty() && result.status != 401) {
    state.token_accepted = true;
  }
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

http::Awaitable<SharedJson> FindBook(http::Context& ctx, const WebDeps& deps, std::int64_t id,
                                     std::string_view after_login) {
  const ApiCall call =
      ApiCall::Get("/books/" + std::to_string(id)).AfterLogin(std::string(after_login)).Public();
  auto result = co_await CallApi(ctx, deps, call);
  if (result.status == 404) {
    co_return nullptr;
  }
  if (!result.ok()) {
    throw http::Error(http::Status::bad_gateway, result.ErrorMessage());
  }
  co_return result.shared_body ? result.shared_body : std::make_shared<const json::value>();
}

http::Awaitable<SharedJson> LoadBook(http::Context& ctx, const WebDeps& deps, std::int64_t id) {
  const std::string here = CurrentPath(ctx);  // named: g++ 12 mishandles temporaries passed to coroutines
  SharedJson book = co_await FindBook(ctx, deps, id, here);
  if (!book) {
    throw http::NotFound("This book is not for sale (any more).");
  }
  co_return book;
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
