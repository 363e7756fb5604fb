#pragma once
// The clean-up of the outbox's sent rows (Relay) and the inbox's remembered event ids (InboxConsumer):
// rows older than their retention are deleted a chunk at a time.

#include <chrono>
#include <string_view>

#include "bookstore/db/db.h"

namespace bookstore::bus::detail {

// Clean-up runs a tenth of the retention apart, between once a second and once a minute.
std::chrono::milliseconds CleanupInterval(std::chrono::milliseconds retention);

// Runs `delete_sql` (placeholders: the retention in seconds, then the chunk's row limit) in short
// READ COMMITTED transactions until a chunk deletes less than a full chunk: under REPEATABLE READ the
// delete would take gap locks where concurrent requests insert new rows.
void DeleteInChunks(db::Pool& pool, std::string_view delete_sql, std::chrono::milliseconds retention);

// SET TRANSACTION ISOLATION LEVEL READ COMMITTED: row locks only, for the next transaction.
void UseReadCommitted(db::Connection& c);

}  // namespace bookstore::bus::detail
