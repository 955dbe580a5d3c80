// Two hosts on one database, on SQLite and MariaDB, each running the fixture plugin's job
// "every 1s" through its own scheduler: each occurrence runs on one host only (the control:
// two schedulers without claims run every occurrence twice).
#include "core/jobs/job_claims.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "core/common/time.h"
#include "core/jobs/scheduler.h"
#include "core/storage/value.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/test_database.h"

namespace mvne::jobs {
namespace {

using namespace std::chrono_literals;

// The fixture's job runs so far, as its /counts route says.
int job_runs(testing::InProcessHost& host) {
  std::string body = testing::http_get(host.port(), "/api/fixture/counts").body;
  auto at = body.find("jobs=");
  return at == std::string::npos ? -1 : std::stoi(body.substr(at + 5));
}

class JobClaimsTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Runs two hosts' schedulers (with claims when `claimed`) for about 3.5 s; returns the
  // runs of both together, and the occurrences claimed in `claimed_rows`.
  int run_two(bool claimed, int64_t& claimed_rows) {
    testing::InProcessHost a(testing::fixture_settings({"fixture"}), db_.db());
    testing::InProcessHost b(testing::fixture_settings({"fixture"}), db_.db());
    JobClaims claims_a(db_.db(), "host-a"), claims_b(db_.db(), "host-b");
    Scheduler sa(&a.plugins(), claimed ? &claims_a : nullptr);
    Scheduler sb(&b.plugins(), claimed ? &claims_b : nullptr);
    sa.start();
    sb.start();
    std::this_thread::sleep_for(3500ms);
    sa.stop();
    sb.stop();
    auto rows = db_.db()->query("SELECT COUNT(*) FROM job_runs WHERE job = 'fixture:job:tick'");
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    claimed_rows = rows.ok() ? storage::as_int(rows.value()[0][0]) : -1;
    return job_runs(a) + job_runs(b);
  }

  testing::TestDatabase db_{GetParam()};
};

TEST_P(JobClaimsTest, EachOccurrenceRunsOnOneHost) {
  int64_t occurrences = 0;
  int runs = run_two(true, occurrences);
  EXPECT_GE(occurrences, 2);
  EXPECT_EQ(runs, occurrences);
  auto twice =
      db_.db()->query("SELECT due_at FROM job_runs GROUP BY job, due_at HAVING COUNT(*) > 1");
  ASSERT_TRUE(twice.ok());
  EXPECT_TRUE(twice->empty());
}

TEST_P(JobClaimsTest, WithoutClaimsEveryHostRunsEveryOccurrence) {
  int64_t occurrences = 0;
  int runs = run_two(false, occurrences);
  EXPECT_EQ(occurrences, 0);
  EXPECT_GE(runs, 4);  // at least two occurrences, each on both hosts
}

TEST_P(JobClaimsTest, AnOccurrenceIsClaimedOnce) {
  JobClaims a(db_.db(), "host-a"), b(db_.db(), "host-b");
  EXPECT_TRUE(a.claim("p:job:x", 1000).value());
  EXPECT_FALSE(b.claim("p:job:x", 1000).value());
  EXPECT_FALSE(a.claim("p:job:x", 1000).value());
  EXPECT_TRUE(b.claim("p:job:x", 2000).value());
  // Rows of occurrences older than the kept window go as new ones are claimed.
  EXPECT_TRUE(a.claim("p:job:x", 1000 + JobClaims::kKeptUs + 1).value());
  auto left = db_.db()->query("SELECT due_at FROM job_runs WHERE job = 'p:job:x' ORDER BY due_at");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ(storage::as_int(left.value()[0][0]), 2000);
}

// An unfinished occurrence is an orphan once its host's row in `hosts` is older than the
// lease (or missing); one host takes it over, the others find it taken.
TEST_P(JobClaimsTest, AnUnfinishedOccurrenceOfAHostGoneIsTakenOverOnce) {
  const int64_t now = now_us();
  auto seen = [&](const std::string& host, int64_t at) {
    ASSERT_TRUE(db_.db()
                    ->execute("INSERT INTO hosts (id, started_at, last_seen) VALUES (?, ?, ?)",
                              {host, at, at})
                    .ok());
  };
  seen("host-live", now);
  seen("host-gone", now - 60'000'000);
  JobClaims live(db_.db(), "host-live"), gone(db_.db(), "host-gone"), b(db_.db(), "host-b"),
      c(db_.db(), "host-c");
  ASSERT_TRUE(live.claim("p:job:x", now - 1000).value());
  ASSERT_TRUE(gone.claim("p:job:x", now - 2000).value());
  ASSERT_TRUE(gone.claim("p:job:y", now - 3000).value());
  ASSERT_TRUE(gone.claim("p:job:done", now - 4000).value());
  ASSERT_TRUE(gone.finish("p:job:done", now - 4000).ok());

  auto orphans = b.orphans("p:job:x");
  ASSERT_TRUE(orphans.ok()) << orphans.status().message();
  ASSERT_EQ(orphans->size(), 1u) << "not the live host's, not the finished one, not y";
  EXPECT_EQ(orphans->at(0).host, "host-gone");
  EXPECT_EQ(orphans->at(0).due_us, now - 2000);
  EXPECT_EQ(b.orphans("p:job:")->size(), 2u);

  EXPECT_TRUE(b.take_over(orphans->at(0)).value());
  EXPECT_FALSE(c.take_over(orphans->at(0)).value()) << "taken by b already";
  EXPECT_TRUE(b.give_back(orphans->at(0)).ok());
  EXPECT_TRUE(c.take_over(orphans->at(0)).value()) << "an orphan again";
  EXPECT_TRUE(c.finish("p:job:x", now - 2000).ok());
  EXPECT_EQ(b.orphans("p:job:x")->size(), 0u);
}

// A host claimed an occurrence of the fixture's job and was killed before finishing it: a
// host running the same plugin runs it, once, and marks it finished (the control: without
// the take-over the occurrence never runs and stays the dead host's).
TEST_P(JobClaimsTest, AJobOccurrenceOfAHostKilledMidRunRunsOnAnother) {
  const int64_t due = now_us() - 3'600'000'000;  // an hour ago: not one of b's own
  JobClaims killed(db_.db(), "host-killed");
  ASSERT_TRUE(killed.claim("fixture:job:tick", due).value());
  testing::InProcessHost b(testing::fixture_settings({"fixture"}), db_.db());
  JobClaims claims_b(db_.db(), "host-b");
  Scheduler sb(&b.plugins(), &claims_b);
  sb.start();
  std::this_thread::sleep_for(1500ms);
  sb.stop();
  auto row = db_.db()->query("SELECT host, finished_at FROM job_runs WHERE job = ? AND due_at = ?",
                             {std::string("fixture:job:tick"), due});
  ASSERT_TRUE(row.ok() && row->size() == 1);
  EXPECT_EQ(storage::as_text(row.value()[0][0]), "host-b");
  EXPECT_GT(storage::as_int(row.value()[0][1]), 0);
  auto b_rows = db_.db()->query(
      "SELECT COUNT(*) FROM job_runs WHERE job = 'fixture:job:tick' AND host = 'host-b'");
  ASSERT_TRUE(b_rows.ok());
  EXPECT_EQ(job_runs(b), storage::as_int(b_rows.value()[0][0]))
      << "each of b's occurrences ran once, the orphan among them";
}

INSTANTIATE_TEST_SUITE_P(Backends, JobClaimsTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::jobs
