#pragma once
// The fan-out behind GET /events: one LiveHub per gateway replica, fed by the replica's bus Subscriber,
// and one LiveStream per connected client.
//
// - book.* events go to every stream; order.* events only to the streams of the user named by the
//   event's data.user_id (never to anonymous streams or other users); each event is formatted once and
//   shared by every stream it goes to.
// - No thread per client: a stream is a coroutine that sleeps until the hub wakes it. Publishing never
//   blocks on a client: each stream has a bounded queue, and a client whose queue is full (it does not
//   read fast enough) is ended ("dropped"), so it can reconnect and reload instead of silently missing
//   events.
// - Revoke ends the streams opened with a token id once auth says it is revoked.
// - Caps: max_streams per replica, and per client address and per user, so that one client cannot take
//   every stream of the replica from everyone else.
// Thread-safe: events arrive on the subscriber's thread, streams live on the network threads.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bookstore/bus/event.h"
#include "bookstore/http/metrics.h"

namespace bookstore::gateway {

using SharedText = std::shared_ptr<const std::string>;

class LiveStream {
 public:
  enum class End { kNone, kOverflow, kRevoked, kClosed };

  // user_id 0: anonymous. `wake` is called (from any thread, outside the stream's lock) when the queue
  // goes from "already looked at" to "something new"; it must make the stream's coroutine call Take().
  LiveStream(std::int64_t user_id, std::string token_id, std::string client, std::size_t queue_limit,
             std::function<void()> wake);

  [[nodiscard]] std::int64_t user_id() const { return user_id_; }
  [[nodiscard]] const std::string& token_id() const { return token_id_; }
  [[nodiscard]] const std::string& client() const { return client_; }

  // Hub side. Push ends the stream with kOverflow instead of queueing beyond the limit.
  // Returns false when this push overflowed the queue (the stream is ended now).
  bool Push(SharedText event);
  void Finish(End reason);

  // Stream side: everything queued since the last call, and why the stream must end (kNone: go on).
  struct Batch {
    std::vector<SharedText> events;
    End end = End::kNone;
  };
  Batch Take();

 private:
  void Wake(bool needed);

  const std::int64_t user_id_;
  const std::string token_id_;
  const std::string client_;
  const std::size_t queue_limit_;
  const std::function<void()> wake_;
  std::mutex mutex_;
  std::vector<SharedText> queue_;
  End end_ = End::kNone;
  bool notified_ = false;  // a wake was sent and Take() has not run since
};

class LiveHub {
 public:
  struct Options {
    std::size_t queue_limit = 256;            // events waiting per client before it is dropped
    std::size_t max_streams = 10'000;         // per replica; more get 503
    std::size_t max_streams_per_client = 32;  // per client address (an office behind one NAT shares it)
    std::size_t max_streams_per_user = 8;     // per signed-in user, whatever the address
  };

  // A stream, or why none was opened.
  struct Opened {
    enum class Refusal { kNone, kFull, kClientLimit, kUserLimit };
    std::shared_ptr<LiveStream> stream;  // null when refused
    Refusal refusal = Refusal::kNone;
  };

  struct Stats {
    std::uint64_t events = 0;     // events published to the hub
    std::uint64_t delivered = 0;  // event copies queued to streams
    std::uint64_t dropped = 0;    // streams ended because they fell behind
    std::size_t streams = 0;
  };

  explicit LiveHub(Options options);

  // A new stream of `client` (its address), signed in as user_id (0: anonymous) with token_id; refused
  // when a cap is reached.
  Opened Open(std::int64_t user_id, std::string token_id, std::string client, std::function<void()> wake);
  void Close(const std::shared_ptr<LiveStream>& stream);

  // Routes one bus event (book.* to all, order.* to its owner; other types are ignored).
  void Publish(const bus::Event& event);
  // Ends the streams opened with this token id. user_id narrows the search (0: look at every stream).
  void Revoke(std::string_view token_id, std::int64_t user_id);
  // Ends every stream (shutdown).
  void CloseAll();

  [[nodiscard]] Stats GetStats() const;

 private:
  void Deliver(LiveStream& stream, const SharedText& text);

  Options options_;
  mutable std::mutex mutex_;
  std::unordered_map<LiveStream*, std::shared_ptr<LiveStream>> streams_;
  std::unordered_multimap<std::int64_t, LiveStream*> by_user_;
  std::unordered_map<std::string, std::size_t> per_client_;  // open streams by client address
  std::atomic<std::uint64_t> events_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> dropped_{0};
  http::Counter& events_counter_;  // process-wide, for /metrics
  http::Counter& dropped_counter_;
};

// The SSE text of an event: "event: <type>\nid: <id>\ndata: <data as JSON>\n\n".
std::string FormatLiveEvent(const bus::Event& event);

// data.user_id of an order event as a positive integer (a JSON integer or a decimal string), else 0.
std::int64_t EventUserId(const bus::Event& event);

}  // namespace bookstore::gateway
