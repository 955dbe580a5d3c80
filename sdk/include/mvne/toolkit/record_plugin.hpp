// The skeleton the record plugins share: a rated record kind, a CSV spool, the list and
// summary routes of the tenant API, the consumer's own list, and a daily CSV export. A plugin
// supplies its fields, its file format and its line parser.
#pragma once

#include <mvne/plugin.hpp>

#include <string>
#include <vector>

#include <mvne/toolkit/csv_ingest.hpp>
#include <mvne/toolkit/record_api.hpp>

namespace mvne::toolkit {

struct RecordPluginSpec {
  RecordView view;
  int32_t rating = MVNE_RATING_NONE;
  std::string list_path;     // e.g. "/api/v1/voice/cdrs"
  std::string summary_path;  // e.g. "/api/v1/voice/summary"
  std::vector<SummaryColumn> summary;
  std::string export_name;  // e.g. "cdrs"
  // A consumer's own records, as the list route pages them: e.g. "/portal/api/v1/calls".
  std::string consumer_path;
};

// The config keys every record plugin has: spool_dir (required) and export_schedule.
Description record_plugin_keys();

class RecordPlugin : public Plugin {
 protected:
  // Registers everything; the spool directory is config key `spool_dir`, the export
  // schedule `export_schedule` ("daily HH:MM", UTC; unset: on demand only).
  Status start_records(Context& ctx, RecordPluginSpec spec, CsvFormat format, LineParser parser);

 private:
  RecordPluginSpec spec_;
  CsvFormat format_;
  LineParser parser_;
};

}  // namespace mvne::toolkit
