#pragma once
// FUZZ_CHECK(condition, what): an invariant of a fuzz target. When it does not hold, the target prints
// what was expected and aborts, which libFuzzer reports as a crash (and saves the input).

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                                       \
  do {                                                                                                    \
    if (!(condition)) {                                                                                   \
      std::fprintf(stderr, "%s:%d: invariant failed: %s (%s)\n", __FILE__, __LINE__, (what), #condition); \
      std::abort();                                                                                       \
    }                                                                                                     \
  } while (false)
