// quarantine commands: list, show and release records the host could not attribute.
#include "core/common/time.h"
#include "tools/mvnectl/command.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

namespace {

json item_json(const records::QuarantineItem& q, bool with_payload) {
  json out = {{"id", q.id},
              {"plugin", q.plugin},
              {"kind", q.kind},
              {"source", q.source},
              {"reason", q.reason},
              {"quarantined", format_time_us(q.created_at)},
              {"released", q.released_at ? format_time_us(q.released_at) : ""},
              {"resolution", q.resolution}};
  if (with_payload) out["record"] = json::parse(q.payload, nullptr, false);
  return out;
}

}  // namespace

std::vector<Command> quarantine_commands() {
  return {
      {"quarantine", "list", "records waiting for an operator, with the reason",
       [](po::options_description& o) { o.add_options()("all", "include released records"); },
       [](Session& s, const po::variables_map& vm) {
         auto items = s.records().quarantine(vm.count("all") > 0);
         if (!items.ok()) return refuse(items.status());
         json out = json::array();
         // The record's values in JSON (escaped there); the text table stays one line each.
         for (const auto& q : items.value()) out.push_back(item_json(q, s.json()));
         s.print(out);
         return kOk;
       }},
      {"quarantine", "show", "one quarantined record, with its values",
       [](po::options_description& o) {
         o.add_options()("id", po::value<int64_t>()->required(), "quarantine id");
       },
       [](Session& s, const po::variables_map& vm) {
         auto item = s.records().quarantined(vm["id"].as<int64_t>());  // that item alone
         if (!item.ok()) return refuse(item.status());
         s.print(item_json(item.value(), true));
         return kOk;
       }},
      {"quarantine", "release", "re-attribute a record after the data was fixed",
       [](po::options_description& o) {
         o.add_options()("id", po::value<int64_t>()->required(), "quarantine id");
       },
       [](Session& s, const po::variables_map& vm) {
         int64_t id = vm["id"].as<int64_t>();
         auto counts = s.records().release(id);
         if (!counts.ok()) return refuse(counts.status());
         if (Status st = s.audit_action("quarantine_release",
                                        "#" + std::to_string(id) +
                                            " stored=" + std::to_string(counts->stored) +
                                            " duplicate=" + std::to_string(counts->duplicates));
             !st.ok()) {
           return refuse(st);
         }
         s.print(
             json{{"released", id}, {"stored", counts->stored}, {"duplicate", counts->duplicates}});
         return kOk;
       }},
  };
}

}  // namespace mvne::ctl
