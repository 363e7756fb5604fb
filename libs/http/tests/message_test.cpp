#include "bookstore/http/message.h"

#include <gtest/gtest.h>

namespace bookstore::http {
namespace {

constexpr std::string_view kEtag = "\"0123456789ab\"";

Request Get(std::string_view if_none_match = {}) {
  Request request{Verb::get, "/file", 11};
  if (!if_none_match.empty()) request.set(Field::if_none_match, if_none_match);
  return request;
}

TEST(RevalidatedResponse, ServesTheBodyWithItsEtagAndCachePolicy) {
  const auto response = RevalidatedResponse(Get(), "body", kEtag, "text/css", "public, no-cache");
  EXPECT_EQ(response.result(), Status::ok);
  EXPECT_EQ(response.body(), "body");
  EXPECT_EQ(response[Field::etag], kEtag);
  EXPECT_EQ(response[Field::content_type], "text/css");
  EXPECT_EQ(response[Field::cache_control], "public, no-cache");
}

TEST(RevalidatedResponse, AnswersNotModifiedWithoutABodyWhenTheClientHasIt) {
  const auto response = RevalidatedResponse(Get(kEtag), "body", kEtag, "text/css", "public, no-cache");
  EXPECT_EQ(response.result(), Status::not_modified);
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(response[Field::etag], kEtag);
}

TEST(RevalidatedResponse, ServesTheBodyWhenTheClientHasAnotherVersion) {
  const auto response =
      RevalidatedResponse(Get("\"ffffffffffff\""), "body", kEtag, "text/css", "public, no-cache");
  EXPECT_EQ(response.result(), Status::ok);
  EXPECT_EQ(response.body(), "body");
}

}  // namespace
}  // namespace bookstore::http
