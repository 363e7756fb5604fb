#pragma once
// The domain's failures: bad input (bookstore::ValidationError, shared by every service: a 400 problem
// naming the field) and events that do not have their documented shape.

#include <stdexcept>

#include "bookstore/service/validation_error.h"

namespace bookstore::orders {

// An event whose data does not have the shape docs/events.md gives it (the consumer refuses it).
class MalformedEvent : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace bookstore::orders
