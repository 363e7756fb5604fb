#include "session/session.h"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "bookstore/auth/sodium.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

// Bounds that keep a forged-but-authentic (old key) or buggy cookie from blowing up a page.
constexpr std::size_t kMaxCookieCartLines = 100;
constexpr std::size_t kMaxTextChars = 4096;

std::optional<FlashKind> ParseFlashKind(std::string_view name) {
  if (name == "success") {
    return FlashKind::kSuccess;
  }
  if (name == "error") {
    return FlashKind::kError;
  }
  if (name == "info") {
    return FlashKind::kInfo;
  }
  return std::nullopt;
}

const json::value* Member(const json::object& object, std::string_view key) {
  return object.if_contains(key);
}

bool ReadString(const json::object& object, std::string_view key, std::string& out) {
  const auto* value = Member(object, key);
  if (value == nullptr) {
    return true;  // absent: keep the default
  }
  if (!value->is_string() || value->as_string().size() > kMaxTextChars) {
    return false;
  }
  out = std::string(value->as_string());
  return true;
}

bool ReadInt(const json::object& object, std::string_view key, std::int64_t& out) {
  const auto* value = Member(object, key);
  if (value == nullptr) {
    return true;
  }
  if (!value->is_int64()) {
    return false;
  }
  out = value->as_int64();
  return true;
}

bool ReadCart(const json::object& object, std::vector<CartLine>& out) {
  const auto* value = Member(object, "c");
  if (value == nullptr) {
    return true;
  }
  if (!value->is_array() || value->as_array().size() > kMaxCookieCartLines) {
    return false;
  }
  for (const auto& item : value->as_array()) {
    if (!item.is_array() || item.as_array().size() != 2) {
      return false;
    }
    const auto& pair = item.as_array();
    if (!pair[0].is_int64() || !pair[1].is_int64()) {
      return false;
    }
    const CartLine line{pair[0].as_int64(), pair[1].as_int64()};
    if (line.book_id <= 0 || line.quantity <= 0) {
      return false;
    }
    out.push_back(line);
  }
  return true;
}

bool ReadFlash(const json::object& object, std::optional<Flash>& out) {
  const auto* value = Member(object, "f");
  if (value == nullptr) {
    return true;
  }
  if (!value->is_object()) {
    return false;
  }
  const auto& flash = value->as_object();
  std::string kind;
  Flash result;
  if (!ReadString(flash, "k", kind) || !ReadString(flash, "m", result.text)) {
    return false;
  }
  const auto parsed = ParseFlashKind(kind);
  if (!parsed) {
    return false;
  }
  result.kind = *parsed;
  out = std::move(result);
  return true;
}

}  // namespace

std::string_view FlashKindName(FlashKind kind) {
  switch (kind) {
    case FlashKind::kSuccess:
      return "success";
    case FlashKind::kError:
      return "error";
    case FlashKind::kInfo:
      break;
  }
  return "info";
}

std::string SubmittedKeyOrFresh(std::string_view submitted) {
  const auto key_character = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  };
  if (submitted.size() < 16 || submitted.size() > 64 ||
      !std::all_of(submitted.begin(), submitted.end(), key_character)) {
    return auth::RandomToken();
  }
  return std::string(submitted);
}

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Session NewSession(std::int64_t now) {
  Session session;
  session.csrf = auth::RandomToken();
  session.expires_at = now + kAnonymousSessionSeconds;
  return session;
}

void LogIn(Session& session, std::string token, std::int64_t user_id, std::string name, std::string role,
           std::int64_t token_expires_at) {
  session.token = std::move(token);
  session.user_id = user_id;
  session.name = std::move(name);
  session.role = std::move(role);
  session.expires_at = token_expires_at;
  session.csrf = auth::RandomToken();
}

void LogOut(Session& session, std::int64_t now) {
  auto flash = std::move(session.flash);
  session = NewSession(now);
  session.flash = std::move(flash);
}

std::string SessionToJson(const Session& session) {
  json::object out;
  out["v"] = 1;
  if (session.LoggedIn()) {
    out["t"] = session.token;
    out["u"] = session.user_id;
    out["n"] = session.name;
    out["r"] = session.role;
  }
  out["e"] = session.expires_at;
  if (!session.cart.empty()) {
    json::array cart;
    for (const auto& line : session.cart) {
      cart.push_back(json::array{line.book_id, line.quantity});
    }
    out["c"] = std::move(cart);
  }
  out["x"] = session.csrf;
  if (session.flash) {
    out["f"] = json::object{{"k", FlashKindName(session.flash->kind)}, {"m", session.flash->text}};
  }
  return json::serialize(out);
}

std::optional<Session> SessionFromJson(std::string_view text) {
  // Opened on every request: parsed into memory on the stack (a session is well under it; a larger one,
  // a cart of 100 lines, continues on the heap) instead of an allocation per value.
  std::array<unsigned char, 2048> buffer{};
  json::monotonic_resource memory(buffer.data(), buffer.size());
  boost::system::error_code ec;
  const json::value parsed = json::parse(text, ec, json::storage_ptr(&memory));
  if (ec || !parsed.is_object()) {
    return std::nullopt;
  }
  const auto& object = parsed.as_object();
  const auto* version = Member(object, "v");
  if (version == nullptr || !version->is_int64() || version->as_int64() != 1) {
    return std::nullopt;
  }
  Session session;
  if (!ReadString(object, "t", session.token) || !ReadInt(object, "u", session.user_id) ||
      !ReadString(object, "n", session.name) || !ReadString(object, "r", session.role) ||
      !ReadInt(object, "e", session.expires_at) || !ReadCart(object, session.cart) ||
      !ReadString(object, "x", session.csrf) || !ReadFlash(object, session.flash)) {
    return std::nullopt;
  }
  if (session.csrf.empty()) {
    return std::nullopt;
  }
  return session;
}

}  // namespace bookstore::web
