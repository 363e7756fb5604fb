// The web front end's session cookie and CSRF token (services/web/session, views/form): what the Sessions
// and CsrfCheck middleware do with a request's Cookie header and POSTed form, and the session JSON the
// sealed cookie carries. One session key; "now" is 1700000000.
//
// Input: three parts separated by the first two newlines:
//   <Cookie header value>\n<form body (application/x-www-form-urlencoded)>\n<session JSON>
//
// Invariants:
// - FindCookie returns a piece of the header; SessionSealer::Open never throws, and what it opens has
//   not expired and has a CSRF token;
// - a session SessionFromJson accepts keeps its cart, CSRF token, expiry and flash through
//   SessionToJson, and reading that again changes nothing; sealed (when it fits in a cookie) and found
//   again in a Cookie header, it opens to the same session while it has not expired;
// - the CSRF check passes exactly when the form's _csrf equals the session's (non-empty) token;
// - SafeLocalPath only ever gives the fallback or a path on this site.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "check.h"
#include "session/cookie.h"
#include "session/csrf.h"
#include "session/sealer.h"
#include "session/session.h"
#include "views/form.h"

namespace {

namespace web = bookstore::web;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::size_t kMaxCookieChars = 8192;  // what SessionSealer::Open reads at most

const web::SessionSealer& Sealer() {
  static const web::SessionSealer sealer(
      {web::ParseSessionKey("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")});
  return sealer;
}

std::string_view NextPart(std::string_view& rest) {
  const auto newline = rest.find('\n');
  const std::string_view part = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return part;
}

bool OnThisSite(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return false;
  for (const char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return false;
  }
  return true;
}

void CheckSessionJson(std::string_view text) {
  const auto session = web::SessionFromJson(text);
  if (!session) return;
  FUZZ_CHECK(!session->csrf.empty(), "a session always has a CSRF token");
  const auto normal = web::SessionFromJson(web::SessionToJson(*session));
  FUZZ_CHECK(normal.has_value(), "SessionToJson writes a session SessionFromJson reads");
  FUZZ_CHECK(normal->cart == session->cart && normal->csrf == session->csrf &&
                 normal->expires_at == session->expires_at && normal->flash == session->flash &&
                 normal->LoggedIn() == session->LoggedIn(),
             "a session keeps its cart, token, expiry, flash and login through JSON");
  if (session->LoggedIn()) FUZZ_CHECK(*normal == *session, "a logged-in session survives JSON whole");
  FUZZ_CHECK(web::SessionFromJson(web::SessionToJson(*normal)) == normal, "JSON of a read session is stable");

  const std::string sealed = Sealer().Seal(*normal);
  const auto opened = Sealer().Open(sealed, kNow);
  if (normal->expires_at <= kNow) {
    FUZZ_CHECK(!opened.has_value(), "an expired session does not open");
  } else if (sealed.size() <= kMaxCookieChars) {
    FUZZ_CHECK(opened == normal, "Open(Seal(s)) == s");
    const std::string header = "theme=dark; " + web::SessionCookie(sealed, 3600, true);
    const auto found = web::FindCookie(header, web::kSessionCookieName);
    FUZZ_CHECK(found && *found == sealed, "the cookie written is the cookie found");
    FUZZ_CHECK(web::CsrfTokenValid(*normal, normal->csrf), "a session's own token passes the CSRF check");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view cookie_header = NextPart(rest);
  const std::string_view form_body = NextPart(rest);
  const std::string_view session_json = rest;

  // Sessions: the cookie, opened, or a new session.
  std::optional<web::Session> session;
  if (const auto cookie = web::FindCookie(cookie_header, web::kSessionCookieName)) {
    FUZZ_CHECK(
        cookie->empty() || (cookie->data() >= cookie_header.data() &&
                            cookie->data() + cookie->size() <= cookie_header.data() + cookie_header.size()),
        "FindCookie returns a piece of the header");
    session = Sealer().Open(*cookie, kNow);
    FUZZ_CHECK(!session || (session->expires_at > kNow && !session->csrf.empty()),
               "an opened session is current and has a CSRF token");
  }
  if (!session) session = web::NewSession(kNow);

  // CsrfCheck: the form and its _csrf field.
  if (const auto form = web::Form::Parse(form_body)) {
    const auto submitted = form->Get(web::kCsrfField);
    const bool valid = web::CsrfTokenValid(*session, submitted);
    FUZZ_CHECK(valid == (submitted && !session->csrf.empty() && *submitted == session->csrf),
               "the CSRF check passes exactly for the session's token");
    const std::string next = web::SafeLocalPath(form->Get("next").value_or(""), "/");
    FUZZ_CHECK(next == "/" || OnThisSite(next), "SafeLocalPath stays on this site");
  }
  const std::string next = web::SafeLocalPath(form_body, "/cart");
  FUZZ_CHECK(next == "/cart" || OnThisSite(next), "SafeLocalPath stays on this site");

  CheckSessionJson(session_json);
  return 0;
}
