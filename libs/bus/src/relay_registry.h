#pragma once
// Internal: the relays of this process, woken when a transaction that added outbox rows commits.

namespace bookstore::bus {
class Relay;
}  // namespace bookstore::bus

namespace bookstore::bus::detail {

// Relay's constructor and destructor: a registered relay is woken by WakeRelays until unregistered.
void RegisterRelay(Relay& relay);
void UnregisterRelay(Relay& relay) noexcept;

// Notify() on every registered relay (outbox::Add runs it after its transaction commits).
void WakeRelays() noexcept;

}  // namespace bookstore::bus::detail
