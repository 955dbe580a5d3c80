// data_sessions: mobile data usage from the packet gateway's RADIUS accounting (RFC 2866).
// The host owns the UDP socket; each Accounting-Request from a configured client is
// verified, stored (one event record, plus the bytes since the session's previous event
// split into quarter-hour usage records) and only then answered. Each MVNO reads its lines'
// connection history and daily usage through the tenant API and a daily export; consumers
// will read their own through the portal routes. See README.md.
#include <mvne/plugin.hpp>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <mvne/toolkit/record_builder.hpp>
#include <mvne/toolkit/request_params.hpp>
#include <mvne/toolkit/text.hpp>
#include "plugins/data_sessions/accounting.h"
#include "plugins/data_sessions/clients.h"
#include "plugins/data_sessions/radius.h"
#include "plugins/data_sessions/usage.h"

namespace data_sessions {

using mvne::toolkit::BadParameter;
using mvne::toolkit::json_string;
using mvne::toolkit::not_found;
using mvne::toolkit::write_error;

enum EventField : size_t {
  eKey,
  eAt,
  eStatus,
  eSession,
  eNas,
  eMsisdn,
  eImsi,
  eUser,
  eApn,
  eIp,
  eIn,
  eOut,
  eTime,
  eCause,
  eSpeed,
  kEventFields
};

const std::vector<mvne::Field>& event_fields() {
  static const std::vector<mvne::Field> kFields = {
      {"event_key", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
      {"at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
      {"status", MVNE_FIELD_TEXT},
      {"session_id", MVNE_FIELD_TEXT},
      {"nas", MVNE_FIELD_TEXT},
      {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN | MVNE_ROLE_INDEXED},
      {"imsi", MVNE_FIELD_TEXT, MVNE_ROLE_IMSI},
      {"user_name", MVNE_FIELD_TEXT},
      {"apn", MVNE_FIELD_TEXT},
      {"framed_ip", MVNE_FIELD_TEXT},
      {"input_octets", MVNE_FIELD_INT64},
      {"output_octets", MVNE_FIELD_INT64},
      {"session_time_s", MVNE_FIELD_INT64},
      {"terminate_cause", MVNE_FIELD_TEXT},
      {"speed", MVNE_FIELD_TEXT}};
  return kFields;
}

const std::vector<mvne::Field>& usage_fields() {
  static const std::vector<mvne::Field> kFields = {
      {"usage_key", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
      {"at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
      {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN | MVNE_ROLE_INDEXED},
      {"imsi", MVNE_FIELD_TEXT, MVNE_ROLE_IMSI},
      {"session_id", MVNE_FIELD_TEXT},
      {"bytes_up", MVNE_FIELD_INT64},
      {"bytes_down", MVNE_FIELD_INT64},
      {"high_speed_bytes", MVNE_FIELD_INT64, MVNE_ROLE_QUOTA_BYTES},
      {"low_speed_bytes", MVNE_FIELD_INT64}};
  return kFields;
}

// What the plugin remembers of an open session, for the Stop it synthesises when the
// gateway sends Accounting-On/Off.
struct OpenSession {
  Counters last;
  AccountingEvent event;
  std::string nas;
};

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr const char* kUsagePath = "/portal/api/v1/usage";

std::string nas_of(std::string_view peer) { return std::string(peer.substr(0, peer.rfind(':'))); }

class DataSessionsPlugin : public mvne::Plugin {
 public:
  mvne::Status start(mvne::Context& ctx) override {
    std::string error;
    auto clients = Clients::parse(ctx.config("client_secrets").value_or(""), error);
    if (!clients) return mvne::Status::Error("[plugin.data_sessions] client_secrets: " + error);
    clients_ = std::move(*clients);
    auto speed = parse_speed_rule(ctx.config("speed_attribute").value_or("11"),
                                  ctx.config("high_speed_values").value_or("high"));
    if (!speed) {
      return mvne::Status::Error(
          "[plugin.data_sessions] speed_attribute: expected an attribute number (11) or "
          "26:VENDOR:TYPE");
    }
    speed_ = *speed;
    const std::string kept = ctx.config("stop_kept_s").value_or("3600");
    char* end = nullptr;
    const long long seconds = std::strtoll(kept.c_str(), &end, 10);
    if (kept.empty() || *end != '\0' || seconds < 1 || seconds > 7 * 86400)
      return mvne::Status::Error(
          "[plugin.data_sessions] stop_kept_s: expected 1 to 604800 seconds, got '" + kept + "'");
    stop_kept_us_ = seconds * 1000000;
    mvne::Status st = record_kind(ctx, "event", event_fields());
    if (st.ok()) st = record_kind(ctx, "usage", usage_fields());
    if (st.ok()) {
      st = datagram(ctx, "accounting", "listen",
                    [this](mvne::IngestContext& ic, std::string_view payload,
                           std::string_view peer) { return handle(ic, payload, peer); });
    }
    for (const char* base : {"/api/v1/data", "/portal/api/v1/data"}) {
      int32_t access = base[1] == 'a' ? MVNE_ROUTE_TENANT : MVNE_ROUTE_CONSUMER;
      std::string sessions = std::string(base) + "/sessions", daily = std::string(base) + "/daily";
      if (st.ok()) {
        st = route(ctx, "GET", sessions, access, [this, sessions](mvne::RequestContext& rc) {
          return rc.path() == sessions ? serve_sessions(rc) : not_found(rc);
        });
      }
      if (st.ok()) {
        st = route(ctx, "GET", daily, access, [this, daily](mvne::RequestContext& rc) {
          return rc.path() == daily ? serve_daily(rc) : not_found(rc);
        });
      }
    }
    if (st.ok()) {
      st = route(ctx, "GET", kUsagePath, MVNE_ROUTE_CONSUMER, [this](mvne::RequestContext& rc) {
        return rc.path() == kUsagePath ? serve_usage(rc) : not_found(rc);
      });
    }
    if (!st.ok()) return st;
    return export_files(ctx, "daily", "usage", "csv", "export_schedule",
                        [this](mvne::ExportContext& ec) { return write_daily_export(ec); });
  }

 private:
  // ---- Accounting ---------------------------------------------------------------------

  static mvne::Status drop(std::string reason) {
    return mvne::Status::Error(std::move(reason), MVNE_ERR_INVALID_ARGUMENT);
  }

  mvne::Status handle(mvne::IngestContext& ic, std::string_view payload, std::string_view peer) {
    auto secret = clients_.secret_for(std::string(peer));
    if (!secret)
      return drop("unknown_client: " + std::string(peer) + " is not a configured client");
    std::string error;
    auto packet = radius::parse(payload, error);
    if (!packet) return drop("malformed: " + error);
    if (packet->code != radius::kAccountingRequest)
      return drop("unexpected_code: code " + std::to_string(packet->code));
    if (!radius::request_authenticator_valid(payload, *secret))
      return drop("bad_authenticator: from " + std::string(peer));
    auto event = decode(*packet, speed_, now_us(), error);
    if (!event) return drop(error);
    std::string nas = nas_of(peer);
    mvne::Status st =
        event->status == Status::kAccountingOn || event->status == Status::kAccountingOff
            ? close_all(ic, nas, *event)
            : account(ic, nas, *event);
    if (!st.ok()) return st;  // not stored: no answer, the gateway retransmits
    return ic.reply(radius::accounting_response(*packet, *secret));
  }

  // Stores one event of a session and the usage since the previous one.
  mvne::Status account(mvne::IngestContext& ic, const std::string& nas, const AccountingEvent& e) {
    if (mvne::Status st = forget_stopped(ic); !st.ok()) return st;
    const std::string key = nas + "|" + e.session_id;
    Counters prev{0, 0, e.at_us - e.session_time_s * 1000000};  // since the session began
    // The stored state, not memory: the host answers only once a batch is stored, so a
    // retransmission after a failed batch finds the counters of before and counts again.
    if (e.status != Status::kStart) {
      if (auto kept = mvne::kv_get(ic, "s|" + key); kept && !kept->empty()) decode(*kept, prev);
    }
    // The session's Stop is stored (by this host or another): a repeated Stop, or an event
    // that arrives after it, is kept as an event and counts nothing.
    if (prev.stopped) return store(ic, nas, e, {});
    Counters cur{e.input_octets, e.output_octets, e.at_us};
    bool backwards = false;
    std::vector<Slot> slots = split_usage(prev, cur, backwards);
    if (backwards) {
      ic.warn("session " + e.session_id + " from " + nas +
              ": a counter went backwards; no usage counted for this interval");
    }
    if (mvne::Status st = store(ic, nas, e, slots); !st.ok()) return st;
    if (e.status == Status::kStop) return stopped(ic, key, cur);
    std::lock_guard lock(mu_);
    open_[key] = {cur, e, nas};
    return mvne::kv_put(ic, "s|" + key, encode(cur));
  }

  // A session ended: its final counters are kept for stop_kept_s, so that the same Stop
  // sent again (a retransmission, or a gateway's fail-over to another host) counts nothing.
  mvne::Status stopped(mvne::IngestContext& ic, const std::string& key, Counters last) {
    {
      std::lock_guard lock(mu_);
      open_.erase(key);
      stopped_.emplace_back(now_us(), key);
    }
    last.stopped = true;
    return mvne::kv_put(ic, "s|" + key, encode(last));
  }

  // Deletes the kept counters of sessions stopped longer ago than stop_kept_s, a few per
  // accounting request, in that request's transaction.
  mvne::Status forget_stopped(mvne::IngestContext& ic) {
    const int64_t before = now_us() - stop_kept_us_;
    for (int n = 0; n < 4; ++n) {
      std::string key;
      {
        std::lock_guard lock(mu_);
        if (stopped_.empty() || stopped_.front().first > before) return mvne::Status::Ok();
        key = std::move(stopped_.front().second);
        stopped_.pop_front();
      }
      if (mvne::Status st = mvne::kv_put(ic, "s|" + key, ""); !st.ok()) return st;
    }
    return mvne::Status::Ok();
  }

  // Accounting-On/Off: the gateway restarted or stops; its open sessions end now.
  mvne::Status close_all(mvne::IngestContext& ic, const std::string& nas,
                         const AccountingEvent& reset) {
    std::vector<OpenSession> closing;
    {
      std::lock_guard lock(mu_);
      for (auto it = open_.begin(); it != open_.end();) {
        if (it->second.nas != nas) {
          ++it;
          continue;
        }
        closing.push_back(it->second);
        it = open_.erase(it);
      }
    }
    ic.info(std::string(status_name(reset.status)) + " from " + nas + ": closing " +
            std::to_string(closing.size()) + " open session(s)");
    for (OpenSession& s : closing) {
      AccountingEvent stop = s.event;
      stop.status = Status::kStop;
      stop.at_us = reset.at_us;
      stop.terminate_cause = reset.status == Status::kAccountingOn ? "NAS-Reboot" : "NAS-Request";
      if (mvne::Status st = store(ic, nas, stop, {}); !st.ok()) return st;
      if (mvne::Status st = stopped(ic, nas + "|" + s.event.session_id, s.last); !st.ok())
        return st;
    }
    return mvne::Status::Ok();
  }

  mvne::Status store(mvne::IngestContext& ic, const std::string& nas, const AccountingEvent& e,
                     const std::vector<Slot>& slots) {
    mvne::toolkit::RecordBuilder event(kEventFields);
    event.text(nas + "|" + e.session_id + "|" + status_name(e.status) + "|" +
               std::to_string(e.session_time_s) + "|" + std::to_string(e.input_octets) + "|" +
               std::to_string(e.output_octets) + "|" + std::to_string(e.at_us));
    event.time(e.at_us);
    event.text(status_name(e.status));
    event.text(e.session_id);
    event.text(nas);
    event.text(e.msisdn);
    event.text(e.imsi);
    event.text(e.user_name);
    event.text(e.apn);
    event.text(e.framed_ip);
    event.integer(static_cast<int64_t>(e.input_octets));
    event.integer(static_cast<int64_t>(e.output_octets));
    event.integer(e.session_time_s);
    event.text(e.terminate_cause);
    event.text(e.high_speed ? "high" : "low");
    if (mvne::Status st = ic.submit("event", event.values(), event.fields()); !st.ok()) return st;
    if (slots.empty()) return mvne::Status::Ok();
    mvne::toolkit::RecordBuilder usage(usage_fields().size());
    for (const Slot& s : slots) {
      usage.text(nas + "|" + e.session_id + "|" + std::to_string(e.at_us) + "|" +
                 std::to_string(s.at_us));
      usage.time(s.at_us);
      usage.text(e.msisdn);
      usage.text(e.imsi);
      usage.text(e.session_id);
      usage.integer(static_cast<int64_t>(s.up));
      usage.integer(static_cast<int64_t>(s.down));
      int64_t total = static_cast<int64_t>(s.up + s.down);
      usage.integer(e.high_speed ? total : 0);
      usage.integer(e.high_speed ? 0 : total);
    }
    return ic.submit("usage", usage.values(), usage.fields());
  }

  // ---- Reads ----------------------------------------------------------------------------

  // from/to (times or dates) and msisdn, into `q` and `filter`.
  static std::optional<BadParameter> range_and_line(mvne::RequestContext& rc, mvne_query& q,
                                                    mvne_filter& filter, std::string& msisdn) {
    std::optional<BadParameter> bad =
        mvne::toolkit::check_known(rc, {"from", "to", "month", "msisdn"});
    if (!bad) bad = mvne::toolkit::time_param(rc, "from", false, q.from_us);
    if (!bad) bad = mvne::toolkit::time_param(rc, "to", true, q.to_us);
    if (!bad && rc.query_param("month")) {
      std::string month = *rc.query_param("month");
      if (month.size() != 7 || !rc.local_period(month, q.from_us, q.to_us).ok())
        bad = BadParameter{"month", "month: expected YYYY-MM"};
    }
    if (!bad && q.from_us >= q.to_us) bad = BadParameter{"to", "to: must be after from"};
    if (!bad && rc.query_param("msisdn")) {
      msisdn = *rc.query_param("msisdn");
      if (!mvne::toolkit::is_msisdn(msisdn)) {
        bad = BadParameter{"msisdn", "msisdn: expected a phone number (digits, optional +)"};
      } else {
        filter = {mvne::to_str("msisdn"), MVNE_FILTER_EQ, mvne::text_value(msisdn)};
        q.filters = &filter;
        q.filter_count = 1;
      }
    }
    return bad;
  }

  struct SessionRow {
    std::string session_id, msisdn, apn, cause, speed;
    int64_t start = 0, end = 0, duration = 0, up = 0, down = 0;
    bool ended = false;
  };

  mvne::Status serve_sessions(mvne::RequestContext& rc) {
    mvne_query q{};
    q.struct_size = sizeof q;
    q.kind = mvne::to_str("event");
    q.from_us = mvne::toolkit::kMin;
    q.to_us = mvne::toolkit::kMax;
    mvne_filter filter{};
    std::string msisdn;
    if (auto bad = range_and_line(rc, q, filter, msisdn))
      return write_error(rc, 400, "bad_parameter", bad->message, bad->parameter);
    // Fold the events of each session (by gateway and session id) into one row.
    std::map<std::string, SessionRow> sessions;
    std::string cursor;
    q.limit = 5000;
    for (int page = 0; page < 20; ++page) {
      q.cursor = mvne::to_str(cursor);
      std::unique_ptr<mvne::Cursor> rows;
      if (mvne::Status st = mvne::open_query(rc, q, rows); !st.ok()) return st;
      mvne::Status st = rows->each([&](const mvne::RowView& r) {
        SessionRow& s = sessions[std::string(r.text(eNas)) + "|" + std::string(r.text(eSession))];
        int64_t began = r.integer(eAt) - r.integer(eTime) * 1000000;
        if (s.session_id.empty() || began < s.start) s.start = began;
        s.session_id = r.text(eSession);
        // Later events may leave out what the Start said.
        if (!r.text(eMsisdn).empty()) s.msisdn = r.text(eMsisdn);
        if (!r.text(eApn).empty()) s.apn = r.text(eApn);
        s.speed = r.text(eSpeed);
        s.duration = std::max(s.duration, r.integer(eTime));
        s.up = std::max(s.up, r.integer(eIn));
        s.down = std::max(s.down, r.integer(eOut));
        if (r.text(eStatus) == "Stop") {
          s.ended = true;
          s.end = r.integer(eAt);
          s.cause = r.text(eCause);
        }
      });
      if (!st.ok()) return st;
      cursor = rows->next_page();
      if (cursor.empty()) break;
    }
    std::vector<const SessionRow*> ordered;
    for (const auto& [key, s] : sessions) ordered.push_back(&s);
    std::sort(ordered.begin(), ordered.end(),
              [](const SessionRow* a, const SessionRow* b) { return a->start < b->start; });
    const bool csv = mvne::toolkit::wants_csv(rc);
    std::string body = csv ? "session_id,msisdn,start,end,duration_s,bytes_up,bytes_down,apn,"
                             "terminate_cause,speed\n"
                           : "{\"sessions\":[";
    bool first = true;
    for (const SessionRow* s : ordered) {
      std::string end = s->ended ? mvne::toolkit::format_time(s->end) : "";
      if (csv) {
        std::string line;
        for (const std::string& v : {s->session_id, s->msisdn, mvne::toolkit::format_time(s->start),
                                     end, std::to_string(s->duration), std::to_string(s->up),
                                     std::to_string(s->down), s->apn, s->cause, s->speed}) {
          if (!line.empty()) line += ',';
          mvne::toolkit::append_csv_field(line, v);
        }
        body += line + "\n";
        continue;
      }
      body += std::string(first ? "" : ",") + "{\"session_id\":" + json_string(s->session_id) +
              ",\"msisdn\":" + json_string(s->msisdn) +
              ",\"start\":" + json_string(mvne::toolkit::format_time(s->start)) +
              ",\"end\":" + (s->ended ? json_string(end) : "null") +
              ",\"duration_s\":" + std::to_string(s->duration) +
              ",\"bytes_up\":" + std::to_string(s->up) +
              ",\"bytes_down\":" + std::to_string(s->down) + ",\"apn\":" + json_string(s->apn) +
              ",\"terminate_cause\":" + json_string(s->cause) +
              ",\"speed\":" + json_string(s->speed) + "}";
      first = false;
    }
    rc.set_header("Content-Type", csv ? "text/csv; charset=utf-8" : "application/json");
    return rc.write(csv ? body : body + "]}");
  }

  // date -> line -> (high, low), from two grouped sums.
  using Daily = std::map<std::string, std::map<std::string, std::pair<int64_t, int64_t>>>;

  static mvne::Status daily_usage(const mvne::Context& ctx, mvne_query q, Daily& out) {
    q.kind = mvne::to_str("usage");
    q.aggregate = MVNE_AGG_SUM;
    q.group_by = MVNE_GROUP_DAY_AND_LINE;
    q.limit = 10000;
    for (const char* field : {"high_speed_bytes", "low_speed_bytes"}) {
      q.sum_field = mvne::to_str(field);
      std::unique_ptr<mvne::Cursor> rows;
      if (mvne::Status st = mvne::open_query(ctx, q, rows); !st.ok()) return st;
      bool high = field[0] == 'h';
      mvne::Status st = rows->each([&](const mvne::RowView& r) {
        auto& cell = out[std::string(r.text(0))][std::string(r.text(1))];
        (high ? cell.first : cell.second) = r.is_null(2) ? 0 : r.integer(2);
      });
      if (!st.ok()) return st;
    }
    return mvne::Status::Ok();
  }

  static std::string daily_csv(const Daily& daily) {
    std::string body = "date,msisdn,high_speed_bytes,low_speed_bytes\n";
    for (const auto& [date, lines] : daily) {
      for (const auto& [line, v] : lines)
        body += date + "," + line + "," + std::to_string(v.first) + "," + std::to_string(v.second) +
                "\n";
    }
    return body;
  }

  mvne::Status serve_daily(mvne::RequestContext& rc) {
    mvne_query q{};
    q.struct_size = sizeof q;
    q.from_us = mvne::toolkit::kMin;
    q.to_us = mvne::toolkit::kMax;
    mvne_filter filter{};
    std::string msisdn;
    if (auto bad = range_and_line(rc, q, filter, msisdn))
      return write_error(rc, 400, "bad_parameter", bad->message, bad->parameter);
    Daily daily;
    if (mvne::Status st = daily_usage(rc, q, daily); !st.ok()) return st;
    if (mvne::toolkit::wants_csv(rc)) {
      rc.set_header("Content-Type", "text/csv; charset=utf-8");
      return rc.write(daily_csv(daily));
    }
    std::string body = "{\"days\":[";
    bool first = true;
    for (const auto& [date, lines] : daily) {
      for (const auto& [line, v] : lines) {
        body += std::string(first ? "" : ",") + "{\"date\":" + json_string(date) +
                ",\"msisdn\":" + json_string(line) +
                ",\"high_speed_bytes\":" + std::to_string(v.first) +
                ",\"low_speed_bytes\":" + std::to_string(v.second) + "}";
        first = false;
      }
    }
    rc.set_header("Content-Type", "application/json");
    return rc.write(body + "]}");
  }

  // The consumer's month: its data balance from the host (quota, carried over, used, left)
  // and its daily use, high and low speed apart, summed over its lines.
  mvne::Status serve_usage(mvne::RequestContext& rc) {
    std::string month = rc.query_param("month").value_or("");
    mvne_data_balance balance{};
    if (mvne::Status st = rc.data_balance(month, balance); !st.ok()) {
      if (st.code() != MVNE_ERR_INVALID_ARGUMENT) return st;
      return write_error(rc, 400, "bad_parameter", "month: expected YYYY-MM", "month");
    }
    mvne_query q{};
    q.struct_size = sizeof q;
    q.from_us = balance.from_us;
    q.to_us = balance.to_us;
    Daily daily;
    if (mvne::Status st = daily_usage(rc, q, daily); !st.ok()) return st;
    std::string days;
    for (const auto& [date, lines] : daily) {
      int64_t high = 0, low = 0;
      for (const auto& [line, v] : lines) {
        high += v.first;
        low += v.second;
      }
      days += std::string(days.empty() ? "" : ",") + "{\"date\":" + json_string(date) +
              ",\"high_speed_bytes\":" + std::to_string(high) +
              ",\"low_speed_bytes\":" + std::to_string(low) + "}";
    }
    rc.set_header("Content-Type", "application/json");
    return rc.write("{\"month\":" + json_string(mvne::to_view(balance.month)) +
                    ",\"from\":" + json_string(mvne::toolkit::format_time(balance.from_us)) +
                    ",\"to\":" + json_string(mvne::toolkit::format_time(balance.to_us)) +
                    ",\"as_of\":" + json_string(mvne::toolkit::format_time(balance.as_of_us)) +
                    ",\"quota_bytes\":" + std::to_string(balance.quota_bytes) +
                    ",\"carried_over_bytes\":" + std::to_string(balance.carried_over_bytes) +
                    ",\"used_bytes\":" + std::to_string(balance.used_bytes) + ",\"left_bytes\":" +
                    std::to_string(balance.left_bytes) + ",\"days\":[" + days + "]}");
  }

  mvne::Status write_daily_export(mvne::ExportContext& ec) {
    mvne_query q{};
    q.struct_size = sizeof q;
    q.from_us = ec.from();
    q.to_us = ec.to();
    Daily daily;
    if (mvne::Status st = daily_usage(ec, q, daily); !st.ok()) return st;
    uint64_t rows = 0;
    for (const auto& [date, lines] : daily) rows += lines.size();
    return ec.write(daily_csv(daily), rows);
  }

  Clients clients_;
  SpeedRule speed_;
  int64_t stop_kept_us_ = int64_t{3600} * 1000000;
  std::mutex mu_;
  std::map<std::string, OpenSession> open_;              // by "nas|session id"; guarded by mu_
  std::deque<std::pair<int64_t, std::string>> stopped_;  // (when, "nas|session id"); mu_
};

}  // namespace data_sessions

MVNE_PLUGIN_DESCRIBED(
    data_sessions::DataSessionsPlugin, "data_sessions", "1.0.0",
    mvne::Description()
        .key("listen", MVNE_CONFIG_TEXT, MVNE_CONFIG_REQUIRED, "",
             "address:port of the RADIUS accounting socket")
        .key("client_secrets", MVNE_CONFIG_TEXT, MVNE_CONFIG_REQUIRED | MVNE_CONFIG_SECRET, "",
             "ADDRESS[/BITS]=SECRET, ...: the gateways allowed to send")
        .key("speed_attribute", MVNE_CONFIG_TEXT, 0, "11",
             "the attribute telling high speed from low: a number or 26:VENDOR:TYPE")
        .key("high_speed_values", MVNE_CONFIG_TEXT, 0, "high",
             "values of that attribute that mean high speed")
        .key("stop_kept_s", MVNE_CONFIG_INT, 0, "3600",
             "seconds a stopped session's final counters are kept against a repeated Stop")
        .key("export_schedule", MVNE_CONFIG_TEXT, 0, "",
             "daily HH:MM (UTC) for the daily usage export"))
