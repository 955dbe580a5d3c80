#include "core/records/attribution.h"

#include <set>

#include "core/common/isolation_layers.h"
#include "core/common/time.h"
#include "core/storage/statement_shapes.h"

namespace mvne::records {

namespace {

Candidate to_candidate(const storage::Row& r) {
  return {storage::as_int(r[0]), storage::as_int(r[1]),
          storage::as_int(r[2]), storage::as_int(r[3]),
          storage::as_int(r[4]), storage::as_int(r[5]),
          storage::as_int(r[7]), storage::as_text(r[8]) + "/" + storage::as_text(r[9])};
}

constexpr const char* kCandidateColumns =
    "SELECT a.id, a.tenant_id, a.subscriber_id, a.line_ref, a.valid_from, a.valid_to, "
    "a.identifier, a.plan_id, t.code, s.account_id FROM assignments a "
    "JOIN tenants t ON t.id = a.tenant_id JOIN subscribers s ON s.id = a.subscriber_id "
    "WHERE a.id_kind = ? AND ";

}  // namespace

CandidateLookup database_lookup(storage::Connection& c) {
  return [&c](tenancy::IdKind kind, const std::string& id,
              int64_t t) -> StatusOr<std::vector<Candidate>> {
    auto rows = c.query(std::string(kCandidateColumns) +
                            "a.identifier = ? AND a.valid_from <= ? AND a.valid_to > ?",
                        {tenancy::id_kind_name(kind), id, t, t});
    if (!rows.ok()) return rows.status();
    std::vector<Candidate> out;
    for (const auto& r : rows.value()) out.push_back(to_candidate(r));
    return out;
  };
}

StatusOr<BatchLookup> BatchLookup::load(
    storage::Connection& c, const std::vector<std::pair<tenancy::IdKind, std::string>>& ids) {
  BatchLookup batch;
  std::map<tenancy::IdKind, std::set<std::string>> wanted;
  for (const auto& [kind, id] : ids) {
    if (!id.empty()) wanted[kind].insert(id);
  }
  for (const auto& [kind, set] : wanted) {
    std::vector<std::string> all(set.begin(), set.end());
    for (size_t i = 0, n = 0; i < all.size(); i += n) {
      n = storage::statement_rows(all.size() - i);
      const size_t shape = storage::padded_rows(n);
      storage::Params params = {tenancy::id_kind_name(kind)};
      params.insert(params.end(), all.begin() + static_cast<std::ptrdiff_t>(i),
                    all.begin() + static_cast<std::ptrdiff_t>(i + n));
      storage::pad_rows(params, n + 1, shape + 1);  // the id kind stays first
      auto rows = c.query(std::string(kCandidateColumns) + "a.identifier IN (" +
                              storage::placeholders(shape, 1) + ")",
                          params);
      if (!rows.ok()) return rows.status();
      for (const auto& r : rows.value()) {
        batch.by_identifier_[{static_cast<int>(kind), storage::as_text(r[6])}].push_back(
            to_candidate(r));
      }
    }
  }
  return batch;
}

StatusOr<BatchLookup> AssignmentCache::load(
    storage::Connection& c, const std::vector<std::pair<tenancy::IdKind, std::string>>& ids) {
  auto rows = c.query("SELECT version FROM directory_version WHERE id = 1");
  if (!rows.ok()) return rows.status();
  const int64_t version = rows->empty() ? 0 : storage::as_int(rows.value()[0][0]);
  BatchLookup batch;
  std::vector<std::pair<tenancy::IdKind, std::string>> missing;
  {
    std::lock_guard lock(mu_);
    if (version != version_) {
      known_.clear();
      version_ = version;
    }
    for (const auto& [kind, id] : ids) {
      auto it = known_.find({static_cast<int>(kind), id});
      if (it == known_.end()) {
        missing.emplace_back(kind, id);
      } else if (!it->second.empty()) {
        batch.by_identifier_[it->first] = it->second;
      }
    }
  }
  auto loaded = BatchLookup::load(c, missing);
  if (!loaded.ok()) return loaded.status();
  std::lock_guard lock(mu_);
  if (known_.size() + missing.size() > kMaxEntries) known_.clear();
  for (const auto& [kind, id] : missing) {
    std::pair<int, std::string> key{static_cast<int>(kind), id};
    auto it = loaded->by_identifier_.find(key);
    std::vector<Candidate> candidates =
        it == loaded->by_identifier_.end() ? std::vector<Candidate>() : it->second;
    if (version == version_) known_[key] = candidates;
    if (!candidates.empty()) batch.by_identifier_[key] = std::move(candidates);
  }
  return batch;
}

CandidateLookup BatchLookup::lookup() const {
  return [this](tenancy::IdKind kind, const std::string& id,
                int64_t t) -> StatusOr<std::vector<Candidate>> {
    std::vector<Candidate> out;
    auto it = by_identifier_.find({static_cast<int>(kind), id});
    if (it == by_identifier_.end()) return out;
    for (const Candidate& c : it->second) {
      if (c.valid_from <= t && c.valid_to > t) out.push_back(c);
    }
    return out;
  };
}

StatusOr<Attribution> attribute(const std::vector<std::pair<tenancy::IdKind, std::string>>& ids,
                                int64_t event_time, const tenancy::NumberingPlan& numbering,
                                const CandidateLookup& lookup) {
  Attribution result;
  bool any = false;
  for (const auto& [kind, raw] : ids) {
    if (raw.empty()) continue;
    auto normalized = tenancy::normalize(kind, raw, numbering);
    if (!normalized.ok()) {
      result.reason = normalized.status().message();
      return result;
    }
    std::string what = std::string(tenancy::id_kind_name(kind)) + " " + normalized.value();
    // With the layer off (a test build showing what it stops), the current holder's.
    auto rows = lookup(kind, normalized.value(),
                       layer_off(Layer::kTimeAttribution) ? now_us() : event_time);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      result.reason = what + " has no assignment at " + format_time_us(event_time);
      return result;
    }
    if (rows->size() > 1) {
      result.reason = what + " has " + std::to_string(rows->size()) + " assignments at " +
                      format_time_us(event_time);
      return result;
    }
    const Candidate& r = rows.value()[0];
    int64_t tenant = r.tenant_id;
    int64_t subscriber = r.subscriber_id;
    if (!any) {
      result.assignment_id = r.assignment_id;
      result.tenant_id = tenant;
      result.subscriber_id = subscriber;
      result.line_ref = r.line_ref;
      result.plan_id = r.plan_id;
      result.holder = r.holder;
      any = true;
    } else if (tenant != result.tenant_id || subscriber != result.subscriber_id) {
      result.reason = "identifiers disagree: " + what + " belongs to " + r.holder +
                      ", the record's other identifiers to " + result.holder + " at " +
                      format_time_us(event_time);
      return result;
    }
  }
  if (!any) {
    result.reason = "no identifier (MSISDN, IMSI or ICCID) in the record";
    return result;
  }
  result.attributed = true;
  return result;
}

}  // namespace mvne::records
