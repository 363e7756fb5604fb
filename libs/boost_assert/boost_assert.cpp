// Boost's assertions (BOOST_ENABLE_ASSERT_DEBUG_HANDLER, defined for every target by the top-level
// CMakeLists.txt): as assert() does, each one that fails aborts with its place and expression, in builds
// without NDEBUG only (Debug: tests, fuzzing) -- except one that Boost.Beast 1.81 states wrongly. Every
// target, not only the files that instantiate Beast's parser: Boost's inline functions then expand their
// assertions the same way in every translation unit, and every file can share one precompiled header.
//
// basic_parser::parse_chunk_header asserts n >= 5 when it resumes a last chunk ("0\r\n") whose trailer has
// not fully arrived; a client that sends slowly makes that 4 bytes ("0\r\n\r"), valid there, and the code
// after the assertion handles it (it asks for more). Boost 1.86 corrected the assertion (boostorg/beast
// pull request 2861). Found by fuzz/http_request.cpp; without this, one slow chunked request aborted a
// Debug server (ServerTest.LastChunkArrivingInPiecesIsServed).

#include <boost/assert.hpp>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

bool IsBeastFalseAssertion(std::string_view expression, std::string_view file) {
  return expression == "n >= 5" && file.ends_with("boost/beast/http/impl/basic_parser.ipp");
}

}  // namespace

// The signatures are Boost's (boost/assert.hpp), `long` included.
namespace boost {

// NOLINTNEXTLINE(readability-identifier-naming): the name Boost calls
void assertion_failed(char const* expr, char const* function, char const* file,
                      long line) {  // NOLINT(google-runtime-int)
  if (IsBeastFalseAssertion(expr, file)) return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed.\n", file, line, function, expr);
  std::abort();
}

// NOLINTNEXTLINE(readability-identifier-naming): the name Boost calls
void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file,
                          long line) {  // NOLINT(google-runtime-int)
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed: %s.\n", file, line, function, expr, msg);
  std::abort();
}

}  // namespace boost
