// audit commands: verify the hash chain; size an exposure window.
#include "core/common/time.h"
#include "tools/mvnectl/command.h"
#include "tools/mvnectl/operator_time.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

std::vector<Command> audit_commands() {
  return {
      {"audit", "verify", "check that no audit row was changed or deleted",
       [](po::options_description&) {},
       [](Session& s, const po::variables_map&) {
         auto r = s.audit().verify();
         if (!r.ok()) return refuse(r.status());
         s.print(json{
             {"intact", r->intact}, {"rows_checked", r->rows_checked}, {"problem", r->problem}});
         return r->intact ? kOk : kFailed;
       }},
      {"audit", "exposure", "who was sent what between two times",
       [](po::options_description& o) {
         o.add_options()("from", po::value<std::string>()->required(), "start, e.g. 2026-11-01")(
             "to", po::value<std::string>()->required(), "end, exclusive")(
             "tenant", po::value<std::string>()->default_value(""),
             "only this tenant's principals");
       },
       [](Session& s, const po::variables_map& vm) {
         const std::string zone = s.time_zone_of(arg(vm, "tenant"));
         auto from = read_operator_time("--from", arg(vm, "from"), zone);
         auto to = read_operator_time("--to", arg(vm, "to"), zone);
         if (!from.ok()) return refuse(from.status());
         if (!to.ok()) return refuse(to.status());
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
