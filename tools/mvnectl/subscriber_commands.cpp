// subscriber commands: a consumer's portal password (set, or a one-time reset token), its
// login sessions (list, revoke) and unlocking an account locked by failed logins.
#include <iostream>

#include "core/common/time.h"
#include "core/mail/notices.h"
#include "tools/mvnectl/command.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

namespace {

void account_options(po::options_description& o) {
  o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
      "account", po::value<std::string>()->required(), "the subscriber's account id");
}

StatusOr<auth::Account> account_of(Session& s, const po::variables_map& vm) {
  return s.services()->consumers->find(arg(vm, "tenant"), arg(vm, "account"));
}


Command password_set() {
  return {"subscriber password", "set", "set a consumer's portal password (ends its sessions)",
          [](po::options_description& o) {
            account_options(o);
            o.add_options()("password-file", po::value<std::string>()->default_value(""),
                            "read the password from this file's first line (default: standard "
                            "input, not echoed)");
          },
          [](Session& s, const po::variables_map& vm) {
            auto account = account_of(s, vm);
            if (!account.ok()) return refuse(account.status());
            auto password = read_password(arg(vm, "password-file"));
            if (!password.ok()) return refuse(password.status());
            Status st = s.services()->consumers->set_password(*account, *password, now_us());
            if (!st.ok()) return refuse(st);
            if (st = s.audit_action("subscriber_password_set",
                                    account->tenant_code + "/" + account->account_id);
                !st.ok()) {
              return refuse(st);
            }
            s.print(json{{"tenant", account->tenant_code},
                         {"account", account->account_id},
                         {"password", "set; every session of the account ended"}});
            return kOk;
          }};
}

Command password_reset() {
  return {"subscriber password", "reset",
          "give a consumer a one-time token to choose a new password: mailed to the "
          "subscriber's address (--deliver mail, the default) or printed (--deliver print)",
          [](po::options_description& o) {
            account_options(o);
            o.add_options()("deliver", po::value<std::string>()->default_value("mail"),
                            "mail or print");
          },
          [](Session& s, const po::variables_map& vm) {
            const std::string deliver = arg(vm, "deliver");
            if (deliver != "mail" && deliver != "print") {
              return refuse(Status::Invalid("--deliver: '" + deliver + "' is not mail or print"));
            }
            auto account = account_of(s, vm);
            if (!account.ok()) return refuse(account.status());
            auto subscriber = s.directory().subscriber(account->subscriber_id);
            if (!subscriber.ok()) return refuse(subscriber.status());
            auto tenant = s.directory().tenant(account->tenant_code);
            if (!tenant.ok()) return refuse(tenant.status());
            auto reset = s.services()->consumers->start_reset(*account, now_us());
            if (!reset.ok()) return refuse(reset.status());
            json out{{"tenant", account->tenant_code},
                     {"account", account->account_id},
                     {"expires", format_time_us(reset->expires_at)}};
            if (deliver == "mail") {
              auth::Principal owner;
              owner.kind = auth::Principal::Kind::kConsumer;
              owner.tenant_id = account->tenant_id;
              owner.tenant_code = account->tenant_code;
              owner.subscriber_id = account->subscriber_id;
              owner.account_id = account->account_id;
              auto& mail = *s.services()->mail;
              auto tenant_mail = mail.tenants().get(account->tenant_code);
              if (!tenant_mail.ok()) return refuse(tenant_mail.status());
              const mail::TenantSender from{mail.settings(), tenant.value(), tenant_mail.value()};
              auto id = mail.submit(mail::password_reset_notice(from, subscriber.value(),
                                                                reset->token, reset->expires_at),
                                    {account->tenant_code, "host", owner.describe(),
                                     "password_reset"},
                                    owner);
              if (!id.ok()) return refuse(id.status());
              out["mail"] = id.value();
              out["note"] = s.settings().mail.relay_host.empty()
                                ? "queued; no [mail] relay is set, so it waits in the outbox"
                                : "queued for the subscriber's address; mvnectl mail show --id " +
                                      std::to_string(id.value());
            } else {
              out["token"] = reset->token;
              out["note"] =
                  "give the token to the consumer once; it is used with POST "
                  "/portal/api/v1/password-reset and only its hash is kept";
            }
            if (Status st = s.audit_action("subscriber_password_reset",
                                           account->tenant_code + "/" + account->account_id +
                                               " by " + deliver);
                !st.ok()) {
              return refuse(st);
            }
            s.print(out);
            return kOk;
          }};
}

Command sessions_list() {
  return {
      "subscriber sessions", "list", "list a consumer's login sessions", account_options,
      [](Session& s, const po::variables_map& vm) {
        auto account = account_of(s, vm);
        if (!account.ok()) return refuse(account.status());
        auto sessions = s.services()->consumers->sessions().list(account->subscriber_id);
        if (!sessions.ok()) return refuse(sessions.status());
        int64_t now = now_us();
        json out = json::array();
        for (const auto& x : sessions.value()) {
          std::string state = x.revoked_at ? "ended" : x.expires_at <= now ? "expired" : "active";
          out.push_back({{"session", x.id},
                         {"kind", x.kind},
                         {"client", x.client},
                         {"created", format_time_us(x.created_at)},
                         {"last_seen", format_time_us(x.last_seen_at)},
                         {"expires", format_time_us(x.expires_at)},
                         {"state", state}});
        }
        s.print(out);
        return kOk;
      }};
}

Command sessions_revoke() {
  return {"subscriber sessions", "revoke", "end one session of a consumer, or all of them",
          [](po::options_description& o) {
            account_options(o);
            o.add_options()("session", po::value<int64_t>(), "the session id from sessions list")(
                "all", "end every session of the account");
          },
          [](Session& s, const po::variables_map& vm) {
            if (vm.count("all") == vm.count("session")) {
              return refuse(Status::Invalid("give either --session N or --all"));
            }
            auto account = account_of(s, vm);
            if (!account.ok()) return refuse(account.status());
            auto& sessions = s.services()->consumers->sessions();
            int64_t ended = 1;
            if (vm.count("all")) {
              auto n = sessions.end_all(account->subscriber_id, now_us());
              if (!n.ok()) return refuse(n.status());
              ended = *n;
            } else if (Status st = sessions.revoke(account->subscriber_id,
                                                   vm["session"].as<int64_t>(), now_us());
                       !st.ok()) {
              return refuse(st);
            }
            if (Status st = s.audit_action("subscriber_sessions_revoke",
                                           account->tenant_code + "/" + account->account_id, ended);
                !st.ok()) {
              return refuse(st);
            }
            s.print(json{{"account", account->account_id}, {"sessions_ended", ended}});
            return kOk;
          }};
}

Command unlock() {
  return {"subscriber", "unlock", "clear failed logins and the lock of a consumer account",
          account_options, [](Session& s, const po::variables_map& vm) {
            // Unknown accounts are throttled too (so that throttling tells nothing), but an
            // operator unlocks only accounts that exist.
            auto account = account_of(s, vm);
            if (!account.ok()) return refuse(account.status());
            Status st = s.services()->consumers->throttle().unlock(account->tenant_code,
                                                                   account->account_id);
            if (!st.ok()) return refuse(st);
            if (st = s.audit_action("subscriber_unlock",
                                    account->tenant_code + "/" + account->account_id);
                !st.ok()) {
              return refuse(st);
            }
            s.print(json{{"account", account->account_id}, {"unlocked", true}});
            return kOk;
          }};
}

}  // namespace

std::vector<Command> subscriber_commands() {
  return {password_set(), password_reset(), sessions_list(), sessions_revoke(), unlock()};
}

}  // namespace mvne::ctl
