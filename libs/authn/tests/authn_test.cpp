// Authenticator and KeySource against a real HTTP server standing in for auth's JWKS endpoint.

#include "bookstore/authn/authn.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "bookstore/auth/jwks.h"
#include "bookstore/http/server.h"

namespace bookstore::authn {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr const char* kIssuer = "bookstore-auth";
constexpr const char* kAudience = "bookstore";

std::string MakeToken(const auth::SigningKeys& keys, std::int64_t user_id = 42,
                      auth::Role role = auth::Role::kUser, std::chrono::seconds ttl = 1h,
                      std::string issuer = kIssuer, std::chrono::sys_seconds now = auth::NowSeconds()) {
  return auth::Sign(auth::NewClaims(std::move(issuer), kAudience, user_id, "Ada", role, now, ttl), keys);
}

auth::SigningKeys Keys(const std::string& lines) { return auth::SigningKeys::Parse(lines); }

http::Request RequestWith(const std::string& authorization) {
  http::Request request{http::Verb::get, "/x", 11};
  if (!authorization.empty()) request.set(http::Field::authorization, authorization);
  return request;
}

// An event loop on a thread of its own, to run the coroutines under test and KeySource::Start.
class Loop {
 public:
  Loop() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~Loop() {
    io_.stop();
    thread_.join();
  }
  template <typename T>
  T Run(http::Awaitable<T> awaitable) {
    return asio::co_spawn(io_, std::move(awaitable), asio::use_future).get();
  }
  void Run(http::Awaitable<void> awaitable) {
    asio::co_spawn(io_, std::move(awaitable), asio::use_future).get();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

http::Error CatchError(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const http::Error& error) {
    return error;
  }
  ADD_FAILURE() << "no http::Error thrown";
  return http::InternalError("none");
}

bool HasHeader(const http::Error& error, const std::string& name, const std::string& value) {
  for (const auto& [header, header_value] : error.headers()) {
    if (header == name && header_value == value) return true;
  }
  return false;
}

class FixedKeysTest : public ::testing::Test {
 protected:
  FixedKeysTest() : keys_(Keys(auth::GenerateKeyLine("k1"))), source_(keys_.PublicKeys()) {}

  std::optional<Identity> Optional(const std::string& authorization) {
    http::Context ctx(RequestWith(authorization));
    return loop_.Run(authenticator_->OptionalUser(ctx));
  }
  Identity Require(const std::string& authorization, bool admin = false) {
    http::Context ctx(RequestWith(authorization));
    return loop_.Run(admin ? authenticator_->RequireAdmin(ctx) : authenticator_->RequireUser(ctx));
  }
  void MakeAuthenticator(Authenticator::Options options = {}) {
    authenticator_ = std::make_unique<Authenticator>(std::move(options), source_);
  }
  void SetUp() override { MakeAuthenticator(); }

  Loop loop_;
  auth::SigningKeys keys_;
  KeySource source_;
  std::unique_ptr<Authenticator> authenticator_;
};

TEST_F(FixedKeysTest, ValidTokenYieldsTheIdentity) {
  auto now = auth::NowSeconds();
  auto token = MakeToken(keys_, 42, auth::Role::kUser, 1h, kIssuer, now);
  auto identity = Require("Bearer " + token);
  EXPECT_EQ(identity.user_id, 42);
  EXPECT_EQ(identity.name, "Ada");
  EXPECT_EQ(identity.role, auth::Role::kUser);
  EXPECT_EQ(identity.exp, now + 1h);
  EXPECT_FALSE(identity.jti.empty());
  EXPECT_TRUE(source_.Ready());
}

TEST_F(FixedKeysTest, IdentityIsKeptInTheContext) {
  http::Context ctx(RequestWith("Bearer " + MakeToken(keys_)));
  EXPECT_EQ(CurrentIdentity(ctx), nullptr);
  auto identity = loop_.Run(authenticator_->RequireUser(ctx));
  ASSERT_NE(CurrentIdentity(ctx), nullptr);
  EXPECT_EQ(*CurrentIdentity(ctx), identity);
}

TEST_F(FixedKeysTest, MissingHeaderIsOptionalButRequiredIs401) {
  EXPECT_FALSE(Optional(""));
  auto error = CatchError([&] { Require(""); });
  EXPECT_EQ(error.status(), http::Status::unauthorized);
  EXPECT_TRUE(HasHeader(error, "WWW-Authenticate", "Bearer"));
}

TEST_F(FixedKeysTest, BadCredentialsAre401EvenWhenOptional) {
  auto other_keys = Keys(auth::GenerateKeyLine("k1"));  // same kid, other key: bad signature
  for (const std::string& header :
       {std::string("Basic abc"), std::string("Bearer"), std::string("Bearer not.a.jwt"),
        "Bearer " + MakeToken(other_keys),
        "Bearer " + MakeToken(keys_, 42, auth::Role::kUser, 1h, "someone-else")}) {
    auto error = CatchError([&] { Optional(header); });
    EXPECT_EQ(error.status(), http::Status::unauthorized) << header;
    EXPECT_TRUE(HasHeader(error, "WWW-Authenticate", "Bearer")) << header;
  }
}

TEST_F(FixedKeysTest, ExpiredTokenIs401TokenExpired) {
  auto issued = auth::NowSeconds() - 2h;
  auto token = MakeToken(keys_, 42, auth::Role::kUser, 1h, kIssuer, issued);
  auto error = CatchError([&] { Require("Bearer " + token); });
  EXPECT_EQ(error.status(), http::Status::unauthorized);
  EXPECT_EQ(error.detail(), "token expired");
}

TEST_F(FixedKeysTest, AdminRequiredIs403ForUsers) {
  auto error = CatchError([&] { Require("Bearer " + MakeToken(keys_, 7, auth::Role::kUser), true); });
  EXPECT_EQ(error.status(), http::Status::forbidden);
  auto admin = Require("Bearer " + MakeToken(keys_, 1, auth::Role::kAdmin), true);
  EXPECT_TRUE(admin.IsAdmin());
  EXPECT_TRUE(admin.IsSelfOrAdmin(99));
}

TEST_F(FixedKeysTest, RevokedTokenIs401) {
  auto token = MakeToken(keys_);
  auto identity = Require("Bearer " + token);
  authenticator_->Revocations().Revoke(identity.jti, identity.exp, auth::NowSeconds());
  auto error = CatchError([&] { Require("Bearer " + token); });
  EXPECT_EQ(error.status(), http::Status::unauthorized);
  EXPECT_EQ(error.detail(), "token revoked");
}

TEST_F(FixedKeysTest, RevocationHookIsConsulted) {
  std::string revoked_jti;
  Authenticator::Options options;
  options.is_revoked = [&](const Identity& identity) -> http::Awaitable<bool> {
    co_return identity.jti == revoked_jti;
  };
  MakeAuthenticator(std::move(options));
  auto token = MakeToken(keys_);
  revoked_jti = Require("Bearer " + token).jti;
  EXPECT_EQ(CatchError([&] { Require("Bearer " + token); }).status(), http::Status::unauthorized);
  EXPECT_EQ(Require("Bearer " + MakeToken(keys_)).user_id, 42);
}

TEST(ApplyTokenRevoked, ReadsTheEventData) {
  auth::RevocationSet set;
  auto exp = (auth::NowSeconds() + 1h).time_since_epoch().count();
  EXPECT_TRUE(ApplyTokenRevoked(boost::json::object{{"jti", "abc"}, {"user_id", 1}, {"exp", exp}}, set));
  EXPECT_TRUE(set.IsRevoked("abc"));
  EXPECT_FALSE(ApplyTokenRevoked(boost::json::object{{"jti", "abc"}}, set));
  EXPECT_FALSE(ApplyTokenRevoked(boost::json::object{{"jti", 5}, {"exp", exp}}, set));
  EXPECT_FALSE(ApplyTokenRevoked(boost::json::object{{"exp", exp}}, set));
}

// --------------------------------------------------------------------------------- remote key source

// Serves a JWKS document that the test changes, counting requests; can answer 503 for a while.
class FakeAuth {
 public:
  FakeAuth() : server_(Options()) {
    server_.Get("/.well-known/jwks.json", [this](http::Context&) -> http::Awaitable<http::Response> {
      hits_.fetch_add(1);
      if (failures_left_.load() > 0) {
        failures_left_.fetch_sub(1);
        co_return http::ProblemResponse(http::Status::service_unavailable, "not yet");
      }
      if (delay_.count() > 0) std::this_thread::sleep_for(delay_);  // a slow auth: lets fetches overlap
      std::lock_guard lock(mutex_);
      co_return http::TextResponse(document_, http::Status::ok, http::kJsonContentType);
    });
    server_.Get("/internal/revocations", [this](http::Context&) -> http::Awaitable<http::Response> {
      std::lock_guard lock(mutex_);
      co_return http::TextResponse(revocations_, http::Status::ok, http::kJsonContentType);
    });
    server_.Start();
  }

  static http::ServerOptions Options() {
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 1;
    options.access_log = false;
    options.handle_signals = false;
    return options;
  }

  void Serve(const auth::SigningKeys& keys) {
    std::lock_guard lock(mutex_);
    document_ = auth::BuildJwks(keys);
  }
  void ServeRevocations(std::string body) {
    std::lock_guard lock(mutex_);
    revocations_ = std::move(body);
  }
  void FailNext(int count) { failures_left_ = count; }
  void Delay(std::chrono::milliseconds delay) { delay_ = delay; }
  [[nodiscard]] int Hits() const { return hits_.load(); }
  std::string Url() { return "http://127.0.0.1:" + std::to_string(server_.port()); }

 private:
  http::Server server_;
  std::mutex mutex_;
  std::string document_ = R"({"keys":[]})";
  std::string revocations_ = "[]";
  std::atomic<int> hits_{0};
  std::atomic<int> failures_left_{0};
  std::chrono::milliseconds delay_{0};
};

bool Eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return predicate();
}

class RemoteKeysTest : public ::testing::Test {
 protected:
  KeySource::Options SourceOptions() {
    KeySource::Options options;
    options.auth_url = fake_.Url();
    options.retry_initial = 10ms;
    options.retry_max = 50ms;
    options.min_refetch_interval = 60s;  // within a test: at most one refetch after the first load
    return options;
  }

  Identity Require(Authenticator& authenticator, const std::string& token) {
    http::Context ctx(RequestWith("Bearer " + token));
    return loop_.Run(authenticator.RequireUser(ctx));
  }

  FakeAuth fake_;
  http::Client client_;
  Loop loop_;  // after the client: stops before it goes away
};

TEST_F(RemoteKeysTest, NotReadyUntilAuthAnswersThenLoads) {
  auto keys = Keys(auth::GenerateKeyLine("k1"));
  fake_.Serve(keys);
  fake_.FailNext(3);
  KeySource source(SourceOptions(), client_);
  EXPECT_FALSE(source.Ready());
  source.Start(loop_.io());
  ASSERT_TRUE(Eventually([&] { return source.Ready(); })) << "keys never loaded";
  EXPECT_GE(fake_.Hits(), 4);
  EXPECT_EQ(*source.Keys(), keys.PublicKeys());
  EXPECT_GE(source.GetStats().failures, 3U);
}

TEST_F(RemoteKeysTest, RequestsBeforeKeysAreLoadedGet503) {
  fake_.FailNext(1000);
  KeySource source(SourceOptions(), client_);
  Authenticator authenticator(Authenticator::Options{}, source);
  auto token = MakeToken(Keys(auth::GenerateKeyLine("k1")));
  auto error = CatchError([&] { Require(authenticator, token); });
  EXPECT_EQ(error.status(), http::Status::service_unavailable);
}

TEST_F(RemoteKeysTest, RotationIsPickedUpWithOneFetch) {
  auto line1 = auth::GenerateKeyLine("k1");
  auto old_keys = Keys(line1);
  fake_.Serve(old_keys);
  KeySource source(SourceOptions(), client_);
  Authenticator authenticator(Authenticator::Options{}, source);
  source.Start(loop_.io());
  ASSERT_TRUE(Eventually([&] { return source.Ready(); }));
  auto old_token = MakeToken(old_keys);
  EXPECT_EQ(Require(authenticator, old_token).user_id, 42);
  auto hits_before = fake_.Hits();

  auto new_keys = Keys(line1 + "\n" + auth::GenerateKeyLine("k2"));
  fake_.Serve(new_keys);
  auto new_token = MakeToken(new_keys, 43);
  EXPECT_EQ(Require(authenticator, new_token).user_id, 43);
  EXPECT_EQ(Require(authenticator, old_token).user_id, 42);
  EXPECT_EQ(fake_.Hits(), hits_before + 1);

  // A made-up kid right after: no second fetch within min_refetch_interval, just 401.
  auto stranger = MakeToken(Keys(auth::GenerateKeyLine("k3")));
  EXPECT_EQ(CatchError([&] { Require(authenticator, stranger); }).status(), http::Status::unauthorized);
  EXPECT_EQ(fake_.Hits(), hits_before + 1);
}

TEST_F(RemoteKeysTest, ConcurrentUnknownKidsShareOneFetch) {
  auto line1 = auth::GenerateKeyLine("k1");
  fake_.Serve(Keys(line1));
  KeySource source(SourceOptions(), client_);
  Authenticator authenticator(Authenticator::Options{}, source);
  source.Start(loop_.io());
  ASSERT_TRUE(Eventually([&] { return source.Ready(); }));
  auto hits_before = fake_.Hits();

  auto new_keys = Keys(line1 + "\n" + auth::GenerateKeyLine("k2"));
  fake_.Serve(new_keys);
  fake_.Delay(200ms);
  constexpr int kRequests = 8;
  std::vector<std::string> tokens;
  tokens.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) tokens.push_back(MakeToken(new_keys, 100 + i));
  std::vector<std::unique_ptr<http::Context>> contexts;
  std::vector<std::future<Identity>> results;
  contexts.reserve(kRequests);
  results.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    contexts.push_back(std::make_unique<http::Context>(RequestWith("Bearer " + tokens[i])));
    results.push_back(
        asio::co_spawn(loop_.io(), authenticator.RequireUser(*contexts.back()), asio::use_future));
  }
  for (int i = 0; i < kRequests; ++i) EXPECT_EQ(results[i].get().user_id, 100 + i);
  EXPECT_EQ(fake_.Hits(), hits_before + 1);
}

TEST_F(RemoteKeysTest, SeveralUrlsAreTriedInTurn) {
  auto keys = Keys(auth::GenerateKeyLine("k1"));
  fake_.Serve(keys);
  auto options = SourceOptions();
  options.auth_url = "http://127.0.0.1:1, " + fake_.Url();  // nothing listens on port 1
  KeySource source(options, client_);
  source.Start(loop_.io());
  ASSERT_TRUE(Eventually([&] { return source.Ready(); }));
  EXPECT_EQ(*source.Keys(), keys.PublicKeys());
}

TEST_F(RemoteKeysTest, BadUrlIsRefused) {
  auto options = SourceOptions();
  options.auth_url = "https://auth:5001";
  EXPECT_THROW(KeySource(options, client_), std::invalid_argument);
  options.auth_url = " , ";
  EXPECT_THROW(KeySource(options, client_), std::invalid_argument);
}

TEST_F(RemoteKeysTest, FetchRevocationsFillsTheSet) {
  auto exp = (auth::NowSeconds() + 1h).time_since_epoch().count();
  fake_.ServeRevocations(R"([{"jti":"a","exp":)" + std::to_string(exp) + R"(},{"jti":"b","exp":)" +
                         std::to_string(exp) + R"(},{"bad":1}])");
  auth::RevocationSet set;
  EXPECT_EQ(loop_.Run(FetchRevocations(client_, fake_.Url(), set)), 2U);
  EXPECT_TRUE(set.IsRevoked("a"));
  EXPECT_TRUE(set.IsRevoked("b"));
}

}  // namespace
}  // namespace bookstore::authn
