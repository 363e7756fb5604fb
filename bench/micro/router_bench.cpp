// Route lookup in libs/http's router with the gateway's public route table (docs/design.md §2): a hit on
// /books/{id}, a literal hit and a miss. Matching is segment by segment without allocation on a hit.

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "bookstore/http/context.h"
#include "bookstore/http/router.h"

namespace bookstore::http {
namespace {

Router GatewayLikeRouter() {
  Router router;
  const Handler handler = [](Context&) -> Awaitable<Response> { co_return Response{}; };
  for (const auto* pattern :
       {"/auth/register", "/auth/login", "/auth/logout", "/auth/me", "/users", "/books", "/books/{id}",
        "/orders", "/orders/{id}", "/orders/{id}/pay", "/orders/{id}/delivery", "/orders/{id}/cancel",
        "/delivery-providers", "/events", "/healthz", "/readyz", "/metrics"}) {
    router.Add(Verb::get, pattern, handler);
    router.Add(Verb::post, pattern, handler);
  }
  return router;
}

void MatchLoop(benchmark::State& state, std::string_view target) {
  const Router router = GatewayLikeRouter();
  Request request{Verb::get, target, 11};
  Context ctx(std::move(request));
  std::string allow;
  for (auto _ : state) {
    benchmark::DoNotOptimize(router.Match(ctx, &allow));
  }
}

void RouterBookById(benchmark::State& state) { MatchLoop(state, "/books/4242"); }
BENCHMARK(RouterBookById);

void RouterOrderAction(benchmark::State& state) { MatchLoop(state, "/orders/17/pay"); }
BENCHMARK(RouterOrderAction);

void RouterMiss(benchmark::State& state) { MatchLoop(state, "/internal/revocations"); }
BENCHMARK(RouterMiss);

}  // namespace
}  // namespace bookstore::http
