// sms: message records from the SMSC. Reads CSV spool files (with a header), stores one
// rated record per message for the served line (the sender of an MO message, the recipient
// of an MT one), and serves them to each MVNO through the tenant API and a daily export.
// See README.md for the format and the API.
#include <mvne/plugin.hpp>

#include <mvne/toolkit/record_plugin.hpp>
#include <mvne/toolkit/text.hpp>

namespace sms {

using mvne::toolkit::Line;
using mvne::toolkit::RecordBuilder;

const std::vector<mvne::Field>& fields() {
  static const std::vector<mvne::Field> kFields = {
      {"record_id", MVNE_FIELD_TEXT, MVNE_ROLE_DEDUP_KEY},
      {"sent_at", MVNE_FIELD_TIME, MVNE_ROLE_EVENT_TIME},
      {"direction", MVNE_FIELD_TEXT, MVNE_ROLE_RATING_CLASS | MVNE_ROLE_INDEXED},
      {"sender", MVNE_FIELD_TEXT},
      {"recipient", MVNE_FIELD_TEXT},
      {"msisdn", MVNE_FIELD_TEXT, MVNE_ROLE_MSISDN | MVNE_ROLE_INDEXED},
      {"imsi", MVNE_FIELD_TEXT, MVNE_ROLE_IMSI},
      {"smsc", MVNE_FIELD_TEXT},
      {"status", MVNE_FIELD_TEXT},
      {"segments", MVNE_FIELD_INT64, MVNE_ROLE_RATED_UNITS},
      {"charge", MVNE_FIELD_DOUBLE, MVNE_ROLE_CHARGE}};
  return kFields;
}

enum Column : size_t {
  cRecordId,
  cTime,
  cDirection,
  cSender,
  cRecipient,
  cImsi,
  cSmsc,
  cStatus,
  cSegments
};

std::string parse_line(const Line& line, RecordBuilder& out) {
  if (line[cRecordId].empty()) return "record id is empty";
  auto at = mvne::toolkit::parse_time(line[cTime]);
  if (!at) return "time '" + std::string(line[cTime]) + "' is not ISO 8601 with offset";
  std::string_view direction = line[cDirection];
  if (direction != "MO" && direction != "MT")
    return "direction '" + std::string(direction) + "' is not MO or MT";
  if (line[cSender].empty() || line[cRecipient].empty()) return "sender or recipient is empty";
  auto segments = mvne::toolkit::parse_int(line[cSegments]);
  if (!segments || *segments < 1 || *segments > 255)
    return "segment count '" + std::string(line[cSegments]) + "' is not 1 to 255";
  if (line[cStatus].empty()) return "status is empty";
  out.text(line[cRecordId]);
  out.time(*at);
  out.text(direction);
  out.text(line[cSender]);
  out.text(line[cRecipient]);
  out.text(direction == "MO" ? line[cSender] : line[cRecipient]);
  out.text(line[cImsi]);
  out.text(line[cSmsc]);
  out.text(line[cStatus]);
  out.integer(*segments);
  out.null();  // charge: rated by the host
  return {};
}

class SmsPlugin : public mvne::toolkit::RecordPlugin {
 public:
  mvne::Status start(mvne::Context& ctx) override {
    return start_records(ctx,
                         {{"message", fields(), "msisdn", "records"},
                          MVNE_RATING_SMS,
                          "/api/v1/sms/records",
                          "/api/v1/sms/summary",
                          {{"messages", MVNE_AGG_COUNT, ""},
                           {"segments", MVNE_AGG_SUM, "segments"},
                           {"charges", MVNE_AGG_SUM, "charge"}},
                          "records",
                          "/portal/api/v1/messages"},
                         {true,
                          {"record_id", "time", "direction", "sender", "recipient", "imsi", "smsc",
                           "status", "segments"},
                          0},
                         parse_line);
  }
};

}  // namespace sms

MVNE_PLUGIN_DESCRIBED(sms::SmsPlugin, "sms", "1.0.0", mvne::toolkit::record_plugin_keys())
