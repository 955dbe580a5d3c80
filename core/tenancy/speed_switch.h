// The consumer's high-speed switch (on: data at the plan's full speed, counted against the
// quota; off: low speed, not counted). The host keeps the state per subscriber and every
// change in order; the MVNO's policy system polls the changes through the tenant API and
// applies them in the network.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/storage/database.h"

namespace mvne::tenancy {

struct SpeedState {
  bool high_speed = true;  // the default until the consumer changes it
  int64_t changed_at = 0;  // 0: never changed
};

struct SpeedChange {
  int64_t id = 0;  // increasing: the feed's cursor
  std::string account_id;
  bool high_speed = true;
  int64_t changed_at = 0;
};

class SpeedSwitch {
 public:
  explicit SpeedSwitch(std::shared_ptr<storage::Database> db);

  StatusOr<SpeedState> state(int64_t subscriber_id);
  // Sets the switch; a change to the state it already has is no change (nothing recorded).
  // Returns the state after.
  StatusOr<SpeedState> set(int64_t tenant_id, int64_t subscriber_id, bool high_speed,
                           const std::string& changed_by, int64_t now_us);
  // The tenant's changes with id > `after`, oldest first, at most `limit`.
  StatusOr<std::vector<SpeedChange>> changes(int64_t tenant_id, int64_t after, int limit);

 private:
  std::shared_ptr<storage::Database> db_;
};

}  // namespace mvne::tenancy
