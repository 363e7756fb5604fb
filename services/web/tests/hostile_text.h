#pragma once
// Text that must reach a page escaped: markup, an attribute break-out and an ampersand.

#include <string_view>

namespace bookstore::web {

inline constexpr std::string_view kHostileText =
    R"(<script>alert("x")</script>' onmouseover='steal()' & more)";

}  // namespace bookstore::web
