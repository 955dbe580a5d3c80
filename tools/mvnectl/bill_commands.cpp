// bill commands: close a tenant's month into bills, list a month's bills, show one
// subscriber's bills with their lines.
#include "core/billing/bill_format.h"
#include "core/common/time.h"
#include "core/exports/bill_export.h"
#include "core/mail/consumer_notices.h"
#include "tools/mvnectl/command.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

std::vector<Command> bill_commands() {
  return {
      {"bill", "run", "close a tenant's month into bills (once; months in order)",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "month", po::value<std::string>()->required(),
             "YYYY-MM, in the tenant's time zone; it must have ended");
       },
       [](Session& s, const po::variables_map& vm) {
         auto run = s.services()->bills->close_month(arg(vm, "tenant"), arg(vm, "month"), now_us());
         if (!run.ok()) return refuse(run.status());
         int64_t notices = 0;
         if (!run->already_closed) {
           if (Status st =
                   s.audit_action("bill_run", run->tenant_code + " " + run->period, run->bills);
               !st.ok()) {
             return refuse(st);
           }
           // Each subscriber is told by mail (queued in the outbox; once per bill).
           notices = mail::ConsumerNotices(s.services()).bills_closed(run->tenant_code, run->period);
         }
         s.print(json{{"tenant", run->tenant_code},
                      {"month", run->period},
                      {"state", run->already_closed ? "closed before: nothing changed" : "closed"},
                      {"bills", run->bills},
                      {"records", run->records},
                      {"adjustments", run->adjustments},
                      {"total", run->total},
                      {"notices_queued", notices}});
         return kOk;
       }},
      {"bill", "export", "write a closed month's bills into the tenant's export directory",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "month", po::value<std::string>()->required(), "YYYY-MM, a closed month");
       },
       [](Session& s, const po::variables_map& vm) {
         auto out = exports::export_bills(*s.services(), s.settings().base_dir, arg(vm, "tenant"),
                                          arg(vm, "month"));
         if (!out.ok()) return refuse(out.status());
         std::string what = arg(vm, "tenant") + " " + arg(vm, "month");
         if (Status st = s.audit_action("bill_export", what, out->rows); !st.ok()) {
           return refuse(st);
         }
         s.print(file_json(out.value()));
         return kOk;
       }},
      {"bill", "list", "list a tenant's bills of one month",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "month", po::value<std::string>()->required(), "YYYY-MM");
       },
       [](Session& s, const po::variables_map& vm) {
         auto bills = s.services()->bills->of_tenant(arg(vm, "tenant"), arg(vm, "month"));
         if (!bills.ok()) return refuse(bills.status());
         json out = json::array();
         for (const auto& b : bills.value()) out.push_back(billing::bill_json(b, false));
         s.print(out);
         return kOk;
       }},
      {"bill", "show", "show a subscriber's bills with their lines",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "account", po::value<std::string>()->required(), "the subscriber's account id");
       },
       [](Session& s, const po::variables_map& vm) {
         auto account = s.services()->consumers->find(arg(vm, "tenant"), arg(vm, "account"));
         if (!account.ok()) return refuse(account.status());
         auto bills = s.services()->bills->of_subscriber(account->subscriber_id);
         if (!bills.ok()) return refuse(bills.status());
         json out = json::array();
         for (const auto& b : bills.value()) out.push_back(billing::bill_json(b, true));
         s.print(out);
         return kOk;
       }},
  };
}

}  // namespace mvne::ctl
