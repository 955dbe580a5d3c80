#include "core/platform/services.h"

#include "core/log/log.h"

namespace mvne::platform {

StatusOr<std::unique_ptr<Services>> Services::open(const config::Settings& settings) {
  auto storage_settings = storage::settings_from_config(settings.storage);
  if (!storage_settings.ok()) return storage_settings.status();
  auto db = storage::Database::open(storage_settings.value());
  if (!db.ok()) return db.status();
  auto keys = audit::KeyRing::load_or_create(settings.audit.key_file);
  if (!keys.ok()) return keys.status();
  config::RelayConfig relay = settings.relay;
  if (relay.public_url.empty())
    relay.public_url = "http://127.0.0.1:" + std::to_string(settings.http.port);
  auto services =
      on(db.value(), settings.numbering, keys.value(), settings.portal, settings.mail, relay);
  // A broken unkeyed chain stays unsealed (and fails `audit verify`), but the host runs.
  if (Status st = services->audit->seal_unkeyed(); !st.ok()) log::error("audit", st.message());
  return services;
}

std::unique_ptr<Services> Services::on(std::shared_ptr<storage::Database> db,
                                       const config::NumberingConfig& n,
                                       std::shared_ptr<const audit::KeyRing> audit_keys,
                                       const config::PortalSettings& portal,
                                       const config::MailConfig& mail,
                                       const config::RelayConfig& relay) {
  auto s = std::make_unique<Services>();
  s->db = db;
  tenancy::NumberingPlan numbering{n.country_code, n.national_prefix, n.international_prefix};
  s->directory = std::make_unique<tenancy::Directory>(db, numbering);
  s->tenants = std::make_unique<tenancy::TenantCache>(s->directory.get());
  s->records = std::make_unique<records::RecordStore>(db, numbering);
  s->kv = std::make_unique<storage::KvStore>(db);
  s->guard = std::make_unique<egress::Guard>(db, numbering);
  // Datagram handlers defer their writes to the group commit and read plugin state from its
  // cache, so they hardly wait on the database: two threads keep both cores busy.
  s->datagrams = std::make_unique<ingest::DatagramHub>(db->writers(2));
  s->keys = std::make_unique<auth::ApiKeys>(db);
  auth::PasswordCost cost;
  cost.ops = static_cast<unsigned long long>(portal.hash_passes);
  cost.memory_kib = static_cast<size_t>(portal.hash_memory_kib);
  cost.max_parallel = portal.hash_parallel;
  constexpr int64_t kMinute = 60, kHour = 3600, kDay = 86400;
  auth::SessionLimits limits{portal.browser_idle_minutes * kMinute,
                             portal.browser_absolute_hours * kHour, portal.app_idle_days * kDay,
                             portal.app_absolute_days * kDay};
  s->consumers = std::make_unique<auth::ConsumerAccounts>(db, cost, limits);
  s->bills = std::make_unique<billing::Bills>(db);
  s->allowance = std::make_unique<billing::DataAllowance>(db);
  s->speed = std::make_unique<tenancy::SpeedSwitch>(db);
  s->audit = std::make_unique<audit::AuditLog>(
      db, audit_keys ? std::move(audit_keys) : audit::KeyRing::ephemeral());
  mail::MailSettings m;
  m.relay = {mail.relay_host, mail.relay_port, mail.starttls, mail.user, mail.password,
             mail.timeout_ms, "localhost"};
  m.from = mail.from;
  m.from_name = mail.from_name;
  m.max_attempts = mail.max_attempts;
  m.lease_s = mail.lease_s;
  m.templates_dir = mail.templates;
  s->mail = std::make_unique<mail::MailService>(db, m, s->audit.get(), s->guard.get());
  s->relay = std::make_unique<relay::HoldService>(db, relay, relay.public_url, s->mail.get(),
                                                  s->directory.get(), s->consumers.get(),
                                                  s->audit.get());
  return s;
}

}  // namespace mvne::platform
