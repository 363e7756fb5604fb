# Warnings are errors everywhere in the project's own code.
add_compile_options(
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wimplicit-fallthrough
  # Boost.Asio coroutines trip g++ 12's false positives on these two.
  -Wno-mismatched-new-delete -Wno-maybe-uninitialized)

if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # The g++-only names above (-Wno-maybe-uninitialized) are no error for clang.
  add_compile_options(-Wno-unknown-warning-option)
endif()

if(BOOKSTORE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # clang 14's -fsanitize=function cannot compile coroutines ("Cannot represent a difference across
    # sections"); the other UndefinedBehaviorSanitizer checks stay on.
    add_compile_options(-fno-sanitize=function)
  endif()
endif()

# The fuzz build (fuzz/, clang): every library and test is compiled with libFuzzer's coverage
# instrumentation (fuzzer-no-link), so one build tree serves the fuzz targets (linked with
# -fsanitize=fuzzer) and the sanitized ctest binaries alike. -O1 keeps fuzzing fast; assertions stay on.
if(BOOKSTORE_BUILD_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link -O1 -gline-tables-only)
endif()

# g++ 12 at -O2/-O3 reports false -Wnull-dereference inside Asio's headers and false -Wrestrict on
# `"literal" + std::string`; both are optimiser artefacts (clean in Debug, where they stay on). With the
# precompiled headers (cmake/BuildSpeed.cmake) it also reports std::string's inlined memcpy as -Warray-bounds,
# -Wstringop-overflow and -Wstringop-overread (GCC PR 105651 and kin: `string = "/"`, moving a struct that
# holds a string): the same code compiled without the precompiled header is quiet, because there the
# location is known to be a system header's. AddressSanitizer (the sanitize stage) checks the real thing.
add_compile_options($<$<NOT:$<CONFIG:Debug>>:-Wno-null-dereference>
                    $<$<NOT:$<CONFIG:Debug>>:-Wno-restrict>
                    $<$<NOT:$<CONFIG:Debug>>:-Wno-array-bounds>
                    $<$<NOT:$<CONFIG:Debug>>:-Wno-stringop-overflow>
                    $<$<NOT:$<CONFIG:Debug>>:-Wno-stringop-overread>
                    $<$<NOT:$<CONFIG:Debug>>:-Wno-format-truncation>)
