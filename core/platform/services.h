// The host-owned services behind the SDK: storage, the tenancy directory, API keys, the
// records, the plugins' key-value state and the audit log. Created once at start-up from the
// configuration; shared by the front end, the plugin host functions and mvnectl.
#pragma once

#include <memory>

#include "core/audit/audit_log.h"
#include "core/auth/api_keys.h"
#include "core/auth/consumer_accounts.h"
#include "core/billing/bills.h"
#include "core/billing/data_allowance.h"
#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/egress/guard.h"
#include "core/ingest/datagram_hub.h"
#include "core/mail/mail_service.h"
#include "core/records/record_store.h"
#include "core/relay/hold_service.h"
#include "core/storage/database.h"
#include "core/storage/kv_store.h"
#include "core/tenancy/directory.h"
#include "core/tenancy/speed_switch.h"
#include "core/tenancy/tenant_cache.h"

namespace mvne::platform {

struct Services {
  std::shared_ptr<storage::Database> db;
  std::unique_ptr<tenancy::Directory> directory;
  std::unique_ptr<tenancy::TenantCache> tenants;  // the directory's tenants, for requests
  std::unique_ptr<auth::ApiKeys> keys;
  std::unique_ptr<auth::ConsumerAccounts> consumers;  // passwords, logins, sessions
  std::unique_ptr<billing::Bills> bills;
  std::unique_ptr<billing::DataAllowance> allowance;  // consumers' data quotas
  std::unique_ptr<tenancy::SpeedSwitch> speed;  // consumers' high-speed switches
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<records::RecordStore> records;
  std::unique_ptr<storage::KvStore> kv;  // the plugins' state
  std::unique_ptr<egress::Guard> guard;
  std::unique_ptr<ingest::DatagramHub> datagrams;
  std::unique_ptr<mail::MailService> mail;  // the outbox; delivered by the host's worker
  std::unique_ptr<relay::HoldService> relay;  // held mail; its listeners are the host's

  // Opens the configured backend (applying migrations), loads (or creates) the audit key file
  // and builds the services on it; seals audit rows written before the chain was keyed.
  static StatusOr<std::unique_ptr<Services>> open(const config::Settings& settings);
  // `audit_keys` null: a key held in memory only (tests and benchmarks).
  static std::unique_ptr<Services> on(std::shared_ptr<storage::Database> db,
                                      const config::NumberingConfig& numbering,
                                      std::shared_ptr<const audit::KeyRing> audit_keys = nullptr,
                                      const config::PortalSettings& portal = {},
                                      const config::MailConfig& mail = {},
                                      const config::RelayConfig& relay = {});
};

}  // namespace mvne::platform
