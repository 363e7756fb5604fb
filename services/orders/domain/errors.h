#pragma once
// Bad input found by the domain rules; handlers/errors.cpp maps it to a 400 problem naming the field.

#include <stdexcept>
#include <string>
#include <utility>

namespace bookstore::orders {

class ValidationError : public std::invalid_argument {
 public:
  ValidationError(std::string field, const std::string& message)
      : std::invalid_argument(message), field_(std::move(field)) {}
  [[nodiscard]] const std::string& Field() const noexcept { return field_; }

 private:
  std::string field_;  // the JSON field or header at fault; "" for the body as a whole
};

// An event whose data does not have the shape docs/events.md gives it (the consumer refuses it).
class MalformedEvent : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace bookstore::orders
