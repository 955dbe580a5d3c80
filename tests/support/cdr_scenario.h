// A month of switch and SMSC traffic for eight MVNOs, with what each of them must see.
// The expectation is fixed when the traffic is generated (each record is made for a known
// holder), never derived from the host's attribution. The scenario holds:
//  - a number that moves between tenants mid-month (alpha -> bravo, and echo -> foxtrot),
//  - a number that moves between two subscribers of one tenant (charlie),
//  - an operator mistake: delta's SIM carries a number keyed into golf's account, so the
//    switch reports MSISDN (golf) and IMSI (delta) that disagree: seed case 1 would have
//    sent those records to golf; here they must land in quarantine,
//  - hotel has voice_cdr but not sms enabled,
//  - malformed lines and repeated lines in the files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/tenancy/directory.h"

namespace mvne::testing {

struct ExpectedRecord {
  std::string id;
  std::string tenant;  // "" when it must be quarantined
  std::string msisdn;  // E.164
  int64_t at = 0;      // event time, UTC microseconds
  int64_t units = 0;   // billable seconds or segments
  double charge = 0;
  std::string rating_class;  // call type or SMS direction
};

struct SpoolFile {
  std::string name;
  std::string content;
  int64_t data_lines = 0;  // non-blank lines after the header
  std::vector<int64_t> malformed_lines;
  std::vector<std::string> repeated_ids;  // records whose line appears a second time
};

struct CdrScenario {
  std::vector<tenancy::Tenant> tenants;  // export_dir relative to the host's base dir
  std::vector<tenancy::Plan> plans;
  std::vector<tenancy::Subscriber> subscribers;
  // Directory operations in order: assignments, then moves (kind MSISDN).
  std::vector<tenancy::LineAssignment> assignments;
  std::vector<tenancy::LineAssignment> moves;

  std::vector<SpoolFile> voice_files, sms_files;
  std::vector<ExpectedRecord> voice, sms;      // each distinct record once
  int64_t voice_repeats = 0, sms_repeats = 0;  // lines that repeat a record

  // Ids of `records` expected for `tenant` with local date `date` ("" for any date).
  std::set<std::string> ids_for(const std::vector<ExpectedRecord>& records,
                                const std::string& tenant, const std::string& date = "") const;
  std::set<std::string> quarantined_ids(const std::vector<ExpectedRecord>& records) const;
  // The account that held the record's number when it happened, by the scenario's own
  // assignments and moves ("" when the record must be quarantined).
  std::string holder_of(const ExpectedRecord& r) const;
  const tenancy::Tenant& tenant(const std::string& code) const;
};

CdrScenario make_cdr_scenario();

// After a correction of assignment history: the records of `msisdn` (E.164) from `from` on
// belong to `tenant` at its prices ("": they must be in quarantine).
void reassign_expected(CdrScenario& s, const std::string& msisdn, int64_t from,
                       const std::string& tenant);

// Creates tenants, plans, subscribers, assignments and moves; fails the test on error.
void apply_directory(const CdrScenario& s, tenancy::Directory& directory);

// The checks every run of the scenario makes, in-process or through real processes.
struct ScenarioProbe {
  // GET target with the tenant's key, Accept header; returns (status, body).
  std::function<std::pair<int, std::string>(const std::string& tenant, const std::string& target,
                                            const std::string& accept)>
      get;
  // Runs the export and returns the CSV file's content, or "" on failure.
  std::function<std::string(const std::string& plugin, const std::string& tenant,
                            const std::string& date)>
      export_file;
};

void check_tenant_views(const CdrScenario& s, const ScenarioProbe& probe);

// GET target with the session of consumer (tenant, account); returns (status, body).
using ConsumerGet = std::function<std::pair<int, std::string>(
    const std::string& tenant, const std::string& account, const std::string& target)>;
// Every subscriber, logged in, lists exactly the calls and messages made on its lines while
// it held them (seed cases 4 and 5: never a previous or next holder's).
void check_consumer_views(const CdrScenario& s, const ConsumerGet& get);
void check_exports(const CdrScenario& s, const ScenarioProbe& probe,
                   const std::vector<std::string>& dates);

}  // namespace mvne::testing
