#include "bookstore/testing/testing.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

namespace bookstore::testing {
namespace {

std::optional<std::string> GetEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): tests do not setenv
  if (v == nullptr) {
    return std::nullopt;
  }
  return std::string(v);
}

std::string Sanitized(const std::string& prefix) {
  std::string out;
  for (char ch : prefix) {
    if (ch >= 'A' && ch <= 'Z') {
      out += static_cast<char>(ch - 'A' + 'a');
    } else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') {
      out += ch;
    } else if (ch == '.' || ch == '-') {
      out += '_';
    } else {
      throw std::invalid_argument("UniqueName: prefix '" + prefix +
                                  "' has a character other than [A-Za-z0-9_.-]");
    }
  }
  return out.substr(0, 30);
}

}  // namespace

std::string RequireEnv(const std::string& name) {
  auto value = GetEnv(name);
  if (!value) {
    const std::string message = "environment variable " + name +
                                " is not set: integration tests need it (./bookstore test sets it; see "
                                "libs/testing/include/bookstore/testing/testing.h)";
    ADD_FAILURE() << message;
    throw MissingSetting(message);
  }
  return *value;
}

std::string UniqueName(const std::string& prefix) {
  static std::atomic<unsigned> counter{0};
  thread_local std::mt19937_64 random(std::random_device{}());
  std::array<char, 9> suffix{};
  std::snprintf(suffix.data(), suffix.size(), "%08x", static_cast<unsigned>(random() & 0xffffffffU));
  return Sanitized(prefix) + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         suffix.data();
}

db::Options ServerOptions() {
  db::Options o;
  o.host = RequireEnv("BOOKSTORE_TEST_DB_HOST");
  const std::string port = RequireEnv("BOOKSTORE_TEST_DB_PORT");
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), o.port);
  if (ec != std::errc() || ptr != port.data() + port.size()) {
    ADD_FAILURE() << "BOOKSTORE_TEST_DB_PORT '" << port << "' is not a port number";
    throw MissingSetting("BOOKSTORE_TEST_DB_PORT is not a port number");
  }
  o.user = RequireEnv("BOOKSTORE_TEST_DB_USER");
  o.password = GetEnv("BOOKSTORE_TEST_DB_PASSWORD").value_or("");
  o.pool_size = 4;
  o.connect_timeout = std::chrono::seconds(5);
  return o;
}

TestDatabase::TestDatabase(const std::string& prefix) : options_(ServerOptions()) {
  const std::string name = UniqueName("t_" + prefix);  // only [a-z0-9_]: safe to put in the SQL text
  db::Connection c(options_);
  c.Execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci");
  options_.database = name;
}

TestDatabase::~TestDatabase() {
  try {
    db::Options server = options_;
    server.database.clear();
    db::Connection c(server);
    c.Execute("DROP DATABASE IF EXISTS `" + options_.database + "`");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not drop test database " << options_.database << ": " << e.what();
  }
}

std::string AmqpUrl() { return RequireEnv("BOOKSTORE_TEST_AMQP_URL"); }

int InfraCommand(const std::string& args) {
  const std::string command = RequireEnv("BOOKSTORE_TEST_INFRA") + " " + args;
  const int status = std::system(command.c_str());  // NOLINT(concurrency-mt-unsafe,cert-env33-c): test helper
  if (status == -1 || !WIFEXITED(status)) {
    return -1;
  }
  return WEXITSTATUS(status);
}

::testing::AssertionResult Eventually(const std::function<bool()>& predicate,
                                      std::chrono::milliseconds timeout, std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_error;
  while (true) {
    try {
      if (predicate()) {
        return ::testing::AssertionSuccess();
      }
    } catch (const std::exception& e) {
      last_error = e.what();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      auto failure = ::testing::AssertionFailure()
                     << "condition still false after " << timeout.count() << " ms";
      if (!last_error.empty()) {
        failure << " (last exception: " << last_error << ")";
      }
      return failure;
    }
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace bookstore::testing
