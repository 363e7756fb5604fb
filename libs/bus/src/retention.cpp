#include "retention.h"

#include <algorithm>
#include <cstdint>

namespace bookstore::bus::detail {
namespace {

constexpr std::int64_t kDeleteChunk = 5000;

}  // namespace

std::chrono::milliseconds CleanupInterval(std::chrono::milliseconds retention) {
  return std::clamp<std::chrono::milliseconds>(retention / 10, std::chrono::seconds(1),
                                               std::chrono::minutes(1));
}

void UseReadCommitted(db::Connection& c) { c.Execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"); }

void DeleteInChunks(db::Pool& pool, std::string_view delete_sql, std::chrono::milliseconds retention) {
  const auto retention_seconds = std::chrono::duration_cast<std::chrono::seconds>(retention).count();
  std::uint64_t deleted = 0;
  do {
    deleted = pool.WithConnection([&](db::Connection& c) {
      UseReadCommitted(c);
      db::Transaction tx(c);
      const auto result = c.Execute(delete_sql, {retention_seconds, kDeleteChunk});
      tx.Commit();
      return result.affected_rows;
    });
  } while (deleted == static_cast<std::uint64_t>(kDeleteChunk));
}

}  // namespace bookstore::bus::detail
