#include "views/book_view.h"

#include <gtest/gtest.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace bookstore::web {
namespace {

namespace json = boost::json;

json::value Book() {
  return json::parse(R"({"id":4242,"title":"été","author":"Émile Valle-Inclán",
    "description":"Capa com marcas de uso.","price":8.09,"stock":2,"seller_id":7,
    "seller_name":"Bouquinerie Hélène","created_at":"2024-01-21T22:47:09.496Z"})");
}

TEST(BookViewTest, EveryMemberTheTemplatesUse) {
  Session session;
  session.token = "t";
  session.user_id = 7;
  session.cart = {{4242, 2}};
  const json::object expected = json::parse(R"({"stock":2,"in_stock":true,"sold_out":false,"low_stock":true,
      "stock_label":"Only 2 left","max_quantity":2,"id":4242,"url":"/books/4242","title":"été",
      "author":"Émile Valle-Inclán","description":"Capa com marcas de uso.","has_description":true,
      "price":"$8.09","price_input":"8.09","seller_name":"Bouquinerie Hélène","seller_id":7,"is_mine":true,
      "listed":"21 Jan 2024","cover":"cover-2","initial":"é","in_cart":2,"is_in_cart":true})")
                                    .as_object();
  EXPECT_EQ(BookView(Book(), session), expected) << json::serialize(BookView(Book(), session));
}

TEST(BookViewTest, WhatIsMissingShowsAsEmpty) {
  const json::object view = BookView(json::parse(R"({"id":3,"stock":0,"price":"x"})"), Session());
  EXPECT_EQ(view.at("title"), "");
  EXPECT_EQ(view.at("initial"), "?");
  EXPECT_EQ(view.at("price"), "—");
  EXPECT_EQ(view.at("stock_label"), "Sold out");
  EXPECT_EQ(view.at("max_quantity"), 1);
  EXPECT_EQ(view.at("has_description"), false);
  EXPECT_EQ(view.at("is_mine"), false);
  EXPECT_EQ(view.at("listed"), "");
}

TEST(BookViewTest, MadeInTheGivenMemory) {
  json::monotonic_resource page;
  const json::object view = BookView(Book(), Session(), json::storage_ptr(&page));
  EXPECT_EQ(view.storage().get(), &page);
  EXPECT_EQ(view.at("title").storage().get(), &page);
}

}  // namespace
}  // namespace bookstore::web
