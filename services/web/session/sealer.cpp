#include "session/sealer.h"

#include <sodium.h>

#include <stdexcept>

#include "bookstore/auth/base64url.h"
#include "bookstore/auth/sodium.h"
#include "bookstore/text/utf8.h"

namespace bookstore::web {
namespace {

// Well above any real session (a token, a cart of 100 lines, a flash), well below a header limit.
constexpr std::size_t kMaxCookieChars = 8192;

std::optional<std::vector<unsigned char>> DecodeBase64(std::string_view text, int variant) {
  if (text.empty()) {
    return std::vector<unsigned char>();  // libsodium must not get the null data() of an empty vector
  }
  std::vector<unsigned char> out(text.size());
  std::size_t length = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        variant) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::optional<std::vector<unsigned char>> DecodeHex(std::string_view text) {
  std::vector<unsigned char> out(text.size() / 2 + 1);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace

SessionKey ParseSessionKey(std::string_view text) {
  auth::EnsureSodium();
  text = text::TrimAsciiWhitespace(text);
  std::optional<std::vector<unsigned char>> bytes;
  if (text.size() == 64) {
    bytes = DecodeHex(text);
  }
  for (const int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                            sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    if (bytes && bytes->size() == 32) {
      break;
    }
    bytes = DecodeBase64(text, variant);
  }
  if (!bytes || bytes->size() != 32) {
    throw std::invalid_argument("a session key must be 32 bytes, as 64 hex digits or base64");
  }
  SessionKey key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

SessionKey RandomSessionKey() {
  auth::EnsureSodium();
  SessionKey key{};
  crypto_secretbox_keygen(key.data());
  return key;
}

SessionSealer::SessionSealer(std::vector<SessionKey> keys) : keys_(std::move(keys)) {
  auth::EnsureSodium();
  if (keys_.empty()) {
    throw std::invalid_argument("at least one session key is needed");
  }
}

SessionSealer::~SessionSealer() {
  for (auto& key : keys_) {
    sodium_memzero(key.data(), key.size());
  }
}

std::string SessionSealer::Seal(const Session& session) const {
  const std::string plain = SessionToJson(session);
  std::vector<unsigned char> sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size());
  unsigned char* nonce = sealed.data();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(sealed.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        keys_.front().data());
  return auth::Base64UrlEncode(sealed);
}

std::optional<Session> SessionSealer::Open(std::string_view cookie_value, std::int64_t now) const {
  if (cookie_value.size() > kMaxCookieChars) {
    return std::nullopt;
  }
  const auto sealed = auth::Base64UrlDecode(cookie_value);
  if (!sealed || sealed->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed->data());
  const unsigned char* cipher = nonce + crypto_secretbox_NONCEBYTES;
  const std::size_t cipher_size = sealed->size() - crypto_secretbox_NONCEBYTES;
  std::string plain(cipher_size - crypto_secretbox_MACBYTES, '\0');
  for (const auto& key : keys_) {
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), cipher, cipher_size, nonce,
                                   key.data()) != 0) {
      continue;
    }
    auto session = SessionFromJson(plain);
    if (!session || session->expires_at <= now) {
      return std::nullopt;
    }
    return session;
  }
  return std::nullopt;
}

}  // namespace bookstore::web
