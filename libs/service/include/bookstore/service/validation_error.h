#pragma once
// The one failure of a service's domain layer: input that breaks a rule. The service's middleware
// (bookstore/service/errors.h) turns it into a 400 problem whose member "field" names the offending
// field, query parameter or header. Free of HTTP, so domain code may throw it.

#include <stdexcept>
#include <string>
#include <utility>

namespace bookstore {

class ValidationError : public std::invalid_argument {
 public:
  ValidationError(std::string field, const std::string& message)
      : std::invalid_argument(message), field_(std::move(field)) {}

  // The JSON field, query parameter or header at fault; empty when the body as a whole is wrong.
  [[nodiscard]] const std::string& Field() const noexcept { return field_; }

 private:
  std::string field_;
};

}  // namespace bookstore
