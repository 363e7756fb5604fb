// The server writes a response as AppendResponseHead's head plus the body, the client a request as
// AppendRequestHead's head plus the body; both must come out byte for byte as Beast's serializer writes
// them.

#include "wire.h"

#include <gtest/gtest.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/serializer.hpp>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace bookstore::http::detail {
namespace {

namespace bhttp = boost::beast::http;

// The whole message as Beast's serializer produces it (the header alone when `header_only`).
template <bool kRequest>
std::string BeastBytes(bhttp::message<kRequest, bhttp::string_body>& message, bool header_only) {
  bhttp::serializer<kRequest, bhttp::string_body> serializer(message);
  if (header_only) serializer.split(true);
  std::string out;
  boost::beast::error_code ec;
  while (!(header_only ? serializer.is_header_done() : serializer.is_done())) {
    serializer.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
      const std::string piece = boost::beast::buffers_to_string(buffers);
      out += piece;
      serializer.consume(piece.size());
    });
    EXPECT_FALSE(ec) << ec.message();
    if (ec) break;
  }
  return out;
}

std::string OurBytes(const Response& response, bool header_only) {
  std::string out;
  AppendResponseHead(response, out);
  if (!header_only) out += response.body();
  return out;
}

void ExpectSameBytes(Response response) {
  EXPECT_EQ(OurBytes(response, false), BeastBytes(response, false));
  EXPECT_EQ(OurBytes(response, true), BeastBytes(response, true));
}

TEST(ResponseHeadTest, IsWhatBeastWritesForAnAnswerWithBody) {
  Response response{Status::ok, 11};
  response.set(Field::content_type, "application/json");
  response.set(Field::cache_control, "public, max-age=0, s-maxage=30");
  response.set("X-Request-ID", "0af7651916cd43dd8448eb211c80319c");
  response.insert(Field::vary, "Accept");
  response.insert(Field::vary, "Authorization");  // a repeated field stays two lines, in order
  response.body() = R"({"id":42,"title":"Café"})";
  response.prepare_payload();
  ExpectSameBytes(response);
}

TEST(ResponseHeadTest, IsWhatBeastWritesForOtherStatusesVersionsAndReasons) {
  Response created{Status::created, 11};
  created.set(Field::location, "/books/7");
  created.prepare_payload();
  ExpectSameBytes(created);

  Response not_modified{Status::not_modified, 11};
  not_modified.set(Field::etag, "\"v3\"");
  ExpectSameBytes(not_modified);

  Response old_client{Status::service_unavailable, 10};
  old_client.keep_alive(false);
  old_client.set(Field::retry_after, "1");
  old_client.body() = "busy";
  old_client.prepare_payload();
  ExpectSameBytes(old_client);

  Response custom_reason{Status::too_many_requests, 11};
  custom_reason.reason("Slow Down");
  custom_reason.prepare_payload();
  ExpectSameBytes(custom_reason);

  Response unknown_status{static_cast<Status>(599), 11};
  unknown_status.prepare_payload();
  ExpectSameBytes(unknown_status);
}

TEST(ResponseHeadTest, IsWhatBeastWritesForTheHeadOfAStream) {
  Response stream{Status::ok, 11};
  stream.set(Field::content_type, "text/event-stream");
  stream.keep_alive(false);
  stream.chunked(true);
  std::string ours;
  AppendResponseHead(stream, ours);
  EXPECT_EQ(ours, BeastBytes(stream, true));
  EXPECT_NE(ours.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << ours;
}

std::string OurRequestBytes(const Request& request) {
  std::string out;
  AppendRequestHead(request, out);
  out += request.body();
  return out;
}

TEST(RequestHeadTest, IsWhatBeastWritesForTheClientsRequests) {
  Request get{Verb::get, "/books?ids=1,2,3&limit=3", 11};
  get.set(Field::host, "catalog:8080");
  get.set("X-Request-ID", "0af7651916cd43dd8448eb211c80319c");
  get.keep_alive(true);
  get.prepare_payload();
  EXPECT_EQ(OurRequestBytes(get), BeastBytes(get, false));

  Request post{Verb::post, "/orders", 11};
  post.set(Field::host, "orders:8080");
  post.set(Field::content_type, "application/json");
  post.set(Field::transfer_encoding, "chunked");  // what a client sent; prepare_payload gives a length
  post.body() = R"({"items":[{"book_id":7,"quantity":2}]})";
  post.prepare_payload();
  EXPECT_EQ(OurRequestBytes(post), BeastBytes(post, false));
  EXPECT_NE(OurRequestBytes(post).find("Content-Length: 38\r\n"), std::string::npos) << OurRequestBytes(post);

  Request custom{Verb::unknown, "/x", 10};
  custom.method_string("PURGE");
  custom.prepare_payload();
  EXPECT_EQ(OurRequestBytes(custom), BeastBytes(custom, false));
}

// Serve sets the request id, the date and the framing on every response; on a proxied answer they are
// usually there already. The outcome must be what Beast's set() and prepare_payload() give in every case.
TEST(SetFieldValueTest, GivesWhatSetGivesWhetherTheFieldIsAbsentEqualDifferentOrRepeated) {
  for (const auto& present :
       std::vector<std::vector<std::string>>{{}, {"id-1"}, {"id-2"}, {"id-1", "id-1"}}) {
    Response ours{Status::ok, 11};
    Response beasts{Status::ok, 11};
    for (const auto& value : present) {
      ours.insert("X-Request-ID", value);
      beasts.insert("X-Request-ID", value);
    }
    SetFieldValue(ours, "X-Request-ID", "id-1");
    beasts.set("X-Request-ID", "id-1");
    EXPECT_EQ(OurBytes(ours, false), OurBytes(beasts, false)) << present.size();
    EXPECT_EQ(std::distance(ours.equal_range("X-Request-ID").first, ours.equal_range("X-Request-ID").second),
              1);
  }
}

TEST(PreparePayloadTest, GivesWhatPreparePayloadGivesForEveryFraming) {
  struct Case {
    Status status;
    std::string body;
    std::vector<std::pair<Field, std::string>> fields;
  };
  const std::vector<Case> cases{
      {Status::ok, "hello", {}},
      {Status::ok, "hello", {{Field::content_length, "5"}}},
      {Status::ok, "hello", {{Field::content_length, "4"}}},
      {Status::ok, "hello", {{Field::content_length, "5"}, {Field::content_length, "5"}}},
      {Status::ok, "hello", {{Field::content_length, "5"}, {Field::transfer_encoding, "chunked"}}},
      {Status::ok, "", {{Field::content_length, "0"}}},
      {Status::no_content, "", {{Field::content_length, "0"}}},
      {Status::not_modified, "", {}},
  };
  for (const auto& c : cases) {
    Response ours{c.status, 11};
    for (const auto& [name, value] : c.fields) ours.insert(name, value);
    ours.body() = c.body;
    Response beasts = ours;
    PreparePayload(ours);
    beasts.prepare_payload();
    EXPECT_EQ(OurBytes(ours, false), OurBytes(beasts, false))
        << static_cast<unsigned>(c.status) << " " << c.body;
  }
}

}  // namespace
}  // namespace bookstore::http::detail
