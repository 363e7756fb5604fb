#include "bookstore/http/trace_context.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace bookstore::http {
namespace {

constexpr std::string_view kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(ValidTraceparent, AcceptsTheSpecExample) { EXPECT_EQ(ValidTraceparent(kValid), kValid); }

TEST(ValidTraceparent, DropsEverythingElse) {
  const std::string valid(kValid);
  const std::vector<std::string> invalid = {
      std::string(),
      valid + "-",
      valid.substr(1),
      std::string(203, 'a'),                                          // length
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",      // upper case
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // version
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",      // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",      // zero parent
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // separator
      "00-4bf92f3577b34da6a3ce929d0e0e473\xC3-00f067aa0ba902b7-01"};  // non-ASCII
  for (const std::string& value : invalid) {
    EXPECT_FALSE(ValidTraceparent(value)) << value;
  }
}

TEST(NewTraceparent, IsValidSampledAndNewEachTime) {
  std::set<std::string> trace_ids;
  for (int i = 0; i < 100; ++i) {
    const std::string traceparent = NewTraceparent();
    ASSERT_TRUE(ValidTraceparent(traceparent)) << traceparent;
    EXPECT_TRUE(traceparent.starts_with("00-")) << traceparent;
    EXPECT_TRUE(traceparent.ends_with("-01")) << traceparent;
    trace_ids.emplace(TraceIdOf(traceparent));
  }
  EXPECT_EQ(trace_ids.size(), 100U);
}

TEST(TraceIdOf, IsTheTraceIdOfAValidTraceparentOnly) {
  EXPECT_EQ(TraceIdOf(kValid), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(TraceIdOf(""), "");
  EXPECT_EQ(TraceIdOf("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "");
  EXPECT_EQ(TraceIdOf(std::string(kValid).substr(1)), "");
}

}  // namespace
}  // namespace bookstore::http
