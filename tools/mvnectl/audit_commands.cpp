// audit commands: verify the keyed hash chain, rotate its key; size an exposure window.
#include "core/common/time.h"
#include "tools/mvnectl/command.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

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
             "only this tenant's principals");
       },
       [](Session& s, const po::variables_map& vm) {
         auto from = parse_time_us(arg(vm, "from"));
         auto to = parse_time_us(arg(vm, "to"));
         if (!from.ok()) return refuse(Status::Invalid("--from: " + from.status().message()));
         if (!to.ok()) return refuse(Status::Invalid("--to: " + to.status().message()));
         auto lines = s.audit().exposure(from.value(), to.value(), arg(vm, "tenant"));
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
