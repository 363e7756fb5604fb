// Pieces of libs/http that need no network: router, context, errors, JSON helpers, metrics, URLs.

#include "bookstore/http/router.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <memory>
#include <stdexcept>

#include "bookstore/config/cpus.h"
#include "bookstore/config/env.h"
#include "bookstore/http/client.h"
#include "bookstore/http/context.h"
#include "bookstore/http/error.h"
#include "bookstore/http/metrics.h"
#include "bookstore/http/server.h"
#include "test_request.h"

namespace bookstore::http {
namespace {

Handler Named(const std::string& name) {
  return [name](Context&) -> Awaitable<Response> { co_return TextResponse(name); };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(Verb::get, "/", Named("root"));
    router_.Add(Verb::get, "/books", Named("list"));
    router_.Add(Verb::post, "/books", Named("create"));
    router_.Add(Verb::get, "/books/search", Named("search"));
    router_.Add(Verb::get, "/books/{id}", Named("book"));
    router_.Add(Verb::put, "/books/{id}", Named("update"));
    router_.Add(Verb::post, "/orders/{id}/pay", Named("pay"));
    router_.Add(Verb::get, "/static/{path...}", Named("static"));
  }

  // The pattern matched for method + target, "404", or "405 <Allow>".
  std::string MatchOf(Verb method, std::string_view target) {
    Context ctx(MakeRequest(method, target));
    std::string allow;
    if (router_.Match(ctx, &allow) != nullptr) return std::string(ctx.route());
    return allow.empty() ? "404" : "405 " + allow;
  }

  Router router_;
};

TEST_F(RouterTest, MatchesLiteralAndParameterSegments) {
  EXPECT_EQ(MatchOf(Verb::get, "/"), "/");
  EXPECT_EQ(MatchOf(Verb::get, "/books"), "/books");
  EXPECT_EQ(MatchOf(Verb::post, "/books"), "/books");
  EXPECT_EQ(MatchOf(Verb::get, "/books/42"), "/books/{id}");
  EXPECT_EQ(MatchOf(Verb::get, "/books/search"), "/books/search");
  EXPECT_EQ(MatchOf(Verb::post, "/orders/7/pay"), "/orders/{id}/pay");
  EXPECT_EQ(MatchOf(Verb::get, "/books/42?x=1"), "/books/{id}");
}

TEST_F(RouterTest, UnknownPathIs404AndOtherMethodIs405WithAllow) {
  EXPECT_EQ(MatchOf(Verb::get, "/nope"), "404");
  EXPECT_EQ(MatchOf(Verb::get, "/books/"), "404");
  EXPECT_EQ(MatchOf(Verb::get, "/orders/7"), "404");
  EXPECT_EQ(MatchOf(Verb::get, "/orders/7/pay/x"), "404");
  EXPECT_EQ(MatchOf(Verb::delete_, "/books"), "405 GET, HEAD, POST");
  EXPECT_EQ(MatchOf(Verb::get, "/orders/7/pay"), "405 POST");
}

TEST_F(RouterTest, BacktracksFromLiteralToParameterForAnotherMethod) {
  // PUT /books/search is no literal route, but {id} accepts PUT.
  EXPECT_EQ(MatchOf(Verb::put, "/books/search"), "/books/{id}");
}

TEST_F(RouterTest, HeadFallsBackToGet) { EXPECT_EQ(MatchOf(Verb::head, "/books/1"), "/books/{id}"); }

TEST_F(RouterTest, RestParameterTakesTheRemainingPath) {
  Context ctx(MakeRequest(Verb::get, "/static/css/site.css"));
  ASSERT_NE(router_.Match(ctx, nullptr), nullptr);
  EXPECT_EQ(ctx.Param("path"), "css/site.css");
  Context empty(MakeRequest(Verb::get, "/static/"));
  ASSERT_NE(router_.Match(empty, nullptr), nullptr);
  EXPECT_EQ(empty.Param("path"), "");
}

TEST_F(RouterTest, ParamsAreDecodedAndIdParamRejectsNonIds) {
  Context ctx(MakeRequest(Verb::get, "/books/4%32"));
  ASSERT_NE(router_.Match(ctx, nullptr), nullptr);
  EXPECT_EQ(ctx.Param("id"), "42");
  EXPECT_EQ(ctx.IdParam("id"), 42);
  EXPECT_THROW((void)ctx.Param("nope"), std::logic_error);

  for (const char* target : {"/books/abc", "/books/0", "/books/-3", "/books/99999999999999999999"}) {
    Context bad(MakeRequest(Verb::get, target));
    ASSERT_NE(router_.Match(bad, nullptr), nullptr) << target;
    try {
      (void)bad.IdParam("id");
      ADD_FAILURE() << target << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), Status::not_found) << target;
    }
  }
}

TEST(RouterRegistration, RejectsBadAndDuplicatePatterns) {
  Router router;
  router.Add(Verb::get, "/a/{id}", Named("x"));
  EXPECT_THROW(router.Add(Verb::get, "/a/{id}", Named("y")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a/{other}", Named("y")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "no-slash", Named("y")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a//b", Named("y")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a/{x", Named("y")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a/{x}/{x}", Named("y")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a/{rest...}/b", Named("y")), std::invalid_argument);
  EXPECT_NO_THROW(router.Add(Verb::post, "/a/{other}", Named("y")));  // another method, own names
}

TEST(ContextQuery, DecodesParametersAndValidatesNumbers) {
  Context ctx(MakeRequest(Verb::get,
                          "/books?q=harry+potter&author=Ana%20Mar%C3%ADa&tag=a&tag=b&limit=5&in_stock=yes"));
  EXPECT_EQ(ctx.Query("q"), "harry potter");
  EXPECT_EQ(ctx.Query("author"), "Ana María");
  EXPECT_EQ(ctx.QueryAll("tag"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ctx.Query("missing"), std::nullopt);
  EXPECT_EQ(ctx.QueryInt("limit", 20, 1, 100), 5);
  EXPECT_EQ(ctx.QueryInt("offset", 0, 0, 1000), 0);
  EXPECT_TRUE(ctx.QueryBool("in_stock", false));
  try {
    (void)ctx.QueryInt("limit", 20, 10, 100);
    ADD_FAILURE() << "out of range accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::bad_request);
    EXPECT_EQ(e.extra().at("field"), "limit");
  }
  Context bad(MakeRequest(Verb::get, "/books?q=%zz"));
  EXPECT_THROW((void)bad.Query("q"), Error);
  Context text(MakeRequest(Verb::get, "/books?limit=ten"));
  EXPECT_THROW((void)text.QueryInt("limit", 1, 1, 10), Error);
}

TEST(ContextAttributes, StoresTypedValues) {
  struct Identity {
    std::int64_t user_id;
    std::string role;
  };
  Context ctx(MakeRequest(Verb::get, "/"));
  EXPECT_EQ(ctx.Get<Identity>("identity"), nullptr);
  ctx.Set("identity", Identity{7, "admin"});
  ASSERT_NE(ctx.Get<Identity>("identity"), nullptr);
  EXPECT_EQ(ctx.Get<Identity>("identity")->user_id, 7);
  EXPECT_EQ(ctx.Get<int>("identity"), nullptr);  // wrong type
  ctx.Set("identity", Identity{8, "user"});
  EXPECT_EQ(ctx.Get<Identity>("identity")->user_id, 8);
}

TEST(Problems, HaveTheContractShape) {
  const auto res = ProblemResponse(Conflict("insufficient stock"));
  EXPECT_EQ(res.result(), Status::conflict);
  EXPECT_EQ(res[Field::content_type], "application/problem+json");
  EXPECT_EQ(boost::json::parse(res.body()),
            boost::json::parse(R"({"type":"about:blank","title":"Conflict","status":409,)"
                               R"("detail":"insufficient stock","error":"insufficient stock"})"));
  const auto field = ProblemResponse(BadRequest("price must be positive", "price"));
  EXPECT_EQ(boost::json::parse(field.body()).at("field"), "price");
  const auto allow = ProblemResponse(MethodNotAllowed("GET, HEAD"));
  EXPECT_EQ(allow[Field::allow], "GET, HEAD");
  EXPECT_EQ(ProblemResponse(Unauthorized())[Field::www_authenticate], "Bearer");
  EXPECT_EQ(ProblemResponse(TooManyRequests("slow down", 3))[Field::retry_after], "3");
}

TEST(JsonBody, ParsesObjectsAndNamesTheFieldAtFault) {
  const auto body = ParseJsonObject(MakeRequest(Verb::post, "/", R"({"email":"a@b.c","stock":3,"x":null})"));
  EXPECT_EQ(RequiredString(body, "email"), "a@b.c");
  EXPECT_EQ(RequiredInt(body, "stock"), 3);
  EXPECT_EQ(OptionalString(body, "x"), std::nullopt);
  EXPECT_EQ(OptionalInt(body, "missing"), std::nullopt);

  auto status_of = [](auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return static_cast<int>(e.status());
    }
    return 0;
  };
  EXPECT_EQ(status_of([] { ParseJsonObject(MakeRequest(Verb::post, "/", "{bad")); }), 400);
  EXPECT_EQ(status_of([] { ParseJsonObject(MakeRequest(Verb::post, "/", "[1,2]")); }), 400);
  EXPECT_EQ(status_of([&] { (void)RequiredString(body, "stock"); }), 400);
  EXPECT_EQ(status_of([&] { (void)RequiredInt(body, "email"); }), 400);
  try {
    (void)RequiredString(body, "name");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.extra().at("field"), "name");
  }
}

TEST(ServerSentEvents, FormatsEventsAndComments) {
  EXPECT_EQ(FormatEvent("{\"a\":1}"), "data: {\"a\":1}\n\n");
  EXPECT_EQ(FormatEvent("l1\nl2", "book.updated", "7"), "event: book.updated\nid: 7\ndata: l1\ndata: l2\n\n");
  EXPECT_EQ(FormatComment(), ": keep-alive\n\n");
}

TEST(MetricsRegistryTest, RendersCountersGaugesAndFunctions) {
  MetricsRegistry registry;
  auto& counter = registry.AddCounter("bus_published_total", "Events published", {{"type", "book.created"}});
  counter.Inc();
  counter.Inc(2);
  EXPECT_EQ(&counter,
            &registry.AddCounter("bus_published_total", "Events published", {{"type", "book.created"}}));
  registry.AddGauge("queue_depth", "Depth").Set(5);
  const auto idle = registry.AddGaugeFunction("pool_idle", "Idle", [] { return 1.5; });
  const auto text = registry.Render();
  EXPECT_NE(text.find("# TYPE bus_published_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("bus_published_total{type=\"book.created\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("queue_depth 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("pool_idle 1.5\n"), std::string::npos) << text;
  EXPECT_THROW(registry.AddGauge("bus_published_total", "x"), std::invalid_argument);
  EXPECT_THROW(registry.AddCounter("bad name", "x"), std::invalid_argument);
}

TEST(MetricsRegistryTest, AGaugeFunctionLivesAsLongAsItsRegistration) {
  MetricsRegistry registry;
  {
    auto owner = std::make_unique<double>(7);
    auto registration = registry.AddGaugeFunction("cache_bytes", "Bytes", [&owner] { return *owner; });
    EXPECT_NE(registry.Render().find("cache_bytes 7\n"), std::string::npos);
    {
      // A second owner (e.g. a test's second instance) answers while it lives, then the first again.
      const auto newer = registry.AddGaugeFunction("cache_bytes", "Bytes", [] { return 9.0; });
      EXPECT_NE(registry.Render().find("cache_bytes 9\n"), std::string::npos);
    }
    EXPECT_NE(registry.Render().find("cache_bytes 7\n"), std::string::npos);
    GaugeRegistration moved = std::move(registration);
    EXPECT_NE(registry.Render().find("cache_bytes 7\n"), std::string::npos);
    moved.Reset();
    owner.reset();  // what the function read is gone: it must never be called again
    EXPECT_EQ(registry.Render().find("cache_bytes"), std::string::npos) << registry.Render();
  }
  // The name stays a gauge's: registering it again works.
  const auto again = registry.AddGaugeFunction("cache_bytes", "Bytes", [] { return 1.0; });
  EXPECT_NE(registry.Render().find("cache_bytes 1\n"), std::string::npos);
}

TEST(MetricsRegistryTest, ACounterFunctionRendersAsACounterAndKeepsItsType) {
  MetricsRegistry registry;
  double published = 4;
  {
    const auto registration = registry.AddCounterFunction("outbox_published_total", "Published",
                                                          [&published] { return published; });
    published = 6;
    const auto text = registry.Render();
    EXPECT_NE(text.find("# TYPE outbox_published_total counter\noutbox_published_total 6\n"),
              std::string::npos)
        << text;
    EXPECT_THROW((void)registry.AddGaugeFunction("outbox_published_total", "x", [] { return 1.0; }),
                 std::invalid_argument);
    EXPECT_THROW(registry.AddCounter("outbox_published_total", "x"), std::invalid_argument);
  }
  EXPECT_EQ(registry.Render().find("outbox_published_total"), std::string::npos);
  registry.AddCounter("plain_total", "x").Inc();
  EXPECT_THROW((void)registry.AddCounterFunction("plain_total", "x", [] { return 1.0; }),
               std::invalid_argument);
}

// The figure of `name` in a text exposition, or -1.
double FigureOf(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

TEST(ProcessMetricsTest, ReadsThisProcessFromProc) {
  const auto before = std::make_unique<std::array<char, 1 << 20>>();  // touched below: resident
  before->fill('x');
  const std::string text = RenderProcessMetrics();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos) << text;
  EXPECT_GE(FigureOf(text, "process_cpu_seconds_total"), 0) << text;
  EXPECT_GT(FigureOf(text, "process_resident_memory_bytes"), 1 << 20) << text;
  EXPECT_GT(FigureOf(text, "process_virtual_memory_bytes"), FigureOf(text, "process_resident_memory_bytes"));
  EXPECT_GE(FigureOf(text, "process_open_fds"), 3) << text;  // stdin, stdout, stderr at least
  EXPECT_GE(FigureOf(text, "process_max_fds"), FigureOf(text, "process_open_fds")) << text;
  EXPECT_GE(FigureOf(text, "process_threads"), 1) << text;
  const double now = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  const double started = FigureOf(text, "process_start_time_seconds");
  // btime is whole seconds and the wall clock may have been stepped since boot: a minute's slack.
  EXPECT_LE(started, now + 60) << text;
  EXPECT_GT(started, now - 3600) << text;  // this test binary started within the hour
}

TEST(UpstreamParse, AcceptsBaseUrlsOnly) {
  EXPECT_EQ(Upstream::Parse("http://catalog:5002"), (Upstream{"catalog", 5002}));
  EXPECT_EQ(Upstream::Parse("http://catalog:5002/"), (Upstream{"catalog", 5002}));
  EXPECT_EQ(Upstream::Parse("auth"), (Upstream{"auth", 80}));
  EXPECT_EQ(Upstream::Parse("http://[::1]:8080"), (Upstream{"::1", 8080}));
  EXPECT_EQ(Upstream::Parse("http://[::1]:8080").Authority(), "[::1]:8080");
  EXPECT_THROW(Upstream::Parse("https://x:1"), std::invalid_argument);
  EXPECT_THROW(Upstream::Parse("http://x:1/api"), std::invalid_argument);
  EXPECT_THROW(Upstream::Parse("http://x:0"), std::invalid_argument);
  EXPECT_THROW(Upstream::Parse("http://x:"), std::invalid_argument);
  EXPECT_THROW(Upstream::Parse(""), std::invalid_argument);
}

TEST(ServerOptionsFromEnv, ReadsDefaultsValuesAndFiles) {
  std::map<std::string, std::string> vars{{"HTTP_PORT", "6001"},          {"HTTP_THREADS", "4"},
                                          {"HTTP_READ_TIMEOUT", "3s"},    {"HTTP_ACCESS_LOG", "false"},
                                          {"TLS_CERT_FILE", "/run/cert"}, {"TLS_KEY_FILE", "/run/key"}};
  std::map<std::string, std::string> files{{"/run/cert", "CERT PEM\n"}, {"/run/key", "KEY PEM\n"}};
  auto lookup = [](const std::map<std::string, std::string>& m) {
    return [&m](const std::string& k) -> std::optional<std::string> {
      auto it = m.find(k);
      if (it == m.end()) return std::nullopt;
      return it->second;
    };
  };
  std::array<const char*, 1> argv = {"test"};
  config::Env env("test", 1, argv.data(), config::Source{lookup(vars), lookup(files)});
  const auto options = ReadServerOptions(env, 5002, 9002);
  EXPECT_TRUE(env.Errors().empty());
  EXPECT_EQ(options.host, "0.0.0.0");
  EXPECT_EQ(options.port, 6001);
  EXPECT_EQ(options.admin_port, std::optional<std::uint16_t>(9002));
  EXPECT_EQ(options.admin_host, "0.0.0.0");  // HTTP_HOST's
  EXPECT_EQ(options.max_connections, 10'000U);
  EXPECT_EQ(options.threads, 4);
  EXPECT_EQ(options.body_limit, 1024U * 1024U);
  EXPECT_EQ(options.read_timeout, std::chrono::seconds(3));
  EXPECT_EQ(options.idle_timeout, std::chrono::seconds(60));
  EXPECT_FALSE(options.access_log);
  EXPECT_EQ(options.tls_certificate_pem, "CERT PEM");
  EXPECT_EQ(options.tls_private_key_pem, "KEY PEM");

  std::map<std::string, std::string> bad{{"HTTP_PORT", "99999"}};
  std::map<std::string, std::string> none;
  config::Env bad_env("test", 1, argv.data(), config::Source{lookup(bad), lookup(none)});
  const auto defaults = ReadServerOptions(bad_env, 5002, 9002);
  EXPECT_EQ(bad_env.Errors().size(), 1U);
  EXPECT_EQ(defaults.port, 5002);
  EXPECT_EQ(defaults.threads, config::UsableCpus());  // a thread per CPU the process may use
}

}  // namespace
}  // namespace bookstore::http
