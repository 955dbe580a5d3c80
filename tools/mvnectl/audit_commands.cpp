// audit commands: verify the keyed hash chain, rotate its key; size an exposure window.
#include "core/common/time.h"
#include "core/records/reattribution.h"
#include "tools/mvnectl/command.h"
#include "tools/mvnectl/operator_time.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

namespace {

// The corrections of assignment history made in [from, to): the records each one took from
// an earlier holder, and what that holder's principals were sent of that record kind while
// they could read them (from the first one's ingest to the correction). The audit log
// counts deliveries, not records: these are the deliveries that may have included them.
StatusOr<json> corrections_report(Session& s, int64_t from, int64_t to, const std::string& tenant) {
  auto rows = records::corrections(s.db(), from, to, tenant);
  if (!rows.ok()) return rows.status();
  json out = json::array();
  for (const auto& c : rows.value()) {
    auto sent = s.audit().exposure(c.first_ingested, c.at, c.from_tenant);
    if (!sent.ok()) return sent.status();
    int64_t deliveries = 0, delivered_rows = 0;
    for (const auto& line : sent.value()) {
      bool holder = line.principal == "tenant:" + c.from_tenant ||
                    line.principal == "consumer:" + c.from_tenant + "/" + c.from_account;
      if (!holder || line.record_kind != c.kind) continue;
      deliveries += line.deliveries;
      delivered_rows += line.rows;
    }
    out.push_back({{"corrected", format_time_us(c.at)},
                   {"change", c.change},
                   {"plugin", c.plugin},
                   {"record_kind", c.kind},
                   {"records", c.records},
                   {"earlier_holder", c.from_tenant + "/" + c.from_account},
                   {"now", c.to_tenant.empty() ? "quarantine" : c.to_tenant + "/" + c.to_account},
                   {"events_from", format_time_us(c.first_event)},
                   {"events_to", format_time_us(c.last_event)},
                   {"readable_since", format_time_us(c.first_ingested)},
                   {"deliveries_to_earlier_holder", deliveries},
                   {"rows_in_them", delivered_rows}});
  }
  return out;
}

}  // namespace

std::vector<Command> audit_commands() {
  return {
      {"audit", "verify", "check with the key file that no audit row was changed or deleted",
       [](po::options_description&) {},
       [](Session& s, const po::variables_map&) {
         auto r = s.audit().verify();
         if (!r.ok()) return refuse(r.status());
         s.print(json{{"intact", r->intact},
                      {"rows_checked", r->rows_checked},
                      {"bad_row", r->bad_row},
                      {"problem", r->problem}});
         return r->intact ? kOk : kFailed;
       }},
      {"audit", "rotate-key", "add a key to the audit key file; new rows are signed with it",
       [](po::options_description&) {},
       [](Session& s, const po::variables_map&) {
         const std::string& path = s.settings().audit.key_file;
         auto id = audit::KeyRing::rotate(path);
         if (!id.ok()) return refuse(id.status());
         if (Status st = s.audit_action("audit_key_rotated", "new key " + id.value()); !st.ok())
           return refuse(st);
         s.print(json{{"key_id", id.value()}, {"key_file", path}});
         return kOk;
       }},
      {"audit", "exposure", "who was sent what between two times",
       [](po::options_description& o) {
         o.add_options()("from", po::value<std::string>()->required(), "start, e.g. 2026-11-01")(
             "to", po::value<std::string>()->required(), "end, exclusive")(
             "tenant", po::value<std::string>()->default_value(""),
             "only this tenant's principals")(
             "corrections",
             "instead: records that corrections of assignment history in the window took "
             "from an earlier holder, and what that holder was sent of them meanwhile");
       },
       [](Session& s, const po::variables_map& vm) {
         const std::string zone = s.time_zone_of(arg(vm, "tenant"));
         auto from = read_operator_time("--from", arg(vm, "from"), zone);
         auto to = read_operator_time("--to", arg(vm, "to"), zone);
         if (!from.ok()) return refuse(from.status());
         if (!to.ok()) return refuse(to.status());
         if (vm.count("corrections")) {
           auto report = corrections_report(s, from->us, to->us, arg(vm, "tenant"));
           if (!report.ok()) return refuse(report.status());
           s.print(report.value());
           return kOk;
         }
         auto lines = s.audit().exposure(from->us, to->us, arg(vm, "tenant"));
         if (!lines.ok()) return refuse(lines.status());
         json out = json::array();
         for (const auto& l : lines.value()) {
           out.push_back({{"principal", l.principal},
                          {"plugin", l.plugin},
                          {"record_kind", l.record_kind},
                          {"deliveries", l.deliveries},
                          {"rows", l.rows}});
         }
         s.print(out);
         return kOk;
       }},
  };
}

}  // namespace mvne::ctl
