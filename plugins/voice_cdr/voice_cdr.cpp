// voice_cdr: call detail records from the switch. Reads CSV spool files in the native
// format (with a header) or Asterisk's cdr_csv format (format = asterisk), stores one rated
// record per call for the served line, and serves them to each MVNO through the tenant API
// and a daily export. See README.md for the formats and the API.
#include <mvne/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

#include <mvne/toolkit/record_plugin.hpp>
#include <mvne/toolkit/text.hpp>

namespace voice_cdr {

using mvne::toolkit::CsvFormat;
using mvne::toolkit::Line;
using mvne::toolkit::parse_int;
using mvne::toolkit::parse_time;
using mvne::toolkit::RecordBuilder;

// The record kind's fields, in order.
enum Field : size_t {
  kRecordId,
  kCallStart,
  kAnswerTime,
  kEndTime,
  kDuration,
  kBillable,
  kCalling,
  kCalled,
  kCallType,
  kMsisdn,
  kImsi,
  kDisposition,
  kCharge,
  kFieldCount
};

const std::vector<mvne::Field>& fields() {
  static const std::vector<mvne::Field> kFields = {
      {"record_id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
      {"call_start", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
      {"answer_time", MVNE_FIELD_TIME},
      {"end_time", MVNE_FIELD_TIME},
      {"duration_s", MVNE_FIELD_INT64},
      {"billable_s", MVNE_FIELD_INT64, MVNE_ROLE_RATED_UNITS},
      {"calling_number", MVNE_FIELD_TEXT},
      {"called_number", MVNE_FIELD_TEXT},
      {"call_type", MVNE_FIELD_TEXT, MVNE_ROLE_RATING_CLASS | MVNE_ROLE_INDEXED},
      {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN | MVNE_ROLE_INDEXED},
      {"imsi", MVNE_FIELD_TEXT, MVNE_ROLE_IMSI},
      {"disposition", MVNE_FIELD_TEXT},
      {"charge", MVNE_FIELD_DOUBLE, MVNE_ROLE_CHARGE}};
  return kFields;
}

// A call as both formats describe it, before it becomes a record.
struct Call {
  std::string_view record_id, calling, called, call_type, imsi, disposition;
  int64_t start = 0, end = 0;
  std::optional<int64_t> answer;
  int64_t duration = 0, billable = 0;
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Checks a call and appends its record; returns why not.
std::string append_call(const Call& c, RecordBuilder& out) {
  if (c.record_id.empty()) return "record id is empty";
  if (c.calling.empty() || c.called.empty()) return "calling or called number is empty";
  if (c.end < c.start) return "end time is before call start";
  if (c.answer && (*c.answer < c.start || *c.answer > c.end))
    return "answer time is outside the call";
  if (c.duration < 0 || c.billable < 0) return "duration or billable seconds are negative";
  if (c.billable > c.duration) return "billable seconds exceed the duration";
  std::string type = lower(c.call_type);
  // The served line: the caller for calls it makes, the called party for calls to it.
  std::string_view served;
  if (type == "outgoing" || type == "roaming") {
    served = c.calling;
  } else if (type == "incoming" || type == "forwarded") {
    served = c.called;
  } else {
    return "call type '" + std::string(c.call_type) +
           "' is not outgoing, incoming, forwarded or roaming";
  }
  if (c.disposition.empty()) return "disposition is empty";
  out.text(c.record_id);
  out.time(c.start);
  if (c.answer) {
    out.time(*c.answer);
  } else {
    out.null();
  }
  out.time(c.end);
  out.integer(c.duration);
  out.integer(c.billable);
  out.text(c.calling);
  out.text(c.called);
  out.text(type);
  out.text(served);
  out.text(c.imsi);
  out.text(c.disposition);
  out.null();  // charge: rated by the host
  return {};
}

// ---- Native format ---------------------------------------------------------------------

enum NativeColumn : size_t {
  nRecordId,
  nCallStart,
  nAnswerTime,
  nEndTime,
  nDuration,
  nBillable,
  nCalling,
  nCalled,
  nCallType,
  nImsi,
  nDisposition
};

CsvFormat native_format() {
  return {true,
          {"record_id", "call_start", "answer_time", "end_time", "duration", "billable_seconds",
           "calling_number", "called_number", "call_type", "imsi", "disposition"},
          0};
}

std::string parse_native(const Line& line, RecordBuilder& out) {
  Call c;
  c.record_id = line[nRecordId];
  auto start = parse_time(line[nCallStart]);
  auto end = parse_time(line[nEndTime]);
  if (!start)
    return "call_start '" + std::string(line[nCallStart]) + "' is not ISO 8601 with offset";
  if (!end) return "end_time '" + std::string(line[nEndTime]) + "' is not ISO 8601 with offset";
  c.start = *start;
  c.end = *end;
  if (!line[nAnswerTime].empty()) {
    c.answer = parse_time(line[nAnswerTime]);
    if (!c.answer) return "answer_time '" + std::string(line[nAnswerTime]) + "' is not ISO 8601";
  }
  auto duration = parse_int(line[nDuration]);
  auto billable = parse_int(line[nBillable]);
  if (!duration) return "duration '" + std::string(line[nDuration]) + "' is not a number";
  if (!billable) return "billable_seconds '" + std::string(line[nBillable]) + "' is not a number";
  c.duration = *duration;
  c.billable = *billable;
  c.calling = line[nCalling];
  c.called = line[nCalled];
  c.call_type = line[nCallType];
  c.imsi = line[nImsi];
  c.disposition = line[nDisposition];
  return append_call(c, out);
}

// ---- Asterisk cdr_csv ------------------------------------------------------------------

enum AsteriskColumn : size_t {
  aAccountCode,
  aSrc,
  aDst,
  aDcontext,
  aClid,
  aChannel,
  aDstChannel,
  aLastApp,
  aLastData,
  aStart,
  aAnswer,
  aEnd,
  aDuration,
  aBillsec,
  aDisposition,
  aAmaFlags,
  aUniqueId,
  aUserField
};

CsvFormat asterisk_format() {
  return {false,
          {"accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
           "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
           "uniqueid", "userfield"},
          2};
}

struct AsteriskOptions {
  int64_t utc_offset_s = 0;
  std::vector<std::string> incoming_contexts;
};

// A stable id for a CDR without uniqueid (loguniqueid=no): FNV-1a of what identifies it.
std::string derived_id(const Line& line) {
  uint64_t h = 1469598103934665603ull;
  for (size_t col : {aChannel, aStart, aSrc, aDst}) {
    for (char ch : line[col]) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
    h = (h ^ 0x1f) * 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "ast-%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string parse_asterisk(const AsteriskOptions& options, const Line& line, RecordBuilder& out) {
  Call c;
  std::string id = line[aUniqueId].empty() ? derived_id(line) : std::string(line[aUniqueId]);
  c.record_id = id;
  auto start = parse_time(line[aStart], options.utc_offset_s, false);
  auto end = parse_time(line[aEnd], options.utc_offset_s, false);
  if (!start) return "start '" + std::string(line[aStart]) + "' is not YYYY-MM-DD HH:MM:SS";
  if (!end) return "end '" + std::string(line[aEnd]) + "' is not YYYY-MM-DD HH:MM:SS";
  c.start = *start;
  c.end = *end;
  if (!line[aAnswer].empty()) {
    c.answer = parse_time(line[aAnswer], options.utc_offset_s, false);
    if (!c.answer) return "answer '" + std::string(line[aAnswer]) + "' is not a time";
  }
  auto duration = parse_int(line[aDuration]);
  auto billsec = parse_int(line[aBillsec]);
  if (!duration || !billsec) return "duration or billsec is not a number";
  c.duration = *duration;
  c.billable = *billsec;
  c.calling = line[aSrc];
  c.called = line[aDst];
  std::string_view context = line[aDcontext];
  bool incoming = std::find(options.incoming_contexts.begin(), options.incoming_contexts.end(),
                            context) != options.incoming_contexts.end();
  c.call_type = incoming ? "incoming" : "outgoing";
  c.disposition = line[aDisposition];
  return append_call(c, out);
}

// ---- The plugin ------------------------------------------------------------------------

class VoiceCdrPlugin : public mvne::toolkit::RecordPlugin {
 public:
  mvne::Status start(mvne::Context& ctx) override {
    mvne::toolkit::RecordPluginSpec spec{{"cdr", fields(), "msisdn", "cdrs"},
                                         MVNE_RATING_VOICE,
                                         "/api/v1/voice/cdrs",
                                         "/api/v1/voice/summary",
                                         {{"calls", MVNE_AGG_COUNT, ""},
                                          {"seconds", MVNE_AGG_SUM, "billable_s"},
                                          {"charges", MVNE_AGG_SUM, "charge"}},
                                         "cdrs",
                                         "/portal/api/v1/calls"};
    std::string format = ctx.config("format").value_or("native");
    if (format == "native") return start_records(ctx, spec, native_format(), parse_native);
    if (format != "asterisk") {
      return mvne::Status::Error("[plugin.voice_cdr] format: '" + format +
                                 "' is not native or asterisk");
    }
    auto offset = mvne::toolkit::parse_offset(ctx.config("asterisk_utc_offset").value_or("+00:00"));
    if (!offset) {
      return mvne::Status::Error(
          "[plugin.voice_cdr] asterisk_utc_offset: expected +HH:MM or -HH:MM");
    }
    asterisk_.utc_offset_s = *offset;
    std::stringstream contexts(
        ctx.config("asterisk_incoming_contexts").value_or("from-pstn,from-trunk,incoming"));
    for (std::string item; std::getline(contexts, item, ',');) {
      if (!item.empty()) asterisk_.incoming_contexts.push_back(item);
    }
    return start_records(ctx, spec, asterisk_format(), [this](const Line& l, RecordBuilder& out) {
      return parse_asterisk(asterisk_, l, out);
    });
  }

 private:
  AsteriskOptions asterisk_;
};

}  // namespace voice_cdr

MVNE_PLUGIN_DESCRIBED(voice_cdr::VoiceCdrPlugin, "voice_cdr", "1.0.0",
                      mvne::toolkit::record_plugin_keys()
                          .key("format", MVNE_CONFIG_TEXT, 0, "native", "native or asterisk")
                          .key("asterisk_utc_offset", MVNE_CONFIG_TEXT, 0, "+00:00",
                               "the switch's UTC offset, +HH:MM (asterisk format)")
                          .key("asterisk_incoming_contexts", MVNE_CONFIG_TEXT, 0,
                               "from-pstn,from-trunk,incoming",
                               "dialplan contexts of incoming calls (asterisk format)"))
