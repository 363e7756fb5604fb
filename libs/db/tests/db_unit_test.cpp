// Unit tests: Row conversions, ParamList/ToParam, Error classification, migration file splitting.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "bookstore/db/db.h"
#include "bookstore/db/migrations.h"

namespace bookstore::db {
namespace {

Row MakeRow(std::vector<std::optional<std::string>> cols) { return Row(std::move(cols)); }

TEST(Row, ReadsTextAndNumbers) {
  const Row row = MakeRow({"hello", "-42", "3.25", "9223372036854775807", std::nullopt, "1", "0"});
  EXPECT_EQ(row.Size(), 7U);
  EXPECT_EQ(row.String(0), "hello");
  EXPECT_EQ(row.Int(1), -42);
  EXPECT_DOUBLE_EQ(row.Double(2), 3.25);
  EXPECT_EQ(row.Int(3), std::numeric_limits<std::int64_t>::max());
  EXPECT_TRUE(row.IsNull(4));
  EXPECT_FALSE(row.IsNull(0));
  EXPECT_TRUE(row.Bool(5));
  EXPECT_FALSE(row.Bool(6));
  EXPECT_DOUBLE_EQ(row.Double(1), -42.0);
}

TEST(Row, NullGivesNulloptOrThrows) {
  const Row row = MakeRow({std::nullopt, "7"});
  EXPECT_EQ(row.OptString(0), std::nullopt);
  EXPECT_EQ(row.OptInt(0), std::nullopt);
  EXPECT_EQ(row.OptInt(1), 7);
  EXPECT_EQ(row.OptString(1), "7");
  EXPECT_EQ(row.Raw(0), std::nullopt);
  EXPECT_THROW((void)row.String(0), Error);
  EXPECT_THROW((void)row.Int(0), Error);
  EXPECT_THROW((void)row.Double(0), Error);
}

TEST(Row, RejectsTextThatIsNotWhollyANumber) {
  const Row row = MakeRow({"12abc", "", "12.5", " 1", "99999999999999999999"});
  EXPECT_THROW((void)row.Int(0), Error);
  EXPECT_THROW((void)row.Int(1), Error);
  EXPECT_THROW((void)row.Int(2), Error);  // a decimal is not an integer
  EXPECT_THROW((void)row.Int(3), Error);
  EXPECT_THROW((void)row.Int(4), Error);  // out of range
  EXPECT_THROW((void)row.Double(0), Error);
  EXPECT_THROW((void)row.Double(1), Error);
}

TEST(Row, OutOfRangeColumnThrows) {
  const Row row = MakeRow({"a"});
  EXPECT_THROW((void)row.String(1), std::out_of_range);
}

TEST(Row, KeepsBytesIncludingNul) {
  const std::string bytes("a\0b", 3);
  const Row row = MakeRow({bytes});
  EXPECT_EQ(row.String(0).size(), 3U);
  EXPECT_EQ(row.String(0), bytes);
}

TEST(ParamList, ConvertsCommonTypes) {
  const std::string s = "text";
  const std::string_view sv = "view";
  const char* cstr = "c";
  const char* null_cstr = nullptr;
  const std::optional<int> none;
  const std::optional<std::string> some = "opt";
  const ParamList params{1,
                         std::int64_t{-2},
                         3U,
                         true,
                         false,
                         2.5,
                         1.5F,
                         s,
                         sv,
                         cstr,
                         "literal",
                         null_cstr,
                         nullptr,
                         none,
                         some,
                         Decimal{"12.50"},
                         Param{std::int64_t{9}}};
  const auto& p = params.Get();
  ASSERT_EQ(p.size(), 17U);
  EXPECT_EQ(std::get<std::int64_t>(p[0]), 1);
  EXPECT_EQ(std::get<std::int64_t>(p[1]), -2);
  EXPECT_EQ(std::get<std::int64_t>(p[2]), 3);
  EXPECT_EQ(std::get<std::int64_t>(p[3]), 1);
  EXPECT_EQ(std::get<std::int64_t>(p[4]), 0);
  EXPECT_DOUBLE_EQ(std::get<double>(p[5]), 2.5);
  EXPECT_DOUBLE_EQ(std::get<double>(p[6]), 1.5);
  EXPECT_EQ(std::get<std::string>(p[7]), "text");
  EXPECT_EQ(std::get<std::string>(p[8]), "view");
  EXPECT_EQ(std::get<std::string>(p[9]), "c");
  EXPECT_EQ(std::get<std::string>(p[10]), "literal");
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(p[11]));
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(p[12]));
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(p[13]));
  EXPECT_EQ(std::get<std::string>(p[14]), "opt");
  EXPECT_EQ(std::get<Decimal>(p[15]).text, "12.50");
  EXPECT_EQ(std::get<std::int64_t>(p[16]), 9);
}

TEST(ParamList, CopiesAndAdds) {
  ParamList a{1, "x"};
  ParamList b(a);  // the copy constructor, not a one-element list holding a ParamList
  b.Add(Param{2.0});
  EXPECT_EQ(a.Get().size(), 2U);
  EXPECT_EQ(b.Get().size(), 3U);
  EXPECT_TRUE(ParamList{}.Get().empty());
}

TEST(ParamList, UnsignedAboveInt64MaxThrows) {
  const std::uint64_t big = std::uint64_t{1} << 63U;
  EXPECT_THROW(ParamList{big}, Error);
  const ParamList ok{big - 1};
  EXPECT_EQ(std::get<std::int64_t>(ok.Get()[0]), std::numeric_limits<std::int64_t>::max());
}

TEST(Error, ClassifiesCodes) {
  EXPECT_TRUE(Error(1062, "dup").IsDuplicateKey());
  EXPECT_TRUE(Error(1213, "deadlock").IsRetryable());
  EXPECT_TRUE(Error(1205, "lock wait").IsRetryable());
  EXPECT_FALSE(Error(1062, "dup").IsRetryable());
  // 2005: unknown host, which is what a Swarm service's name gives while its only task restarts.
  for (unsigned code : {2006U, 2013U, 2055U, 2002U, 2005U, 1927U, 1053U}) {
    EXPECT_TRUE(Error(code, "lost").IsConnectionLost()) << code;
  }
  EXPECT_FALSE(Error(1064, "syntax").IsConnectionLost());
  EXPECT_FALSE(Error(0, "ours").IsConnectionLost());
  EXPECT_EQ(Error(1146, "no table").Code(), 1146U);
}

TEST(SplitStatements, SplitsAtSemicolonEndingALine) {
  const auto s = SplitStatements(
      "-- header comment; with a semicolon inside\n"
      "CREATE TABLE a (\n  id INT, -- note; here\n  v TEXT\n);\n"
      "\n"
      "INSERT INTO a VALUES (1, 'x;y');  \r\n"
      "# only a comment;\n"
      "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.id = 1; SET NEW.v = 'z'; END;\n"
      "UPDATE a SET v = 'last'");
  ASSERT_EQ(s.size(), 4U);
  EXPECT_EQ(
      s[0],
      "-- header comment; with a semicolon inside\nCREATE TABLE a (\n  id INT, -- note; here\n  v TEXT\n)");
  EXPECT_EQ(s[1], "INSERT INTO a VALUES (1, 'x;y')");
  EXPECT_EQ(s[2],
            "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.id = 1; SET NEW.v = 'z'; END");
  EXPECT_EQ(s[3], "UPDATE a SET v = 'last'");
}

TEST(SplitStatements, EmptyAndCommentOnlyGiveNothing) {
  EXPECT_TRUE(SplitStatements("").empty());
  EXPECT_TRUE(SplitStatements("\n\n  \n").empty());
  EXPECT_TRUE(SplitStatements("-- nothing;\n# at all\n;\n").empty());
}

}  // namespace
}  // namespace bookstore::db

namespace bookstore::db {
namespace {

// A host name that resolves to nothing (RFC 6761 .invalid): retried until the wait is over, then thrown.
TEST(MigrateWhenReachable, RetriesAnUnknownHostThenGivesUp) {
  Options options;
  options.host = "bookstore-db.invalid";
  options.database = "bookstore";
  options.pool_size = 1;
  Pool pool(options);
  try {
    MigrateWhenReachable(pool, {}, std::chrono::seconds(1));
    FAIL() << "no database there";
  } catch (const Error& error) {
    EXPECT_TRUE(error.IsConnectionLost()) << error.what();
  }
}

}  // namespace
}  // namespace bookstore::db
