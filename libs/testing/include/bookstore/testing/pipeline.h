#pragma once
// Runs a middleware chain to completion on a private io_context, for the tests of single filters and
// middleware (the gateway's filters, the services' error mapping).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

#include "bookstore/http/context.h"
#include "bookstore/http/router.h"

namespace bookstore::testing {

// The chain's response, or what it threw (rethrown here).
inline http::Response RunPipeline(const http::detail::Pipeline& pipeline, http::Context& ctx) {
  boost::asio::io_context io;
  std::optional<http::Response> response;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, pipeline.Begin()(ctx), [&](std::exception_ptr e, http::Response r) {
    failure = std::move(e);
    response = std::move(r);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*response);
}

}  // namespace bookstore::testing
