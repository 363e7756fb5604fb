#pragma once
// HTML form bodies (application/x-www-form-urlencoded) and the small parsers the pages share.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bookstore::web {

class Form {
 public:
  Form() = default;
  // Decodes "a=1&b=x+y&c=%C3%A9" ('+' is a space). Returns nullopt for a malformed body (bad escape).
  static std::optional<Form> Parse(std::string_view body);

  // The first value of `name`, or nullopt.
  [[nodiscard]] std::optional<std::string> Get(std::string_view name) const;
  // The first value of `name`, trimmed of surrounding whitespace; "" when absent.
  [[nodiscard]] std::string Text(std::string_view name) const;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& Fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// A whole decimal number (optionally surrounded by spaces) within [min, max]; nullopt otherwise.
std::optional<std::int64_t> ParseInteger(std::string_view text, std::int64_t min, std::int64_t max);

// Trims ASCII whitespace at both ends.
std::string Trim(std::string_view text);

// "a=1&b=x%20y" from name/value pairs (every character but the unreserved ones percent-encoded).
std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& params);

// `next` when it is a path on this site ("/cart", "/books?q=x"), else `fallback`: never a redirect to
// another site ("//evil.example", "https://...", "/\evil").
std::string SafeLocalPath(std::string_view next, std::string_view fallback = "/");

}  // namespace bookstore::web
