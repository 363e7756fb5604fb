#include "events/seller_events.h"

#include <boost/json/object.hpp>

#include "bookstore/text/utf8.h"
#include "domain/saga.h"
#include "domain/text.h"
#include "repository/books_repository.h"

namespace bookstore::catalog::events {

void HandleUserRegistered(const bus::Event& event, db::Connection& c) {
  const boost::json::object* data = event.data.if_object();
  if (data == nullptr) {
    throw MalformedEvent("user.registered data is not a JSON object");
  }
  const boost::json::value* user_id = data->if_contains("user_id");
  const boost::json::value* name = data->if_contains("name");
  if (user_id == nullptr || !user_id->is_int64() || user_id->get_int64() <= 0) {
    throw MalformedEvent("user.registered user_id must be a positive integer");
  }
  if (name == nullptr || !name->is_string() || !text::IsValidUtf8(name->get_string())) {
    throw MalformedEvent("user.registered name must be a string");
  }
  repository::UpsertSellerFromEvent(c, user_id->get_int64(), name->get_string());
}

}  // namespace bookstore::catalog::events
