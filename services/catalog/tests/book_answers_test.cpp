#include "handlers/book_answers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace bookstore::catalog::handlers {
namespace {

http::Response BookAnswer(const std::string& title) {
  http::Response response{http::Status::ok, 11};
  response.body() = R"({"title":")" + title + R"("})";
  return response;
}

std::string Served(BookAnswers& answers, std::int64_t id) {
  const auto found = answers.Find(id);
  return found ? found->response.body() : std::string("<database>");
}

class BookAnswersTest : public ::testing::Test {
 protected:
  BookAnswersTest() {
    answers_.FollowFeed([this] { return feed_connected_.load(); });
  }

  void Keep(std::int64_t id, const std::string& title) {
    answers_.Put(id, answers_.StampOf(id), BookAnswer(title));
  }

  std::atomic<bool> feed_connected_{true};
  BookAnswers answers_{BookAnswers::Options{.capacity_bytes = 1 << 20, .max_age = std::chrono::seconds(30)}};
};

TEST_F(BookAnswersTest, AKeptAnswerIsServedUntilItsBookChanges) {
  EXPECT_EQ(Served(answers_, 42), "<database>");
  Keep(42, "Before");
  Keep(43, "Other");
  EXPECT_EQ(Served(answers_, 42), R"({"title":"Before"})");
  answers_.Invalidate(42);  // a PUT or DELETE through this replica, after its commit
  EXPECT_EQ(Served(answers_, 42), "<database>");
  EXPECT_EQ(Served(answers_, 43), R"({"title":"Other"})");
}

TEST_F(BookAnswersTest, ABookEventDropsItsBookAndOneWithoutAnIdDropsEverything) {
  Keep(42, "A");
  Keep(43, "B");
  answers_.OnBookEvent(bus::MakeEvent("book.stock_changed", "catalog", boost::json::object{{"id", 42}}));
  EXPECT_EQ(Served(answers_, 42), "<database>");
  EXPECT_EQ(Served(answers_, 43), R"({"title":"B"})");
  answers_.OnBookEvent(bus::MakeEvent("book.updated", "catalog", boost::json::object{{"title", "?"}}));
  EXPECT_EQ(Served(answers_, 43), "<database>");
}

TEST_F(BookAnswersTest, AChangeDuringTheDatabaseReadKeepsThatAnswerOut) {
  const BookAnswers::Stamp stamp = answers_.StampOf(42);
  // The read returns the old row; meanwhile the change commits and its event arrives.
  answers_.OnBookEvent(bus::MakeEvent("book.updated", "catalog", boost::json::object{{"id", 42}}));
  answers_.Put(42, stamp, BookAnswer("Old"));
  EXPECT_EQ(Served(answers_, 42), "<database>");
}

TEST_F(BookAnswersTest, NothingIsServedWhileTheFeedIsDown) {
  Keep(42, "A");
  feed_connected_ = false;  // changes by other replicas would go unseen
  EXPECT_EQ(Served(answers_, 42), "<database>");
  feed_connected_ = true;
  answers_.Clear();  // what the feed does after it reconnects: events may have been missed
  EXPECT_EQ(Served(answers_, 42), "<database>");
}

TEST(BookAnswersOptionsTest, NoBytesOrNoSecondsKeepNothing) {
  for (const auto options :
       {BookAnswers::Options{.capacity_bytes = 0}, BookAnswers::Options{.max_age = {}}}) {
    BookAnswers answers(options);
    answers.FollowFeed([] { return true; });
    answers.Put(1, answers.StampOf(1), BookAnswer("A"));
    EXPECT_EQ(Served(answers, 1), "<database>");
  }
}

TEST(BookAnswersOptionsTest, WithoutAFeedNothingIsServed) {
  BookAnswers answers(BookAnswers::Options{});
  answers.Put(1, answers.StampOf(1), BookAnswer("A"));
  EXPECT_EQ(Served(answers, 1), "<database>");
}

}  // namespace
}  // namespace bookstore::catalog::handlers
