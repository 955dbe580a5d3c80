// mvnectl's sub-commands: each one declares its options and runs against the host's
// storage. Exit codes: 0 done, 1 refused or failed (the message says why), 2 bad usage.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/audit/audit_log.h"
#include "core/auth/api_keys.h"
#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/exports/tenant_file.h"
#include "core/platform/services.h"

namespace mvne::ctl {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

// What a command works with, opened once per run.
class Session {
 public:
  Session(config::Settings settings, bool json, std::string operator_name);

  Status open();  // the database, with migrations applied
  tenancy::Directory& directory() { return *services_->directory; }
  auth::ApiKeys& keys() { return *services_->keys; }
  audit::AuditLog& audit() { return *services_->audit; }
  storage::Database& db() { return *services_->db; }
  records::RecordStore& records() { return *services_->records; }
  platform::Services* services() { return services_.get(); }
  const config::Settings& settings() const { return settings_; }

  // Prints `value`: as JSON with --json, else as text (arrays of objects as a table).
  void print(const nlohmann::ordered_json& value) const;
  // Records an operator action in the audit log; a failure to audit fails the command.
  Status audit_action(const std::string& action, const std::string& detail, int64_t rows = 1);

  bool json() const { return json_; }
  // The IANA zone of the tenant `code`; "" (UTC) when there is no such tenant (the command
  // then fails on the tenant itself, naming it).
  std::string time_zone_of(const std::string& code);

 private:
  config::Settings settings_;
  bool json_;
  std::string operator_;
  std::unique_ptr<platform::Services> services_;
};

struct Command {
  std::string group;
  std::string name;
  std::string summary;
  std::function<void(boost::program_options::options_description&)> options;
  std::function<int(Session&, const boost::program_options::variables_map&)> run;
};

std::vector<Command> tenancy_commands();
std::vector<Command> key_commands();
std::vector<Command> audit_commands();
std::vector<Command> export_commands();

// What mvnectl prints of a file delivered to a tenant (export run, bill export).
nlohmann::ordered_json file_json(const exports::Outcome& out);
std::vector<Command> quarantine_commands();
std::vector<Command> mail_commands();
std::vector<Command> subscriber_commands();
std::vector<Command> bill_commands();

std::vector<Command> relay_commands();

// The first line of `path`, or of standard input (not echoed on a terminal).
StatusOr<std::string> read_password(const std::string& path);

// Prints "mvnectl: <message>" to stderr and returns kFailed.
int refuse(const Status& status);

// A required option's value, as text.
std::string arg(const boost::program_options::variables_map& vm, const char* name);

}  // namespace mvne::ctl
