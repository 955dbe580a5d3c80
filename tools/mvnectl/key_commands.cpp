// apikey commands: create (the key is shown once), list, revoke.
#include "core/common/time.h"
#include "tools/mvnectl/command.h"

namespace mvne::ctl {

namespace po = boost::program_options;
using json = nlohmann::ordered_json;

std::vector<Command> key_commands() {
  return {
      {"apikey", "create", "create an API key for a tenant; it is shown once",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code")(
             "label", po::value<std::string>()->default_value(""), "what the key is for")(
             "days", po::value<int>()->default_value(365), "days until it expires");
       },
       [](Session& s, const po::variables_map& vm) {
         int days = vm["days"].as<int>();
         if (days < 1 || days > 3650) return refuse(Status::Invalid("--days: 1 to 3650"));
         int64_t expires = now_us() + int64_t{days} * 86400 * 1000000;
         auto key = s.keys().create(arg(vm, "tenant"), arg(vm, "label"), expires);
         if (!key.ok()) return refuse(key.status());
         if (Status st = s.audit_action("apikey_create", arg(vm, "tenant") + " " + key->key_id);
             !st.ok()) {
           return refuse(st);
         }
         s.print(json{{"key_id", key->key_id},
                      {"token", key->token},
                      {"expires", format_time_us(key->expires_at)},
                      {"note", "store the token now: only its hash is kept"}});
         return kOk;
       }},
      {"apikey", "list", "list a tenant's API keys (never their secrets)",
       [](po::options_description& o) {
         o.add_options()("tenant", po::value<std::string>()->required(), "tenant code");
       },
       [](Session& s, const po::variables_map& vm) {
         auto keys = s.keys().list(arg(vm, "tenant"));
         if (!keys.ok()) return refuse(keys.status());
         json out = json::array();
         for (const auto& k : keys.value()) {
           out.push_back({{"key_id", k.key_id},
                          {"label", k.label},
                          {"created", format_time_us(k.created_at)},
                          {"expires", format_time_us(k.expires_at)},
                          {"revoked", k.revoked_at ? format_time_us(k.revoked_at) : ""}});
         }
         s.print(out);
         return kOk;
       }},
      {"apikey", "revoke", "revoke an API key at once",
       [](po::options_description& o) {
         o.add_options()("key-id", po::value<std::string>()->required(),
                         "the key id from apikey list");
       },
       [](Session& s, const po::variables_map& vm) {
         if (Status st = s.keys().revoke(arg(vm, "key-id")); !st.ok()) return refuse(st);
         if (Status st = s.audit_action("apikey_revoke", arg(vm, "key-id")); !st.ok())
           return refuse(st);
         s.print(json{{"revoked", arg(vm, "key-id")}});
         return kOk;
       }},
  };
}

}  // namespace mvne::ctl
