#include "bookstore/log/log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "bookstore/json/json.h"

namespace bookstore::log {
namespace {

TEST(LogTest, LineIsOneJsonObjectWithTheStandardFields) {
  const auto line =
      FormatLine(Level::kWarn, "auth", "login \"failed\"\nagain", {{"request_id", "abc"}, {"status", 401}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto v = boost::json::parse(line).as_object();
  EXPECT_EQ(v.at("level").as_string(), "warn");
  EXPECT_EQ(v.at("component").as_string(), "auth");
  EXPECT_EQ(v.at("msg").as_string(), "login \"failed\"\nagain");
  EXPECT_EQ(v.at("request_id").as_string(), "abc");
  EXPECT_EQ(v.at("status").as_int64(), 401);
  const auto time = std::string(v.at("time").as_string());
  EXPECT_EQ(time.size(), 24U);
  EXPECT_EQ(time.back(), 'Z');
}

TEST(LogTest, FractionsPrintAsPlainDecimals) {
  const auto line = FormatLine(Level::kInfo, "gateway", "request", {{"duration_ms", 38.093}});
  EXPECT_NE(line.find("\"duration_ms\":38.093"), std::string::npos) << line;
}

TEST(LogTest, LineIsWhatTheObjectWouldSerializeTo) {
  const boost::json::object fields = {
      {"path", "/books?q=\"caf\u00e9\""}, {"status", 200}, {"duration_ms", 1.5}};
  const auto line = FormatLine(Level::kInfo, "gateway", "request", fields);
  boost::json::object expected;
  expected["time"] = boost::json::parse(line).at("time");
  expected["level"] = "info";
  expected["component"] = "gateway";
  expected["msg"] = "request";
  for (const auto& kv : fields) expected[kv.key()] = kv.value();
  EXPECT_EQ(line, json::Serialize(expected));
  // A field named like a standard key takes its place, once.
  const auto replaced = FormatLine(Level::kInfo, "gateway", "request", {{"msg", "other"}});
  EXPECT_EQ(boost::json::parse(replaced).at("msg").as_string(), "other");
  EXPECT_EQ(replaced.find("\"msg\"", replaced.find("\"msg\"") + 1), std::string::npos) << replaced;
}

TEST(LogTest, FieldsMakeTheSameLineAsAnObjectOfTheSameFields) {
  const std::string request_id(40, 'r');  // longer than any small-string buffer
  const std::string_view path = "/books?q=\"caf\u00e9\"\n";
  const std::array<Field, 7> fields{{{"path", path},
                                     {"status", 200U},
                                     {"attempts", -2},
                                     {"user_id", std::int64_t{9007199254740993}},
                                     {"bytes", std::uint64_t{18446744073709551615U}},
                                     {"duration_ms", 38.093},
                                     {"request_id", request_id}}};
  const boost::json::object object = {{"path", path},
                                      {"status", 200U},
                                      {"attempts", -2},
                                      {"user_id", std::int64_t{9007199254740993}},
                                      {"bytes", std::uint64_t{18446744073709551615U}},
                                      {"duration_ms", 38.093},
                                      {"request_id", request_id}};
  const auto from_fields = FormatLine(Level::kInfo, "gateway", "request", std::span<const Field>(fields));
  const auto from_object = FormatLine(Level::kInfo, "gateway", "request", object);
  // The time is the only part that may differ (the clock may tick between the two calls).
  const auto after_time = [](const std::string& line) { return line.substr(line.find(R"(","level")")); };
  EXPECT_EQ(after_time(from_fields), after_time(from_object));
  EXPECT_NE(from_fields.find(R"("duration_ms":38.093)"), std::string::npos) << from_fields;
  EXPECT_NE(from_fields.find(R"("bytes":18446744073709551615)"), std::string::npos) << from_fields;

  // A field named like a standard key takes its place, once, as with an object.
  const std::array<Field, 1> msg{{{"msg", "other"}}};
  const auto replaced = FormatLine(Level::kInfo, "gateway", "request", std::span<const Field>(msg));
  EXPECT_EQ(boost::json::parse(replaced).at("msg").as_string(), "other");
  EXPECT_EQ(replaced.find("\"msg\"", replaced.find("\"msg\"") + 1), std::string::npos) << replaced;
}

TEST(LogTest, LevelFilters) {
  ASSERT_TRUE(SetLevel("error"));
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  EXPECT_FALSE(SetLevel("loud"));
  ASSERT_TRUE(SetLevel("debug"));
  EXPECT_TRUE(Enabled(Level::kDebug));
  SetLevel("info");
}

// stdout (file descriptor 1) read through a pipe while the test runs.
class CapturedStdout {
 public:
  CapturedStdout() {
    std::fflush(stdout);
    EXPECT_EQ(pipe2(fds_.data(), O_NONBLOCK), 0);
    // Room for more than one full log buffer: the pipe is not read while a test logs.
    EXPECT_GE(fcntl(fds_[1], F_SETPIPE_SZ, 1 << 20), 1 << 20);
    saved_ = dup(STDOUT_FILENO);
    dup2(fds_[1], STDOUT_FILENO);
  }
  ~CapturedStdout() {
    std::fflush(stdout);
    dup2(saved_, STDOUT_FILENO);
    close(saved_);
    close(fds_[0]);
    close(fds_[1]);
  }
  CapturedStdout(const CapturedStdout&) = delete;
  CapturedStdout& operator=(const CapturedStdout&) = delete;

  // What reached the file descriptor so far (not what waits in stdout's buffer).
  std::string Written() {
    std::array<char, 4096> buffer{};
    for (ssize_t n = 0; (n = read(fds_[0], buffer.data(), buffer.size())) > 0;) {
      written_.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return written_;
  }

 private:
  std::array<int, 2> fds_{};
  int saved_ = -1;
  std::string written_;
};

TEST(LogTest, InfoLinesWaitForTheFlushAndAWarningWritesThemAllInOrder) {
  CapturedStdout out;
  SetFlushInterval(std::chrono::hours(1));  // no periodic flush within the test
  Info("first", {{"n", 1}});
  Info("second", {{"n", 2}});
  EXPECT_EQ(out.Written(), "");  // buffered: no write(2) per line
  Warn("third");
  const std::string written = out.Written();
  const auto first = written.find(R"("msg":"first")");
  const auto second = written.find(R"("msg":"second")");
  const auto third = written.find(R"("msg":"third")");
  ASSERT_NE(third, std::string::npos) << written;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);

  SetFlushInterval(std::chrono::seconds(0));  // every line at once, as before the call
  Info("fourth");
  EXPECT_NE(out.Written().find(R"("msg":"fourth")"), std::string::npos);
}

TEST(LogTest, AFullBufferIsWrittenWithoutAFlushAndInWholeLines) {
  CapturedStdout out;
  SetFlushInterval(std::chrono::hours(1));
  const std::string padding(200, 'x');
  int logged = 0;
  while (out.Written().empty() && logged < 10'000) {
    Info("line", {{"n", logged}, {"padding", padding}});
    ++logged;
  }
  const std::string written = out.Written();
  // Written once about 64 KiB waited (each line is ~300 bytes), not per line and not never.
  EXPECT_GT(logged, 100);
  EXPECT_LT(logged, 10'000);
  ASSERT_FALSE(written.empty());
  EXPECT_EQ(written.back(), '\n');
  EXPECT_NE(written.find(R"("n":0,)"), std::string::npos);
  EXPECT_EQ(written.find(R"("n":)" + std::to_string(logged - 1) + ","), std::string::npos);  // still waiting
  Warn("flush");
  EXPECT_NE(out.Written().find(R"("n":)" + std::to_string(logged - 1) + ","), std::string::npos);
  SetFlushInterval(std::chrono::seconds(0));
}

}  // namespace
}  // namespace bookstore::log
