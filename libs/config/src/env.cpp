#include "bookstore/config/env.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "parse.h"

namespace bookstore::config {
namespace {

using detail::ParseInt;
using detail::Trim;

std::string Mask(const std::string& value) { return value.empty() ? "" : "******"; }

}  // namespace

Source Source::Process() {
  return Source{[](const std::string& name) -> std::optional<std::string> {
                  const char* v =
                      std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read at start-up only
                  if (v == nullptr) return std::nullopt;
                  return std::string(v);
                },
                detail::ReadWholeFile};
}

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  text = std::string_view(text).substr(0, text.size());
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  auto number = ParseInt(text.substr(0, digits));
  if (!number) return std::nullopt;
  const auto unit = text.substr(digits);
  std::int64_t factor = 0;
  if (unit.empty() || unit == "ms") {
    factor = 1;
  } else if (unit == "s") {
    factor = 1000;
  } else if (unit == "m") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  } else if (unit == "d") {
    factor = 86'400'000;
  } else {
    return std::nullopt;
  }
  return std::chrono::milliseconds(*number * factor);
}

Env::Env(std::string component, int argc, const char* const* argv, Source source)
    : component_(std::move(component)), source_(std::move(source)) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
    } else {
      errors_.push_back("unknown argument '" + std::string(arg) +
                        "' (settings come from the environment; see --help)");
    }
  }
}

std::optional<std::string> Env::Lookup(const std::string& name) {
  auto direct = source_.get_env(name);
  auto file = source_.get_env(name + "_FILE");
  if (direct && file) {
    Fail(name, "set both " + name + " and " + name + "_FILE; use one");
    return std::nullopt;
  }
  if (file) {
    auto content = source_.read_file(*file);
    if (!content) {
      Fail(name, "cannot read " + name + "_FILE '" + *file + "'");
      return std::nullopt;
    }
    // Secret files usually end with a newline that is not part of the value.
    while (!content->empty() && (content->back() == '\n' || content->back() == '\r')) content->pop_back();
    return content;
  }
  return direct;
}

Declared& Env::Declare(const std::string& name, std::string type, std::string default_value, std::string help,
                       bool required, bool secret) {
  declared_.push_back(
      Declared{name, std::move(type), std::move(default_value), std::move(help), required, secret, {}});
  return declared_.back();
}

void Env::Fail(const std::string& name, const std::string& message) {
  errors_.push_back(name + ": " + message);
}

std::string Env::String(const std::string& name, const std::string& default_value, const std::string& help) {
  auto& d = Declare(name, "string", default_value, help, false, false);
  d.effective = Lookup(name).value_or(default_value);
  return d.effective;
}

std::string Env::RequiredString(const std::string& name, const std::string& help) {
  auto& d = Declare(name, "string", "", help, true, false);
  auto value = Lookup(name);
  if (!value || value->empty()) {
    Fail(name, "is required (set " + name + " or " + name + "_FILE)");
    return {};
  }
  d.effective = *value;
  return *value;
}

std::string Env::Secret(const std::string& name, const std::string& default_value, const std::string& help) {
  auto& d = Declare(name, "secret", default_value.empty() ? "" : "******", help, false, true);
  auto value = Lookup(name).value_or(default_value);
  d.effective = Mask(value);
  return value;
}

std::string Env::RequiredSecret(const std::string& name, const std::string& help) {
  auto& d = Declare(name, "secret", "", help, true, true);
  auto value = Lookup(name);
  if (!value || value->empty()) {
    Fail(name, "is required (set " + name + " or " + name + "_FILE)");
    return {};
  }
  d.effective = Mask(*value);
  return *value;
}

std::int64_t Env::Int(const std::string& name, std::int64_t default_value, std::int64_t min, std::int64_t max,
                      const std::string& help) {
  auto& d = Declare(name, "integer " + std::to_string(min) + ".." + std::to_string(max),
                    std::to_string(default_value), help, false, false);
  auto raw = Lookup(name);
  std::int64_t value = default_value;
  if (raw) {
    auto parsed = ParseInt(Trim(*raw));
    if (!parsed) {
      Fail(name, "'" + *raw + "' is not an integer");
    } else if (*parsed < min || *parsed > max) {
      Fail(name, std::to_string(*parsed) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
    } else {
      value = *parsed;
    }
  }
  d.effective = std::to_string(value);
  return value;
}

bool Env::Bool(const std::string& name, bool default_value, const std::string& help) {
  auto& d = Declare(name, "boolean", default_value ? "true" : "false", help, false, false);
  auto raw = Lookup(name);
  bool value = default_value;
  if (raw) {
    std::string v = Trim(*raw);
    std::transform(v.begin(), v.end(), v.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (v == "1" || v == "true" || v == "yes" || v == "on") {
      value = true;
    } else if (v == "0" || v == "false" || v == "no" || v == "off") {
      value = false;
    } else {
      Fail(name, "'" + *raw + "' is not a boolean (true/false)");
    }
  }
  d.effective = value ? "true" : "false";
  return value;
}

std::chrono::milliseconds Env::Duration(const std::string& name, std::chrono::milliseconds default_value,
                                        const std::string& help) {
  auto& d = Declare(name, "duration (250ms, 3s, 15m, 1h)", std::to_string(default_value.count()) + "ms", help,
                    false, false);
  auto raw = Lookup(name);
  auto value = default_value;
  if (raw) {
    auto parsed = ParseDuration(Trim(*raw));
    if (!parsed) {
      Fail(name, "'" + *raw + "' is not a duration such as 250ms, 3s, 15m or 1h");
    } else {
      value = *parsed;
    }
  }
  d.effective = std::to_string(value.count()) + "ms";
  return value;
}

std::vector<std::string> Env::List(const std::string& name, const std::string& default_value,
                                   const std::string& help) {
  auto& d = Declare(name, "comma-separated list", default_value, help, false, false);
  const std::string raw = Lookup(name).value_or(default_value);
  d.effective = raw;
  std::vector<std::string> items;
  std::string_view rest = raw;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    auto item = Trim(rest.substr(0, comma));
    if (!item.empty()) items.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return items;
}

std::string Env::HelpText() const {
  std::ostringstream out;
  out << component_ << " — BookStore component\n\n"
      << "Configured by environment variables; each NAME can also be given as NAME_FILE, a file holding the "
         "value.\n\n";
  for (const auto& d : declared_) {
    out << "  " << d.name << "  (" << d.type;
    if (d.required) {
      out << ", required";
    } else if (!d.default_value.empty()) {
      out << ", default " << d.default_value;
    }
    out << ")\n      " << d.help << "\n";
  }
  return out.str();
}

void Env::Finish() {
  if (help_requested_) {
    std::cout << HelpText();
    std::exit(0);  // NOLINT(concurrency-mt-unsafe): start-up only
  }
  if (!errors_.empty()) {
    for (const auto& e : errors_) std::cerr << component_ << ": invalid configuration: " << e << "\n";
    std::cerr << component_ << ": see --help for every setting\n";
    std::exit(2);  // NOLINT(concurrency-mt-unsafe): start-up only
  }
}

}  // namespace bookstore::config
