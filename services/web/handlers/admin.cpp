// Administration: GET /admin/users, the user list (admins only; auth decides, web only hides the link).

#include <boost/json/array.hpp>

#include "bookstore/http/error.h"
#include "handlers/routes.h"

namespace bookstore::web {
namespace {

http::Awaitable<http::Response> UsersPage(http::Context& ctx, const WebDeps& deps) {
  RequireLogin(ctx, "/admin/users");
  const ApiCall call = ApiCall::Get("/users").AfterLogin("/admin/users");
  const auto result = co_await CallApi(ctx, deps, call);
  if (result.status == 403) {
    throw http::Forbidden("Only administrators can see the list of users.");
  }
  if (!result.ok()) {
    throw http::Error(http::Status::bad_gateway, result.ErrorMessage());
  }
  boost::json::array users;
  if (const auto* list = result.body().if_array()) {
    for (const auto& user : *list) {
      const std::string role = StringMember(user, "role");
      users.push_back(boost::json::object{{"id", IntMember(user, "id")},
                                          {"name", StringMember(user, "name")},
                                          {"email", StringMember(user, "email")},
                                          {"role", role},
                                          {"is_admin", role == "admin"},
                                          {"joined", FormatDate(StringMember(user, "created_at"))}});
    }
  }
  boost::json::object data{{"count", users.size()}, {"users", std::move(users)}};
  co_return RenderPage(ctx, deps, {.page = "admin_users", .title = "Users", .nav = "admin"}, std::move(data));
}

}  // namespace

void AddAdminPages(http::Server& server, const WebDeps& deps) {
  server.Get("/admin/users", WithDeps<UsersPage>(deps));
}

}  // namespace bookstore::web
