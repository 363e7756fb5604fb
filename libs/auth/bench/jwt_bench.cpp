// Cached versus uncached token verification: what a hot token costs the gateway.
//   cmake -DBOOKSTORE_BUILD_BENCH=ON ... && cmake --build ... --target auth_jwt_bench
//   ./auth_jwt_bench --benchmark_min_time=0.5

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bookstore/auth/jwt.h"
#include "bookstore/auth/token_verifier.h"

namespace bookstore::auth {
namespace {

using namespace std::chrono_literals;

struct Fixture {
  SigningKeys keys = SigningKeys::Parse(GenerateKeyLine("bench"));
  std::chrono::sys_seconds now = NowSeconds();
  Claims claims = NewClaims("bookstore-auth", "bookstore", 42, "Ada Lovelace", Role::kUser, now, 1h);
  std::string token = Sign(claims, keys);
  Expectations expect{.issuer = "bookstore-auth", .audience = "bookstore", .now = now, .leeway = 30s};
  TokenVerifier verifier{TokenVerifier::Options{.issuer = "bookstore-auth", .audience = "bookstore"}};

  Fixture() { verifier.SetKeys(keys.PublicKeys()); }
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

void BenchSign(benchmark::State& state) {
  auto& f = Shared();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Sign(f.claims, f.keys));
  }
}
BENCHMARK(BenchSign);

// The full check: base64url, two JSON parses, one Ed25519 verification.
void BenchVerifyUncached(benchmark::State& state) {
  auto& f = Shared();
  const PublicKeySet keys = f.keys.PublicKeys();
  for (auto _ : state) {
    auto result = Verify(f.token, keys, f.expect);
    if (!result.Ok()) {
      state.SkipWithError("verification failed");
    }
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BenchVerifyUncached)->Threads(1)->Threads(2);

// A hot token through TokenVerifier: cache lookup plus revocation check.
void BenchVerifyCached(benchmark::State& state) {
  auto& f = Shared();
  for (auto _ : state) {
    auto result = f.verifier.Verify(f.token, f.now);
    if (!result.Ok()) {
      state.SkipWithError("verification failed");
    }
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BenchVerifyCached)->Threads(1)->Threads(2);

// Many users at once: each iteration checks a different one of 1000 cached tokens.
void BenchVerifyCachedManyTokens(benchmark::State& state) {
  auto& f = Shared();
  static const std::vector<std::string> tokens = [&f] {
    std::vector<std::string> all;
    for (int user = 1; user <= 1000; ++user) {
      all.push_back(
          Sign(NewClaims("bookstore-auth", "bookstore", user, "u", Role::kUser, f.now, 1h), f.keys));
    }
    return all;
  }();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7;
  for (auto _ : state) {
    auto result = f.verifier.Verify(tokens[i++ % tokens.size()], f.now);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BenchVerifyCachedManyTokens)->Threads(1)->Threads(2);

}  // namespace
}  // namespace bookstore::auth
