// The host's typed configuration, read from an INI file plus `--set` overrides.
// Every key the host knows is in the schema (settings.cpp) and documented in
// config/mvne.conf; anything else is refused with its origin and the reason.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/config/ini.h"

namespace mvne::config {

struct HostSettings {
  int shutdown_timeout_ms = 10000;  // how long in-flight work may take to finish on stop
  int ingest_workers = 2;           // spool files handled at once, one worker per file
};

struct LogSettings {
  std::string level = "info";   // trace, debug, info, warn, error
  std::string format = "text";  // text or json
  std::string file;             // empty: standard error
  int burst = 100;  // warning and error lines per component in 10 s at most; 0: no limit
};

struct HttpSettings {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  int io_threads = 0;           // threads reading and writing sockets; 0: one per core, up to 4
  int max_connections = 10000;  // open connections; past it a new one is answered 503
  int min_threads = 4;          // threads answering requests, started at once
  int max_threads = 64;         // threads answering requests at most (idle connections take none)
  int max_queued = 1024;        // requests waiting for one of them; past it, 503
  int keep_alive_timeout_s = 15;
  int max_keep_alive_requests = 1000;
  int max_body_bytes = 1 << 20;            // request body limit of a route without its own
  std::map<std::string, int> body_limits;  // route prefix -> its body limit in bytes
  int body_timeout_ms = 10000;             // a body must arrive whole within this
  // Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses).
  std::vector<std::string> trusted_proxies;
};

// Monthly bills (docs/billing.md).
struct BillingSettings {
  bool auto_close = true;      // close each tenant's previous month by itself
  int close_after_hours = 24;  // after the month's end in the tenant's zone
};

// Outgoing mail (docs/mail.md): the relay the outbox is delivered to.
struct MailConfig {
  std::string relay_host;  // empty: mail is kept in the outbox, not sent
  uint16_t relay_port = 25;
  std::string starttls = "optional";  // off, optional, required
  std::string user, password;
  int timeout_ms = 30000;
  std::string from = "mvne@localhost";
  std::string from_name = "MVNE";
  int max_attempts = 12;
  int lease_s = 600;      // a claimed message waits this long for a deliverer that died
  std::string templates;  // directory of per-tenant notice templates; empty: built-in wording
};

// The hold-and-notify relay (docs/relay.md). Neither listener runs unless configured.
struct RelayConfig {
  std::string listen;                  // submission (AUTH over STARTTLS), host:port; empty: off
  std::string filter_listen;           // behind Postfix as a content filter, host:port; empty: off
  std::string tls_cert, tls_key;       // PEM files; without them STARTTLS (and so AUTH) is off
  std::string hostname = "localhost";  // in the greeting and in Message-IDs it adds
  int max_message_kib = 10240;
  int max_recipients = 100;
  int max_connections = 100;  // per listener; past it, "421 try later"
  int idle_timeout_s = 300;
  int hold_s = 300;                // a tenant's hold unless `mvnectl relay policy` set one
  std::string on_expiry = "send";  // send, or discard
  std::string public_url;  // base of the links in notices; default http://127.0.0.1:<http port>
};

// Consumer logins (docs/consumers.md).
struct PortalSettings {
  int hash_memory_kib = 65536;  // argon2id memory per password hash
  int hash_passes = 2;          // argon2id passes
  int hash_parallel = 2;        // password hashes computed at once
  int browser_idle_minutes = 30;
  int browser_absolute_hours = 12;
  int app_idle_days = 30;
  int app_absolute_days = 90;
  std::string secure_cookies = "auto";  // auto (when served over TLS), always, never
};

// A plugin the operator lets serve routes at `prefix` (and below) although they lie
// inside, or around, another plugin's route prefix.
struct NestedRoute {
  std::string plugin;
  std::string prefix;
};

// The operator lets plugin `reader` read plugin `owner`'s record kind `kind` (which the
// reader must also declare in its descriptor); rows stay scoped to the principal.
struct ReadGrant {
  std::string reader, owner, kind;
};

struct PluginSettings {
  std::vector<std::string> dirs;     // searched in order for mvne_NAME.so
  std::vector<std::string> enabled;  // in start order
  std::vector<std::string> required;
  // What one plugin callback may hold, and keys per (plugin, tenant) key-value store.
  int max_open_cursors = 16;
  int max_callback_mib = 64;
  int kv_max_keys = 100000;
  std::vector<NestedRoute> nested_routes;
  std::vector<ReadGrant> read_grants;
};

struct StorageConfig {
  std::string backend = "sqlite";  // sqlite or mysql
  std::string path;                // sqlite file; default var/mvne.db beside the config dir
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string database = "mvne";
  std::string user = "mvne";
  std::string password_file;  // the password is read from here, never from the config
  int pool_size = 8;
  int max_connections = 32;       // open at once, in use or idle; more callers wait
  int acquire_timeout_ms = 2000;  // how long a caller waits for one before 503
};

struct NumberingConfig {
  std::string country_code = "81";
  std::string national_prefix = "0";
  std::string international_prefix = "00";
};

struct AuditSettings {
  std::string key_file;  // the audit chain's keys (owner-only); default var/audit.key
};

using Section = std::map<std::string, std::string>;

struct Settings {
  std::string source;    // the config file, for messages
  std::string base_dir;  // relative paths resolve against this (the config file's directory)
  HostSettings host;
  LogSettings log;
  HttpSettings http;
  PluginSettings plugins;
  StorageConfig storage;
  NumberingConfig numbering;
  AuditSettings audit;
  PortalSettings portal;
  BillingSettings billing;
  MailConfig mail;
  RelayConfig relay;
  std::map<std::string, Section> plugin_sections;  // [plugin.NAME] -> its keys
  std::vector<IniEntry> effective;                 // every key and where it came from
};

// Reads `path`, applies `overrides` (section.key=value) and validates the result.
// Relative paths in the file are resolved against the file's directory.
StatusOr<Settings> load_settings(const std::string& path,
                                 const std::vector<std::string>& overrides);

// Same, from text already read (for tests and reloads).
StatusOr<Settings> parse_settings(const std::string& text, const std::string& source,
                                  const std::string& base_dir,
                                  const std::vector<std::string>& overrides);

// The effective configuration as INI text, defaults included, one key per line.
// `secrets` ("plugin.NAME.key") are shown as (hidden), besides keys whose names say so.
std::string render_settings(const Settings& settings, const std::set<std::string>& secrets = {});

// The documented keys as "section.key", for the test that keeps config/mvne.conf complete.
std::vector<std::string> known_keys();

}  // namespace mvne::config
