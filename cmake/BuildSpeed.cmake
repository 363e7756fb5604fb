# What makes a cold build fast on two cores (issue 14; bench/tools/build_time.sh measures it, and
# docs/development.md gives the figures): ccache, lld, precompiled headers and unity builds. None of them
# changes what is built.

# ccache, when installed: repeated builds of the same sources (./bookstore test after ./bookstore up). It
# caches the compiles that use the precompiled headers (below) only with this sloppiness (its manual);
# ccache 4.7 takes it from the environment alone.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER env CCACHE_SLOPPINESS=pch_defines,time_macros ${CCACHE_PROGRAM})
endif()

# lld links a Debug test binary about five times faster than ld.bfd (0.3 s against 1.6 s for bookstore-web;
# a Debug build with the tests links some 30 binaries).
include(CheckLinkerFlag)
check_linker_flag(CXX -fuse-ld=lld BOOKSTORE_HAVE_LLD)
if(BOOKSTORE_HAVE_LLD)
  add_link_options(-fuse-ld=lld)
endif()

# Unity builds: each target's sources are compiled in batches of BOOKSTORE_UNITY_BATCH files, one
# translation unit per batch, so the precompiled header is loaded and the templates every file uses (Asio's
# coroutine frames, Boost.JSON, the db pool's Offload) are instantiated and compiled once per batch instead
# of once per file: that per-file work was most of a cold build. The price is an incremental build: a
# one-file change recompiles its batch. Files stay correct on their own: names in anonymous namespaces do
# not repeat within a target, and the clang tree (sanitize, fuzz, clang-tidy) still compiles them one by
# one, which also proves that each includes what it uses. g++ takes a file included into a unity source for
# a header and warns (-Wsubobject-linkage) when a type there uses an anonymous namespace; in a unity build
# that is every .cpp file, so the warning is off there.
option(BOOKSTORE_UNITY_BUILD "Compile each target's sources in batches (g++ only)" ON)
set(BOOKSTORE_UNITY_BATCH 16 CACHE STRING "Source files per unity batch")
if(BOOKSTORE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(CMAKE_UNITY_BUILD ON)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE ${BOOKSTORE_UNITY_BATCH})
  add_compile_options(-Wno-subobject-linkage)
endif()

# Precompiled headers: the third-party headers that nearly every translation unit parses (the standard
# library, Asio's coroutine machinery, Beast's message, Boost.JSON; GoogleTest for the tests) are parsed
# once per build tree instead of once per file: about a second of every file's compile.
#
# One header is shared by every target (REUSE_FROM), so all of them compile with the definitions it was
# made with (bookstore_pch_definitions below): g++ rejects a precompiled header when a macro it uses is
# defined differently, and CMake's -Winvalid-pch with -Werror turns that into a build error, never into a
# silent fallback. Only the project's own headers change during development and none is precompiled, so
# incremental builds are unaffected. Off for clang (the sanitize/fuzz tree): that build then also proves
# that every file includes what it uses.
option(BOOKSTORE_PCH "Precompile the heavy third-party headers (g++ only)" ON)

set(BOOKSTORE_PCH_HEADERS
  <algorithm> <any> <array> <atomic> <chrono> <condition_variable> <cstdint> <exception> <functional>
  <map> <memory> <mutex> <optional> <span> <stdexcept> <string> <string_view> <thread> <unordered_map>
  <utility> <variant> <vector>
  <boost/asio/any_io_executor.hpp> <boost/asio/async_result.hpp> <boost/asio/awaitable.hpp>
  <boost/asio/co_spawn.hpp> <boost/asio/detached.hpp> <boost/asio/dispatch.hpp>
  <boost/asio/io_context.hpp> <boost/asio/ip/address.hpp> <boost/asio/post.hpp>
  <boost/asio/steady_timer.hpp> <boost/asio/this_coro.hpp> <boost/asio/thread_pool.hpp>
  <boost/asio/use_awaitable.hpp>
  <boost/beast/http/message.hpp> <boost/beast/http/string_body.hpp>
  <boost/json/array.hpp> <boost/json/object.hpp> <boost/json/parse.hpp> <boost/json/serialize.hpp>
  <boost/json/value.hpp>)

# The definitions every target shares with the precompiled header.
add_library(bookstore_pch_definitions INTERFACE)
target_link_libraries(bookstore_pch_definitions INTERFACE bookstore_asio Boost::json)

# _bookstore_pch_targets(<dir> <out-var>): every target defined under <dir>.
function(_bookstore_pch_targets dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _bookstore_pch_targets(${sub} more)
    list(APPEND targets ${more})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# bookstore_use_pch(): call once, after every target is defined. A source file whose own definitions change
# what the headers mean sets SKIP_PRECOMPILE_HEADERS (libs/http/CMakeLists.txt).
function(bookstore_use_pch)
  if(NOT BOOKSTORE_PCH OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    return()
  endif()
  set(stub ${CMAKE_BINARY_DIR}/bookstore_pch.cpp)
  file(CONFIGURE OUTPUT ${stub} CONTENT "// Only here to build the precompiled header (cmake/BuildSpeed.cmake).\n")
  add_library(bookstore_pch STATIC ${stub})
  target_link_libraries(bookstore_pch PRIVATE bookstore_pch_definitions)
  target_precompile_headers(bookstore_pch PRIVATE ${BOOKSTORE_PCH_HEADERS})
  if(BOOKSTORE_BUILD_TESTS)
    add_library(bookstore_test_pch STATIC ${stub})
    target_link_libraries(bookstore_test_pch PRIVATE bookstore_pch_definitions GTest::gtest)
    target_precompile_headers(bookstore_test_pch PRIVATE ${BOOKSTORE_PCH_HEADERS} <gtest/gtest.h>)
  endif()
  get_property(tests GLOBAL PROPERTY BOOKSTORE_TEST_TARGETS)
  _bookstore_pch_targets(${CMAKE_SOURCE_DIR} targets)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|EXECUTABLE)$" OR target MATCHES "^bookstore_(test_)?pch$")
      continue()
    endif()
    target_link_libraries(${target} PRIVATE bookstore_pch_definitions)
    if(target IN_LIST tests)
      target_precompile_headers(${target} REUSE_FROM bookstore_test_pch)
    else()
      target_precompile_headers(${target} REUSE_FROM bookstore_pch)
    endif()
  endforeach()
endfunction()
