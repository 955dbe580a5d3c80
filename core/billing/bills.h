// Monthly bills. A tenant's month is closed once, in the tenant's time zone, after it has
// ended: every subscriber gets an immutable bill of its plan's monthly fee and the charges of
// its rated records (voice, SMS) of that month. What changes after closing never rewrites a
// bill: a record that arrives late, or one that a correction of assignment history moves to
// another holder or re-rates, becomes an adjustment on the holder's next bill (a charge for
// the new holder, a credit for the old one). Months are closed in order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::billing {

struct BillLine {
  std::string kind;   // plan, usage, late, correction
  std::string label;  // "Lite 3GB", "voice_cdr cdr", ...
  int64_t quantity = 0;
  double amount = 0;
};

struct Bill {
  int64_t id = 0;
  std::string tenant_code;
  std::string account_id;
  std::string period;  // YYYY-MM
  int64_t closed_at = 0;
  double total = 0;
  std::vector<BillLine> lines;
};

struct RunSummary {
  std::string tenant_code;
  std::string period;
  bool already_closed = false;  // closed by an earlier run: nothing was changed
  int64_t bills = 0;
  int64_t records = 0;      // records put on bills by this run
  int64_t adjustments = 0;  // of which late records and corrections
  double total = 0;
};

class Bills {
 public:
  explicit Bills(std::shared_ptr<storage::Database> db);

  // Closes `period` (YYYY-MM) for the tenant. Refused while the month has not ended in the
  // tenant's zone, or when a later month is already closed; run again, it changes nothing
  // and says so.
  StatusOr<RunSummary> close_month(const std::string& tenant_code, const std::string& period,
                                   int64_t now_us);

  // The tenant's bills of `period`, by account.
  StatusOr<std::vector<Bill>> of_tenant(const std::string& tenant_code, const std::string& period);
  // One subscriber's bills, newest first.
  StatusOr<std::vector<Bill>> of_subscriber(int64_t subscriber_id);
  // The subscriber's bill of the month under way at `now_us` (in its tenant's zone) as it
  // would be closed now: an estimate, never stored (closed_at is `now_us`).
  StatusOr<Bill> so_far(int64_t subscriber_id, int64_t now_us);

 private:
  StatusOr<std::vector<Bill>> read(const std::string& where, const storage::Params& params);

  std::shared_ptr<storage::Database> db_;
};

}  // namespace mvne::billing
