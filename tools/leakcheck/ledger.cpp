#include "tools/leakcheck/ledger.h"

#include <cstdio>
#include <set>
#include <string>

#include "core/storage/value.h"
#include "tools/leakcheck/canaries.h"

namespace mvne::leakcheck {
namespace {

struct Kind {
  const char* name;
  const char* table;
  const char* id_column;  // the canary id of the record (or session)
};

struct Stored {
  long rows = 0, distinct = 0, misattributed = 0;
  std::string example;
};

Stored read(storage::Database& db, const Kind& k) {
  Stored s;
  auto rows =
      db.query(std::string("SELECT r.") + k.id_column + ", t.code, s.account_id FROM " + k.table +
               " r JOIN tenants t ON t.id = r.tenant_id "
               "JOIN subscribers s ON s.id = r.subscriber_id");
  if (!rows.ok()) {
    std::printf("  %s: cannot read %s: %s\n", k.name, k.table, rows.status().message().c_str());
    s.misattributed = -1;
    return s;
  }
  std::set<std::string> ids;
  for (const auto& row : rows.value()) {
    const std::string id = storage::as_text(row[0]);
    ++s.rows;
    ids.insert(id);
    auto found = scan(id);
    const bool right =
        found.size() == 1 && tenant_code(found[0].owner.tenant) == storage::as_text(row[1]) &&
        account(found[0].owner.tenant, found[0].owner.subscriber) == storage::as_text(row[2]);
    if (!right && s.misattributed++ == 0)
      s.example = id + " stored for " + storage::as_text(row[1]) + "/" + storage::as_text(row[2]);
  }
  s.distinct = static_cast<long>(ids.size());
  return s;
}

}  // namespace

bool check_ledger(storage::Database& db, const TrafficCounts& sent) {
  bool clean = true;
  auto report = [&](const Kind& k, long expected, long at_least) {
    Stored s = read(db, k);
    std::printf("  stored %-16s %8ld of %8ld sent, %ld misattributed\n", k.name, s.rows, expected,
                s.misattributed);
    if (!s.example.empty()) std::printf("    e.g. %s\n", s.example.c_str());
    const bool ok = s.misattributed == 0 && s.rows <= expected && s.rows >= at_least;
    if (!ok) std::printf("    LOST, DUPLICATED OR MISATTRIBUTED\n");
    clean = clean && ok;
  };
  report({"calls", "rec_voice_cdr_cdr", "f_record_id"}, sent.calls, sent.calls);
  report({"messages", "rec_sms_message", "f_record_id"}, sent.messages, sent.messages);
  // A RADIUS event answered is stored; one never answered may or may not be.
  report({"RADIUS events", "rec_data_sessions_event", "f_session_id"}, sent.radius_events,
         sent.radius_answered);
  auto quarantined = db.query("SELECT COUNT(*) FROM quarantine");
  const long q =
      quarantined.ok() ? static_cast<long>(storage::as_int(quarantined.value()[0][0])) : -1;
  std::printf("  quarantined              %8ld (every record of the run is valid: 0)\n", q);
  return clean && q == 0;
}

}  // namespace mvne::leakcheck
