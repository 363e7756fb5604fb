// argon2id at BookStore's default cost (OWASP's minimum: m=19 MiB, t=2, p=1): what one login costs in
// CPU, and the ceiling of logins per second on this machine (scenario 5 of ./bookstore bench runs the
// two-thread case as its reference).
//   ./bench_password --benchmark_filter=Verify

#include <benchmark/benchmark.h>

#include <string>

#include "bookstore/auth/password.h"

namespace bookstore::auth {
namespace {

const PasswordHasher& Hasher() {
  static const PasswordHasher hasher;  // default parameters, as auth runs them
  return hasher;
}

const std::string& StoredHash() {
  static const std::string hash = Hasher().Hash("Bench pass-phrase b1");
  return hash;
}

void HashPassword(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Hasher().Hash("Bench pass-phrase b1"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(HashPassword)->Unit(benchmark::kMillisecond)->UseRealTime();

// A login: one verification. Threads:2 is both cores busy, as the auth service's password workers are.
void VerifyPassword(benchmark::State& state) {
  const std::string& stored = StoredHash();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Hasher().Verify("Bench pass-phrase b1", stored));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(VerifyPassword)->Unit(benchmark::kMillisecond)->UseRealTime()->Threads(1)->Threads(2);

}  // namespace
}  // namespace bookstore::auth
