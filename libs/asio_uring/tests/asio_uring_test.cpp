// The corrections of libs/asio_uring/asio_uring.cpp, seen from Asio and from the ring.
//
// A cancelled read ends as cancelled, however often the ring's slots have come round. Without the
// correction the cancel of a read takes the slot (and so the user data) of an earlier submission, and once
// the ring has wrapped its completion is taken for a read's: a read then "succeeds" with no data while the
// kernel still holds it (here as soon as the ring had gone round once).
//
// The ring Asio opens is the small one, posting completions at its thread's next entry into the kernel;
// and a thread busy running handlers, which never enters the kernel on its own, still gets them as soon
// as it looks.

#include <gtest/gtest.h>
#include <liburing.h>

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace {

namespace net = boost::asio;
using Socket = net::local::stream_protocol::socket;

struct ReadOutcome {
  boost::system::error_code ec;
  std::size_t bytes = 0;
};

// A read's completion handler that keeps what it got.
auto Record(std::optional<ReadOutcome>& outcome) {
  return [&outcome](boost::system::error_code ec, std::size_t n) { outcome = ReadOutcome{ec, n}; };
}

// Two socket pairs: reads on `cancelled_` are started and cancelled, while `waiting_` always has a read
// that waits for data. A cancel that takes the waiting read's slot (and so its user data) is reported as
// the waiting read's completion without the fix.
class CancelledReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::local::connect_pair(cancelled_, cancelled_peer_);
    net::local::connect_pair(waiting_, waiting_peer_);
    // One deadline for the whole test: a timer per pass would put its own submissions in the ring.
    deadline_.async_wait([this](boost::system::error_code ec) { expired_ = !ec; });
    StartWaitingRead();
  }

  // Starts a read on `cancelled_`, cancels it, and runs the loop until the read's handler has run: two
  // submissions, the read and its cancel.
  std::optional<ReadOutcome> ReadThenCancel() {
    std::optional<ReadOutcome> outcome;
    cancelled_.async_read_some(net::buffer(cancelled_buffer_), Record(outcome));
    cancelled_.cancel();
    RunUntil([&] { return outcome.has_value(); });
    return outcome;
  }

  // One submission, which also moves the cancels that follow to slots that reads used before (with two
  // per pass, cancels would only ever follow cancels).
  void StartWaitingRead() {
    waiting_outcome_.reset();
    waiting_.async_read_some(net::buffer(waiting_buffer_), Record(waiting_outcome_));
  }

  // Writes `message` to the waiting read and runs the loop until it has it.
  std::optional<ReadOutcome> FeedWaitingRead(const std::string& message) {
    net::write(waiting_peer_, net::buffer(message));
    RunUntil([&] { return waiting_outcome_.has_value(); });
    return waiting_outcome_;
  }

  template <typename Done>
  void RunUntil(Done done) {
    while (!done() && !expired_) ioc_.run_one();
  }

  net::io_context ioc_{1};
  Socket cancelled_{ioc_};
  Socket cancelled_peer_{ioc_};
  Socket waiting_{ioc_};
  Socket waiting_peer_{ioc_};
  net::steady_timer deadline_{ioc_, std::chrono::seconds(60)};
  bool expired_ = false;
  std::array<char, 64> cancelled_buffer_{};
  std::array<char, 64> waiting_buffer_{};
  std::optional<ReadOutcome> waiting_outcome_;
};

// 40,000 passes of two or three submissions go round the ring's 256 entries (libs/asio_uring) hundreds of
// times, and round Asio's own 16,384 a few: without the correction this failed at pass 110 with the one
// and 7,022 with the other.
TEST_F(CancelledReadTest, ACancelEndsOnlyTheReadItCancels) {
  constexpr int kPasses = 40'000;
  const std::string message = "still reading";
  for (int pass = 0; pass < kPasses; ++pass) {
    const auto cancelled = ReadThenCancel();
    ASSERT_TRUE(cancelled.has_value()) << "pass " << pass << ": the cancelled read never completed";
    ASSERT_EQ(cancelled->ec, net::error::operation_aborted)
        << "pass " << pass << ": a read that was cancelled ended with '" << cancelled->ec.message()
        << "' and " << cancelled->bytes << " bytes";
    ASSERT_FALSE(waiting_outcome_.has_value())
        << "pass " << pass << ": a read with nothing to read ended with '" << waiting_outcome_->ec.message()
        << "' and " << waiting_outcome_->bytes << " bytes";
    if (pass % 3 != 0) continue;
    const auto read = FeedWaitingRead(message);
    ASSERT_TRUE(read.has_value()) << "pass " << pass << ": the waiting read never completed";
    ASSERT_FALSE(read->ec) << "pass " << pass << ": " << read->ec.message();
    ASSERT_EQ(std::string(waiting_buffer_.data(), read->bytes), message) << "pass " << pass;
    StartWaitingRead();
  }
}

// A ring opened and closed with the object (RAII for the tests below).
class Ring {
 public:
  explicit Ring(unsigned flags) {
    io_uring_params params{};
    params.flags = flags;
    result_ = io_uring_queue_init_params(2, &ring_, &params);
  }
  // Through the wrapped io_uring_queue_init, as Asio opens its ring.
  Ring(unsigned entries, unsigned flags) : result_(io_uring_queue_init(entries, &ring_, flags)) {}
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  ~Ring() {
    if (result_ == 0) io_uring_queue_exit(&ring_);
  }

  [[nodiscard]] int result() const { return result_; }
  [[nodiscard]] const io_uring& ring() const { return ring_; }

 private:
  io_uring ring_{};
  int result_ = 0;
};

constexpr unsigned kTaskRunFlags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;

// Whether this kernel opens a ring with them (Linux 5.19 and later).
bool KernelKnowsTaskRunFlags() { return Ring(kTaskRunFlags).result() == 0; }

// Asio asks for 16,384 entries; the ring has 256, its completion queue 4,096, and where the kernel knows
// the flags (Linux 5.19) it posts completions at the thread's next entry and says when some wait.
TEST(RingSetupTest, OpensSmallRingsThatPostCompletionsAtTheNextEntry) {
  const bool kernel_knows_task_run_flags = KernelKnowsTaskRunFlags();
  const Ring asio_ring(16'384, 0);
  ASSERT_EQ(asio_ring.result(), 0);
  EXPECT_EQ(asio_ring.ring().sq.ring_entries, 256U);
  EXPECT_EQ(asio_ring.ring().cq.ring_entries, 4096U);
  EXPECT_EQ((asio_ring.ring().flags & kTaskRunFlags) == kTaskRunFlags, kernel_knows_task_run_flags);
}

// One thread runs handler after handler (each posts the next: no system call between them) while another
// writes to the socket its read waits on. The kernel queues the read's completion as work for the busy
// thread, to run at its next entry into the kernel; with IORING_SETUP_TASKRUN_FLAG the ring says so, and
// Asio's look at the ring between two handlers (io_uring_peek_cqe) enters the kernel to post it. Without
// the flag, that look would find nothing until a timer interrupt happened to take the thread into the
// kernel: thousands of handlers later, not the few counted here.
TEST(RingSetupTest, AThreadBusyWithHandlersGetsACompletionAtItsNextLook) {
  if (!KernelKnowsTaskRunFlags()) GTEST_SKIP() << "this kernel posts completions at once";
  net::io_context ioc{1};
  Socket reader(ioc);
  Socket writer(ioc);
  net::local::connect_pair(reader, writer);
  std::array<char, 16> buffer{};
  std::optional<ReadOutcome> outcome;
  reader.async_read_some(net::buffer(buffer), Record(outcome));
  ioc.poll();  // submits the read, which waits for data
  ASSERT_FALSE(outcome.has_value());

  std::atomic<bool> spinning = false;
  std::atomic<bool> written = false;
  std::jthread peer([&] {
    spinning.wait(false);
    net::write(writer, net::buffer("x", 1));
    written.store(true, std::memory_order_release);
  });

  // Bounded, so that a failure ends: a few million handlers are seconds.
  constexpr int kMostHandlers = 5'000'000;
  int handlers = 0;
  int handlers_after_write = -1;
  std::function<void()> spin = [&] {
    ++handlers;
    if (handlers == 1) {
      spinning.store(true);
      spinning.notify_one();
    }
    if (handlers_after_write < 0 && written.load(std::memory_order_acquire)) handlers_after_write = 0;
    if (handlers_after_write >= 0) ++handlers_after_write;
    if (!outcome.has_value() && handlers < kMostHandlers) net::post(ioc, spin);
  };
  net::post(ioc, spin);
  ioc.run();

  ASSERT_TRUE(outcome.has_value()) << "the read never completed in " << handlers << " handlers";
  EXPECT_FALSE(outcome->ec) << outcome->ec.message();
  EXPECT_EQ(outcome->bytes, 1U);
  // The handler that sees `written`, then Asio's look at the ring, then the read's handler: a few.
  EXPECT_LE(handlers_after_write, 8) << "the completion waited " << handlers_after_write
                                     << " handlers after the write";
}

}  // namespace
