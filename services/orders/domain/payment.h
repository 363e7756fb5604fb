#pragma once
// Payments (simulated) and what POST /orders/{id}/pay accepts.
//
// Body: {"method": "credit_card" | "paypal" | "bank_transfer"} plus, to make the simulated provider
// decline the charge, "simulate": "decline" ("approve", the default, lets it through). Any other method
// or simulate value is a 400. The amount is never read from the body: it is the order's total.
//
// The provider sits behind PaymentProvider so that a real one can replace the simulation. The
// simulated one answers at once, so the charge runs inside the transaction that holds the order's row
// lock (pay cannot race cancel or the timeout). A real provider would be called outside any
// transaction: record a 'processing' payment first, charge with the payment id as the provider's
// idempotency key, then settle the order with the same conditional UPDATE, refunding when the order was
// cancelled in between.

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::orders {

struct PayRequest {
  std::string method;
  bool simulate_decline = false;
};

// Throws ValidationError naming "method" or "simulate".
PayRequest ParsePayRequest(const boost::json::object& body);

struct ChargeRequest {
  std::int64_t order_id = 0;
  std::int64_t amount_cents = 0;
  std::string method;
  std::string idempotency_key;  // the client's Idempotency-Key, or "" without one
  bool simulate_decline = false;
};

struct ChargeResult {
  bool approved = false;
  std::string reference;       // the provider's id of the charge (or of the declined attempt)
  std::string decline_reason;  // when not approved
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  // Blocking; called on a database thread. Must not throw for a declined charge (that is a result).
  virtual ChargeResult Charge(const ChargeRequest& request) = 0;
};

// Approves every charge unless the request asks for a decline. References look like "sim_<16 hex>".
std::unique_ptr<PaymentProvider> MakeSimulatedPaymentProvider();

// "DHL-000042-7K3QX9": the provider's name (letters and digits, upper case, at most 12), the order id
// and six characters derived from `random`.
std::string MakeTrackingNumber(std::string_view provider_name, std::int64_t order_id, std::uint64_t random);

}  // namespace bookstore::orders
