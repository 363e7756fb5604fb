#pragma once
// Typed, validated configuration from environment variables (12-factor).
//
// Every setting NAME may instead be given as NAME_FILE, the path of a file holding the value (Docker
// secrets). A component declares all its settings up front, then calls Finish(): with --help it prints
// every declared variable and exits 0; with any invalid or missing value it prints one line per problem,
// each naming the variable, and exits 2. Nothing is read lazily, so a bad setting fails at start-up.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::config {

// Where raw values come from; the default reads the process environment and the filesystem.
struct Source {
  std::function<std::optional<std::string>(const std::string&)> get_env;
  std::function<std::optional<std::string>(const std::string&)> read_file;
  static Source Process();
};

struct Declared {
  std::string name;
  std::string type;
  std::string default_value;  // "" with required == true means no default
  std::string help;
  bool required = false;
  bool secret = false;
  std::string effective;  // the value in force, secrets masked
};

class Env {
 public:
  Env(std::string component, int argc, const char* const* argv, Source source = Source::Process());

  std::string String(const std::string& name, const std::string& default_value, const std::string& help);
  std::string RequiredString(const std::string& name, const std::string& help);
  // A value never printed in full (passwords, keys).
  std::string Secret(const std::string& name, const std::string& default_value, const std::string& help);
  std::string RequiredSecret(const std::string& name, const std::string& help);
  std::int64_t Int(const std::string& name, std::int64_t default_value, std::int64_t min, std::int64_t max,
                   const std::string& help);
  bool Bool(const std::string& name, bool default_value, const std::string& help);
  // Accepts "250ms", "3s", "15m", "1h" or a bare number of milliseconds.
  std::chrono::milliseconds Duration(const std::string& name, std::chrono::milliseconds default_value,
                                     const std::string& help);
  // Comma-separated, items trimmed, empty items dropped.
  std::vector<std::string> List(const std::string& name, const std::string& default_value,
                                const std::string& help);

  // Prints help (and exits 0) or the collected errors (and exits 2); otherwise returns.
  void Finish();

  [[nodiscard]] bool HelpRequested() const { return help_requested_; }
  [[nodiscard]] const std::vector<std::string>& Errors() const { return errors_; }
  [[nodiscard]] const std::vector<Declared>& Settings() const { return declared_; }
  [[nodiscard]] std::string HelpText() const;

 private:
  // Raw lookup honouring NAME_FILE; records an error when both are set or the file is unreadable.
  std::optional<std::string> Lookup(const std::string& name);
  Declared& Declare(const std::string& name, std::string type, std::string default_value, std::string help,
                    bool required, bool secret);
  void Fail(const std::string& name, const std::string& message);

  std::string component_;
  Source source_;
  bool help_requested_ = false;
  std::vector<Declared> declared_;
  std::vector<std::string> errors_;
};

// Parses "250ms", "3s", "15m", "1h", "2d" or a bare number of milliseconds.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace bookstore::config
