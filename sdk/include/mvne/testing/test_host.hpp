// mvne/testing/test_host.hpp: a host in the test's own process, for plugin authors.
//
// TestHost loads plugin libraries into the real host code (the same plugin loader, host
// functions, record store, spooler, exporter and HTTP front end as mvne-host) on a
// temporary SQLite database, with helpers to set up tenants, plans, subscribers, lines and
// keys, to drop a spool file and see what became of it, to call a route as a tenant or a
// consumer, and to run an export. Link `mvne::testing` (installed with the SDK); usable from
// GoogleTest or any other framework. Every helper throws std::runtime_error naming what
// failed and why, so a test fails with the host's own message.
//
//   mvne::testing::TestHost host({.plugin_dirs = {MMS_PLUGIN_DIR}, .plugins = {"mms"},
//                                 .settings = {"plugin.mms.spool_dir={dir}/mms"}});
//   host.add_tenant("acme");
//   host.add_plan("acme", {.code = "basic", .class_rates = "mms=10"});
//   host.add_subscriber("acme", "A-1", "basic");
//   host.assign_line("acme", "A-1", "09012345678", "2026-01-01T00:00:00+09:00");
//   auto file = host.spool("mms", "mmsc-1.csv", "...");     // file.stored, file.quarantined
//   auto r = host.get("/api/v1/mms/records", host.api_key("acme"));   // r.status, r.body
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#define MVNE_TESTING_API __attribute__((visibility("default")))

namespace mvne::testing {

struct MVNE_TESTING_API Response {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  // The value of header `name` (any case), or "" when absent.
  std::string header(const std::string& name) const;
};

// What one spool file became.
struct SpoolOutcome {
  bool done = false;   // moved to done/; false: moved to failed/
  std::string error;   // why it failed (the report beside it in failed/)
  int64_t stored = 0;  // records stored
  int64_t duplicates = 0;
  int64_t quarantined = 0;  // records the host could not attribute, and lines refused
};

// A plan's prices (all 0 unless set).
struct Plan {
  std::string code = {};
  std::string class_rates = {};  // per unit by rating class, e.g. "mms=10,video=25"
  double monthly_fee = 0;
  double voice_per_minute = 0;
  double sms_per_segment = 0;
  int64_t data_quota_bytes = 0;
};

// One item waiting in quarantine.
struct QuarantineItem {
  std::string plugin, kind;
  std::string source;  // "file:line" for spool lines
  std::string reason;
};

class MVNE_TESTING_API TestHost {
 public:
  struct Options {
    std::vector<std::string> plugin_dirs = {};  // searched in order for mvne_NAME.so
    std::vector<std::string> plugins = {};      // enabled, in start order
    // Configuration as "section.key=value" (e.g. "plugin.mms.spool_dir={dir}/mms"); "{dir}"
    // is replaced by the host's temporary directory.
    std::vector<std::string> settings = {};
  };

  // Starts the host and every plugin in `options.plugins`; throws when one does not start.
  explicit TestHost(Options options);
  ~TestHost();  // stops the plugins and removes the temporary directory
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  const std::string& dir() const;  // the temporary directory
  uint16_t port() const;           // the HTTP front end, on 127.0.0.1

  // The directory. Times are ISO 8601 with an offset. A tenant has every plugin of the host
  // enabled, and its export files go to dir()/exports/<tenant>.
  void add_tenant(const std::string& code, const std::string& time_zone = "Asia/Tokyo");
  void add_plan(const std::string& tenant, const Plan& plan);
  void add_subscriber(const std::string& tenant, const std::string& account,
                      const std::string& plan);
  void assign_line(const std::string& tenant, const std::string& account, const std::string& msisdn,
                   const std::string& from, const std::string& imsi = "");
  // Moves a number to another subscriber (of any tenant) from `at` on.
  void move_line(const std::string& msisdn, const std::string& to_tenant,
                 const std::string& to_account, const std::string& at);

  // Bearer tokens: a new API key of the tenant; a consumer's session (password set, logged
  // in through the app API).
  std::string api_key(const std::string& tenant);
  std::string consumer_token(const std::string& tenant, const std::string& account);

  // Writes `content` as file `name` into the spool directory `plugin` registered (as a
  // .part file, then renamed, as a producer should) and processes it now.
  SpoolOutcome spool(const std::string& plugin, const std::string& name,
                     const std::string& content);
  std::vector<QuarantineItem> quarantine() const;

  // HTTP to the front end; `token` empty: no Authorization header.
  Response get(const std::string& target, const std::string& token = "",
               const std::vector<std::pair<std::string, std::string>>& headers = {});
  Response post(const std::string& target, const std::string& token, const std::string& body,
                const std::string& content_type = "application/json");

  // Runs the plugin's export `name` (empty: its first) for the tenant's local day `date`
  // (YYYY-MM-DD) and returns the file's content.
  std::string run_export(const std::string& plugin, const std::string& tenant,
                         const std::string& date, const std::string& name = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mvne::testing
