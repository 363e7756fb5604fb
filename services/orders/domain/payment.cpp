#include "domain/payment.h"

#include <array>
#include <cctype>
#include <mutex>
#include <random>

#include "domain/errors.h"

namespace bookstore::orders {
namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 3> kMethods{"credit_card", "paypal", "bank_transfer"};

std::optional<std::string> ReadString(const json::object& body, std::string_view field) {
  const json::value* value = body.if_contains(field);
  if (value == nullptr || value->is_null()) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    throw ValidationError(std::string(field), std::string(field) + " must be a string");
  }
  return std::string(value->get_string());
}

class SimulatedPaymentProvider final : public PaymentProvider {
 public:
  ChargeResult Charge(const ChargeRequest& request) override {
    ChargeResult result;
    result.reference = "sim_" + RandomHex();
    result.approved = !request.simulate_decline;
    if (!result.approved) {
      result.decline_reason = "the card was declined (simulated)";
    }
    return result;
  }

 private:
  std::string RandomHex() {
    std::lock_guard lock(mutex_);
    std::uniform_int_distribution<std::uint64_t> any;
    std::array<char, 17> text{};
    constexpr std::string_view kDigits = "0123456789abcdef";
    std::uint64_t value = any(random_);
    for (std::size_t i = 0; i < 16; ++i, value >>= 4U) {
      text.at(i) = kDigits[value & 0xFU];
    }
    return {text.data(), 16};
  }

  std::mutex mutex_;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace

PayRequest ParsePayRequest(const json::object& body) {
  PayRequest request;
  const auto method = ReadString(body, "method");
  if (!method) {
    throw ValidationError("method", "method is required: credit_card, paypal or bank_transfer");
  }
  bool known = false;
  for (std::string_view candidate : kMethods) {
    known = known || candidate == *method;
  }
  if (!known) {
    throw ValidationError("method", "method must be credit_card, paypal or bank_transfer");
  }
  request.method = *method;
  const auto simulate = ReadString(body, "simulate");
  if (simulate && *simulate != "approve" && *simulate != "decline") {
    throw ValidationError("simulate", "simulate must be approve or decline");
  }
  request.simulate_decline = simulate && *simulate == "decline";
  return request;
}

std::unique_ptr<PaymentProvider> MakeSimulatedPaymentProvider() {
  return std::make_unique<SimulatedPaymentProvider>();
}

std::string MakeTrackingNumber(std::string_view provider_name, std::int64_t order_id, std::uint64_t random) {
  std::string prefix;
  for (char ch : provider_name) {
    if (std::isalnum(static_cast<unsigned char>(ch)) != 0 && prefix.size() < 12) {
      prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
  }
  if (prefix.empty()) {
    prefix = "TRK";
  }
  std::string id = std::to_string(order_id);
  if (id.size() < 6) {
    id.insert(0, 6 - id.size(), '0');
  }
  constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";  // no I or O
  std::string suffix;
  for (int i = 0; i < 6; ++i, random /= kAlphabet.size()) {
    suffix += kAlphabet[random % kAlphabet.size()];
  }
  return prefix + "-" + id + "-" + suffix;
}

}  // namespace bookstore::orders
