// relay commands: the hold-and-notify relay's mailboxes (who may submit, with a password
// whose hash alone is kept), each tenant's hold policy, and the held messages (list, show,
// release, cancel). A Bcc address is never printed: only how many there are.
#include "core/common/time.h"
#include "tools/mvnectl/command.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

namespace {

json held_json(const relay::Held& h, const std::string& tenant) {
  return json{{"id", h.id},
              {"state", h.state},
              {"tenant", tenant},
              {"mailbox", h.mailbox},
              {"subject", h.subject},
              {"recipients", static_cast<int64_t>(h.recipients.size())},
              {"bcc", static_cast<int64_t>(h.bcc.size())},
              {"received", format_time_us(h.received_at)},
              {"release_at", format_time_us(h.release_at)},
              {"decided_by", h.decided_by},
              {"notice", h.notice},
              {"outbox_id", h.outbox_id}};
}

// tenant code -> id, and back, for the commands' arguments and output.
StatusOr<int64_t> tenant_id(Session& s, const std::string& code) {
  auto t = s.directory().tenant(code);
  if (!t.ok()) return t.status();
  return t->id;
}

// 0 (every tenant) for an empty --tenant.
StatusOr<int64_t> optional_tenant_id(Session& s, const std::string& code) {
  return code.empty() ? StatusOr<int64_t>(int64_t{0}) : tenant_id(s, code);
}

std::string tenant_code(Session& s, int64_t id) {
  auto all = s.directory().tenants();
  if (all.ok())
    for (const auto& t : all.value())
      if (t.id == id) return t.code;
  return std::to_string(id);
}

void password_option(po::options_description& o) {
  o.add_options()("password-file", po::value<std::string>()->default_value(""),
                  "read the password from this file's first line (default: standard input)");
}

StatusOr<std::string> new_password_hash(Session& s, const po::variables_map& vm) {
  auto password = read_password(arg(vm, "password-file"));
  if (!password.ok()) return password.status();
  if (password->size() < 12) return Status::Invalid("a mailbox password needs 12 characters or more");
  return s.services()->consumers->passwords().hash(*password);
}

void id_option(po::options_description& o) {
  o.add_options()("id", po::value<int64_t>()->required(), "held message id");
}

Command decide(const char* name, const char* summary, const char* action) {
  return {"relay", name, summary, id_option,
          [action](Session& s, const po::variables_map& vm) {
            int64_t id = vm["id"].as<int64_t>();
            if (Status st = s.services()->relay->act(id, action, "operator"); !st.ok())
              return refuse(st);
            if (Status st = s.audit_action(std::string("relay_") + action, "#" + std::to_string(id));
                !st.ok())
              return refuse(st);
            auto h = s.services()->relay->queue().get(id);
            if (!h.ok()) return refuse(h.status());
            s.print(held_json(h.value(), tenant_code(s, h->tenant_id)));
            return kOk;
          }};
}

}  // namespace

std::vector<Command> relay_commands() {
  return {
      {"relay mailbox", "add",
       "a mailbox that may submit mail to the relay for a tenant (its password from standard "
       "input or --password-file; only a hash is kept)",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "address", po::value<std::string>()->required(), "the mailbox, e.g. sales@corp.example");
         password_option(o);
       },
       [](Session& s, const po::variables_map& vm) {
         auto tenant = tenant_id(s, arg(vm, "tenant"));
         if (!tenant.ok()) return refuse(tenant.status());
         auto hash = new_password_hash(s, vm);
         if (!hash.ok()) return refuse(hash.status());
         Status st = s.services()->relay->mailboxes().add(arg(vm, "address"), *tenant, *hash, now_us());
         if (!st.ok()) return refuse(st);
         if (st = s.audit_action("relay_mailbox_add", arg(vm, "tenant")); !st.ok()) return refuse(st);
         s.print(json{{"mailbox", arg(vm, "address")}, {"tenant", arg(vm, "tenant")}});
         return kOk;
       }},
      {"relay mailbox", "password", "set a mailbox's password (standard input or --password-file)",
       [](po::options_description& o) {
         o.add_options()("address", po::value<std::string>()->required(), "the mailbox");
         password_option(o);
       },
       [](Session& s, const po::variables_map& vm) {
         auto hash = new_password_hash(s, vm);
         if (!hash.ok()) return refuse(hash.status());
         Status st = s.services()->relay->mailboxes().set_password(arg(vm, "address"), *hash);
         if (!st.ok()) return refuse(st);
         if (st = s.audit_action("relay_mailbox_password", "1 mailbox"); !st.ok()) return refuse(st);
         s.print(json{{"mailbox", arg(vm, "address")}, {"password", "set"}});
         return kOk;
       }},
      {"relay mailbox", "remove", "a mailbox may no longer submit (its held mail stays held)",
       [](po::options_description& o) {
         o.add_options()("address", po::value<std::string>()->required(), "the mailbox");
       },
       [](Session& s, const po::variables_map& vm) {
         Status st = s.services()->relay->mailboxes().remove(arg(vm, "address"));
         if (!st.ok()) return refuse(st);
         if (st = s.audit_action("relay_mailbox_remove", "1 mailbox"); !st.ok()) return refuse(st);
         s.print(json{{"removed", arg(vm, "address")}});
         return kOk;
       }},
      {"relay mailbox", "list", "the relay's mailboxes (--tenant: one tenant's)",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->default_value(""), "tenant code");
       },
       [](Session& s, const po::variables_map& vm) {
         auto id = optional_tenant_id(s, arg(vm, "tenant"));
         if (!id.ok()) return refuse(id.status());
         auto list = s.services()->relay->mailboxes().list(*id);
         if (!list.ok()) return refuse(list.status());
         json out = json::array();
         for (const auto& m : list.value())
           out.push_back(json{{"mailbox", m.address},
                              {"tenant", tenant_code(s, m.tenant_id)},
                              {"created", format_time_us(m.created_at)}});
         s.print(out);
         return kOk;
       }},
      {"relay", "policy",
       "a tenant's hold: how long mail is held and what happens when the hold ends (send or "
       "discard); shows it, sets what is given",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "hold-s", po::value<int64_t>(), "seconds mail is held (0 to 604800)")(
             "on-expiry", po::value<std::string>(), "send or discard");
       },
       [](Session& s, const po::variables_map& vm) {
         auto tenant = tenant_id(s, arg(vm, "tenant"));
         if (!tenant.ok()) return refuse(tenant.status());
         auto& boxes = s.services()->relay->mailboxes();
         const auto& c = s.settings().relay;
         auto policy = boxes.policy(*tenant, {c.hold_s, c.on_expiry});
         if (!policy.ok()) return refuse(policy.status());
         relay::HoldPolicy next = policy.value();
         if (vm.count("hold-s")) next.hold_s = vm["hold-s"].as<int64_t>();
         if (vm.count("on-expiry")) next.on_expiry = vm["on-expiry"].as<std::string>();
         if (vm.count("hold-s") || vm.count("on-expiry")) {
           if (Status st = boxes.set_policy(*tenant, next); !st.ok()) return refuse(st);
           if (Status st = s.audit_action("relay_policy", arg(vm, "tenant")); !st.ok())
             return refuse(st);
         }
         s.print(json{{"tenant", arg(vm, "tenant")},
                      {"hold_s", next.hold_s},
                      {"on_expiry", next.on_expiry}});
         return kOk;
       }},
      {"relay", "list", "held mail, newest first",
       [](po::options_description& o) {
         o.add_options()("state", po::value<std::string>()->default_value(""),
                         "held, released, expired, cancelled, discarded or refused")(
             "tenant", po::value<std::string>()->default_value(""), "tenant code")(
             "limit", po::value<int>()->default_value(100), "at most this many");
       },
       [](Session& s, const po::variables_map& vm) {
         auto id = optional_tenant_id(s, arg(vm, "tenant"));
         if (!id.ok()) return refuse(id.status());
         auto list = s.services()->relay->queue().list(arg(vm, "state"), *id, vm["limit"].as<int>());
         if (!list.ok()) return refuse(list.status());
         json out = json::array();
         for (const auto& h : list.value()) out.push_back(held_json(h, tenant_code(s, h.tenant_id)));
         s.print(out);
         return kOk;
       }},
      {"relay", "show", "one held message: its recipients in To and Cc, how many in Bcc",
       id_option,
       [](Session& s, const po::variables_map& vm) {
         auto h = s.services()->relay->queue().get(vm["id"].as<int64_t>());
         if (!h.ok()) return refuse(h.status());
         json out = held_json(h.value(), tenant_code(s, h->tenant_id));
         out["message_id"] = h->message_id;
         out["to"] = h->to;
         out["cc"] = h->cc;
         if (Status st = s.audit_action("relay_show", "#" + std::to_string(h->id)); !st.ok())
           return refuse(st);
         s.print(out);
         return kOk;
       }},
      decide("release", "send a held message now", "release"),
      decide("cancel", "never send a held message", "cancel"),
  };
}

}  // namespace mvne::ctl
