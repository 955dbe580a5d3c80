// The relay's SMTP syntax: where DATA ends (only at CRLF.CRLF), dot-unstuffing, limits, and
// the bare LF / bare CR that SMTP smuggling depends on.
#include "core/relay/smtp_protocol.h"

#include <gtest/gtest.h>

namespace mvne::relay {
namespace {

DataReader::Result feed_all(DataReader& r, std::string_view in, size_t* pos) {
  *pos = 0;
  return r.feed(in, pos);
}

TEST(DataReader, EndsOnlyAtCrlfDotCrlfAndUnstuffs) {
  DataReader r(1 << 20, 1000);
  size_t pos = 0;
  std::string in = "Subject: x\r\n\r\n..leading dot\r\n.\r\nMAIL FROM:<next@x.example>\r\n";
  ASSERT_EQ(feed_all(r, in, &pos), DataReader::Result::kDone);
  EXPECT_EQ(in.substr(pos), "MAIL FROM:<next@x.example>\r\n") << "stops right after the marker";
  EXPECT_EQ(r.take(), "Subject: x\r\n\r\n.leading dot\r\n");
}

TEST(DataReader, TheEndMayArriveInAnyPieces) {
  const std::string in = "a\r\nb\r\n.\r\n";
  for (size_t split = 0; split <= in.size(); ++split) {
    DataReader r(1 << 20, 1000);
    size_t pos = 0;
    std::string_view first(in.data(), split), second(in.data() + split, in.size() - split);
    DataReader::Result res = r.feed(first, &pos);
    if (res != DataReader::Result::kDone) {
      pos = 0;
      res = r.feed(second, &pos);
    }
    ASSERT_EQ(res, DataReader::Result::kDone) << "split at " << split;
    EXPECT_EQ(r.take(), "a\r\nb\r\n") << "split at " << split;
  }
}

TEST(DataReader, SmugglingEndingsAreRefusedNotAccepted) {
  // Each would end the message (and start a smuggled one) on a lenient server.
  for (std::string bad : {"hi\r\n\n.\n\r\nMAIL FROM:<a@b.example>\r\n", "hi\n.\r\n",
                          "hi\r\n.\n", "hi\r.\r\n", "hi\r\n.\r\r\n"}) {
    DataReader r(1 << 20, 1000);
    size_t pos = 0;
    EXPECT_EQ(feed_all(r, bad, &pos), DataReader::Result::kBareNewline) << bad;
  }
}

TEST(DataReader, TooBigIsReadToItsEndThenRefused) {
  DataReader r(100, 1000);
  size_t pos = 0;
  std::string in;
  for (int i = 0; i < 20; ++i) in += "0123456789\r\n";
  in += ".\r\nQUIT\r\n";
  ASSERT_EQ(feed_all(r, in, &pos), DataReader::Result::kDone);
  EXPECT_TRUE(r.too_big());
  EXPECT_EQ(in.substr(pos), "QUIT\r\n");
}

TEST(DataReader, ALongLineIsRefusedAtTheEnd) {
  DataReader r(1 << 20, 1000);
  size_t pos = 0;
  std::string in = std::string(999, 'x') + "\r\n.\r\n";
  ASSERT_EQ(feed_all(r, in, &pos), DataReader::Result::kDone);
  EXPECT_TRUE(r.line_too_long());
  DataReader ok(1 << 20, 1000);
  in = std::string(998, 'x') + "\r\n.\r\n";
  ASSERT_EQ(feed_all(ok, in, &pos), DataReader::Result::kDone);
  EXPECT_FALSE(ok.line_too_long()) << "998 octets and CRLF are allowed";
}

TEST(LineSplitter, SplitsOnCrlfAndRefusesBareNewlines) {
  LineSplitter s(512);
  std::string line;
  size_t pos = 0;
  std::string in = "EHLO a\r\nNOOP\r\n";
  ASSERT_EQ(s.next(in, &pos, &line), LineSplitter::Result::kLine);
  EXPECT_EQ(line, "EHLO a");
  ASSERT_EQ(s.next(in, &pos, &line), LineSplitter::Result::kLine);
  EXPECT_EQ(line, "NOOP");
  EXPECT_EQ(s.next(in, &pos, &line), LineSplitter::Result::kNeedMore);
  LineSplitter bare(512);
  pos = 0;
  EXPECT_EQ(bare.next("NOOP\nQUIT\r\n", &pos, &line), LineSplitter::Result::kBareNewline);
}

TEST(LineSplitter, ALongLineIsSkippedToItsEnd) {
  LineSplitter s(512);
  std::string line;
  size_t pos = 0;
  std::string in = std::string(600, 'A') + "\r\nNOOP\r\n";
  EXPECT_EQ(s.next(in, &pos, &line), LineSplitter::Result::kTooLong);
  ASSERT_EQ(s.next(in, &pos, &line), LineSplitter::Result::kLine);
  EXPECT_EQ(line, "NOOP");
}

TEST(ParsePath, AddressesAndParameters) {
  auto p = parse_path("FROM:<Sales@Corp.example> SIZE=100 BODY=8BITMIME", "FROM");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->address, "Sales@Corp.example");
  ASSERT_EQ(p->params.size(), 2u);
  EXPECT_EQ(p->params[0].first, "SIZE");
  EXPECT_EQ(p->params[0].second, "100");
  EXPECT_TRUE(parse_path("from: <>", "FROM").ok()) << "the null path";
  EXPECT_FALSE(parse_path("TO:<a@b.example>", "FROM").ok());
  EXPECT_FALSE(parse_path("FROM:a@b.example", "FROM").ok()) << "brackets are required";
  EXPECT_FALSE(parse_path("TO:<a b@c.example>", "TO").ok());
  EXPECT_FALSE(parse_path("TO:<a@b.example", "TO").ok());
}

}  // namespace
}  // namespace mvne::relay
