// tenant, plan, subscriber and line commands.
#include <fstream>

#include "core/common/csv.h"
#include "core/common/time.h"
#include "core/tenancy/export_dirs.h"
#include "tools/mvnectl/command.h"
#include "tools/mvnectl/operator_time.h"

namespace mvne::ctl {
namespace {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    size_t comma = s.find(',', start);
    std::string item =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

json assignment_json(const tenancy::AssignmentRow& a) {
  return {{"id", a.id},
          {"line", a.line_ref},
          {"kind", a.id_kind},
          {"identifier", a.identifier},
          {"tenant", a.tenant_code},
          {"account", a.account_id},
          {"plan", a.plan_code},
          {"from", format_time_us(a.valid_from)},
          {"to", a.valid_to == kForever ? "open" : format_time_us(a.valid_to)}};
}

// What a correction of assignment history did to the records it covered.
json correction_json(const tenancy::Correction& c) {
  return {{"assignments_ended", c.ended},
          {"records_covered", c.records.examined},
          {"records_reattributed", c.records.moved},
          {"records_quarantined", c.records.quarantined}};
}

// Reads the period options into `line`, in the tenant's zone (operator_time.h); `offset`
// is the one to print times with. Returns the problem, if any.
Status read_period(Session& s, const po::variables_map& vm, const char* from_name,
                   tenancy::LineAssignment& line, int32_t& offset) {
  const std::string zone = s.time_zone_of(line.tenant_code);
  auto from = read_operator_time(std::string("--") + from_name, arg(vm, from_name), zone);
  if (!from.ok()) return from.status();
  line.valid_from = from->us;
  offset = from->offset_s;
  line.valid_to = kForever;
  if (vm.count("to")) {
    auto to = read_operator_time("--to", arg(vm, "to"), zone);
    if (!to.ok()) return to.status();
    line.valid_to = to->us;
  }
  return Status::Ok();
}

// A refusal with its times written at the offset the operator used.
int refuse_at(const Status& st, int32_t offset) {
  return refuse(Status(st.code(), times_at_offset(st.message(), offset)));
}

void line_options(po::options_description& o) {
  o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
      "account", po::value<std::string>()->required(), "subscriber account id")(
      "plan", po::value<std::string>(), "plan code (default: the subscriber's plan)")(
      "msisdn", po::value<std::string>(), "phone number, any spelling")(
      "imsi", po::value<std::string>(), "IMSI")("iccid", po::value<std::string>(),
                                                "ICCID (check digit verified)")(
      "to", po::value<std::string>(), "end of the assignment, exclusive (default: open)");
}

tenancy::LineAssignment line_from(const po::variables_map& vm) {
  tenancy::LineAssignment l;
  l.tenant_code = arg(vm, "tenant");
  l.account_id = arg(vm, "account");
  l.plan_code = arg(vm, "plan");
  l.msisdn = arg(vm, "msisdn");
  l.imsi = arg(vm, "imsi");
  l.iccid = arg(vm, "iccid");
  return l;
}

// CSV with a header: tenant,account,plan,msisdn,imsi,iccid,valid_from,valid_to
StatusOr<std::vector<tenancy::LineAssignment>> read_assignment_csv(Session& s,
                                                                   const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Invalid(path + ": cannot read");
  const std::vector<std::string> expected = {"tenant", "account", "plan",       "msisdn",
                                             "imsi",   "iccid",   "valid_from", "valid_to"};
  std::string line;
  std::vector<tenancy::LineAssignment> rows;
  std::vector<std::string> problems;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    auto fields = parse_csv_line(line);
    std::string where = path + ":" + std::to_string(line_no) + ": ";
    if (!fields.ok()) {
      problems.push_back(where + fields.status().message());
      continue;
    }
    if (line_no == 1) {
      if (fields.value() != expected) {
        return Status::Invalid(
            where + "header must be tenant,account,plan,msisdn,imsi,iccid,valid_from,valid_to");
      }
      continue;
    }
    if (fields->size() != expected.size()) {
      problems.push_back(where + "expected 8 fields, got " + std::to_string(fields->size()));
      continue;
    }
    const auto& f = fields.value();
    tenancy::LineAssignment l{f[0], f[1], f[2], f[3], f[4], f[5], 0, kForever};
    const std::string zone = s.time_zone_of(l.tenant_code);
    auto from = read_operator_time("valid_from", f[6], zone);
    if (!from.ok())
      problems.push_back(where + from.status().message());
    else
      l.valid_from = from->us;
    if (!f[7].empty()) {
      auto to = read_operator_time("valid_to", f[7], zone);
      if (!to.ok())
        problems.push_back(where + to.status().message());
      else
        l.valid_to = to->us;
    }
    rows.push_back(l);
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += "\n  " + p;
    return Status::Invalid("import refused, nothing applied:" + all);
  }
  return rows;
}

}  // namespace

std::vector<Command> tenancy_commands() {
  return {
      {"tenant", "add", "add a tenant (MVNO)",
       [](po::options_description& o) {
         o.add_options()("code", po::value<std::string>()->required(),
                         "short unique code, e.g. acme")(
             "name", po::value<std::string>()->required(), "display name")(
             "time-zone", po::value<std::string>()->default_value("UTC"), "IANA time zone")(
             "export-dir", po::value<std::string>()->required(), "where its export files go")(
             "plugins", po::value<std::string>()->default_value(""),
             "plugins enabled for it, comma-separated");
       },
       [](Session& s, const po::variables_map& vm) {
         tenancy::Tenant t{0,
                           arg(vm, "code"),
                           arg(vm, "name"),
                           arg(vm, "time-zone"),
                           arg(vm, "export-dir"),
                           split(arg(vm, "plugins"))};
         Status dirs = tenancy::check_export_dir(t, s.directory(), s.settings().base_dir);
         if (!dirs.ok()) return refuse(dirs);
         auto id = s.directory().add_tenant(t);
         if (!id.ok()) return refuse(id.status());
         if (Status st = s.audit_action("tenant_add", t.code); !st.ok()) return refuse(st);
         s.print(json{{"tenant", t.code}, {"id", id.value()}});
         return kOk;
       }},
      {"tenant", "list", "list tenants", [](po::options_description&) {},
       [](Session& s, const po::variables_map&) {
         auto all = s.directory().tenants();
         if (!all.ok()) return refuse(all.status());
         json out = json::array();
         for (const auto& t : all.value()) {
           std::string plugins;
           for (const auto& p : t.plugins) plugins += (plugins.empty() ? "" : ",") + p;
           out.push_back({{"code", t.code},
                          {"name", t.name},
                          {"time_zone", t.time_zone},
                          {"export_dir", t.export_dir},
                          {"plugins", plugins}});
         }
         s.print(out);
         return kOk;
       }},
      {"tenant", "plugins", "set the plugins enabled for a tenant",
       [](po::options_description& o) {
         // Not --set: that is the global configuration override.
         o.add_options()("code", po::value<std::string>()->required(), "tenant code")(
             "plugins", po::value<std::string>()->required(),
             "plugins, comma-separated (empty: none)");
       },
       [](Session& s, const po::variables_map& vm) {
         Status st = s.directory().set_tenant_plugins(arg(vm, "code"), split(arg(vm, "plugins")));
         if (!st.ok()) return refuse(st);
         if (Status a =
                 s.audit_action("tenant_plugins", arg(vm, "code") + ": " + arg(vm, "plugins"));
             !a.ok()) {
           return refuse(a);
         }
         s.print(json{{"tenant", arg(vm, "code")}, {"plugins", arg(vm, "plugins")}});
         return kOk;
       }},
      {"line", "end", "end a line's assignment at a time (no new holder)",
       [](po::options_description& o) {
         o.add_options()("msisdn", po::value<std::string>(), "phone number")(
             "imsi", po::value<std::string>(), "IMSI")("iccid", po::value<std::string>(), "ICCID")(
             "line", "also end every identifier assigned with the given one (the whole SIM)")(
             "at", po::value<std::string>()->required(), "when it ends");
       },
       [](Session& s, const po::variables_map& vm) {
         std::vector<std::pair<tenancy::IdKind, std::string>> ids;
         std::string zone;  // the zone of the first identifier's latest holder
         for (const char* kind : {"msisdn", "imsi", "iccid"}) {
           if (!vm.count(kind)) continue;
           ids.emplace_back(tenancy::parse_id_kind(kind).value(), arg(vm, kind));
           if (zone.empty()) {
             auto held = s.directory().history(ids.back().first, ids.back().second);
             if (held.ok() && !held->empty()) zone = s.time_zone_of(held->back().tenant_code);
           }
         }
         if (ids.empty()) return refuse(Status::Invalid("give --msisdn, --imsi or --iccid"));
         auto at = read_operator_time("--at", arg(vm, "at"), zone);
         if (!at.ok()) return refuse(at.status());
         auto done = s.directory().end(ids, at->us, vm.count("line") > 0);
         if (!done.ok()) return refuse_at(done.status(), at->offset_s);
         json out = correction_json(done.value());
         out["at"] = format_time_us(at->us, at->offset_s);
         if (Status a = s.audit_action("line_end", out.dump(), done->records.examined); !a.ok())
           return refuse(a);
         s.print(out);
         return kOk;
       }},
      {"plan", "add", "add a plan to a tenant",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "code", po::value<std::string>()->required(), "plan code")(
             "name", po::value<std::string>()->default_value(""), "display name")(
             "quota-bytes", po::value<int64_t>()->default_value(0), "monthly data quota")(
             "voice-per-minute", po::value<double>()->default_value(0), "voice price per minute")(
             "voice-increment", po::value<int64_t>()->default_value(1),
             "billing increment: 1 or 60 seconds")(
             "sms-per-segment", po::value<double>()->default_value(0), "SMS price per segment")(
             "data-per-mb", po::value<double>()->default_value(0), "data price per MB")(
             "voice-rates", po::value<std::string>()->default_value(""),
             "prices by call type, e.g. roaming=180/60,incoming=0/1 (per minute/increment s)")(
             "monthly-fee", po::value<double>()->default_value(0), "fee on every monthly bill")(
             "rates", po::value<std::string>()->default_value(""),
             "price per unit by rating class for class-rated records, e.g. mms=10,video=25");
       },
       [](Session& s, const po::variables_map& vm) {
         tenancy::Plan p{0,
                         arg(vm, "tenant"),
                         arg(vm, "code"),
                         arg(vm, "name"),
                         vm["quota-bytes"].as<int64_t>(),
                         vm["voice-per-minute"].as<double>(),
                         vm["voice-increment"].as<int64_t>(),
                         vm["sms-per-segment"].as<double>(),
                         vm["data-per-mb"].as<double>(),
                         arg(vm, "voice-rates"),
                         vm["monthly-fee"].as<double>(),
                         arg(vm, "rates")};
         auto id = s.directory().add_plan(p);
         if (!id.ok()) return refuse(id.status());
         if (Status st = s.audit_action("plan_add", p.tenant_code + "/" + p.code); !st.ok())
           return refuse(st);
         s.print(json{{"plan", p.code}, {"tenant", p.tenant_code}, {"id", id.value()}});
         return kOk;
       }},
      {"plan", "list", "list a tenant's plans",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code");
       },
       [](Session& s, const po::variables_map& vm) {
         auto all = s.directory().plans(arg(vm, "tenant"));
         if (!all.ok()) return refuse(all.status());
         json out = json::array();
         for (const auto& p : all.value()) {
           out.push_back({{"code", p.code},
                          {"name", p.name},
                          {"quota_bytes", p.data_quota_bytes},
                          {"voice_per_minute", p.voice_per_minute},
                          {"voice_increment_s", p.voice_increment_s},
                          {"sms_per_segment", p.sms_per_segment},
                          {"data_per_mb", p.data_per_mb},
                          {"voice_rates", p.voice_rates},
                          {"rates", p.class_rates},
                          {"monthly_fee", p.monthly_fee}});
         }
         s.print(out);
         return kOk;
       }},
      {"subscriber", "add", "add a subscriber (consumer contract) to a tenant",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "account", po::value<std::string>()->required(), "account id, e.g. the portal login")(
             "service-code", po::value<std::string>()->required(), "contract/service code")(
             "plan", po::value<std::string>()->required(), "plan code")(
             "email", po::value<std::string>()->required(), "e-mail address");
       },
       [](Session& s, const po::variables_map& vm) {
         tenancy::Subscriber sub{0,
                                 arg(vm, "tenant"),
                                 arg(vm, "account"),
                                 arg(vm, "service-code"),
                                 arg(vm, "plan"),
                                 arg(vm, "email")};
         auto id = s.directory().add_subscriber(sub);
         if (!id.ok()) return refuse(id.status());
         if (Status st = s.audit_action("subscriber_add", sub.tenant_code + "/" + sub.account_id);
             !st.ok()) {
           return refuse(st);
         }
         s.print(
             json{{"account", sub.account_id}, {"tenant", sub.tenant_code}, {"id", id.value()}});
         return kOk;
       }},
      {"subscriber", "list", "list a tenant's subscribers",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code");
       },
       [](Session& s, const po::variables_map& vm) {
         auto all = s.directory().subscribers(arg(vm, "tenant"));
         if (!all.ok()) return refuse(all.status());
         auto merged = s.directory().merged_accounts(arg(vm, "tenant"));
         if (!merged.ok()) return refuse(merged.status());
         json out = json::array();
         for (const auto& sub : all.value()) {
           out.push_back({{"account", sub.account_id},
                          {"service_code", sub.service_code},
                          {"plan", sub.plan_code},
                          {"email", sub.email},
                          {"merged_into", merged->count(sub.account_id) ? merged->at(sub.account_id)
                                                                        : std::string()}});
         }
         s.print(out);
         return kOk;
       }},
      {"subscriber", "merge", "merge two accounts of one holder (refused for two holders)",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "from", po::value<std::string>()->required(), "the account that goes away")(
             "into", po::value<std::string>()->required(), "the account that stays");
       },
       [](Session& s, const po::variables_map& vm) {
         Status st =
             s.directory().merge_accounts(arg(vm, "tenant"), arg(vm, "from"), arg(vm, "into"));
         if (!st.ok()) return refuse(st);
         if (Status a =
                 s.audit_action("subscriber_merge", arg(vm, "tenant") + "/" + arg(vm, "from") +
                                                        " into " + arg(vm, "into"));
             !a.ok()) {
           return refuse(a);
         }
         s.print(json{{"merged", arg(vm, "from")}, {"into", arg(vm, "into")}});
         return kOk;
       }},
      {"line", "assign", "assign a line (MSISDN/IMSI/ICCID) to a subscriber from a date",
       [](po::options_description& o) {
         line_options(o);
         o.add_options()("from", po::value<std::string>()->required(), "start, e.g. 2026-11-01");
       },
       [](Session& s, const po::variables_map& vm) {
         tenancy::LineAssignment l = line_from(vm);
         int32_t offset = 0;
         if (Status st = read_period(s, vm, "from", l, offset); !st.ok()) return refuse(st);
         auto ref = s.directory().assign(l);
         if (!ref.ok()) return refuse_at(ref.status(), offset);
         if (Status st =
                 s.audit_action("line_assign", "line " + std::to_string(ref.value()) + " to " +
                                                   l.tenant_code + "/" + l.account_id);
             !st.ok()) {
           return refuse(st);
         }
         s.print(json{{"line", ref.value()}});
         return kOk;
       }},
      {"line", "move", "end a number's assignment and give it to another holder",
       [](po::options_description& o) {
         line_options(o);
         o.add_options()("at", po::value<std::string>()->required(), "when the move happens");
       },
       [](Session& s, const po::variables_map& vm) {
         tenancy::LineAssignment l = line_from(vm);
         int32_t offset = 0;
         if (Status st = read_period(s, vm, "at", l, offset); !st.ok()) return refuse(st);
         tenancy::IdKind kind = !l.msisdn.empty() ? tenancy::IdKind::kMsisdn
                                : !l.imsi.empty() ? tenancy::IdKind::kImsi
                                                  : tenancy::IdKind::kIccid;
         const std::string& id = !l.msisdn.empty() ? l.msisdn : !l.imsi.empty() ? l.imsi : l.iccid;
         if (id.empty()) return refuse(Status::Invalid("give --msisdn, --imsi or --iccid"));
         auto done = s.directory().move(kind, id, l);
         if (!done.ok()) return refuse_at(done.status(), offset);
         json out = {{"line", done->line_ref}};
         out.update(correction_json(done.value()));
         if (Status st = s.audit_action("line_move",
                                        std::string(tenancy::id_kind_name(kind)) + " to " +
                                            l.tenant_code + "/" + l.account_id + " " + out.dump(),
                                        done->records.examined);
             !st.ok()) {
           return refuse(st);
         }
         s.print(out);
         return kOk;
       }},
      {"line", "history", "every assignment of one identifier",
       [](po::options_description& o) {
         o.add_options()("msisdn", po::value<std::string>(), "phone number")(
             "imsi", po::value<std::string>(), "IMSI")("iccid", po::value<std::string>(), "ICCID");
       },
       [](Session& s, const po::variables_map& vm) {
         for (const char* kind : {"msisdn", "imsi", "iccid"}) {
           if (!vm.count(kind)) continue;
           auto h = s.directory().history(tenancy::parse_id_kind(kind).value(), arg(vm, kind));
           if (!h.ok()) return refuse(h.status());
           json out = json::array();
           for (const auto& a : h.value()) out.push_back(assignment_json(a));
           s.print(out);
           return kOk;
         }
         return refuse(Status::Invalid("give --msisdn, --imsi or --iccid"));
       }},
      {"line", "list", "every assignment of one tenant",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code");
       },
       [](Session& s, const po::variables_map& vm) {
         auto all = s.directory().assignments_of(arg(vm, "tenant"));
         if (!all.ok()) return refuse(all.status());
         json out = json::array();
         for (const auto& a : all.value()) out.push_back(assignment_json(a));
         s.print(out);
         return kOk;
       }},
      {"line", "import", "assign lines in bulk from CSV, all or nothing",
       [](po::options_description& o) {
         o.add_options()(
             "file", po::value<std::string>()->required(),
             "CSV with header tenant,account,plan,msisdn,imsi,iccid,valid_from,valid_to");
       },
       [](Session& s, const po::variables_map& vm) {
         auto rows = read_assignment_csv(s, arg(vm, "file"));
         if (!rows.ok()) return refuse(rows.status());
         auto n = s.directory().import_assignments(rows.value());
         if (!n.ok()) return refuse(n.status());
         if (Status st = s.audit_action("line_import", arg(vm, "file"), n.value()); !st.ok())
           return refuse(st);
         s.print(json{{"imported", n.value()}});
         return kOk;
       }},
  };
}

}  // namespace mvne::ctl
