#pragma once
// Helpers for integration tests (GoogleTest). Servers come from environment variables that
// ./bookstore test sets to a throwaway instance:
//   BOOKSTORE_TEST_DB_HOST, BOOKSTORE_TEST_DB_PORT, BOOKSTORE_TEST_DB_USER, BOOKSTORE_TEST_DB_PASSWORD
//   (the password may be unset, meaning empty), BOOKSTORE_TEST_AMQP_URL, BOOKSTORE_TEST_INFRA.
// A missing variable fails the test with a message naming it (never a skip): the helper records a
// GoogleTest failure and throws MissingSetting, which also ends the test.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include "bookstore/db/db.h"

namespace bookstore::testing {

class MissingSetting : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The value of an environment variable the test needs; fails the test when unset.
std::string RequireEnv(const std::string& name);

// A name unique across processes and calls: "<prefix>_<pid>_<counter>_<random>" in [a-z0-9_], at most
// 60 characters (usable as a database, queue or exchange name). prefix: letters, digits, '_' or '.'.
std::string UniqueName(const std::string& prefix);

// Options for the test server without a database selected (BOOKSTORE_TEST_DB_*).
db::Options ServerOptions();

// A fresh database (utf8mb4, utf8mb4_uca1400_ai_ci) on the test server, dropped on destruction.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& prefix = "test");
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  [[nodiscard]] const std::string& Name() const { return options_.database; }
  // Options to open pools on this database (pool_size 4).
  [[nodiscard]] const db::Options& Options() const { return options_; }

 private:
  db::Options options_;
};

// BOOKSTORE_TEST_AMQP_URL.
std::string AmqpUrl();

// Runs `$BOOKSTORE_TEST_INFRA <args>` (e.g. "restart mariadb") and returns its exit status (-1 when it
// could not run or was killed by a signal).
int InfraCommand(const std::string& args);

// Polls predicate until it returns true or timeout passes; use as
// EXPECT_TRUE(Eventually([&] { return ...; }, 5s)) << "what was expected";
// An exception thrown by the predicate counts as "not yet".
::testing::AssertionResult Eventually(const std::function<bool()>& predicate,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                      std::chrono::milliseconds interval = std::chrono::milliseconds(20));

}  // namespace bookstore::testing
