#include "core/tenancy/speed_switch.h"

namespace mvne::tenancy {

using storage::as_int;
using storage::as_text;

SpeedSwitch::SpeedSwitch(std::shared_ptr<storage::Database> db) : db_(std::move(db)) {}

StatusOr<SpeedState> SpeedSwitch::state(int64_t subscriber_id) {
  auto rows = db_->query(
      "SELECT high_speed, changed_at FROM speed_switches WHERE subscriber_id = ?", {subscriber_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return SpeedState{};
  return SpeedState{as_int(rows.value()[0][0]) != 0, as_int(rows.value()[0][1])};
}

StatusOr<SpeedState> SpeedSwitch::set(int64_t tenant_id, int64_t subscriber_id, bool high_speed,
                                      const std::string& changed_by, int64_t now_us) {
  SpeedState after;
  Status st = db_->transaction([&](storage::Connection& c) {
    auto rows = c.query(
        "SELECT high_speed, changed_at FROM speed_switches WHERE subscriber_id = ?{for_update}",
        {subscriber_id});
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) after = {as_int(rows.value()[0][0]) != 0, as_int(rows.value()[0][1])};
    if (after.high_speed == high_speed) return Status::Ok();
    after = {high_speed, now_us};
    Status s = c.execute("DELETE FROM speed_switches WHERE subscriber_id = ?", {subscriber_id});
    if (s.ok()) {
      s = c.execute(
          "INSERT INTO speed_switches (subscriber_id, high_speed, changed_at) VALUES (?, ?, ?)",
          {subscriber_id, int64_t{high_speed}, now_us});
    }
    if (s.ok()) {
      s = c.execute(
          "INSERT INTO speed_changes (tenant_id, subscriber_id, high_speed, changed_at, "
          "changed_by) VALUES (?, ?, ?, ?, ?)",
          {tenant_id, subscriber_id, int64_t{high_speed}, now_us, changed_by});
    }
    return s;
  });
  if (!st.ok()) return st;
  return after;
}

StatusOr<std::vector<SpeedChange>> SpeedSwitch::changes(int64_t tenant_id, int64_t after,
                                                        int limit) {
  return db_->select<SpeedChange>(
      "SELECT c.id, s.account_id, c.high_speed, c.changed_at FROM speed_changes c "
      "JOIN subscribers s ON s.id = c.subscriber_id WHERE c.tenant_id = ? AND c.id > ? "
      "ORDER BY c.id LIMIT " +
          std::to_string(limit),
      {tenant_id, after}, [](const storage::Row& r) {
        return SpeedChange{as_int(r[0]), as_text(r[1]), as_int(r[2]) != 0, as_int(r[3])};
      });
}

}  // namespace mvne::tenancy
