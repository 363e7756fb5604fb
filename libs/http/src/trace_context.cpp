#include "bookstore/http/trace_context.h"

#include <span>

#include "bookstore/http/context.h"
#include "wire.h"

namespace bookstore::http {
namespace {

constexpr std::size_t kLength = 55;
constexpr std::size_t kTraceIdBegin = 3, kTraceIdEnd = 35, kParentIdBegin = 36, kParentIdEnd = 52;

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool AllZeros(std::string_view text) { return text.find_first_not_of('0') == std::string_view::npos; }

}  // namespace

std::optional<std::string_view> ValidTraceparent(std::string_view value) {
  if (value.size() != kLength || !value.starts_with("00-")) return std::nullopt;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const bool dash = i == 2 || i == kTraceIdEnd || i == kParentIdEnd;
    if (dash ? value[i] != '-' : !IsLowerHex(value[i])) return std::nullopt;
  }
  if (AllZeros(value.substr(kTraceIdBegin, kTraceIdEnd - kTraceIdBegin)) ||
      AllZeros(value.substr(kParentIdBegin, kParentIdEnd - kParentIdBegin))) {
    return std::nullopt;
  }
  return value;
}

std::string TraceparentOf(const Context& ctx) {
  const auto header = ctx.request().find("traceparent");
  if (header == ctx.request().end()) return {};
  const auto value = header->value();
  const auto valid = ValidTraceparent(std::string_view(value.data(), value.size()));
  return valid ? std::string(*valid) : std::string();
}

std::string NewTraceparent() {
  std::string traceparent = "00-00000000000000000000000000000000-0000000000000000-01";
  const std::span<char> text(traceparent);
  // All zeros (invalid) has probability 2^-128 and 2^-64.
  detail::FillRandomHex(text.subspan(kTraceIdBegin, kTraceIdEnd - kTraceIdBegin));
  detail::FillRandomHex(text.subspan(kParentIdBegin, kParentIdEnd - kParentIdBegin));
  return traceparent;
}

std::string_view TraceIdOf(std::string_view traceparent) {
  if (!ValidTraceparent(traceparent)) return {};
  return traceparent.substr(kTraceIdBegin, kTraceIdEnd - kTraceIdBegin);
}

}  // namespace bookstore::http
