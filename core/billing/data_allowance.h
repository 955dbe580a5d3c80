// Data quotas. Each month of its tenant's calendar a subscriber may use its plan's
// data_quota_bytes, plus the part of the month before's own quota it left unused (carried
// over for one month, and used first). "Used" is the sum of the record fields a plugin
// declared with MVNE_ROLE_QUOTA_BYTES (high-speed bytes), attributed to the subscriber.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/auth/principal.h"
#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::billing {

struct DataBalance {
  std::string month;  // YYYY-MM
  int64_t from = 0, to = 0;
  int64_t quota = 0;         // the plan's bytes for the month
  int64_t carried_over = 0;  // unused quota of the month before
  int64_t used = 0;
  int64_t left = 0;  // quota + carried over - used, never below 0
};

// The part of a month's own quota left at its end, carried into the next month: carried-over
// bytes are used first, so it is quota - max(0, used - carried_in), between 0 and quota.
int64_t carried_out(int64_t quota, int64_t carried_in, int64_t used);

// A record table with a quota-bytes column.
struct QuotaColumn {
  std::string table, column;
};
StatusOr<std::vector<QuotaColumn>> quota_columns(storage::Connection& c);

// Quota bytes used in [from, to) by each subscriber of the tenant that used any
// (`subscriber_id` > 0: that subscriber only).
StatusOr<std::map<int64_t, int64_t>> quota_used(storage::Connection& c,
                                                const std::vector<QuotaColumn>& columns,
                                                int64_t tenant_id, int64_t subscriber_id,
                                                int64_t from, int64_t to);

// Bytes carried into `month` by one subscriber: from its last bill before the month when
// there is one (bills keep what they carried out), else computed month by month from the
// later of its first line's start and twelve months before.
StatusOr<int64_t> carried_into(storage::Connection& c, const std::vector<QuotaColumn>& columns,
                               int64_t tenant_id, int64_t subscriber_id, const std::string& zone,
                               const std::string& month, int64_t quota);

class DataAllowance {
 public:
  explicit DataAllowance(std::shared_ptr<storage::Database> db);

  // The balance of the consumer `who` for `month` (YYYY-MM; empty: the month holding
  // `now_us`) in its tenant's zone.
  StatusOr<DataBalance> balance(const auth::Principal& who, const std::string& month,
                                int64_t now_us);

 private:
  // The record kinds change only when a plugin declares one: read again after 30 s.
  StatusOr<std::vector<QuotaColumn>> columns_cached(storage::Connection& c, int64_t now_us);

  std::shared_ptr<storage::Database> db_;
  std::mutex mu_;
  std::vector<QuotaColumn> columns_;  // guarded by mu_
  int64_t columns_read_at_ = 0;       // guarded by mu_
};

}  // namespace mvne::billing
