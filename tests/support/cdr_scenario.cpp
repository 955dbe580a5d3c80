#include "tests/support/cdr_scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "core/common/local_time.h"
#include "core/common/time.h"

namespace mvne::testing {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;
constexpr int64_t kJst = 9 * 3600;  // the switch writes times at +09:00

const char* const kCodes[] = {"alpha", "bravo",   "charlie", "delta",
                              "echo",  "foxtrot", "golf",    "hotel"};
const char* const kZones[] = {"Asia/Tokyo",    "UTC",         "America/New_York",
                              "Europe/Berlin", "Asia/Tokyo",  "Australia/Sydney",
                              "UTC",           "Asia/Kolkata"};

int64_t t(const char* iso) { return parse_time_us(iso).value(); }

std::string msisdn(int tenant, int n) {
  return "090" + std::to_string(10000000 + tenant * 100000 + n);
}
std::string imsi(int tenant, int n) {
  return "44010" + std::to_string(1000000000LL + tenant * 1000000LL + n);
}
std::string e164(const std::string& national) { return "+81" + national.substr(1); }

// "2026-11-02T18:30:00+09:00"
std::string at_jst(int64_t us) {
  std::string utc = format_time_us(us + kJst * 1000000);
  return utc.substr(0, 19) + "+09:00";
}

struct Holding {
  int tenant = -1;  // -1: the operator's mistake, to be quarantined
  std::string msisdn, imsi;
  int64_t from, to;  // when records may be generated
};

double rate_voice(int tenant, const std::string& type, int64_t billable) {
  bool typed = tenant % 2 == 0;
  double per_minute = 10 + 2 * tenant;
  int64_t increment = tenant % 2 ? 60 : 1;
  if (typed && type == "incoming") return 0;
  if (typed && type == "roaming") {
    per_minute = 100;
    increment = 60;
  }
  int64_t billed = (billable + increment - 1) / increment * increment;
  return std::round(static_cast<double>(billed) * per_minute / 60.0 * 10000) / 10000;
}

double rate_sms(int tenant, const std::string& direction, int64_t segments) {
  return direction == "MO" ? static_cast<double>(segments) * (1 + 0.5 * tenant) : 0;
}

// Splits `lines` into two files, adds `malformed` to the first and repeats of a few
// records to the second.
std::vector<SpoolFile> files(const std::string& prefix, const std::string& header,
                             std::vector<std::string> lines, const std::vector<std::string>& bad,
                             int64_t& repeats) {
  std::vector<SpoolFile> out(2);
  size_t half = lines.size() / 2;
  for (int f = 0; f < 2; ++f) {
    SpoolFile& file = out[f];
    file.name = prefix + "-" + std::to_string(f + 1) + ".csv";
    file.content = header + "\n";
    int64_t line_number = 1;
    size_t begin = f == 0 ? 0 : half, end = f == 0 ? half : lines.size();
    for (size_t i = begin; i < end; ++i) {
      file.content += lines[i] + "\n";
      ++line_number;
      ++file.data_lines;
      if (f == 0 && (i - begin) % 7 == 3 && (i - begin) / 7 < bad.size()) {
        file.content += bad[(i - begin) / 7] + "\n\n";  // a blank line is not data
        ++line_number;
        file.malformed_lines.push_back(line_number);
        ++file.data_lines;
        ++line_number;
      }
    }
    if (f == 1) {
      for (size_t i = 0; i < 3; ++i) {
        file.content += lines[i] + "\n";
        file.repeated_ids.push_back(lines[i].substr(0, lines[i].find(',')));
        ++file.data_lines;
        ++repeats;
      }
    }
  }
  return out;
}

}  // namespace

const tenancy::Tenant& CdrScenario::tenant(const std::string& code) const {
  for (const auto& t : tenants) {
    if (t.code == code) return t;
  }
  throw std::runtime_error("no tenant " + code);
}

std::set<std::string> CdrScenario::ids_for(const std::vector<ExpectedRecord>& records,
                                           const std::string& code, const std::string& date) const {
  std::set<std::string> out;
  for (const auto& r : records) {
    if (r.tenant != code) continue;
    if (!date.empty() && local_date(tenant(code).time_zone, r.at).value() != date) continue;
    out.insert(r.id);
  }
  return out;
}

std::string CdrScenario::holder_of(const ExpectedRecord& r) const {
  if (r.tenant.empty()) return "";
  auto number = tenancy::normalize_msisdn(r.msisdn, {});
  const tenancy::LineAssignment* holder = nullptr;
  for (const auto* list : {&assignments, &moves}) {
    for (const auto& a : *list) {
      auto assigned = tenancy::normalize_msisdn(a.msisdn, {});
      if (!assigned.ok() || !number.ok() || *assigned != *number) continue;
      if (a.valid_from > r.at || (a.valid_to != 0 && a.valid_to <= r.at)) continue;
      if (holder == nullptr || a.valid_from >= holder->valid_from) holder = &a;
    }
  }
  return holder != nullptr && holder->tenant_code == r.tenant ? holder->account_id : "";
}

std::set<std::string> CdrScenario::quarantined_ids(
    const std::vector<ExpectedRecord>& records) const {
  std::set<std::string> out;
  for (const auto& r : records) {
    if (r.tenant.empty()) out.insert(r.id);
  }
  return out;
}

CdrScenario make_cdr_scenario() {
  CdrScenario s;
  const int64_t since = t("2026-10-01"), forever = kForever;
  for (int i = 0; i < 8; ++i) {
    std::vector<std::string> plugins = {"voice_cdr"};
    if (std::string(kCodes[i]) != "hotel") plugins.push_back("sms");
    s.tenants.push_back({0, kCodes[i], std::string("MVNO ") + kCodes[i], kZones[i],
                         std::string("exports/") + kCodes[i], plugins});
    s.plans.push_back({0, kCodes[i], "std", "Standard", 0, 10.0 + 2 * i, i % 2 ? 60 : 1,
                       1 + 0.5 * i, 0, i % 2 == 0 ? "roaming=100/60,incoming=0/1" : ""});
    for (const char* account : {"s1", "s2"}) {
      s.subscribers.push_back({0, kCodes[i], account, std::string(kCodes[i]) + "-" + account, "std",
                               std::string(account) + "@" + kCodes[i] + ".example"});
    }
  }
  auto line = [&](int i, const char* account, const std::string& m, const std::string& im,
                  int64_t from) {
    s.assignments.push_back({kCodes[i], account, "", m, im, "", from, forever});
  };
  std::vector<Holding> holdings;
  const int64_t month_from = t("2026-11-02"), month_to = t("2026-11-28");
  for (int i = 0; i < 8; ++i) {
    for (int n : {1, 2}) {
      if (i == 3 && n == 2) continue;  // delta's second line is the mistaken one
      line(i, n == 1 ? "s1" : "s2", msisdn(i, n), imsi(i, n), since);
      holdings.push_back({i, msisdn(i, n), imsi(i, n), month_from, month_to});
    }
  }
  // Moves: (from tenant, account) -> (to tenant, account) at a time, with a new SIM.
  struct Move {
    int from_tenant;
    const char* from_account;
    int to_tenant;
    const char* to_account;
    const char* at;
  };
  for (const Move& m : {Move{0, "s2", 1, "s2", "2026-11-15T00:00:00Z"},
                        Move{2, "s1", 2, "s2", "2026-11-10T00:00:00Z"},
                        Move{4, "s1", 5, "s1", "2026-11-20T00:00:00Z"}}) {
    std::string number = msisdn(m.from_tenant, 3);
    int64_t at = t(m.at);
    line(m.from_tenant, m.from_account, number, imsi(m.from_tenant, 3), since);
    s.moves.push_back(
        {kCodes[m.to_tenant], m.to_account, "", number, imsi(m.to_tenant, 903), "", at, forever});
    holdings.push_back({m.from_tenant, number, imsi(m.from_tenant, 3), month_from, at - kDay});
    holdings.push_back({m.to_tenant, number, imsi(m.to_tenant, 903), at + kDay, month_to});
  }
  // The operator's mistake: delta's SIM, its number keyed into golf's account.
  line(3, "s2", "", imsi(3, 4), since);
  line(6, "s1", msisdn(3, 4), "", since);
  holdings.push_back({-1, msisdn(3, 4), imsi(3, 4), month_from, month_to});

  std::mt19937_64 rng(20261127);
  auto pick = [&](int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>((hi - lo) / 1000000)) * 1000000;
  };
  const char* const types[] = {"outgoing", "incoming", "forwarded", "roaming"};
  std::vector<std::string> voice_lines, sms_lines;
  int next_id = 1;
  for (const Holding& h : holdings) {
    std::string code = h.tenant < 0 ? "" : kCodes[h.tenant];
    for (int k = 0; k < 6; ++k) {
      std::string id = "v" + std::to_string(next_id++);
      std::string type = types[(next_id + k) % 4];
      // The other party is sometimes another MVNO's subscriber.
      std::string other = k % 2 ? "0311112222" : msisdn((h.tenant + 9) % 8, 1);
      int64_t start = pick(h.from, h.to);
      int64_t billable = static_cast<int64_t>(rng() % 600);
      int64_t duration = billable + static_cast<int64_t>(rng() % 10);
      bool makes = type == "outgoing" || type == "roaming";
      std::string calling = makes ? h.msisdn : other, called = makes ? other : h.msisdn;
      voice_lines.push_back(
          id + "," + at_jst(start) + "," + (billable > 0 ? at_jst(start + 3000000) : "") + "," +
          at_jst(start + (duration + 3) * 1000000) + "," + std::to_string(duration) + "," +
          std::to_string(billable) + "," + calling + "," + called + "," + type + "," + h.imsi +
          "," + (billable > 0 ? "ANSWERED" : "NO ANSWER"));
      s.voice.push_back({id, code, e164(h.msisdn), start, billable,
                         h.tenant < 0 ? 0 : rate_voice(h.tenant, type, billable), type});
    }
    for (int k = 0; k < 4; ++k) {
      std::string id = "m" + std::to_string(next_id++);
      std::string direction = k % 2 ? "MT" : "MO";
      int64_t segments = 1 + k % 3;
      std::string other = msisdn((h.tenant + 10) % 8, 2);
      int64_t at = pick(h.from, h.to);
      bool mo = direction == "MO";
      sms_lines.push_back(id + "," + at_jst(at) + "," + direction + "," + (mo ? h.msisdn : other) +
                          "," + (mo ? other : h.msisdn) + "," + h.imsi + ",SMSC-TYO-1,DELIVERED," +
                          std::to_string(segments));
      s.sms.push_back({id, code, e164(h.msisdn), at, segments,
                       h.tenant < 0 ? 0 : rate_sms(h.tenant, direction, segments), direction});
    }
  }
  std::shuffle(voice_lines.begin(), voice_lines.end(), rng);
  std::shuffle(sms_lines.begin(), sms_lines.end(), rng);
  s.voice_files = files(
      "switch",
      "record_id,call_start,answer_time,end_time,duration,billable_seconds,calling_number,"
      "called_number,call_type,imsi,disposition",
      voice_lines,
      {"bad1,notatime,,2026-11-05T10:00:00+09:00,10,0,0311112222,09010100001,outgoing,,FAILED",
       "bad2,2026-11-05T10:00:00+09:00,,2026-11-05T10:00:10+09:00,10,0,0311112222,09010100001,"
       "video,,FAILED",
       "bad3,2026-11-05T10:00:00+09:00,,too,few", "\"bad4,unclosed quote"},
      s.voice_repeats);
  s.sms_files = files(
      "smsc", "record_id,time,direction,sender,recipient,imsi,smsc,status,segments", sms_lines,
      {"bad5,yesterday,MO,09010100001,0311112222,,SMSC,DELIVERED,1",
       "bad6,2026-11-05T10:00:00+09:00,XX,09010100001,0311112222,,SMSC,DELIVERED,1",
       "bad7,2026-11-05T10:00:00+09:00,MO,09010100001,0311112222,,SMSC,DELIVERED,0"},
      s.sms_repeats);
  return s;
}

void reassign_expected(CdrScenario& s, const std::string& msisdn, int64_t from,
                       const std::string& tenant) {
  int index = -1;
  for (int i = 0; i < 8; ++i) {
    if (tenant == kCodes[i]) index = i;
  }
  for (ExpectedRecord& r : s.voice) {
    if (r.msisdn != msisdn || r.at < from) continue;
    r.tenant = tenant;
    r.charge = index < 0 ? 0 : rate_voice(index, r.rating_class, r.units);
  }
  for (ExpectedRecord& r : s.sms) {
    if (r.msisdn != msisdn || r.at < from) continue;
    r.tenant = tenant;
    r.charge = index < 0 ? 0 : rate_sms(index, r.rating_class, r.units);
  }
}

void apply_directory(const CdrScenario& s, tenancy::Directory& directory) {
  for (const auto& t : s.tenants) ASSERT_TRUE(directory.add_tenant(t).ok()) << t.code;
  for (const auto& p : s.plans) {
    auto st = directory.add_plan(p);
    ASSERT_TRUE(st.ok()) << st.status().message();
  }
  for (const auto& sub : s.subscribers) ASSERT_TRUE(directory.add_subscriber(sub).ok());
  for (const auto& a : s.assignments) {
    auto st = directory.assign(a);
    ASSERT_TRUE(st.ok()) << st.status().message();
  }
  for (const auto& m : s.moves) {
    auto st = directory.move(tenancy::IdKind::kMsisdn, m.msisdn, m);
    ASSERT_TRUE(st.ok()) << st.status().message();
  }
}

namespace {

using nlohmann::json;

// GET target as one principal; returns (status, body).
using Getter = std::function<std::pair<int, std::string>(const std::string& target)>;

// Every page of a list route; the ids and the JSON rows by id.
std::map<std::string, json> list_all(const Getter& get, const std::string& path,
                                     const std::string& collection) {
  std::map<std::string, json> rows;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    auto [status, body] = get(path + "?limit=37" + (cursor.empty() ? "" : "&cursor=" + cursor));
    EXPECT_EQ(status, 200) << path << ": " << body;
    if (status != 200) break;
    json page_json = json::parse(body);
    for (const auto& r : page_json[collection]) rows[r["record_id"]] = r;
    if (page_json["next_cursor"].is_null()) break;
    cursor = page_json["next_cursor"];
  }
  return rows;
}

Getter as_tenant(const ScenarioProbe& probe, const std::string& tenant) {
  return [&probe, tenant](const std::string& target) { return probe.get(tenant, target, ""); };
}

std::set<std::string> keys(const std::map<std::string, json>& rows) {
  std::set<std::string> out;
  for (const auto& [k, v] : rows) out.insert(k);
  return out;
}

// The ids in the first column of CSV text after its header.
std::set<std::string> csv_ids(const std::string& csv) {
  std::set<std::string> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (!line.empty()) out.insert(line.substr(0, line.find(',')));
  }
  return out;
}

void check_summary(const ScenarioProbe& probe, const std::string& tenant, const std::string& path,
                   const std::vector<ExpectedRecord>& records, const char* count_name,
                   const char* units_name) {
  struct Totals {
    int64_t count = 0, units = 0;
    double charge = 0;
  };
  std::map<std::string, Totals> expected;
  for (const auto& r : records) {
    if (r.tenant != tenant) continue;
    Totals& e = expected[r.msisdn];
    ++e.count;
    e.units += r.units;
    e.charge += r.charge;
  }
  auto [status, body] = probe.get(tenant, path + "?month=2026-11", "");
  ASSERT_EQ(status, 200) << body;
  json summary = json::parse(body);
  std::map<std::string, Totals> got;
  for (const auto& line : summary["lines"]) {
    got[line["msisdn"]] = {line[count_name].get<int64_t>(), line[units_name].get<int64_t>(),
                           line["charges"].get<double>()};
  }
  ASSERT_EQ(got.size(), expected.size()) << tenant << ": " << body;
  for (const auto& [number, e] : expected) {
    EXPECT_EQ(got[number].count, e.count) << tenant << " " << number;
    EXPECT_EQ(got[number].units, e.units) << tenant << " " << number;
    EXPECT_NEAR(got[number].charge, e.charge, 0.001) << tenant << " " << number;
  }
}

}  // namespace

void check_consumer_views(const CdrScenario& s, const ConsumerGet& get) {
  size_t calls_seen = 0;
  for (const auto& sub : s.subscribers) {
    SCOPED_TRACE("consumer " + sub.tenant_code + "/" + sub.account_id);
    Getter as_consumer = [&](const std::string& target) {
      return get(sub.tenant_code, sub.account_id, target);
    };
    auto own = [&](const std::vector<ExpectedRecord>& records) {
      std::set<std::string> ids;
      for (const auto& r : records) {
        if (r.tenant == sub.tenant_code && s.holder_of(r) == sub.account_id) ids.insert(r.id);
      }
      return ids;
    };
    auto calls = keys(list_all(as_consumer, "/portal/api/v1/calls", "cdrs"));
    EXPECT_EQ(calls, own(s.voice));
    calls_seen += calls.size();
    const auto& plugins = s.tenant(sub.tenant_code).plugins;
    if (std::find(plugins.begin(), plugins.end(), "sms") != plugins.end()) {
      EXPECT_EQ(keys(list_all(as_consumer, "/portal/api/v1/messages", "records")), own(s.sms));
    } else {
      EXPECT_EQ(get(sub.tenant_code, sub.account_id, "/portal/api/v1/messages").first, 404);
    }
  }
  // Every attributed call is seen by exactly one consumer: its holder's.
  EXPECT_EQ(calls_seen, s.voice.size() - s.quarantined_ids(s.voice).size());
}

void check_tenant_views(const CdrScenario& s, const ScenarioProbe& probe) {
  for (const auto& t : s.tenants) {
    SCOPED_TRACE("tenant " + t.code);
    auto cdrs = list_all(as_tenant(probe, t.code), "/api/v1/voice/cdrs", "cdrs");
    EXPECT_EQ(keys(cdrs), s.ids_for(s.voice, t.code));
    for (const auto& r : s.voice) {
      if (r.tenant != t.code || !cdrs.count(r.id)) continue;
      EXPECT_EQ(cdrs[r.id]["msisdn"], r.msisdn) << r.id;
      EXPECT_NEAR(cdrs[r.id]["charge"].get<double>(), r.charge, 0.0001) << r.id;
    }
    check_summary(probe, t.code, "/api/v1/voice/summary", s.voice, "calls", "seconds");
    auto [csv_status, csv] = probe.get(t.code, "/api/v1/voice/cdrs?limit=1000", "text/csv");
    EXPECT_EQ(csv_status, 200);
    EXPECT_EQ(csv_ids(csv), s.ids_for(s.voice, t.code));

    bool has_sms = std::find(t.plugins.begin(), t.plugins.end(), "sms") != t.plugins.end();
    if (has_sms) {
      EXPECT_EQ(keys(list_all(as_tenant(probe, t.code), "/api/v1/sms/records", "records")),
                s.ids_for(s.sms, t.code));
      check_summary(probe, t.code, "/api/v1/sms/summary", s.sms, "messages", "segments");
    } else {
      EXPECT_EQ(probe.get(t.code, "/api/v1/sms/records", "").first, 404);
      EXPECT_EQ(probe.get(t.code, "/api/v1/sms/summary?month=2026-11", "").first, 404);
    }
  }
  // Bad parameters are named.
  auto [status, body] = probe.get("alpha", "/api/v1/voice/cdrs?from=last-week", "");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(json::parse(body)["error"]["parameter"], "from") << body;
  std::tie(status, body) = probe.get("alpha", "/api/v1/voice/summary", "");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(json::parse(body)["error"]["parameter"], "month") << body;
  // An unknown parameter is refused, not ignored (a typo would widen the answer).
  std::tie(status, body) = probe.get("alpha", "/api/v1/sms/records?msidsn=09010000001", "");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(json::parse(body)["error"]["parameter"], "msidsn") << body;
  std::tie(status, body) = probe.get("alpha", "/api/v1/voice/cdrs?limit=5000", "");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(json::parse(body)["error"]["parameter"], "limit") << body;
}

void check_exports(const CdrScenario& s, const ScenarioProbe& probe,
                   const std::vector<std::string>& dates) {
  for (const auto& t : s.tenants) {
    for (const std::string& date : dates) {
      SCOPED_TRACE("tenant " + t.code + " " + date);
      EXPECT_EQ(csv_ids(probe.export_file("voice_cdr", t.code, date)),
                s.ids_for(s.voice, t.code, date));
      bool has_sms = std::find(t.plugins.begin(), t.plugins.end(), "sms") != t.plugins.end();
      if (has_sms) {
        EXPECT_EQ(csv_ids(probe.export_file("sms", t.code, date)), s.ids_for(s.sms, t.code, date));
      }
    }
  }
}

}  // namespace mvne::testing
