#include "wire.h"

#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <random>
#include <span>

#include "bookstore/http/trace_context.h"

namespace bookstore::http::detail {
namespace {

constexpr std::string_view kTraceparentHeader = "traceparent";

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

constexpr std::size_t kMaxRequestIdLength = 128;

}  // namespace

// RFC 9110 IMF-fixdate, formatted once per second per thread.
std::string_view HttpDate() {
  thread_local std::time_t cached = -1;
  thread_local std::array<char, 40> text{};
  thread_local std::size_t length = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cached) {
    static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    const int n = std::snprintf(text.data(), text.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                                kDays.at(static_cast<std::size_t>(tm.tm_wday)), tm.tm_mday,
                                kMonths.at(static_cast<std::size_t>(tm.tm_mon)), tm.tm_year + 1900,
                                tm.tm_hour, tm.tm_min, tm.tm_sec);
    length = n > 0 ? static_cast<std::size_t>(n) : 0;
    cached = now;
  }
  return {text.data(), length};
}

void FillRandomHex(std::span<char> out) {
  thread_local std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 16 == 0) bits = rng();
    out[i] = kHex[bits & 0xF];
    bits >>= 4;
  }
}

std::string NewRequestId() {
  std::string id(32, '0');
  FillRandomHex(id);
  return id;
}

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (const char c : id) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

void ContinueOrStartTrace(Request& req) {
  const auto it = req.find(kTraceparentHeader);
  if (it != req.end() && ValidTraceparent({it->value().data(), it->value().size()})) return;
  req.set(kTraceparentHeader, NewTraceparent());
}

std::string RequestIdFor(const Request& req) {
  const auto it = req.find(kRequestIdHeader);
  if (it != req.end() && SaneRequestId(it->value())) return std::string(it->value());
  return NewRequestId();
}

std::string RemoteAddressOf(const tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

namespace {

// "Name: value\r\n" for every field in order, then the blank line: how Beast's serializer ends a head.
template <typename Fields>
void AppendFieldsAndBlankLine(const Fields& fields, std::string& out) {
  for (const auto& field : fields) {
    const auto name = field.name_string();
    const auto value = field.value();
    out.append(name.data(), name.size());
    out += ": ";
    out.append(value.data(), value.size());
    out += "\r\n";
  }
  out += "\r\n";
}

char Digit(unsigned n) { return static_cast<char>('0' + n % 10); }

}  // namespace

void AppendResponseHead(const Response& response, std::string& out) {
  const unsigned version = response.version();
  const unsigned code = response.result_int();
  const std::array<char, 13> status_line{'H',
                                         'T',
                                         'T',
                                         'P',
                                         '/',
                                         Digit(version / 10),
                                         '.',
                                         Digit(version),
                                         ' ',
                                         Digit(code / 100),
                                         Digit(code / 10),
                                         Digit(code),
                                         ' '};
  out.append(status_line.data(), status_line.size());
  const auto reason = response.reason();
  out.append(reason.data(), reason.size());
  out += "\r\n";
  AppendFieldsAndBlankLine(response, out);
}

void AppendRequestHead(const Request& request, std::string& out) {
  const auto method = request.method_string();
  const auto target = request.target();
  const unsigned version = request.version();
  out.append(method.data(), method.size());
  out += ' ';
  out.append(target.data(), target.size());
  const std::array<char, 11> version_end{
      ' ', 'H', 'T', 'T', 'P', '/', Digit(version / 10), '.', Digit(version), '\r', '\n'};
  out.append(version_end.data(), version_end.size());
  AppendFieldsAndBlankLine(request, out);
}

namespace {

template <typename Name>
void SetUnlessEqual(Response& response, Name name, std::string_view value) {
  const auto [first, last] = response.equal_range(name);
  if (first != last && std::next(first) == last && first->value() == value) return;
  response.set(name, value);
}

}  // namespace

void SetFieldValue(Response& response, std::string_view name, std::string_view value) {
  SetUnlessEqual(response, name, value);
}

void SetFieldValue(Response& response, Field name, std::string_view value) {
  SetUnlessEqual(response, name, value);
}

void PreparePayload(Response& response) {
  if (!IsBodyless(response.result()) && response.find(Field::transfer_encoding) == response.end()) {
    std::array<char, 24> digits{};
    const auto [end, error] =
        std::to_chars(digits.data(), digits.data() + digits.size(), response.body().size());
    const std::string_view size(digits.data(), static_cast<std::size_t>(end - digits.data()));
    const auto [first, last] = response.equal_range(Field::content_length);
    if (first != last && std::next(first) == last && first->value() == size) return;
  }
  response.prepare_payload();
}

bool IsBodyless(Status status) {
  const auto code = static_cast<unsigned>(status);
  return (code >= 100 && code < 200) || status == Status::no_content || status == Status::not_modified;
}

// RFC 9112 §6.1: a request whose Transfer-Encoding is anything but "chunked" has a body of unknown length;
// the only safe answer is 400 and closing (taking it as bodiless would parse the body as the next request).
// Exactly one coding: Beast frames "chunked, chunked" (chunked applied twice, which §7.1 forbids) as no
// body at all, so its chunks would be read as the next request (found by fuzz/http_request.cpp).
bool HasUnsupportedTransferCoding(const Request& request) {
  const auto field = request.find(Field::transfer_encoding);
  if (field == request.end()) return false;
  std::size_t codings = 0;
  for (const auto& coding : bhttp::token_list(field->value())) {
    if (!beast::iequals(coding, "chunked")) return true;
    ++codings;
  }
  return codings != 1;
}

bool IsHttpProtocolError(const beast::error_code& ec) {
  static const auto& category = bhttp::make_error_code(bhttp::error::bad_method).category();
  return ec.category() == category && ec != bhttp::error::end_of_stream &&
         ec != bhttp::error::partial_message;
}

}  // namespace bookstore::http::detail
