// A record kind as a plugin declares it (typed fields, the fields that identify the line,
// the event time and the dedup key), checked and turned into the host's table for it.
#pragma once

#include <mvne/plugin.h>

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/storage/value.h"
#include "core/tenancy/identifiers.h"

namespace mvne::records {

struct FieldDef {
  std::string name;
  int32_t type = 0;    // MVNE_FIELD_*
  uint32_t roles = 0;  // MVNE_ROLE_*
};

struct KindDef {
  std::string plugin;
  std::string kind;
  std::vector<FieldDef> fields;
  int32_t rating = MVNE_RATING_NONE;  // MVNE_RATING_*

  // Derived by validate():
  std::string table;          // rec_<plugin>_<kind>
  size_t event_time = 0;      // index of the event time field
  std::vector<size_t> dedup;  // indexes of the dedup key fields
  std::vector<std::pair<tenancy::IdKind, size_t>> identifiers;
  // Rated kinds only: indexes of the units, class and charge fields.
  int rated_units = -1, rating_class = -1, charge = -1;
  // The field counted against the plan's data quota (MVNE_ROLE_QUOTA_BYTES), or -1.
  int quota_bytes = -1;

  // Index of the field `name`, or -1.
  int field_index(const std::string& name) const;
};

// Checks names, types and roles (exactly one event time of type TIME, at least one
// identifier of type TEXT, at least one dedup field; a rated kind has one INT64 units, one
// TEXT class and one DOUBLE charge field; at most one INT64 quota-bytes field) and fills
// the derived members.
Status validate(KindDef& kind);

// True when `v` (or NULL) can be stored in a field of `type` (MVNE_FIELD_*); its name.
bool type_matches(const storage::Value& v, int32_t type);
const char* type_name(int32_t type);
// Why `record` does not fit the kind's fields (value count, types), or "".
std::string value_problem(const KindDef& k, const storage::Row& record);

// A KindDef from the C spec; fails on malformed strings or counts.
StatusOr<KindDef> from_spec(const std::string& plugin, const mvne_record_kind_spec& spec);

}  // namespace mvne::records
