// Orders: GET /orders (mine, with their status), GET /orders/{id} (follows its status live), and the
// steps of docs/design.md §4 as forms on that page: POST /orders/{id}/pay, /orders/{id}/delivery,
// /orders/{id}/cancel.

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>

#include "bookstore/auth/sodium.h"
#include "bookstore/http/error.h"
#include "handlers/routes.h"
#include "views/money.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

struct PaymentMethod {
  std::string_view value;
  std::string_view label;
  std::string_view hint;
};
constexpr std::array<PaymentMethod, 3> kPaymentMethods = {{
    {"credit_card", "Credit or debit card", "Visa, Mastercard, American Express"},
    {"paypal", "PayPal", "Pay with your PayPal account"},
    {"bank_transfer", "Bank transfer", "Transfer from your bank account"},
}};

std::string_view StatusLabel(std::string_view status) {
  if (status == "pending") {
    return "Confirming availability";
  }
  if (status == "awaiting_payment") {
    return "Awaiting payment";
  }
  if (status == "paid") {
    return "Paid";
  }
  if (status == "shipped") {
    return "Shipped";
  }
  if (status == "cancelled") {
    return "Cancelled";
  }
  if (status == "rejected") {
    return "Not available";
  }
  return status;
}

std::string_view MethodLabel(std::string_view method) {
  for (const auto& known : kPaymentMethods) {
    if (known.value == method) {
      return known.label;
    }
  }
  return method;
}

std::string ReasonText(std::string_view reason) {
  if (reason == "insufficient_stock") {
    return "Some books were no longer available in the quantity you asked for.";
  }
  if (reason == "book_not_found") {
    return "A book in this order is no longer for sale.";
  }
  if (reason == "payment_timeout") {
    return "The order was not paid in time.";
  }
  if (reason == "user") {
    return "You cancelled this order.";
  }
  if (reason == "admin") {
    return "The order was cancelled by the store.";
  }
  if (reason == "book_deleted") {
    return "A book in this order was taken off sale.";
  }
  return std::string(reason);
}

std::string Money(const json::value& value, std::string_view key) {
  const auto* object = value.if_object();
  const auto* member = object != nullptr ? object->if_contains(key) : nullptr;
  const auto cents = member != nullptr ? CentsFromJson(*member) : std::nullopt;
  return cents ? FormatCents(*cents) : "—";
}

// "2026-03-07T14:05:09Z" -> "7 Mar 2026, 14:05 UTC"
std::string FormatDateTime(std::string_view rfc3339) {
  if (rfc3339.size() < 16 || rfc3339[10] != 'T') {
    return FormatDate(rfc3339);
  }
  return FormatDate(rfc3339) + ", " + std::string(rfc3339.substr(11, 5)) + " UTC";
}

json::array Steps(std::string_view status) {
  const std::array<std::pair<std::string_view, std::string_view>, 4> steps = {
      {{"placed", "Placed"}, {"awaiting_payment", "Payment"}, {"paid", "Delivery"}, {"shipped", "Shipped"}}};
  int reached = 0;
  if (status == "awaiting_payment") {
    reached = 1;
  }
  if (status == "paid") {
    reached = 2;
  }
  if (status == "shipped") {
    reached = 3;
  }
  json::array out;
  for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
    out.push_back(json::object{{"label", steps[static_cast<std::size_t>(i)].second},
                               {"done", i < reached || status == "shipped"},
                               {"current", i == reached && status != "shipped"}});
  }
  return out;
}

json::object OrderView(const json::value& order) {
  const std::string status = StringMember(order, "status");
  const std::int64_t id = IntMember(order, "id");
  json::object out{{"id", id},
                   {"url", "/orders/" + std::to_string(id)},
                   {"status", status},
                   {"status_label", StatusLabel(status)},
                   {"created", FormatDateTime(StringMember(order, "created_at"))},
                   {"total", Money(order, "total_price")},
                   {"has_total", order.is_object() && order.as_object().contains("total_price") &&
                                     !order.as_object().at("total_price").is_null()}};
  out["is_" + status] = true;
  out["can_cancel"] = status == "pending" || status == "awaiting_payment";
  out["is_closed"] = status == "cancelled" || status == "rejected";
  out["steps"] = Steps(status);
  json::array items;
  std::int64_t copies = 0;
  if (const auto* object = order.if_object(); object != nullptr && object->contains("items")) {
    if (const auto* list = object->at("items").if_array()) {
      for (const auto& item : *list) {
        const std::int64_t quantity = IntMember(item, "quantity");
        copies += quantity;
        const auto* unit = item.as_object().if_contains("unit_price");
        const auto unit_cents = unit != nullptr ? CentsFromJson(*unit) : std::nullopt;
        const std::string title = StringMember(item, "title");
        const std::int64_t book_id = IntMember(item, "book_id");
        json::object line{{"book_id", book_id},
                          {"book_url", "/books/" + std::to_string(book_id)},
                          {"title", title.empty() ? "Book #" + std::to_string(book_id) : title},
                          {"quantity", quantity},
                          {"unit_price", unit_cents ? FormatCents(*unit_cents) : "—"},
                          {"line_total", unit_cents ? FormatCents(*unit_cents * quantity) : "—"}};
        if (item.as_object().contains("available")) {
          line["available"] = IntMember(item, "available");
        }
        items.push_back(std::move(line));
      }
    }
  }
  out["items"] = std::move(items);
  out["copies"] = copies == 1 ? "1 book" : std::to_string(copies) + " books";
  if (const auto reason = StringMember(order, "reason"); !reason.empty()) {
    out["reason"] = ReasonText(reason);
  }
  if (const auto due = StringMember(order, "payment_due_at"); !due.empty() && status == "awaiting_payment") {
    out["payment_due"] = FormatDateTime(due);
  }
  const auto* object = order.if_object();
  if (const auto* payment = object != nullptr ? object->if_contains("payment") : nullptr;
      payment != nullptr && payment->is_object()) {
    out["payment"] = json::object{{"method", MethodLabel(StringMember(*payment, "method"))},
                                  {"amount", Money(*payment, "amount")},
                                  {"reference", StringMember(*payment, "reference")},
                                  {"date", FormatDateTime(StringMember(*payment, "created_at"))}};
  }
  if (const auto* delivery = object != nullptr ? object->if_contains("delivery") : nullptr;
      delivery != nullptr && delivery->is_object()) {
    out["delivery"] = json::object{{"provider", StringMember(*delivery, "provider")},
                                   {"tracking_number", StringMember(*delivery, "tracking_number")},
                                   {"cost", Money(*delivery, "cost")}};
  }
  return out;
}

http::Awaitable<json::value> LoadOrder(http::Context& ctx, const WebDeps& deps, std::int64_t id) {
  const ApiCall call = ApiCall::Get("/orders/" + std::to_string(id)).AfterLogin(CurrentPath(ctx));
  const auto result = co_await CallApi(ctx, deps, call);
  if (result.status == 404) {
    throw http::NotFound("There is no such order.");
  }
  if (result.status == 403) {
    throw http::Forbidden("This order belongs to someone else.");
  }
  if (!result.ok()) {
    throw http::Error(http::Status::bad_gateway, result.ErrorMessage());
  }
  co_return result.body();
}

std::string OrderPath(std::int64_t id) { return "/orders/" + std::to_string(id); }

http::Awaitable<http::Response> OrdersPage(http::Context& ctx, const WebDeps& deps) {
  RequireLogin(ctx, "/orders");
  const ApiCall call = ApiCall::Get("/orders").AfterLogin("/orders");
  const auto result = co_await CallApi(ctx, deps, call);
  if (!result.ok()) {
    throw http::Error(http::Status::bad_gateway, result.ErrorMessage());
  }
  std::vector<json::object> orders;
  if (const auto* list = result.body().if_array()) {
    for (const auto& order : *list) {
      orders.push_back(OrderView(order));
    }
  }
  std::sort(orders.begin(), orders.end(), [](const json::object& a, const json::object& b) {
    return a.at("id").as_int64() > b.at("id").as_int64();
  });
  json::array views(orders.begin(), orders.end());
  json::object data{{"has_orders", !views.empty()}, {"orders", std::move(views)}};
  co_return RenderPage(ctx, deps, {.page = "orders", .title = "My orders", .nav = "orders", .live = "orders"},
                       std::move(data));
}

http::Awaitable<http::Response> OrderPage(http::Context& ctx, const WebDeps& deps) {
  const std::int64_t id = ctx.IdParam("id");
  RequireLogin(ctx, OrderPath(id));
  const json::value order = co_await LoadOrder(ctx, deps, id);
  json::object view = OrderView(order);
  const std::string status = StringMember(order, "status");
  json::object data;
  if (status == "awaiting_payment") {
    json::array methods;
    bool first = true;
    for (const auto& method : kPaymentMethods) {
      methods.push_back(json::object{
          {"value", method.value}, {"label", method.label}, {"hint", method.hint}, {"checked", first}});
      first = false;
    }
    data["payment_methods"] = std::move(methods);
    data["pay_key"] = auth::RandomToken();
  }
  if (status == "paid") {
    const ApiCall call = ApiCall::Get("/delivery-providers").AfterLogin(OrderPath(id));
    const auto providers = co_await CallApi(ctx, deps, call);
    json::array list;
    if (const auto* items = providers.body().if_array(); providers.ok() && items != nullptr) {
      bool first = true;
      for (const auto& provider : *items) {
        list.push_back(json::object{{"id", IntMember(provider, "id")},
                                    {"name", StringMember(provider, "name")},
                                    {"coverage_area", StringMember(provider, "coverage_area")},
                                    {"cost", Money(provider, "cost")},
                                    {"checked", first}});
        first = false;
      }
    }
    data["has_providers"] = !list.empty();
    data["providers"] = std::move(list);
  }
  data["order"] = std::move(view);
  co_return RenderPage(
      ctx, deps, {.page = "order", .title = "Order #" + std::to_string(id), .nav = "orders", .live = "order"},
      std::move(data));
}

http::Awaitable<http::Response> PayOrder(http::Context& ctx, const WebDeps& deps) {
  const std::int64_t id = ctx.IdParam("id");
  RequireLogin(ctx, OrderPath(id));
  const Form& form = PostedForm(ctx);
  const std::string method = form.Text("method");
  const bool known = std::any_of(kPaymentMethods.begin(), kPaymentMethods.end(),
                                 [&method](const PaymentMethod& m) { return m.value == method; });
  if (!known) {
    SetFlash(ctx, FlashKind::kError, "Choose how you want to pay.");
    co_return Redirect(OrderPath(id));
  }
  ApiCall call = ApiCall::Post(OrderPath(id) + "/pay", JsonText(json::object{{"method", method}}))
                     .WithIdempotencyKey(SubmittedKeyOrFresh(form.Text("pay_key")));
  call.next = OrderPath(id);
  const auto result = co_await CallApi(ctx, deps, call);
  if (result.ok()) {
    SetFlash(ctx, FlashKind::kSuccess,
             "Payment of " + Money(result.body(), "amount") +
                 " received. Now choose how your order should be delivered.");
  } else {
    SetFlash(ctx, FlashKind::kError, "The payment did not go through: " + result.ErrorMessage());
  }
  co_return Redirect(OrderPath(id));
}

http::Awaitable<http::Response> ArrangeDelivery(http::Context& ctx, const WebDeps& deps) {
  const std::int64_t id = ctx.IdParam("id");
  RequireLogin(ctx, OrderPath(id));
  const auto provider = ParseInteger(PostedForm(ctx).Text("provider_id"), 1, INT64_MAX);
  if (!provider) {
    SetFlash(ctx, FlashKind::kError, "Choose a delivery provider.");
    co_return Redirect(OrderPath(id));
  }
  ApiCall call =
      ApiCall::Post(OrderPath(id) + "/delivery", JsonText(json::object{{"provider_id", *provider}}));
  call.next = OrderPath(id);
  const auto result = co_await CallApi(ctx, deps, call);
  if (result.ok()) {
    SetFlash(ctx, FlashKind::kSuccess,
             "Your order is on its way with " + StringMember(result.body(), "provider") +
                 ". Tracking number: " + StringMember(result.body(), "tracking_number") + ".");
  } else {
    SetFlash(ctx, FlashKind::kError, "The delivery could not be arranged: " + result.ErrorMessage());
  }
  co_return Redirect(OrderPath(id));
}

http::Awaitable<http::Response> CancelOrder(http::Context& ctx, const WebDeps& deps) {
  const std::int64_t id = ctx.IdParam("id");
  RequireLogin(ctx, OrderPath(id));
  const ApiCall call = ApiCall::Post(OrderPath(id) + "/cancel").AfterLogin(OrderPath(id));
  const auto result = co_await CallApi(ctx, deps, call);
  if (result.ok()) {
    SetFlash(ctx, FlashKind::kSuccess, "Order #" + std::to_string(id) + " was cancelled.");
  } else {
    SetFlash(ctx, FlashKind::kError, "The order could not be cancelled: " + result.ErrorMessage());
  }
  co_return Redirect(OrderPath(id));
}

}  // namespace

void AddOrderPages(http::Server& server, const WebDeps& deps) {
  server.Get("/orders", WithDeps<OrdersPage>(deps));
  server.Get("/orders/{id}", WithDeps<OrderPage>(deps));
  server.Post("/orders/{id}/pay", WithDeps<PayOrder>(deps));
  server.Post("/orders/{id}/delivery", WithDeps<ArrangeDelivery>(deps));
  server.Post("/orders/{id}/cancel", WithDeps<CancelOrder>(deps));
}

}  // namespace bookstore::web
