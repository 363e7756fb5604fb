#pragma once
// Group commit for requests: the writes of many requests in one transaction (one commit, one flush of the
// redo log, a few statements for all of them), each request still answered on its own.
//
//   db::Batcher<Placing, Placement> placer(pool, [](std::span<const Placing> batch, db::Connection& c) {
//     std::vector<db::Batcher<Placing, Placement>::Outcome> outcomes;  // one per request, in order
//     ...
//     return outcomes;
//   });
//   const Placement placed = co_await placer.Submit(std::move(placing));  // in a request's coroutine
//
// One batch runs at a time, on the batcher's own thread (the blocking calls stay off the network
// threads), in one transaction (Pool::WithTransaction, so it is run again after a deadlock: the handler
// must only read and write through `c`). A batch is every request that arrived while the previous one ran,
// up to max_batch: a quiet service waits for nothing, a busy one batches more. The handler returns one
// outcome per request, a result or the exception that request rethrows (a refusal that leaves the others
// alone: the handler writes nothing for it). When the batch as a whole fails (the handler throws, the
// commit fails), each of its requests runs again in a batch of its own, so that a failure is only ever
// the failing request's.

#include <algorithm>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "bookstore/db/db.h"

namespace bookstore::db {

// Request must be copyable (a failed batch runs its requests again one by one), Result default-constructible.
template <typename Request, typename Result>
class Batcher {
 public:
  struct Outcome {
    std::optional<Result> result;  // or
    std::exception_ptr error;
  };
  using Handler = std::function<std::vector<Outcome>(std::span<const Request> batch, Connection& c)>;

  Batcher(Pool& pool, Handler handler, std::size_t max_batch = 64)
      : pool_(pool),
        handler_(std::move(handler)),
        max_batch_(std::max<std::size_t>(max_batch, 1)),
        thread_([this](const std::stop_token& stop) { Run(stop); }) {}

  // Finishes what was submitted, then stops.
  ~Batcher() = default;
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // The request's result once its batch committed; rethrows its refusal or the batch's failure.
  // Pass a named variable, not an aggregate-initialized temporary: g++ 12 mishandles such a temporary
  // inside a co_await expression (as http::Upstream notes), and a short std::string in it was then freed
  // with "munmap_chunk(): invalid pointer".
  boost::asio::awaitable<Result> Submit(Request&& request) {
    namespace asio = boost::asio;
    Request submitted = std::move(request);
    auto initiate = [this](auto handler, Request* pending) {
      // The completion runs on the caller's executor, which must not run out of work meanwhile.
      auto shared = std::make_shared<decltype(handler)>(std::move(handler));
      auto caller =
          asio::prefer(asio::get_associated_executor(*shared), asio::execution::outstanding_work.tracked);
      Enqueue(std::move(*pending), [shared, caller](Outcome outcome) {
        asio::post(caller, [shared, outcome = std::move(outcome)]() mutable {
          (*shared)(outcome.error, outcome.result ? std::move(*outcome.result) : Result{});
        });
      });
    };
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, Result)>(
        std::move(initiate), asio::use_awaitable, &submitted);
  }

 private:
  using Reply = std::function<void(Outcome)>;

  struct Entry {
    Request request;
    Reply reply;
  };

  void Enqueue(Request request, Reply reply) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(Entry{std::move(request), std::move(reply)});
    }
    wake_.notify_one();
  }

  void Run(const std::stop_token& stop) {
    while (true) {
      std::vector<Request> requests;
      std::vector<Reply> replies;
      {
        std::unique_lock lock(mutex_);
        if (!wake_.wait(lock, stop, [this] { return !queue_.empty(); })) return;  // stopped, nothing left
        while (!queue_.empty() && requests.size() < max_batch_) {
          requests.push_back(std::move(queue_.front().request));
          replies.push_back(std::move(queue_.front().reply));
          queue_.pop_front();
        }
      }
      RunBatch(requests, replies);
    }
  }

  void RunBatch(const std::vector<Request>& requests, const std::vector<Reply>& replies) {
    std::vector<Outcome> outcomes;
    try {
      outcomes = Attempt(requests);
    } catch (...) {
      if (requests.size() == 1) {
        replies.front()(Outcome{std::nullopt, std::current_exception()});
        return;
      }
      for (std::size_t i = 0; i < requests.size(); ++i) {
        RunBatch({requests[i]}, {replies[i]});
      }
      return;
    }
    for (std::size_t i = 0; i < requests.size(); ++i) {
      replies[i](std::move(outcomes[i]));
    }
  }

  std::vector<Outcome> Attempt(std::span<const Request> requests) {
    std::vector<Outcome> outcomes =
        pool_.WithTransaction([&](Connection& c) { return handler_(requests, c); });
    if (outcomes.size() != requests.size()) {
      throw std::logic_error("a batch handler must return one outcome per request");
    }
    return outcomes;
  }

  Pool& pool_;
  Handler handler_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<Entry> queue_;
  std::jthread thread_;  // last: started once everything it uses exists, stopped and joined first
};

}  // namespace bookstore::db
