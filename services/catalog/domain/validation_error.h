#pragma once
// The one failure of the domain layer: input that breaks a rule. Handlers turn it into a 400 problem
// whose member "field" names the offending field (or query parameter).

#include <stdexcept>
#include <string>

namespace bookstore::catalog {

class ValidationError : public std::runtime_error {
 public:
  ValidationError(std::string field, const std::string& message)
      : std::runtime_error(message), field_(std::move(field)) {}

  // The JSON field or query parameter at fault; empty when the body as a whole is wrong.
  [[nodiscard]] const std::string& Field() const noexcept { return field_; }

 private:
  std::string field_;
};

}  // namespace bookstore::catalog
