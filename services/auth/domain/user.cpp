#include "domain/user.h"

#include <array>
#include <cstdio>

namespace bookstore::auth_service {

boost::json::object UserJson(const User& user) {
  return boost::json::object{{"id", user.id},
                             {"name", user.name},
                             {"email", user.email},
                             {"role", auth::RoleName(user.role)},
                             {"created_at", FormatRfc3339(user.created_at)}};
}

namespace {

std::string Format(std::chrono::sys_seconds time, const char* pattern) {
  auto days = std::chrono::floor<std::chrono::days>(time);
  std::chrono::year_month_day date{days};
  std::chrono::hh_mm_ss clock{time - days};
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), pattern, static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer.data();
}

}  // namespace

std::string FormatRfc3339(std::chrono::sys_seconds time) {
  return Format(time, "%04d-%02u-%02uT%02d:%02d:%02dZ");
}

std::string FormatDbTime(std::chrono::sys_seconds time) {
  return Format(time, "%04d-%02u-%02u %02d:%02d:%02d");
}

std::optional<std::chrono::sys_seconds> ParseDbTime(std::string_view text) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  char tail = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2u-%2u %2d:%2d:%2d%c", &year, &month, &day, &hour, &minute, &second,
                  &tail) != 6) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59 || hour < 0 || minute < 0 || second < 0) {
    return std::nullopt;
  }
  return std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

BootstrapAction DecideBootstrap(std::optional<auth::Role> existing_role) {
  if (!existing_role) return BootstrapAction::kCreate;
  return *existing_role == auth::Role::kAdmin ? BootstrapAction::kKeep : BootstrapAction::kPromote;
}

}  // namespace bookstore::auth_service
