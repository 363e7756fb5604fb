// The cart, kept in the session: GET /cart, POST /cart/add, /cart/update, /cart/remove, and POST /checkout
// which turns the whole cart into one order (books of several sellers). Lines are shown with the
// catalog's current title, seller, price and stock; the order's total comes from the orders service.

#include "cart/cart.h"

#include <boost/json/array.hpp>
#include <map>

#include "bookstore/auth/sodium.h"
#include "bookstore/http/error.h"
#include "handlers/routes.h"
#include "views/money.h"

namespace bookstore::web {
namespace {

namespace json = boost::json;

std::string Copies(std::int64_t n) { return n == 1 ? "1 copy" : std::to_string(n) + " copies"; }

// Every cart page returns to the cart after a login.
constexpr std::string_view kCartPath = "/cart";

std::optional<std::int64_t> BookIdField(const Form& form) {
  return ParseInteger(form.Text("book_id"), 1, INT64_MAX);
}

// Where to go back after adding from a page: a local path, else the cart.
std::string ReturnPath(const Form& form) { return SafeLocalPath(form.Text("next"), "/cart"); }

// GET /books?ids=... for the cart's books (at most kMaxCartLines, within the API's page limit).
std::string CartBooksTarget(const std::vector<CartLine>& cart) {
  std::string ids;
  for (const CartLine& line : cart) {
    if (!ids.empty()) ids += ',';
    ids += std::to_string(line.book_id);
  }
  return "/books?ids=" + ids + "&limit=" + std::to_string(cart.size());
}

http::Awaitable<http::Response> CartPage(http::Context& ctx, const WebDeps& deps) {
  // One group per seller, in the order their first book was added.
  const json::storage_ptr storage = PageStorage(ctx);
  std::vector<std::string> seller_order;
  std::map<std::string, std::pair<json::array, std::int64_t>> groups;  // seller -> (lines, subtotal)
  std::vector<std::int64_t> gone;
  std::int64_t total = 0;
  bool over_stock = false;
  const std::vector<CartLine> cart = SessionOf(ctx).cart;
  // Every line's book in one call; a book no longer for sale is not in the answer.
  ApiResult answer;
  std::map<std::int64_t, const json::value*> books;
  if (!cart.empty()) {
    const ApiCall call = ApiCall::Get(CartBooksTarget(cart)).AfterLogin(std::string(kCartPath));
    answer = co_await CallApi(ctx, deps, call);
    if (!answer.ok()) {
      throw http::Error(http::Status::bad_gateway, answer.ErrorMessage());
    }
    if (answer.body().is_array()) {
      for (const json::value& book : answer.body().get_array()) books[IntMember(book, "id")] = &book;
    }
  }
  for (const CartLine& line : cart) {
    const auto found = books.find(line.book_id);
    if (found == books.end()) {
      gone.push_back(line.book_id);
      continue;
    }
    const json::value& loaded = *found->second;
    json::object view = BookView(loaded, SessionOf(ctx), storage);
    const auto* price = loaded.as_object().if_contains("price");
    const std::int64_t unit = price != nullptr ? CentsFromJson(*price).value_or(0) : 0;
    const std::int64_t stock = IntMember(loaded, "stock");
    view["quantity"] = line.quantity;
    view["line_total"] = FormatCents(unit * line.quantity);
    view["over_stock"] = line.quantity > stock;
    over_stock = over_stock || line.quantity > stock;
    const std::string seller = StringMember(loaded, "seller_name");
    if (!groups.contains(seller)) {
      seller_order.push_back(seller);
    }
    auto& group = groups.try_emplace(seller, json::array(storage), 0).first->second;
    group.first.push_back(std::move(view));
    group.second += unit * line.quantity;
    total += unit * line.quantity;
  }
  if (!gone.empty()) {
    auto& session = MutableSession(ctx);
    for (const auto id : gone) {
      RemoveFromCart(session.cart, id);
    }
    SetFlash(ctx, FlashKind::kInfo,
             gone.size() == 1 ? "A book in your cart is no longer for sale and was removed."
                              : "Some books in your cart are no longer for sale and were removed.");
  }
  json::array sellers(storage);
  for (const auto& seller : seller_order) {
    auto& group = groups.at(seller);
    json::object line(storage);
    line["seller_name"] = seller;
    line["lines"] = std::move(group.first);
    line["subtotal"] = FormatCents(group.second);
    sellers.push_back(std::move(line));
  }
  const std::int64_t copies = CartCopies(SessionOf(ctx).cart);
  json::object data(storage);
  data["sellers"] = std::move(sellers);
  data["has_items"] = copies > 0;
  data["several_sellers"] = seller_order.size() > 1;
  data["copies"] = Copies(copies);
  data["estimated_total"] = FormatCents(total);
  data["over_stock"] = over_stock;
  data["checkout_key"] = auth::RandomToken();
  co_return RenderPage(ctx, deps, {.page = "cart", .title = "Your cart", .nav = "cart", .live = "books"},
                       std::move(data));
}

http::Awaitable<http::Response> AddBookToCart(http::Context& ctx, const WebDeps& deps) {
  const Form& form = PostedForm(ctx);
  const auto book_id = BookIdField(form);
  const auto quantity =
      ParseInteger(form.Text("quantity").empty() ? "1" : form.Text("quantity"), 1, kMaxCartQuantity);
  const std::string back = ReturnPath(form);
  if (!book_id) {
    throw http::BadRequest("No book was chosen.");
  }
  if (!quantity) {
    SetFlash(ctx, FlashKind::kError, "Choose a quantity from 1 to " + std::to_string(kMaxCartQuantity) + ".");
    co_return Redirect(back);
  }
  const SharedJson loaded = co_await FindBook(ctx, deps, *book_id, kCartPath);
  if (!loaded) {
    SetFlash(ctx, FlashKind::kError, "That book is no longer for sale.");
    co_return Redirect(back);
  }
  const std::string title = StringMember(*loaded, "title");
  const std::int64_t stock = IntMember(*loaded, "stock");
  const std::int64_t wanted = QuantityInCart(SessionOf(ctx).cart, *book_id) + *quantity;
  if (stock <= 0) {
    SetFlash(ctx, FlashKind::kError, "Sorry, “" + title + "” is sold out.");
    co_return Redirect(back);
  }
  if (wanted > stock) {
    SetFlash(ctx, FlashKind::kError,
             "Only " + Copies(stock) + " of “" + title + "” " + (stock == 1 ? "is" : "are") + " available.");
    co_return Redirect(back);
  }
  switch (AddToCart(MutableSession(ctx).cart, *book_id, *quantity)) {
    case CartChange::kTooManyLines:
      SetFlash(ctx, FlashKind::kError, "Your cart is full. Check out or remove a book first.");
      break;
    case CartChange::kCapped:
      SetFlash(ctx, FlashKind::kInfo,
               "You can buy at most " + std::to_string(kMaxCartQuantity) + " copies of a book at once.");
      break;
    default:
      SetFlash(ctx, FlashKind::kSuccess, "Added " + Copies(*quantity) + " of “" + title + "” to your cart.");
      break;
  }
  co_return Redirect(back);
}

http::Awaitable<http::Response> UpdateCartQuantity(http::Context& ctx, const WebDeps& deps) {
  const Form& form = PostedForm(ctx);
  const auto book_id = BookIdField(form);
  const auto quantity = ParseInteger(form.Text("quantity"), 0, kMaxCartQuantity);
  if (!book_id) {
    throw http::BadRequest("No book was chosen.");
  }
  if (!quantity) {
    SetFlash(ctx, FlashKind::kError, "Choose a quantity from 0 to " + std::to_string(kMaxCartQuantity) + ".");
    co_return Redirect("/cart");
  }
  if (*quantity > 0) {
    const SharedJson loaded = co_await FindBook(ctx, deps, *book_id, kCartPath);
    // A book gone since it was put in the cart counts as sold out (its title then unknown).
    const json::value book = loaded ? *loaded : json::value();
    const std::int64_t stock = loaded ? IntMember(book, "stock") : 0;
    if (*quantity > stock) {
      SetFlash(ctx, FlashKind::kError,
               stock <= 0 ? "Sorry, “" + StringMember(book, "title") + "” is sold out."
                          : "Only " + Copies(stock) + " of “" + StringMember(book, "title") + "” " +
                                (stock == 1 ? "is" : "are") + " available.");
      co_return Redirect("/cart");
    }
  }
  if (SetCartQuantity(MutableSession(ctx).cart, *book_id, *quantity) == CartChange::kDone) {
    SetFlash(ctx, FlashKind::kSuccess,
             *quantity == 0 ? "The book was removed from your cart." : "Your cart was updated.");
  }
  co_return Redirect("/cart");
}

http::Awaitable<http::Response> RemoveBookFromCart(http::Context& ctx) {
  const auto book_id = BookIdField(PostedForm(ctx));
  if (!book_id) {
    throw http::BadRequest("No book was chosen.");
  }
  if (RemoveFromCart(MutableSession(ctx).cart, *book_id) == CartChange::kDone) {
    SetFlash(ctx, FlashKind::kSuccess, "The book was removed from your cart.");
  }
  co_return Redirect("/cart");
}

http::Awaitable<http::Response> Checkout(http::Context& ctx, const WebDeps& deps) {
  RequireLogin(ctx, "/cart");
  const std::vector<CartLine> cart = SessionOf(ctx).cart;
  if (cart.empty()) {
    SetFlash(ctx, FlashKind::kInfo, "Your cart is empty.");
    co_return Redirect("/cart");
  }
  json::array items;
  for (const auto& line : cart) {
    items.push_back(json::object{{"book_id", line.book_id}, {"quantity", line.quantity}});
  }
  ApiCall call = ApiCall::Post("/orders", JsonText(json::object{{"items", std::move(items)}}))
                     .WithIdempotencyKey(SubmittedKeyOrFresh(PostedForm(ctx).Text("checkout_key")));
  call.next = "/cart";
  const auto result = co_await CallApi(ctx, deps, call);
  const std::int64_t order_id = IntMember(result.body(), "id");
  if (!result.ok() || order_id <= 0) {
    SetFlash(ctx, FlashKind::kError, "Your order could not be placed: " + result.ErrorMessage());
    co_return Redirect("/cart");
  }
  MutableSession(ctx).cart.clear();
  if (result.status == 202 || StringMember(result.body(), "status") == "pending") {
    SetFlash(ctx, FlashKind::kInfo,
             "Order #" + std::to_string(order_id) +
                 " received. We are checking that every book is still available.");
  } else {
    SetFlash(ctx, FlashKind::kSuccess,
             "Order #" + std::to_string(order_id) + " placed. Please choose how to pay.");
  }
  co_return Redirect("/orders/" + std::to_string(order_id));
}

}  // namespace

void AddCartPages(http::Server& server, const WebDeps& deps) {
  server.Get("/cart", WithDeps<CartPage>(deps));
  server.Post("/cart/add", WithDeps<AddBookToCart>(deps));
  server.Post("/cart/update", WithDeps<UpdateCartQuantity>(deps));
  server.Post("/cart/remove", RemoveBookFromCart);
  server.Post("/checkout", WithDeps<Checkout>(deps));
}

}  // namespace bookstore::web
