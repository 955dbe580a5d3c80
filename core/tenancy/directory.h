// What the platform team manages: tenants (MVNOs), their plans and subscribers, and the
// effective-dated assignments of line identifiers to subscribers. Every change is
// validated as a whole and refused with every problem listed; nothing is half-applied.
// History is never rewritten: moving a number closes the old assignment.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/records/reattribution.h"
#include "core/storage/database.h"
#include "core/tenancy/identifiers.h"

namespace mvne::tenancy {

struct Tenant {
  int64_t id = 0;
  std::string code;
  std::string name;
  std::string time_zone = "UTC";
  std::string export_dir;
  std::vector<std::string> plugins;  // enabled for this tenant, on top of the global config
};

struct Plan {
  int64_t id = 0;
  std::string tenant_code;
  std::string code;
  std::string name;
  int64_t data_quota_bytes = 0;
  double voice_per_minute = 0;
  int64_t voice_increment_s = 1;  // 1: per-second billing, 60: per-minute
  double sms_per_segment = 0;
  double data_per_mb = 0;
  std::string voice_rates;  // by call type: "roaming=180/60,incoming=0/1"; others: the above
  double monthly_fee = 0;   // on every bill of a subscriber on this plan
  std::string class_rates = {};  // per unit by rating class (MVNE_RATING_CLASS): "mms=10,..."
};

struct Subscriber {
  int64_t id = 0;
  std::string tenant_code;
  std::string account_id;  // e.g. the portal login id
  std::string service_code;
  std::string plan_code;
  std::string email;
};

// One line handed to a subscriber for [valid_from, valid_to): up to three identifiers.
struct LineAssignment {
  std::string tenant_code;
  std::string account_id;
  std::string plan_code;            // empty: the subscriber's plan
  std::string msisdn, imsi, iccid;  // raw; at least one
  int64_t valid_from = 0;
  int64_t valid_to = 0;  // kForever when open-ended
};

struct AssignmentRow {
  int64_t id = 0;
  std::string id_kind;
  std::string identifier;
  int64_t line_ref = 0;
  std::string tenant_code;
  std::string account_id;
  std::string plan_code;
  int64_t valid_from = 0;
  int64_t valid_to = 0;
};

// What a change of assignment history did: the records it covered were attributed again
// in the same transaction (to the new holder, or to quarantine).
struct Correction {
  int64_t line_ref = 0;  // the new holder's line (move)
  int ended = 0;         // assignments closed
  records::Reattributed records;
};

class Directory {
 public:
  Directory(std::shared_ptr<storage::Database> db, NumberingPlan plan);

  StatusOr<int64_t> add_tenant(const Tenant& tenant);
  StatusOr<std::vector<Tenant>> tenants();
  StatusOr<Tenant> tenant(const std::string& code);

  StatusOr<int64_t> add_plan(const Plan& plan);
  StatusOr<std::vector<Plan>> plans(const std::string& tenant_code);

  StatusOr<int64_t> add_subscriber(const Subscriber& subscriber);
  StatusOr<std::vector<Subscriber>> subscribers(const std::string& tenant_code);
  // The tenant's merged accounts: account id -> the account it was merged into.
  StatusOr<std::map<std::string, std::string>> merged_accounts(const std::string& tenant_code);

  // Assigns a line; refused when any identifier overlaps an existing assignment.
  StatusOr<int64_t> assign(const LineAssignment& line);

  // Validates every row first and applies all of them in one transaction, or none; the
  // error lists every problem with its row number.
  StatusOr<int> import_assignments(const std::vector<LineAssignment>& lines);

  // Closes the open assignment of `identifier` at `at` and assigns it to `to` from `at`;
  // `to`'s other identifiers that are assigned at `at` (the SIM handed over with the
  // number) are closed there too. Records already attributed through it from `at` on go to the new
  // holder (or to quarantine when their other identifiers disagree), in the same transaction.
  StatusOr<Correction> move(IdKind kind, const std::string& identifier, const LineAssignment& to);

  // Ends the assignment of `identifier` that covers `at` (e.g. a contract terminated);
  // records already attributed through it from `at` on go to quarantine with the reason.
  StatusOr<Correction> end(IdKind kind, const std::string& identifier, int64_t at);
  // The same for several identifiers in one transaction; with `whole_line`, every
  // identifier assigned with them (one SIM's MSISDN, IMSI and ICCID) ends too.
  StatusOr<Correction> end(const std::vector<std::pair<IdKind, std::string>>& identifiers,
                           int64_t at, bool whole_line);

  // Replaces the plugins enabled for a tenant.
  Status set_tenant_plugins(const std::string& tenant_code,
                            const std::vector<std::string>& plugins);

  // Merges account `from` into `into` (one holder recorded twice): its lines and records
  // move to `into`. Refused, with every problem listed, when the accounts look like two
  // holders' (different e-mail addresses or service codes) or cannot be merged.
  Status merge_accounts(const std::string& tenant_code, const std::string& from,
                        const std::string& into);

  // Assignments of one identifier (all history), or of one tenant.
  StatusOr<std::vector<AssignmentRow>> history(IdKind kind, const std::string& identifier);
  StatusOr<std::vector<AssignmentRow>> assignments_of(const std::string& tenant_code);
  // One subscriber by id, and the assignments it holds (or held), oldest first: what a
  // consumer is shown of its own contract.
  StatusOr<Subscriber> subscriber(int64_t subscriber_id);
  StatusOr<std::vector<AssignmentRow>> assignments_of_subscriber(int64_t subscriber_id);

  const NumberingPlan& numbering() const { return numbering_; }
  storage::Database& db() { return *db_; }

 private:
  struct Resolved;
  // Normalises and checks one line against the database (and earlier lines of the same
  // batch); appends each problem to `problems`.
  std::optional<Resolved> resolve(storage::Connection& c, const LineAssignment& line,
                                  const std::vector<Resolved>& batch,
                                  std::vector<std::string>& problems);
  StatusOr<int64_t> insert(storage::Connection& c, const Resolved& line);
  // Resolves and inserts one line; `what` names the operation in the refusal.
  StatusOr<int64_t> assign_one(storage::Connection& c, const LineAssignment& line,
                               const char* what);
  // Ends the assignment of `id` (normalised) covering `at`, at `at`; returns the window
  // it lost.
  StatusOr<records::HistoryChange> close_at(storage::Connection& c, IdKind kind,
                                            const std::string& id, int64_t at);

  std::shared_ptr<storage::Database> db_;
  NumberingPlan numbering_;
};

}  // namespace mvne::tenancy
