// mail commands: the outbox as operators see it: list, show (headers, never the body of
// someone's mail unless asked), retry and cancel.
#include "core/common/time.h"
#include "tools/mvnectl/command.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

namespace {

// The message's header block (up to the first empty line).
std::string headers_of(const std::string& data) {
  size_t end = data.find("\r\n\r\n");
  return end == std::string::npos ? data : data.substr(0, end + 2);
}

json entry_json(const mail::OutboxEntry& e) {
  return json{{"id", e.id},
              {"state", e.state},
              {"purpose", e.purpose},
              {"tenant", e.tenant},
              {"sender", e.sender},
              {"recipients", static_cast<int64_t>(e.recipients.size())},
              {"attempts", e.attempts},
              {"queued", format_time_us(e.created_at)},
              {"next_attempt", e.state == "queued" ? format_time_us(e.next_attempt_at) : ""},
              {"done", e.done_at ? format_time_us(e.done_at) : ""},
              {"last_reply", e.last_reply}};
}

void id_option(po::options_description& o) {
  o.add_options()("id", po::value<int64_t>()->required(), "outbox id");
}

}  // namespace

std::vector<Command> mail_commands() {
  return {
      {"mail", "tenant",
       "a tenant's mail settings: the sender name and reply-to its consumers see, the MVNO's "
       "contact for the platform's notices (export ready); shows them, sets those given "
       "(an empty value clears one)",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "sender-name", po::value<std::string>(), "e.g. \"Sakura Mobile\"")(
             "reply-to", po::value<std::string>(), "an address consumers reply to")(
             "contact", po::value<std::string>(), "the MVNO's address for notices");
       },
       [](Session& s, const po::variables_map& vm) {
         auto& tenants = s.services()->mail->tenants();
         auto current = tenants.get(arg(vm, "tenant"));
         if (!current.ok()) return refuse(current.status());
         mail::TenantMail next = current.value();
         bool change = false;
         for (const auto& [option, field] :
              {std::pair{"sender-name", &next.sender_name}, {"reply-to", &next.reply_to},
               {"contact", &next.contact}}) {
           if (!vm.count(option)) continue;
           *field = vm[option].as<std::string>();
           change = true;
         }
         if (change) {
           if (Status st = tenants.set(arg(vm, "tenant"), next); !st.ok()) return refuse(st);
           if (Status st = s.audit_action("mail_tenant_settings", arg(vm, "tenant")); !st.ok())
             return refuse(st);
         }
         s.print(json{{"tenant", arg(vm, "tenant")},
                      {"sender_name", next.sender_name},
                      {"reply_to", next.reply_to},
                      {"contact", next.contact}});
         return kOk;
       }},
      {"mail", "list", "the outbox, newest first: state, purpose, attempts, the relay's reply",
       [](po::options_description& o) {
         o.add_options()("state", po::value<std::string>()->default_value(""),
                         "queued, sending, sent, failed or cancelled")(
             "limit", po::value<int>()->default_value(100), "at most this many");
       },
       [](Session& s, const po::variables_map& vm) {
         auto list = s.services()->mail->outbox().list(vm["state"].as<std::string>(),
                                                        vm["limit"].as<int>());
         if (!list.ok()) return refuse(list.status());
         json out = json::array();
         for (const auto& e : list.value()) out.push_back(entry_json(e));
         s.print(out);
         return kOk;
       }},
      {"mail", "show", "one message: envelope and headers (--body: the whole message)",
       [](po::options_description& o) {
         id_option(o);
         o.add_options()("body", "print the whole message as it is sent");
       },
       [](Session& s, const po::variables_map& vm) {
         auto e = s.services()->mail->outbox().get(vm["id"].as<int64_t>());
         if (!e.ok()) return refuse(e.status());
         json out = entry_json(e.value());
         out["message_id"] = e->message_id;
         out["envelope_from"] = e->envelope_from;
         out["envelope_to"] = e->recipients;
         out[vm.count("body") ? "message" : "headers"] =
             vm.count("body") ? e->data : headers_of(e->data);
         if (Status st = s.audit_action("mail_show", "#" + std::to_string(e->id)); !st.ok())
           return refuse(st);
         s.print(out);
         return kOk;
       }},
      {"mail", "retry", "send a failed (or waiting) message again now", id_option,
       [](Session& s, const po::variables_map& vm) {
         int64_t id = vm["id"].as<int64_t>();
         if (Status st = s.services()->mail->outbox().retry_now(id, now_us()); !st.ok())
           return refuse(st);
         if (Status st = s.audit_action("mail_retry", "#" + std::to_string(id)); !st.ok())
           return refuse(st);
         s.print(json{{"retry", id}, {"state", "queued"}});
         return kOk;
       }},
      {"mail", "cancel", "never send a queued or failed message", id_option,
       [](Session& s, const po::variables_map& vm) {
         int64_t id = vm["id"].as<int64_t>();
         if (Status st = s.services()->mail->outbox().cancel(id, now_us()); !st.ok())
           return refuse(st);
         if (Status st = s.audit_action("mail_cancel", "#" + std::to_string(id)); !st.ok())
           return refuse(st);
         s.print(json{{"cancelled", id}});
         return kOk;
       }},
  };
}

}  // namespace mvne::ctl
