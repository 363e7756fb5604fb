#include "repository/user_repository.h"

#include <stdexcept>

namespace bookstore::auth_service::repository {

namespace {

constexpr std::string_view kUserColumns = "id, name, email, role, password_hash, created_at";

User UserFromRow(const db::Row& row) {
  User user;
  user.id = row.Int(0);
  user.name = row.String(1);
  user.email = row.String(2);
  auto role = auth::ParseRole(row.String(3));
  if (!role) throw std::runtime_error("users.role holds an unknown role: " + row.String(3));
  user.role = *role;
  user.password_hash = row.String(4);
  auto created_at = ParseDbTime(row.String(5));
  if (!created_at) throw std::runtime_error("users.created_at is not a DATETIME: " + row.String(5));
  user.created_at = *created_at;
  return user;
}

std::string Select(std::string_view rest) {
  return "SELECT " + std::string(kUserColumns) + " FROM users " + std::string(rest);
}

}  // namespace

std::int64_t InsertUser(db::Connection& c, const NewUser& user) {
  auto result = c.Execute(
      "INSERT INTO users (name, email, email_normalized, role, password_hash, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {user.name, user.email, user.normalized_email, std::string(auth::RoleName(user.role)),
       user.password_hash, FormatDbTime(user.created_at)});
  return static_cast<std::int64_t>(result.insert_id);
}

std::optional<User> FindUserByEmail(db::Connection& c, std::string_view normalized_email) {
  static const std::string sql = Select("WHERE email_normalized = ?");
  auto row = c.QueryOne(sql, {normalized_email});
  if (!row) return std::nullopt;
  return UserFromRow(*row);
}

std::optional<User> FindUserById(db::Connection& c, std::int64_t id) {
  static const std::string sql = Select("WHERE id = ?");
  auto row = c.QueryOne(sql, {id});
  if (!row) return std::nullopt;
  return UserFromRow(*row);
}

std::vector<User> ListUsers(db::Connection& c, std::int64_t limit, std::int64_t offset) {
  static const std::string sql = Select("ORDER BY id LIMIT ? OFFSET ?");
  std::vector<User> users;
  for (const auto& row : c.Query(sql, {limit, offset})) users.push_back(UserFromRow(row));
  return users;
}

std::int64_t CountUsers(db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM users")->Int(0); }

bool PromoteToAdmin(db::Connection& c, std::int64_t id, std::string_view password_hash) {
  return c.Execute("UPDATE users SET role = 'admin', password_hash = ? WHERE id = ? AND role <> 'admin'",
                   {password_hash, id})
             .affected_rows > 0;
}

void UpdatePasswordHash(db::Connection& c, std::int64_t id, std::string_view password_hash) {
  c.Execute("UPDATE users SET password_hash = ? WHERE id = ?", {password_hash, id});
}

}  // namespace bookstore::auth_service::repository
