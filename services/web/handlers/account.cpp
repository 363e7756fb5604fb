// Accounts: GET|POST /register, GET|POST /login, POST /logout. A successful login keeps the gateway's
// token in the sealed session (never visible to scripts); logout revokes it at auth.

#include "bookstore/log/log.h"
#include "handlers/routes.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

http::Response LoginPage(http::Context& ctx, const WebDeps& deps, const std::string& email,
                         const std::string& next, const FieldErrors& errors, http::Status status) {
  json::object data{{"values", json::object{{"email", email}}}, {"next", next}};
  data["register_url"] = next == "/" ? "/register" : "/register?" + EncodeQuery({{"next", next}});
  errors.Into(data);
  return RenderPage(ctx, deps, {.page = "login", .title = "Log in", .nav = "login", .status = status},
                    std::move(data));
}

http::Response RegisterPage(http::Context& ctx, const WebDeps& deps, const json::object& values,
                            const std::string& next, const FieldErrors& errors, http::Status status) {
  json::object data{{"values", values}, {"next", next}};
  data["login_url"] = next == "/" ? "/login" : "/login?" + EncodeQuery({{"next", next}});
  errors.Into(data);
  return RenderPage(ctx, deps,
                    {.page = "register", .title = "Create your account", .nav = "register", .status = status},
                    std::move(data));
}

// Logs in through the gateway; on success the session holds the token. Returns the failed result
// otherwise.
http::Awaitable<ApiResult> LogInThroughApi(http::Context& ctx, const WebDeps& deps, const std::string& email,
                                           const std::string& password) {
  const json::object body{{"email", email}, {"password", password}};
  const ApiCall call = ApiCall::Post("/auth/login", JsonText(body));
  ApiResult result = co_await deps.api.Call(call, ctx);
  if (!result.ok()) {
    co_return result;
  }
  const std::int64_t expires_in = std::max<std::int64_t>(IntMember(result.body(), "expires_in", 3600), 1);
  LogIn(MutableSession(ctx), StringMember(result.body(), "token"), IntMember(result.body(), "user_id"),
        StringMember(result.body(), "name"), StringMember(result.body(), "role"), NowSeconds() + expires_in);
  co_return result;
}

http::Awaitable<http::Response> LoginForm(http::Context& ctx, const WebDeps& deps) {
  const std::string next = SafeLocalPath(ctx.Query("next").value_or("/"));
  if (SessionOf(ctx).LoggedIn()) {
    co_return Redirect(next);
  }
  co_return LoginPage(ctx, deps, "", next, FieldErrors(), http::Status::ok);
}

http::Awaitable<http::Response> SubmitLogin(http::Context& ctx, const WebDeps& deps) {
  const Form& form = PostedForm(ctx);
  const std::string email = form.Text("email");
  const std::string password = form.Get("password").value_or("");
  const std::string next = SafeLocalPath(form.Text("next"));
  FieldErrors errors;
  if (email.empty()) {
    errors.Add("email", "Enter your email address.");
  }
  if (password.empty()) {
    errors.Add("password", "Enter your password.");
  }
  if (!errors.empty()) {
    co_return LoginPage(ctx, deps, email, next, errors, http::Status::unprocessable_entity);
  }
  const ApiResult result = co_await LogInThroughApi(ctx, deps, email, password);
  if (!result.ok()) {
    errors.AddApiError(result, {"email", "password"});
    co_return LoginPage(ctx, deps, email, next, errors, FormStatus(result.status));
  }
  SetFlash(ctx, FlashKind::kSuccess, "Welcome back, " + SessionOf(ctx).name + ".");
  co_return Redirect(next);
}

http::Awaitable<http::Response> RegisterForm(http::Context& ctx, const WebDeps& deps) {
  const std::string next = SafeLocalPath(ctx.Query("next").value_or("/"));
  if (SessionOf(ctx).LoggedIn()) {
    co_return Redirect(next);
  }
  co_return RegisterPage(ctx, deps, json::object{}, next, FieldErrors(), http::Status::ok);
}

http::Awaitable<http::Response> SubmitRegistration(http::Context& ctx, const WebDeps& deps) {
  const Form& form = PostedForm(ctx);
  const std::string name = form.Text("name");
  const std::string email = form.Text("email");
  const std::string password = form.Get("password").value_or("");
  const std::string next = SafeLocalPath(form.Text("next"));
  const json::object values{{"name", name}, {"email", email}};
  FieldErrors errors;
  if (name.empty()) {
    errors.Add("name", "Enter your name.");
  }
  if (email.empty()) {
    errors.Add("email", "Enter your email address.");
  }
  if (password.size() < 8) {
    errors.Add("password", "Use at least 8 characters.");
  }
  if (!errors.empty()) {
    co_return RegisterPage(ctx, deps, values, next, errors, http::Status::unprocessable_entity);
  }

  const json::object body{{"name", name}, {"email", email}, {"password", password}};
  const ApiCall call = ApiCall::Post("/auth/register", JsonText(body));
  const ApiResult created = co_await deps.api.Call(call, ctx);
  if (!created.ok()) {
    errors.AddApiError(created, {"name", "email", "password"});
    if (created.status == 409 && created.ErrorField().empty()) {
      errors.Add("email", created.ErrorMessage());
    }
    co_return RegisterPage(ctx, deps, values, next, errors, FormStatus(created.status));
  }
  const ApiResult login = co_await LogInThroughApi(ctx, deps, email, password);
  if (!login.ok()) {
    SetFlash(ctx, FlashKind::kInfo, "Your account is ready. Please log in.");
    co_return Redirect("/login?" + EncodeQuery({{"next", next}}));
  }
  SetFlash(ctx, FlashKind::kSuccess,
           "Welcome to BookStore, " + SessionOf(ctx).name + "! Your account is ready.");
  co_return Redirect(next);
}

http::Awaitable<http::Response> Logout(http::Context& ctx, const WebDeps& deps) {
  const Session& session = SessionOf(ctx);
  if (session.LoggedIn()) {
    const ApiCall call = ApiCall::Post("/auth/logout").WithToken(session.token);
    const ApiResult result = co_await deps.api.Call(call, ctx);
    if (!result.ok() && result.status != 401) {
      log::Warn("logout was not confirmed by auth", http::RequestLogFields(ctx, {{"status", result.status}}));
    }
  }
  LogOut(MutableSession(ctx), NowSeconds());
  SetFlash(ctx, FlashKind::kSuccess, "You have been logged out. See you soon!");
  co_return Redirect("/");
}

}  // namespace

void AddAccountPages(http::Server& server, const WebDeps& deps) {
  server.Get("/login", WithDeps<LoginForm>(deps));
  server.Post("/login", WithDeps<SubmitLogin>(deps));
  server.Get("/register", WithDeps<RegisterForm>(deps));
  server.Post("/register", WithDeps<SubmitRegistration>(deps));
  server.Post("/logout", WithDeps<Logout>(deps));
}

}  // namespace bookstore::web
