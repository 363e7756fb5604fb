#include "domain/payment.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "domain/errors.h"
#include "domain/order.h"

namespace bookstore::orders {
namespace {

PayRequest ParsePay(std::string_view text) { return ParsePayRequest(boost::json::parse(text).as_object()); }

TEST(PaymentTest, AcceptsTheThreeMethods) {
  for (const char* method : {"credit_card", "paypal", "bank_transfer"}) {
    const PayRequest request = ParsePay(std::string(R"({"method":")") + method + "\"}");
    EXPECT_EQ(request.method, method);
    EXPECT_FALSE(request.simulate_decline);
  }
}

TEST(PaymentTest, RefusesOtherMethodsAndSimulations) {
  EXPECT_THROW(ParsePay(R"({})"), ValidationError);
  EXPECT_THROW(ParsePay(R"({"method":"cash"})"), ValidationError);
  EXPECT_THROW(ParsePay(R"({"method":7})"), ValidationError);
  EXPECT_THROW(ParsePay(R"({"method":"paypal","simulate":"explode"})"), ValidationError);
  EXPECT_THROW(ParsePay(R"({"method":"paypal","simulate":true})"), ValidationError);
}

TEST(PaymentTest, TheSimulatedProviderDeclinesOnlyWhenAsked) {
  EXPECT_TRUE(ParsePay(R"({"method":"paypal","simulate":"decline"})").simulate_decline);
  EXPECT_FALSE(ParsePay(R"({"method":"paypal","simulate":"approve"})").simulate_decline);
  auto provider = MakeSimulatedPaymentProvider();
  const ChargeResult approved = provider->Charge(ChargeRequest{1, 1250, "paypal", "", false});
  EXPECT_TRUE(approved.approved);
  EXPECT_EQ(approved.reference.rfind("sim_", 0), 0U);
  const ChargeResult declined = provider->Charge(ChargeRequest{1, 1250, "paypal", "", true});
  EXPECT_FALSE(declined.approved);
  EXPECT_FALSE(declined.decline_reason.empty());
  EXPECT_NE(approved.reference, declined.reference);
}

TEST(PaymentTest, TrackingNumbers) {
  EXPECT_EQ(MakeTrackingNumber("DHL", 42, 0), "DHL-000042-000000");
  const std::string number = MakeTrackingNumber("Servi entrega!", 1234567, 987654321);
  EXPECT_EQ(number.rfind("SERVIENTREGA-1234567-", 0), 0U) << number;
  EXPECT_EQ(number.size(), std::string("SERVIENTREGA-1234567-").size() + 6);
  EXPECT_NE(MakeTrackingNumber("DHL", 42, 1), MakeTrackingNumber("DHL", 42, 2));
}

TEST(OrderJsonTest, RepeatsTheFirstItemAndKeepsUnknownPricesNull) {
  Order order;
  order.id = 5;
  order.user_id = 2;
  order.items = {OrderItem{3, 2, "Dune", 9, std::nullopt, std::nullopt}, OrderItem{4, 1, {}, {}, {}, {}}};
  const auto json = OrderToJson(order);
  EXPECT_EQ(json.at("book_id").as_int64(), 3);
  EXPECT_EQ(json.at("quantity").as_int64(), 2);
  EXPECT_TRUE(json.at("total_price").is_null());
  EXPECT_EQ(json.at("status").as_string(), "pending");
  EXPECT_TRUE(json.at("items").as_array()[0].as_object().at("unit_price").is_null());
}

TEST(OrderJsonTest, RejectionDetailNamesTheBooks) {
  Order order;
  order.status = OrderStatus::kRejected;
  order.reason = "insufficient_stock";
  order.items = {OrderItem{3, 2, "Dune", 9, {}, {}}, OrderItem{4, 5, "Emma", 8, {}, 1}};
  EXPECT_EQ(RejectionDetail(order), "insufficient stock for \"Emma\" (book 4): requested 5, 1 available");
  order.items[1].title.reset();
  EXPECT_EQ(RejectionDetail(order), "insufficient stock for book 4: requested 5, 1 available");
  order.reason = "book_not_found";
  order.items[1].available = 0;
  EXPECT_EQ(RejectionDetail(order), "book not found: 4");
}

}  // namespace
}  // namespace bookstore::orders
