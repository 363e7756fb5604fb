#include "handlers/middleware.h"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <optional>
#include <stdexcept>
#include <variant>

#include "bookstore/http/error.h"
#include "bookstore/log/log.h"
#include "session/cookie.h"
#include "session/csrf.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

std::string UrlEncode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string_view Title(http::Status status) {
  switch (status) {
    case http::Status::bad_request:
      return "That request didn't look right";
    case http::Status::forbidden:
      return "You can't do that";
    case http::Status::not_found:
      return "Page not found";
    case http::Status::method_not_allowed:
      return "That page can't be used this way";
    case http::Status::too_many_requests:
      return "Slow down a little";
    case http::Status::service_unavailable:
      return "We'll be right back";
    case http::Status::gateway_timeout:
      return "This is taking too long";
    default:
      break;
  }
  return "Something went wrong";
}

// A POST whose CSRF token is missing or wrong.
class CsrfRejected : public std::exception {
 public:
  [[nodiscard]] const char* what() const noexcept override { return "csrf token rejected"; }
};

}  // namespace

http::Response ErrorPage(http::Context& ctx, const WebDeps& deps, http::Status status, std::string message,
                         std::string title) {
  json::object data{{"status", static_cast<int>(status)}, {"message", std::move(message)}};
  data["is_not_found"] = status == http::Status::not_found;
  if (title.empty()) {
    title = Title(status);
  }
  return RenderPage(ctx, deps, PageSpec{.page = "error", .title = std::move(title), .status = status},
                    std::move(data));
}

http::Middleware SecurityHeaders() {
  return [](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    http::Response response = co_await next(ctx);
    response.set("Content-Security-Policy", kContentSecurityPolicy);
    response.set("X-Content-Type-Options", "nosniff");
    response.set("X-Frame-Options", "DENY");
    response.set("Referrer-Policy", "same-origin");
    response.set("Cross-Origin-Opener-Policy", "same-origin");
    response.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    if (const auto* state = ctx.Get<std::shared_ptr<RequestState>>("web_state"); state && (*state)->secure) {
      response.set("Strict-Transport-Security", "max-age=31536000");
    }
    co_return response;
  };
}

http::Middleware Sessions(const WebDeps& deps, const http::TrustedProxies& proxies, bool tls) {
  return [&deps, &proxies, tls](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    if (ctx.route().starts_with("/static/") || ctx.route() == "/favicon.ico") {
      co_return co_await next(ctx);
    }
    auto& state = State(ctx);
    const auto& request = ctx.request();
    state.secure = tls;
    if (proxies.Contains(ctx.remote_address()) && request["X-Forwarded-Proto"] == "https") {
      state.secure = true;
    }
    ctx.Set("client_address",
            http::ResolveClientAddress(ctx.remote_address(), request["X-Forwarded-For"], proxies));
    state.live_refresh = request["X-Live-Refresh"] == "1";

    const std::int64_t now = NowSeconds();
    std::optional<Session> opened;
    if (const auto cookie = FindCookie(request[http::Field::cookie], kSessionCookieName)) {
      opened = deps.sealer.Open(*cookie, now);
    }
    if (opened) {
      state.session = std::move(*opened);
    } else {
      state.session = NewSession(now);
      state.dirty = true;
    }

    http::Response response = co_await next(ctx);
    if (state.dirty && !ctx.streaming()) {
      Session& session = state.session;
      if (!session.LoggedIn()) {
        session.expires_at = now + kAnonymousSessionSeconds;
      }
      response.set(http::Field::set_cookie,
                   SessionCookie(deps.sealer.Seal(session), session.expires_at - now, state.secure));
    }
    co_return response;
  };
}

http::Middleware ErrorPages(const WebDeps& deps) {
  return [&deps](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    // No co_await inside a catch block: remember what happened, answer after it.
    std::optional<LoginRequired> login;
    std::optional<std::pair<http::Status, std::string>> failure;
    bool csrf_rejected = false;
    try {
      co_return co_await next(ctx);
    } catch (const LoginRequired& e) {
      login = e;
    } catch (const CsrfRejected&) {
      csrf_rejected = true;
    } catch (const http::Error& e) {
      failure.emplace(e.status(), e.detail());
    } catch (const http::UpstreamError& e) {
      log::Warn("gateway call failed", http::RequestLogFields(ctx, {{"error", e.what()}}));
      if (e.kind() == http::UpstreamError::Kind::kConnect) {
        failure.emplace(http::Status::service_unavailable,
                        "The store can't be reached right now. Please try again in a minute.");
      } else if (ctx.method() == http::Verb::post) {
        failure.emplace(http::Status::gateway_timeout,
                        "We could not confirm whether that went through. Please check your orders or books "
                        "before trying again.");
      } else {
        failure.emplace(http::Status::gateway_timeout,
                        "The store took too long to answer. Please try again.");
      }
    }
    if (login) {
      SetFlash(
          ctx, login->expired() ? FlashKind::kError : FlashKind::kInfo,
          login->expired() ? "Your session has expired. Please log in again." : "Please log in to continue.");
      co_return Redirect("/login?next=" + UrlEncode(SafeLocalPath(login->next(), "/")));
    }
    if (csrf_rejected) {
      co_return ErrorPage(
          ctx, deps, http::Status::forbidden,
          "This form has expired or was not sent from this site, so nothing was changed. Go back, "
          "reload the page and try again.",
          "This form has expired");
    }
    co_return ErrorPage(ctx, deps, failure->first, failure->second);
  };
}

http::Middleware CsrfCheck() {
  return [](http::Context& ctx, http::Next next) -> http::Awaitable<http::Response> {
    if (ctx.method() == http::Verb::post) {
      auto& state = State(ctx);
      const auto content_type = ctx.request()[http::Field::content_type];
      std::optional<Form> form = Form();
      if (content_type.starts_with("application/x-www-form-urlencoded")) {
        form = Form::Parse(ctx.request().body());
      }
      if (!form) {
        throw http::BadRequest("The form could not be read. Please go back and try again.");
      }
      state.form = std::move(*form);
      if (!CsrfTokenValid(state.session, state.form.Get(kCsrfField))) {
        log::Info("csrf token rejected", http::RequestLogFields(ctx, {{"path", std::string(ctx.path())}}));
        throw CsrfRejected();
      }
    }
    co_return co_await next(ctx);
  };
}

}  // namespace bookstore::web
