// mms: multimedia messages from the MMSC, a record plugin built on the SDK's toolkit.
//
// Reads the MMSC's CSV files from a spool directory and stores one record per message for
// the served line (the sender of a sent message, the recipient of a received one). The host
// attributes each record to the line's holder at the time of the message, prices it from
// the holder's plan (rating class "mms" for a sent message, "mms_received" for a received
// one: `mvnectl plan add ... --rates mms=30`), and serves it, scoped to the caller:
//   GET /api/v1/mms/records           the MVNO's messages (from, to, msisdn, limit, cursor; CSV)
//   GET /api/v1/mms/summary?month=M   per line: messages, bytes, charges
//   GET /portal/api/v1/mms            a consumer's own messages
// and writes one CSV file per MVNO and day (export "records").
#include <mvne/plugin.hpp>
#include <mvne/toolkit/record_plugin.hpp>
#include <mvne/toolkit/text.hpp>

namespace mms {

using mvne::toolkit::Line;
using mvne::toolkit::RecordBuilder;

const std::vector<mvne::Field>& fields() {
  static const std::vector<mvne::Field> kFields = {
      {"message_id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
      {"sent_at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
      {"direction", MVNE_FIELD_TEXT, MVNE_ROLE_INDEXED},
      {"sender", MVNE_FIELD_TEXT},
      {"recipient", MVNE_FIELD_TEXT},
      {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN | MVNE_ROLE_INDEXED},
      {"imsi", MVNE_FIELD_TEXT, MVNE_ROLE_IMSI},
      {"size_bytes", MVNE_FIELD_INT64},
      {"class", MVNE_FIELD_TEXT, MVNE_ROLE_RATING_CLASS},
      {"messages", MVNE_FIELD_INT64, MVNE_ROLE_RATED_UNITS},
      {"charge", MVNE_FIELD_DOUBLE, MVNE_ROLE_CHARGE}};
  return kFields;
}

// The MMSC file's columns, by header name.
enum Column : size_t { cId, cTime, cDirection, cSender, cRecipient, cImsi, cSize };

std::string parse_line(const Line& line, RecordBuilder& out) {
  if (line[cId].empty()) return "message id is empty";
  auto at = mvne::toolkit::parse_time(line[cTime]);
  if (!at) return "time '" + std::string(line[cTime]) + "' is not ISO 8601 with offset";
  std::string_view direction = line[cDirection];
  if (direction != "MO" && direction != "MT")
    return "direction '" + std::string(direction) + "' is not MO or MT";
  if (line[cSender].empty() || line[cRecipient].empty()) return "sender or recipient is empty";
  auto size = mvne::toolkit::parse_int(line[cSize]);
  if (!size || *size < 0) return "size '" + std::string(line[cSize]) + "' is not a byte count";
  const bool sent = direction == "MO";
  out.text(line[cId]);
  out.time(*at);
  out.text(direction);
  out.text(line[cSender]);
  out.text(line[cRecipient]);
  out.text(sent ? line[cSender] : line[cRecipient]);
  out.text(line[cImsi]);
  out.integer(*size);
  out.text(sent ? "mms" : "mms_received");
  out.integer(1);
  out.null();  // charge: rated by the host
  return {};
}

class MmsPlugin : public mvne::toolkit::RecordPlugin {
 public:
  mvne::Status start(mvne::Context& ctx) override {
    return start_records(
        ctx,
        {{"message", fields(), "msisdn", "messages"},
         MVNE_RATING_CLASS,
         "/api/v1/mms/records",
         "/api/v1/mms/summary",
         {{"messages", MVNE_AGG_COUNT, ""},
          {"bytes", MVNE_AGG_SUM, "size_bytes"},
          {"charges", MVNE_AGG_SUM, "charge"}},
         "records",
         "/portal/api/v1/mms"},
        {true, {"message_id", "submitted_at", "direction", "from", "to", "imsi", "size_bytes"}, 0},
        parse_line);
  }
};

}  // namespace mms

MVNE_PLUGIN_DESCRIBED(mms::MmsPlugin, "mms", "1.0.0", mvne::toolkit::record_plugin_keys())
