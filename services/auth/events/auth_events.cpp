#include "events/auth_events.h"

#include <boost/json/object.hpp>

namespace bookstore::auth_service::events {

bus::Event UserRegistered(const User& user, std::string traceparent) {
  boost::json::object data{{"user_id", user.id},
                           {"name", user.name},
                           {"role", auth::RoleName(user.role)},
                           {"created_at", FormatRfc3339(user.created_at)}};
  return bus::MakeEvent("user.registered", std::string(kSource), std::move(data), std::move(traceparent));
}

bus::Event TokenRevoked(std::string_view jti, std::int64_t user_id, std::chrono::sys_seconds expires_at,
                        std::string traceparent) {
  boost::json::object data{
      {"jti", jti}, {"user_id", user_id}, {"exp", expires_at.time_since_epoch().count()}};
  return bus::MakeEvent("auth.token_revoked", std::string(kSource), std::move(data), std::move(traceparent));
}

}  // namespace bookstore::auth_service::events
