#include "tests/portal/portal_world.h"

#include "core/common/isolation_layers.h"

#include "core/common/time.h"
#include "core/ingest/datagram_hub.h"
#include "core/ingest/spooler.h"
#include "tests/support/host_process.h"

namespace mvne::testing {
namespace {

std::vector<std::string> settings(const TempDir& dir) {
  dir.write("brands/acme.conf", "name = Acme Mobile\ncolour = #8a1538\n");
  dir.write("brands/bolt.conf", "name = Bolt Telecom\ncolour = #1d5b3a\n");
  // An operator's mistake: a brand that names a consumer's number.
  dir.write("brands/leaky.conf", "name = Call 090-3333-0001\n");
  return {std::string("plugins.dir=") + MVNE_PLUGIN_DIR,
          "plugins.enabled=voice_cdr, sms, data_sessions, portal",
          "plugin.data_sessions.listen=127.0.0.1:0",
          "plugin.data_sessions.client_secrets=127.0.0.1=testing123",
          "plugin.voice_cdr.spool_dir=" + dir.path() + "/voice",
          "plugin.sms.spool_dir=" + dir.path() + "/sms",
          "plugin.portal.branding_dir=" + dir.path() + "/brands",
          "portal.hash_memory_kib=256",
          "portal.hash_passes=1"};
}

}  // namespace

PortalWorld::PortalWorld() : host_(fixture_settings({}, settings(dir_)), db_.db()) {}

const std::vector<PortalConsumer>& PortalWorld::consumers() {
  static const std::vector<PortalConsumer> kConsumers = {
      {"taro", "acme", "acme-taro", "Acme Mobile",
       {"acme-taro", "SC-A2"},
       {"bolt-kenji", "SC-B2", "3.5 MB", "3456789", "0312340002", "2,970", "2970.0", "acme-hanako",
        "SC-A1", "Bolt Telecom"}},
      {"kenji", "bolt", "bolt-kenji", "Bolt Telecom",
       {"bolt-kenji", "SC-B2"},
       {"acme-taro", "SC-A2", "2.2 MB", "1234567", "0312340001", "1,180", "1180.0", "acme-hanako",
        "SC-A1", "Acme Mobile"}}};
  return kConsumers;
}

void PortalWorld::SetUp() {
  ASSERT_TRUE(host_.apply_status().ok()) << host_.apply_status().message();
  auto& d = *host_.services().directory;
  // bolt has no SMS: its consumers' page of calls and messages shows calls alone.
  ASSERT_TRUE(d.add_tenant({0, "acme", "Acme", "Asia/Tokyo", dir_.path() + "/exports/acme",
                            {"voice_cdr", "sms", "data_sessions", "portal"}})
                  .ok());
  ASSERT_TRUE(d.add_tenant({0, "bolt", "Bolt", "UTC", dir_.path() + "/exports/bolt",
                            {"voice_cdr", "data_sessions", "portal"}})
                  .ok());
  ASSERT_TRUE(d.add_plan({0, "acme", "lite", "Lite", 2500000, 22, 1, 0, 0, "", 1180}).ok());
  ASSERT_TRUE(d.add_plan({0, "bolt", "big", "Big", 5000000000, 11, 1, 0, 0, "", 2970}).ok());
  ASSERT_TRUE(d.add_subscriber({0, "acme", "acme-hanako", "SC-A1", "lite", "hanako@a.example"}).ok());
  ASSERT_TRUE(d.add_subscriber({0, "acme", "acme-taro", "SC-A2", "lite", "taro@a.example"}).ok());
  ASSERT_TRUE(d.add_subscriber({0, "bolt", "bolt-kenji", "SC-B2", "big", "kenji@b.example"}).ok());
  auto since = parse_time_us("2026-01-01").value();
  ASSERT_TRUE(d.assign({"acme", "acme-hanako", "", "09011110001", "440100000000001", "", since,
                        kForever})
                  .ok());
  ASSERT_TRUE(d.assign({"acme", "acme-taro", "", "09033330001", "440100000000003", "", since,
                        kForever})
                  .ok());
  ASSERT_TRUE(d.move(tenancy::IdKind::kMsisdn, "09033330001",
                     {"bolt", "bolt-kenji", "", "09033330001", "440100000000004", "",
                      parse_time_us("2026-11-10T00:00:00Z").value(), kForever})
                  .ok());
  // Seed case 5: a merge of two holders' accounts is refused. (Not tried while a test build
  // shows another layer alone with checked merges switched off: the world stays the same.)
  if (!layer_off(Layer::kCheckedMerges)) {
    ASSERT_FALSE(d.merge_accounts("acme", "acme-hanako", "acme-taro").ok());
  }
  for (auto [tenant, account] : {std::pair{"acme", "acme-taro"}, std::pair{"bolt", "bolt-kenji"}}) {
    auto& consumers = *host_.services().consumers;
    ASSERT_TRUE(consumers.set_password(consumers.find(tenant, account).value(), kPortalPassword, now_us()).ok());
  }
  // Taro's connection and call before the move, kenji's after it.
  connection("s-taro", "440100000000003", "2026-11-09T20:00:00Z", "2026-11-09T22:00:00Z", 1234567,
             1000000);
  connection("s-kenji", "440100000000004", "2026-11-11T08:00:00Z", "2026-11-11T09:00:00Z", 3456789,
             0);
  dir_.write("voice/calls.csv",
             "record_id,call_start,answer_time,end_time,duration,billable_seconds,calling_number,"
             "called_number,call_type,imsi,disposition\n"
             "c-taro,2026-11-05T10:00:00+09:00,2026-11-05T10:00:02+09:00,2026-11-05T10:02:02+09:00,"
             "122,120,09033330001,0312340001,outgoing,440100000000003,ANSWERED\n"
             "c-kenji,2026-11-12T10:00:00+09:00,2026-11-12T10:00:02+09:00,2026-11-12T10:01:02+09:00,"
             "62,60,09033330001,0312340002,outgoing,440100000000004,ANSWERED\n");
  EXPECT_EQ(ingest::Spooler(&host_.plugins()).poll(), 1);
  ASSERT_EQ(host_.metrics().ingest_records("voice_cdr", "stored"), 2u) << "the switch file is ingested";
  for (const char* tenant : {"acme", "bolt"})
    ASSERT_TRUE(host_.services().bills->close_month(tenant, "2026-11", now_us()).ok());

}

uint16_t PortalWorld::radius_port() {
  for (const auto& p : host_.plugins().running())
    for (const auto& d : p->registrations().datagrams)
      return ingest::bound_port(*std::static_pointer_cast<ingest::DatagramHub::Listener>(d.listener));
  return 0;
}

// A connection of the number (E.164 digits) with its SIM: start, stop, bytes in and out.
void PortalWorld::connection(const std::string& id, const std::string& imsi, const char* start,
                const char* stop, int64_t in, int64_t out) {
  for (auto [status, at] : {std::pair{"Start", start}, std::pair{"Stop", stop}}) {
    std::string request = "Acct-Status-Type = " + std::string(status) +
                          "\nAcct-Session-Id = \"" + id +
                          "\"\nCalling-Station-Id = \"819033330001\"\n3GPP-IMSI = \"" + imsi +
                          "\"\nEvent-Timestamp = " +
                          std::to_string(parse_time_us(at).value() / 1000000) +
                          "\nFilter-Id = \"high\"\n";
    if (std::string(status) == "Stop") {
      request += "Acct-Input-Octets = " + std::to_string(in) + "\nAcct-Output-Octets = " +
                 std::to_string(out) + "\nAcct-Session-Time = " +
                 std::to_string((parse_time_us(stop).value() - parse_time_us(start).value()) / 1000000) +
                 "\n";
    }
    ExitResult r = run_binary("/usr/bin/radclient",
                              {"-f", dir_.write("acct.txt", request), "-r", "2", "-t", "2", "-q",
                               "127.0.0.1:" + std::to_string(radius_port()), "acct", "testing123"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
}

}  // namespace mvne::testing
