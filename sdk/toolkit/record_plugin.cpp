#include <mvne/toolkit/record_plugin.hpp>

#include <mvne/toolkit/request_params.hpp>

namespace mvne::toolkit {

Status RecordPlugin::start_records(Context& ctx, RecordPluginSpec spec, CsvFormat format,
                                   LineParser parser) {
  spec_ = std::move(spec);
  format_ = std::move(format);
  parser_ = std::move(parser);
  if (Status st = record_kind(ctx, spec_.view.kind, spec_.view.fields, spec_.rating); !st.ok())
    return st;
  Status st =
      spool(ctx, "files", "spool_dir", "*.csv", [this](IngestContext& ic, std::string_view path) {
        return ingest_csv(ic, path, spec_.view.kind, spec_.view.fields.size(), format_, parser_);
      });
  if (!st.ok()) return st;
  st = route(ctx, "GET", spec_.list_path, MVNE_ROUTE_TENANT, [this](RequestContext& rc) {
    return rc.path() == spec_.list_path ? serve_list(rc, spec_.view) : not_found(rc);
  });
  if (!st.ok()) return st;
  // The same list for a consumer: the host scopes every read to the subscriber's own lines
  // within their assignment windows.
  st = route(ctx, "GET", spec_.consumer_path, MVNE_ROUTE_CONSUMER, [this](RequestContext& rc) {
    return rc.path() == spec_.consumer_path ? serve_list(rc, spec_.view) : not_found(rc);
  });
  if (!st.ok()) return st;
  st = route(ctx, "GET", spec_.summary_path, MVNE_ROUTE_TENANT, [this](RequestContext& rc) {
    return rc.path() == spec_.summary_path ? serve_summary(rc, spec_.view, spec_.summary)
                                           : not_found(rc);
  });
  if (!st.ok()) return st;
  return export_files(ctx, spec_.export_name, spec_.view.kind, "csv", "export_schedule",
                      [this](ExportContext& ec) { return write_csv_export(ec, spec_.view); });
}

Description record_plugin_keys() {
  return Description()
      .key("spool_dir", MVNE_CONFIG_TEXT, MVNE_CONFIG_REQUIRED, "",
           "the directory the record files arrive in")
      .key("export_schedule", MVNE_CONFIG_TEXT, 0, "",
           "daily HH:MM (UTC) for the daily export; unset: on demand only");
}

}  // namespace mvne::toolkit
