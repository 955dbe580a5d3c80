// Host functions of ABI 1.3, through fixture plugins: reading another plugin's records (only
// a kind the reader declares in its descriptor and the operator grants in [plugins]
// read_grants, only from a plugin running here and enabled for the principal's tenant,
// always scoped to the principal), data balances, empty time windows, identifier
// normalisation and log levels, and wrong-typed values refused as plugin errors.
#include <gtest/gtest.h>

#include "core/common/time.h"
#include "core/ingest/spooler.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"

namespace mvne::testing {
namespace {

constexpr int kOk = MVNE_OK, kDenied = MVNE_ERR_PERMISSION_DENIED, kNotFound = MVNE_ERR_NOT_FOUND;

class HostFunctionsTest : public ::testing::Test {
 protected:
  // acme and cero have both plugins; bolt has only the reader. Each has one line with events.
  void start(const std::vector<std::string>& overrides) {
    std::vector<std::string> all = {"plugin.tally.spool_dir=" + spool_.path()};
    all.insert(all.end(), overrides.begin(), overrides.end());
    host_ = std::make_unique<InProcessHost>(fixture_settings({"tally", "tally_reader"}, all));
    ASSERT_TRUE(host_->apply_status().ok()) << host_->apply_status().message();
    auto& dir = *host_->services().directory;
    const std::map<std::string, std::string> lines = {
        {"acme", "09060000001"}, {"bolt", "09060000002"}, {"cero", "09060000003"}};
    for (const auto& [tenant, msisdn] : lines) {
      std::vector<std::string> plugins = {"tally_reader"};
      if (tenant != "bolt") plugins.push_back("tally");
      ASSERT_TRUE(dir.add_tenant({0, tenant, tenant, "UTC", "/tmp", plugins}).ok());
      ASSERT_TRUE(dir.add_plan({0, tenant, "p", "p", 0, 0, 1, 0, 0, ""}).ok());
      ASSERT_TRUE(dir.add_subscriber({0, tenant, "holder", "s", "p", "h@x.example"}).ok());
      ASSERT_TRUE(dir.assign({tenant, "holder", "", msisdn, "", "", 0, kForever}).ok());
      keys_[tenant] =
          host_->services().keys->create(tenant, "t", now_us() + 86400000000LL)->token;
    }
    spool_.write("events.txt",
                 "a1 1000 09060000001 5\na2 2000 09060000001 7\nc1 3000 09060000003 11\n");
    ingest::Spooler spooler(&host_->plugins());
    ASSERT_EQ(spooler.poll(), 1);
  }

  std::string read(const std::string& tenant, const std::string& query = "") {
    auto r = http_get(host_->port(), "/api/reader/sum" + query,
                      {{"Authorization", "Bearer " + keys_[tenant]}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
  static std::string code(int c) { return "code=" + std::to_string(c) + "\n"; }

  TempDir spool_;
  std::unique_ptr<InProcessHost> host_;
  std::map<std::string, std::string> keys_;
};

TEST_F(HostFunctionsTest, GrantedKindIsReadAndScopedToThePrincipal) {
  start({"plugins.read_grants=tally_reader:tally.event"});
  EXPECT_EQ(read("acme"), code(kOk) + "+819060000001=12\n") << "acme's rows only, not cero's";
  EXPECT_EQ(read("cero"), code(kOk) + "+819060000003=11\n");
  // tally is not enabled for bolt: its kind does not exist there.
  EXPECT_EQ(read("bolt"), code(kNotFound));
}

TEST_F(HostFunctionsTest, DeclaredButNotGrantedIsRefused) {
  start({});
  EXPECT_EQ(read("acme"), code(kDenied));
}

TEST_F(HostFunctionsTest, GrantedButNotDeclaredIsRefused) {
  // The operator grants a kind the reader never said it reads: the grant alone is no right.
  start({"plugins.read_grants=tally_reader:tally.event, tally_reader:tally.secret"});
  EXPECT_EQ(read("acme", "?kind=secret"), code(kDenied));
  EXPECT_EQ(read("acme"), code(kOk) + "+819060000001=12\n");
}

// A data balance is a consumer's own: a tenant route gets none.
TEST_F(HostFunctionsTest, DataBalanceNeedsAConsumer) {
  start({});
  auto r = http_get(host_->port(), "/api/reader/balance",
                    {{"Authorization", "Bearer " + keys_["acme"]}});
  EXPECT_EQ(r.body, code(kDenied));
}

// A zero-initialised time window is refused rather than answered with nothing.
TEST_F(HostFunctionsTest, EmptyTimeWindowIsRefused) {
  start({"plugins.read_grants=tally_reader:tally.event"});
  EXPECT_EQ(read("acme", "?window=empty"), code(MVNE_ERR_INVALID_ARGUMENT));
}

// The host's helpers for plugins: identifiers in the host's form, and whether a level logs.
TEST_F(HostFunctionsTest, HostNormalisesNumbersAndSaysWhatIsLogged) {
  start({});
  EXPECT_EQ(http_get(host_->port(), "/api/reader/tools?number=090-1234-5678").body,
            "number=+819012345678 trace=0 error=1\n");
  EXPECT_EQ(http_get(host_->port(), "/api/reader/tools?number=hello").body,
            "number=(refused) trace=0 error=1\n");
  // The plugin's own metrics, under its name; a number in a label value is masked.
  std::string metrics = http_get(host_->port(), "/metrics").body;
  for (const char* line :
       {"# TYPE mvne_plugin_tally_reader_lookups_total counter",
        R"(mvne_plugin_tally_reader_lookups_total{plugin="tally_reader",result="refused",input="hello"} 1)",
        R"(mvne_plugin_tally_reader_number_length_bucket{plugin="tally_reader",le="12"} 1)",
        R"(mvne_plugin_tally_reader_number_length_bucket{plugin="tally_reader",le="16"} 2)",
        R"(mvne_plugin_tally_reader_number_length_count{plugin="tally_reader"} 2)"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
  }
  EXPECT_EQ(metrics.find("090-1234-5678"), std::string::npos) << "masked like a log line";
}

// A value of the wrong type is the plugin's bug: the batch is refused whole and counted, the
// file fails with the reason, and nothing is stored or quarantined as if the data were bad.
TEST_F(HostFunctionsTest, WrongTypedValueIsAPluginErrorNotBadData) {
  start({});
  spool_.write("bad.txt", "b1 4000 09060000001 5\nb2 5000 09060000001 6 text\n");
  ingest::Spooler spooler(&host_->plugins());
  ASSERT_EQ(spooler.poll(), 1);
  EXPECT_EQ(read_file(spool_.path() + "/failed/bad.txt.err").find("field 'amount' is not INT64") !=
                std::string::npos,
            true)
      << read_file(spool_.path() + "/failed/bad.txt.err");
  EXPECT_EQ(host_->metrics().ingest_records("tally", "stored"), 3u) << "only the first file's";
  EXPECT_TRUE(host_->services().records->quarantine(true)->empty());
  EXPECT_NE(http_get(host_->port(), "/metrics")
                .body.find(R"(mvne_plugin_errors_total{plugin="tally",reason="bad_record"} 1)"),
            std::string::npos);
}

TEST_F(HostFunctionsTest, KindTheOwnerDoesNotDeclareIsNotFound) {
  start({"plugins.read_grants=tally_reader:tally.event, tally_reader:tally.gone"});
  EXPECT_EQ(read("acme", "?kind=gone"), code(kNotFound));
}

TEST(HostFunctionsConfig, MalformedOrUnknownGrantsAreRefusedNamingThem) {
  auto parse = [](const std::string& grants) {
    return config::parse_settings(
        "[plugins]\ndir = x\nenabled = tally, tally_reader\nread_grants = " + grants + "\n",
        "t.conf", "/etc/mvne", {});
  };
  ASSERT_TRUE(parse("tally_reader:tally.event").ok());
  for (const char* bad : {"tally_reader", "tally_reader:tally", "tally_reader:Tally.event",
                          "tally:tally.event", "tally_reader:talley.event"}) {
    auto settings = parse(bad);
    ASSERT_FALSE(settings.ok()) << bad;
    EXPECT_NE(settings.status().message().find("read_grants"), std::string::npos)
        << settings.status().message();
  }
  EXPECT_EQ(parse("tally_reader:talley.event").status().message(),
            "plugins.read_grants: 'talley' is not in plugins.enabled");
}

}  // namespace
}  // namespace mvne::testing
