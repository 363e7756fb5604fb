#include "bookstore/service/errors.h"

#include <gtest/gtest.h>

#include "bookstore/db/db.h"
#include "bookstore/http/error.h"
#include "bookstore/testing/pipeline.h"

namespace bookstore::service {
namespace {

// What the middleware makes of `failure` thrown by the handler behind it.
template <typename Failure>
http::Error Mapped(Failure failure) {
  http::detail::Pipeline pipeline;
  pipeline.middleware.push_back(MapCommonErrors());
  pipeline.terminal = [&](http::Context&) -> http::Awaitable<http::Response> {
    throw failure;
    co_return http::Response{};
  };
  http::Context ctx(http::Request{http::Verb::post, "/books", 11});
  try {
    testing::RunPipeline(pipeline, ctx);
  } catch (const http::Error& e) {
    return e;
  }
  ADD_FAILURE() << "not mapped to an http::Error";
  return http::InternalError();
}

TEST(MapCommonErrorsTest, AValidationErrorIsA400NamingTheField) {
  const auto e = Mapped(ValidationError("price", "price must be positive"));
  EXPECT_EQ(e.status(), http::Status::bad_request);
  EXPECT_EQ(e.detail(), "price must be positive");
  EXPECT_EQ(e.extra().at("field"), "price");
}

TEST(MapCommonErrorsTest, ALostDatabaseIsA503) {
  const auto e = Mapped(db::Error(2013, "Lost connection to server during query"));
  EXPECT_EQ(e.status(), http::Status::service_unavailable);
}

TEST(MapCommonErrorsTest, OtherDatabaseErrorsPassThrough) {
  http::detail::Pipeline pipeline;
  pipeline.middleware.push_back(MapCommonErrors());
  pipeline.terminal = [](http::Context&) -> http::Awaitable<http::Response> {
    throw db::Error(1062, "Duplicate entry");
    co_return http::Response{};
  };
  http::Context ctx(http::Request{http::Verb::post, "/books", 11});
  EXPECT_THROW(testing::RunPipeline(pipeline, ctx), db::Error);
}

}  // namespace
}  // namespace bookstore::service
