#include "core/storage/migrations.h"

#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "core/common/time.h"

namespace mvne::storage {
namespace {

// Times are microseconds since the Unix epoch (UTC). An open-ended validity ends at
// INT64_MAX, so that every window test is the same two comparisons.
const std::vector<std::vector<const char*>> kMigrations = {
    // 1: tenants, plans, subscribers, effective-dated assignments, keys, audit, quarantine.
    {
        R"(CREATE TABLE tenants (
             id {id}, code {key} NOT NULL UNIQUE, name {text} NOT NULL,
             time_zone {key} NOT NULL, export_dir {text} NOT NULL, plugins {text} NOT NULL,
             created_at {i64} NOT NULL){table_options})",
        R"(CREATE TABLE plans (
             id {id}, tenant_id {i64} NOT NULL REFERENCES tenants(id), code {key} NOT NULL,
             name {text} NOT NULL, data_quota_bytes {i64} NOT NULL,
             voice_per_minute {f64} NOT NULL, voice_increment_s {i64} NOT NULL,
             sms_per_segment {f64} NOT NULL, data_per_mb {f64} NOT NULL,
             UNIQUE (tenant_id, code)){table_options})",
        R"(CREATE TABLE subscribers (
             id {id}, tenant_id {i64} NOT NULL REFERENCES tenants(id),
             account_id {key} NOT NULL, service_code {key} NOT NULL,
             plan_id {i64} NOT NULL REFERENCES plans(id), email {key} NOT NULL,
             created_at {i64} NOT NULL, merged_into {i64},
             UNIQUE (tenant_id, account_id)){table_options})",
        R"(CREATE TABLE assignments (
             id {id}, id_kind {key} NOT NULL, identifier {key} NOT NULL,
             line_ref {i64} NOT NULL, tenant_id {i64} NOT NULL REFERENCES tenants(id),
             subscriber_id {i64} NOT NULL REFERENCES subscribers(id),
             plan_id {i64} NOT NULL REFERENCES plans(id),
             valid_from {i64} NOT NULL, valid_to {i64} NOT NULL,
             created_at {i64} NOT NULL){table_options})",
        "CREATE INDEX assignments_by_identifier ON assignments (id_kind, identifier, valid_from)",
        "CREATE INDEX assignments_by_subscriber ON assignments (subscriber_id)",
        // Bumped with every change of assignments or subscribers, so the egress guard's
        // in-memory identifier index knows when to reload.
        R"(CREATE TABLE directory_version (id {i64} PRIMARY KEY, version {i64} NOT NULL){table_options})",
        "INSERT INTO directory_version (id, version) VALUES (1, 0)",
        R"(CREATE TABLE api_keys (
             id {id}, tenant_id {i64} NOT NULL REFERENCES tenants(id),
             key_id {key} NOT NULL UNIQUE, secret_hash {text} NOT NULL, label {text} NOT NULL,
             created_at {i64} NOT NULL, expires_at {i64} NOT NULL, revoked_at {i64}){table_options})",
        R"(CREATE TABLE audit_log (
             id {id}, at {i64} NOT NULL, principal {text} NOT NULL, plugin {text} NOT NULL,
             action {text} NOT NULL, record_kind {text} NOT NULL, row_count {i64} NOT NULL,
             request_id {text} NOT NULL, detail {text} NOT NULL,
             prev_hash {text} NOT NULL, hash {text} NOT NULL){table_options})",
        R"(CREATE TABLE audit_head (
             id {i64} PRIMARY KEY, hash {text} NOT NULL, row_count {i64} NOT NULL){table_options})",
        "INSERT INTO audit_head (id, hash, row_count) VALUES (1, '', 0)",
        R"(CREATE TABLE quarantine (
             id {id}, plugin {key} NOT NULL, kind {key} NOT NULL, dedup_key {key} NOT NULL,
             reason {text} NOT NULL, source {text} NOT NULL, payload {text} NOT NULL,
             created_at {i64} NOT NULL, released_at {i64},
             UNIQUE (plugin, kind, dedup_key)){table_options})",
        R"(CREATE TABLE record_kinds (
             plugin {key} NOT NULL, kind {key} NOT NULL, fields {text} NOT NULL,
             PRIMARY KEY (plugin, kind)){table_options})",
        R"(CREATE TABLE kv_store (
             plugin {key} NOT NULL, tenant_id {i64} NOT NULL, k {key} NOT NULL,
             v {text} NOT NULL, PRIMARY KEY (plugin, tenant_id, k)){table_options})",
    },
    // 2: spool files by content, so that a file seen again is recognised and skipped.
    {
        R"(CREATE TABLE spool_files (
             plugin {key} NOT NULL, spool {key} NOT NULL, sha256 {key} NOT NULL,
             name {text} NOT NULL, processed_at {i64} NOT NULL,
             PRIMARY KEY (plugin, spool, sha256)){table_options})",
    },
    // 3: voice prices by call type ("roaming=180/60,incoming=0/1"), for rating.
    {
        "ALTER TABLE plans ADD COLUMN voice_rates {text}",
        "UPDATE plans SET voice_rates = ''",
    },
    // 4: the keyed audit chain. Each row names the key that signed it ('' for rows
    // written before, which the host seals at start); the head keeps the last row id, so that
    // a group commit numbers its rows before inserting them.
    {
        "ALTER TABLE audit_log ADD COLUMN key_id {key} NOT NULL DEFAULT ''",
        "ALTER TABLE audit_head ADD COLUMN last_id {i64} NOT NULL DEFAULT 0",
        "UPDATE audit_head SET last_id = (SELECT COALESCE(MAX(id), 0) FROM audit_log)",
    },
    // 5: record keys scoped to the holder's tenant plus content keys (record tables are
    // re-keyed when their kind is next declared, while key_version is 1); how a quarantined
    // record left quarantine; the records a correction of assignment history moved.
    {
        "ALTER TABLE record_kinds ADD COLUMN key_version {i64}",
        "UPDATE record_kinds SET key_version = 1",
        "ALTER TABLE quarantine ADD COLUMN resolution {text}",
        R"(CREATE TABLE corrections (
             id {id}, at {i64} NOT NULL, change_text {text} NOT NULL,
             plugin {key} NOT NULL, kind {key} NOT NULL,
             from_tenant_id {i64} NOT NULL, from_subscriber_id {i64} NOT NULL,
             to_tenant_id {i64} NOT NULL, to_subscriber_id {i64} NOT NULL,
             records {i64} NOT NULL, first_event {i64} NOT NULL, last_event {i64} NOT NULL,
             first_ingested {i64} NOT NULL){table_options})",
        "CREATE INDEX corrections_by_time ON corrections (at)",
    },
    // 6: consumer identity: password hashes (argon2id), login sessions and one-time reset
    // tokens (both kept only as hashes), and login throttling shared by every host.
    {
        R"(CREATE TABLE consumer_credentials (
             subscriber_id {i64} PRIMARY KEY REFERENCES subscribers(id),
             password_hash {text} NOT NULL, updated_at {i64} NOT NULL){table_options})",
        R"(CREATE TABLE consumer_sessions (
             id {id}, token_hash {key} NOT NULL UNIQUE,
             tenant_id {i64} NOT NULL REFERENCES tenants(id),
             subscriber_id {i64} NOT NULL REFERENCES subscribers(id),
             kind {key} NOT NULL, client {text} NOT NULL, created_at {i64} NOT NULL,
             last_seen_at {i64} NOT NULL, idle_us {i64} NOT NULL, expires_at {i64} NOT NULL,
             revoked_at {i64}){table_options})",
        "CREATE INDEX consumer_sessions_by_subscriber ON consumer_sessions (subscriber_id)",
        "CREATE INDEX consumer_sessions_by_expiry ON consumer_sessions (expires_at)",
        R"(CREATE TABLE password_resets (
             id {id}, token_hash {key} NOT NULL UNIQUE,
             subscriber_id {i64} NOT NULL REFERENCES subscribers(id),
             created_at {i64} NOT NULL, expires_at {i64} NOT NULL, used_at {i64}){table_options})",
        R"(CREATE TABLE login_throttle (
             scope {key} NOT NULL, k {key} NOT NULL, failures {i64} NOT NULL,
             last_failure_at {i64} NOT NULL, locked_until {i64} NOT NULL,
             PRIMARY KEY (scope, k)){table_options})",
    },
    // 7: bills. A plan has a monthly fee; a closed month is a bill per subscriber with its
    // lines; bill_items remember which record went on which bill at what amount, so that a
    // late record or a correction after closing becomes an adjustment on the next bill.
    {
        "ALTER TABLE plans ADD COLUMN monthly_fee {f64}",
        "UPDATE plans SET monthly_fee = 0",
        R"(CREATE TABLE bill_runs (
             tenant_id {i64} NOT NULL REFERENCES tenants(id), period {key} NOT NULL,
             closed_at {i64} NOT NULL, bills {i64} NOT NULL, total {f64} NOT NULL,
             PRIMARY KEY (tenant_id, period)){table_options})",
        R"(CREATE TABLE bills (
             id {id}, tenant_id {i64} NOT NULL REFERENCES tenants(id),
             subscriber_id {i64} NOT NULL REFERENCES subscribers(id), period {key} NOT NULL,
             closed_at {i64} NOT NULL, total {f64} NOT NULL,
             UNIQUE (subscriber_id, period)){table_options})",
        "CREATE INDEX bills_by_tenant ON bills (tenant_id, period)",
        R"(CREATE TABLE bill_lines (
             id {id}, bill_id {i64} NOT NULL REFERENCES bills(id), kind {key} NOT NULL,
             label {text} NOT NULL, quantity {i64} NOT NULL, amount {f64} NOT NULL){table_options})",
        "CREATE INDEX bill_lines_by_bill ON bill_lines (bill_id)",
        R"(CREATE TABLE bill_items (
             id {id}, record_table {key} NOT NULL, record_id {i64} NOT NULL,
             tenant_id {i64} NOT NULL, subscriber_id {i64} NOT NULL, bill_id {i64} NOT NULL,
             amount {f64} NOT NULL, reversed_in {i64}){table_options})",
        "CREATE INDEX bill_items_by_record ON bill_items (record_table, record_id)",
        "CREATE INDEX bill_items_by_tenant ON bill_items (record_table, tenant_id)",
        // The consumer's high-speed switch: the current state, and every change in order for
        // the MVNO's policy system to poll.
        R"(CREATE TABLE speed_switches (
             subscriber_id {i64} PRIMARY KEY REFERENCES subscribers(id),
             high_speed {i64} NOT NULL, changed_at {i64} NOT NULL){table_options})",
        R"(CREATE TABLE speed_changes (
             id {id}, tenant_id {i64} NOT NULL REFERENCES tenants(id),
             subscriber_id {i64} NOT NULL REFERENCES subscribers(id), high_speed {i64} NOT NULL,
             changed_at {i64} NOT NULL, changed_by {text} NOT NULL){table_options})",
        "CREATE INDEX speed_changes_by_tenant ON speed_changes (tenant_id, id)",
    },
    // 8: data quotas on bills: each bill keeps the month's quota, the bytes carried in from
    // the month before, the bytes used at closing and the bytes it carries out, so that the
    // next month's balance and late data are settled against what was billed.
    {
        "ALTER TABLE bills ADD COLUMN data_quota {i64} NOT NULL DEFAULT 0",
        "ALTER TABLE bills ADD COLUMN data_carried_in {i64} NOT NULL DEFAULT 0",
        "ALTER TABLE bills ADD COLUMN data_used {i64} NOT NULL DEFAULT 0",
        "ALTER TABLE bills ADD COLUMN data_carried_out {i64} NOT NULL DEFAULT 0",
    },
    // 9: prices per unit by rating class (MVNE_RATING_CLASS), "mms=10,video=25".
    {
        "ALTER TABLE plans ADD COLUMN class_rates {text}",
        "UPDATE plans SET class_rates = ''",
    },
    // 10: the mail outbox: every accepted message, rendered once, until it is delivered,
    // fails for good or is cancelled. A message being delivered holds a lease, so a host
    // killed mid-delivery leaves it to be taken up again once the lease ends. A notice sent
    // once (a usage alert per month, a bill notice per bill) carries a unique dedup_key.
    {
        R"(CREATE TABLE mail_outbox (
             id {id}, tenant {key} NOT NULL, sender {key} NOT NULL, principal {text} NOT NULL,
             purpose {key} NOT NULL, message_id {key} NOT NULL UNIQUE,
             envelope_from {text} NOT NULL, recipients {text} NOT NULL, data {text} NOT NULL,
             state {key} NOT NULL, attempts {i64} NOT NULL, next_attempt_at {i64} NOT NULL,
             lease_until {i64} NOT NULL, last_reply {text} NOT NULL, created_at {i64} NOT NULL,
             done_at {i64}, dedup_key {key} UNIQUE){table_options})",
        "CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at)",
        // A tenant's mail: the sender name and reply-to its consumers see, and the MVNO's own
        // contact address (export-ready notices).
        R"(CREATE TABLE tenant_mail (
             tenant_id {i64} PRIMARY KEY REFERENCES tenants(id), sender_name {text} NOT NULL,
             reply_to {text} NOT NULL, contact {text} NOT NULL){table_options})",
    },
    // 11: the hold-and-notify relay: the mailboxes that may submit (password hashes only),
    // each tenant's hold policy, the held messages (their state changes are conditional, and
    // a release moves one into mail_outbox in the same transaction) and the key that signs
    // release and cancel links, shared by every host.
    {
        R"(CREATE TABLE relay_mailboxes (
             id {id}, address {key} NOT NULL UNIQUE, tenant_id {i64} NOT NULL REFERENCES tenants(id),
             password_hash {text} NOT NULL, created_at {i64} NOT NULL){table_options})",
        R"(CREATE TABLE relay_policies (
             tenant_id {i64} PRIMARY KEY REFERENCES tenants(id), hold_s {i64} NOT NULL,
             on_expiry {key} NOT NULL){table_options})",
        R"(CREATE TABLE relay_held (
             id {id}, tenant_id {i64} NOT NULL REFERENCES tenants(id), mailbox {key} NOT NULL,
             envelope_from {text} NOT NULL, recipients {text} NOT NULL, to_list {text} NOT NULL,
             cc_list {text} NOT NULL, bcc_list {text} NOT NULL, subject {text} NOT NULL,
             message_id {text} NOT NULL, data {text} NOT NULL, size {i64} NOT NULL,
             received_at {i64} NOT NULL, release_at {i64} NOT NULL, state {key} NOT NULL,
             decided_at {i64} NOT NULL, decided_by {key} NOT NULL, notice {key} NOT NULL,
             outbox_id {i64} NOT NULL, dedup_key {key} NOT NULL UNIQUE){table_options})",
        "CREATE INDEX relay_held_due ON relay_held (state, release_at)",
        "CREATE INDEX relay_held_notice ON relay_held (notice)",
        R"(CREATE TABLE relay_secrets (
             name {key} PRIMARY KEY, secret {text} NOT NULL){table_options})",
    },
    // 12: the hosts sharing the database, each refreshing its row (core/platform/host_peers.h).
    {
        R"(CREATE TABLE hosts (
             id {key} PRIMARY KEY, started_at {i64} NOT NULL, last_seen {i64} NOT NULL){table_options})",
    },
    // 13: scheduled runs, one row per job and due time, claimed by the host that runs it
    // (core/jobs/job_claims.h).
    {
        R"(CREATE TABLE job_runs (
             job {key} NOT NULL, due_at {i64} NOT NULL, host {key} NOT NULL,
             claimed_at {i64} NOT NULL, PRIMARY KEY (job, due_at)){table_options})",
    },
    // 14: an occurrence is marked finished, so one whose host died mid-run is taken over
    // (core/jobs/job_claims.h); occurrences claimed before are taken as finished.
    {
        "ALTER TABLE job_runs ADD COLUMN finished_at {i64} NOT NULL DEFAULT 0",
        "UPDATE job_runs SET finished_at = claimed_at",
        "CREATE INDEX job_runs_open ON job_runs (finished_at)",
    },
};

}  // namespace

int schema_version() { return static_cast<int>(kMigrations.size()); }

namespace {

// How long a host waits for a migration another host claimed to be finished.
constexpr auto kClaimWait = std::chrono::seconds(120);

int current_version(Connection& c) {
  auto rows = c.query("SELECT MAX(version) FROM schema_version");
  return rows.ok() ? static_cast<int>(as_int(rows.value().at(0).at(0))) : -1;
}

// MariaDB: a table without a primary key cannot be replicated safely by Galera; databases
// made before schema_version had one get it.
Status keyed_schema_version(Connection& c) {
  auto keyed = c.query(
      "SELECT COUNT(*) FROM information_schema.table_constraints WHERE table_schema = "
      "DATABASE() AND table_name = 'schema_version' AND constraint_type = 'PRIMARY KEY'");
  if (!keyed.ok()) return keyed.status();
  if (as_int(keyed.value()[0][0]) > 0) return Status::Ok();
  return c.execute("ALTER TABLE schema_version ADD PRIMARY KEY (version)");
}

// Errors of a statement whose work is already there: a table, column or index that exists,
// a row already inserted.
bool applied_before(const Status& st) {
  for (const char* code : {"mysql error 1050:", "mysql error 1060:", "mysql error 1061:"})
    if (st.message().find(code) != std::string::npos) return true;
  return st.code() == Code::kFailedPrecondition;  // a duplicate key
}

}  // namespace

// One pass; `claimant` names this process in schema_claims.
Status migrate_once(Database& db, const std::string& claimant) {
  auto lease = db.acquire();
  if (!lease.ok()) return lease.status();
  Connection& c = *lease.value();
  for (const char* table :
       {"CREATE TABLE IF NOT EXISTS schema_version (version {i64} PRIMARY KEY){table_options}",
        // A host about to apply migration `version` (MariaDB, where DDL commits at once and
        // hosts may start together): the first to insert the row applies it, the others wait.
        "CREATE TABLE IF NOT EXISTS schema_claims (version {i64} PRIMARY KEY, host {text} NOT "
        "NULL, claimed_at {i64} NOT NULL){table_options}"}) {
    if (Status st = c.execute(table); !st.ok()) return st;
  }
  if (db.dialect() == Dialect::kMysql) {
    if (Status st = keyed_schema_version(c); !st.ok()) return st;
  }
  int current = current_version(c);
  if (current < 0) return Status::Unavailable("storage: cannot read the schema version");
  if (current > schema_version()) {
    return Status::Precondition("storage: the database schema is version " +
                                std::to_string(current) + ", newer than this mvne-host knows (" +
                                std::to_string(schema_version()) +
                                "); run a newer mvne-host or restore a matching backup");
  }
  for (int version = current + 1; version <= schema_version(); ++version) {
    bool resumed = false;
    if (db.dialect() == Dialect::kMysql) {
      Status claimed =
          c.execute("INSERT INTO schema_claims (version, host, claimed_at) VALUES (?, ?, ?)",
                    {int64_t{version}, claimant, now_us()});
      if (claimed.code() == Code::kFailedPrecondition) {
        auto owner =
            c.query("SELECT host FROM schema_claims WHERE version = ?", {int64_t{version}});
        if (!owner.ok()) return owner.status();
        resumed = !owner->empty() && as_text(owner.value()[0][0]) == claimant;
        if (resumed) claimed = Status::Ok();  // this process claimed it on an earlier pass
      }
      if (claimed.code() == Code::kFailedPrecondition) {
        // A duplicate claim: another host applies it. Wait until it is recorded.
        auto deadline = std::chrono::steady_clock::now() + kClaimWait;
        while (current_version(c) < version) {
          if (std::chrono::steady_clock::now() > deadline) {
            return Status::Precondition(
                "storage: migration " + std::to_string(version) +
                " was claimed by another host and is not recorded after " +
                std::to_string(kClaimWait.count()) +
                " s; if that host died while migrating, check the schema and delete its row "
                "from schema_claims");
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        continue;
      }
      if (!claimed.ok()) return claimed;
    }
    Status st = db.transaction([&](Connection& tx) {
      for (const char* sql : kMigrations[version - 1]) {
        Status step = tx.execute(sql);
        // MariaDB commits DDL at once: a pass resuming this process's own claim finds what
        // the earlier pass applied before it failed, and that part is done.
        if (!step.ok() && resumed && applied_before(step)) continue;
        if (step.code() == Code::kUnavailable) return step;  // busy or a conflict: another pass
        if (!step.ok())
          return Status::Internal("migration " + std::to_string(version) + ": " + step.message());
      }
      return tx.execute("INSERT INTO schema_version (version) VALUES (?)", {int64_t{version}});
    });
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status migrate(Database& db) {
  // A busy server, a deadlock or (Galera) a certification conflict with a host migrating at
  // the same moment: another pass, which finds what the first one and the others did.
  const std::string claimant = std::to_string(::getpid()) + ":" + std::to_string(now_us());
  Status st = migrate_once(db, claimant);
  for (int pass = 1; st.code() == Code::kUnavailable && pass < 10; ++pass) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * pass));
    st = migrate_once(db, claimant);
  }
  return st;
}

}  // namespace mvne::storage
