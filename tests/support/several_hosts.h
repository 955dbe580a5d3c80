// Three mvne-host processes sharing one database (one MariaDB, or a Galera node each) and one
// spool directory, driven through their real protocols:
//  - the eight-MVNO switch and SMSC files (cdr_scenario.h) dropped while the hosts run, one
//    host killed with kill -9 in the middle of them and started again;
//  - RADIUS accounting (radclient) whose Start, Interim-Update and Stop of one session go to
//    different hosts, each Interim and Stop sent again to a third host (a gateway failing
//    over after a lost answer);
//  - every tenant's reads through nginx balancing over the three hosts.
// At the end every record is stored exactly once and attributed as the scenario says (the
// expectation fixed when the traffic was made), each session counts its bytes once, and each
// tenant reads only its own (check_tenant_views).
#pragma once

#include <functional>
#include <vector>

#include "core/storage/database.h"

namespace mvne::testing {

// `database_of_host[i]`: what host i connects to (three entries). `meanwhile` runs while the
// files are being ingested (a Galera node stopped and started again); it may be empty.
void run_three_hosts(const std::vector<storage::StorageSettings>& database_of_host,
                     const std::function<void()>& meanwhile);

}  // namespace mvne::testing
