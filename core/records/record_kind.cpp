#include "core/records/record_kind.h"

#include <cstddef>
#include <set>
#include <tuple>

namespace mvne::records {
namespace {

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 48 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string text(mvne_str s) {
  return s.data == nullptr ? std::string() : std::string(s.data, s.len);
}

}  // namespace

int KindDef::field_index(const std::string& name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Status validate(KindDef& k) {
  std::string where = "record kind '" + k.kind + "' of plugin '" + k.plugin + "': ";
  if (!valid_name(k.kind)) return Status::Invalid(where + "kind names use a-z, 0-9 and _");
  if (k.fields.empty() || k.fields.size() > 64) return Status::Invalid(where + "1 to 64 fields");
  k.table = "rec_" + k.plugin + "_" + k.kind;
  k.dedup.clear();
  k.identifiers.clear();
  k.rated_units = k.rating_class = k.charge = k.quota_bytes = -1;
  int event_times = 0;
  std::set<std::string> names;
  for (size_t i = 0; i < k.fields.size(); ++i) {
    const FieldDef& f = k.fields[i];
    if (!valid_name(f.name))
      return Status::Invalid(where + "field '" + f.name + "': names use a-z, 0-9 and _");
    if (!names.insert(f.name).second)
      return Status::Invalid(where + "field '" + f.name + "' twice");
    if (f.type < MVNE_FIELD_INT64 || f.type > MVNE_FIELD_TIME) {
      return Status::Invalid(where + "field '" + f.name + "': unknown type " +
                             std::to_string(f.type));
    }
    const std::pair<uint32_t, tenancy::IdKind> id_roles[] = {
        {MVNE_ROLE_MSISDN, tenancy::IdKind::kMsisdn},
        {MVNE_ROLE_IMSI, tenancy::IdKind::kImsi},
        {MVNE_ROLE_ICCID, tenancy::IdKind::kIccid}};
    for (const auto& [role, kind] : id_roles) {
      if (!(f.roles & role)) continue;
      if (f.type != MVNE_FIELD_TEXT)
        return Status::Invalid(where + "identifier field '" + f.name + "' must be TEXT");
      k.identifiers.emplace_back(kind, i);
    }
    if (f.roles & MVNE_ROLE_EVENT_TIME) {
      if (f.type != MVNE_FIELD_TIME)
        return Status::Invalid(where + "event time field '" + f.name + "' must be TIME");
      k.event_time = i;
      ++event_times;
    }
    if (f.roles & MVNE_ROLE_DEDUP_KEY) k.dedup.push_back(i);
    const std::tuple<uint32_t, int*, int32_t, const char*> rating_roles[] = {
        {MVNE_ROLE_RATED_UNITS, &k.rated_units, MVNE_FIELD_INT64, "RATED_UNITS"},
        {MVNE_ROLE_RATING_CLASS, &k.rating_class, MVNE_FIELD_TEXT, "RATING_CLASS"},
        {MVNE_ROLE_CHARGE, &k.charge, MVNE_FIELD_DOUBLE, "CHARGE"},
        {MVNE_ROLE_QUOTA_BYTES, &k.quota_bytes, MVNE_FIELD_INT64, "QUOTA_BYTES"}};
    for (const auto& [role, index, type, role_name] : rating_roles) {
      if (!(f.roles & role)) continue;
      if (*index >= 0) return Status::Invalid(where + "two fields with the " + role_name + " role");
      if (f.type != type)
        return Status::Invalid(where + "field '" + f.name + "' with the " + role_name +
                               " role has the wrong type");
      *index = static_cast<int>(i);
    }
  }
  if (k.rating < MVNE_RATING_NONE || k.rating > MVNE_RATING_CLASS)
    return Status::Invalid(where + "unknown rating " + std::to_string(k.rating));
  constexpr uint32_t kKnownRoles = (MVNE_ROLE_QUOTA_BYTES << 1) - 1;
  for (const FieldDef& f : k.fields) {
    if (f.roles & ~kKnownRoles)
      return Status::Invalid(where + "field '" + f.name + "' has an unknown role");
  }
  bool roles_given = k.rated_units >= 0 || k.rating_class >= 0 || k.charge >= 0;
  bool roles_complete = k.rated_units >= 0 && k.rating_class >= 0 && k.charge >= 0;
  if (k.rating != MVNE_RATING_NONE && !roles_complete)
    return Status::Invalid(where +
                           "a rated kind needs RATED_UNITS, RATING_CLASS and CHARGE fields");
  if (k.rating == MVNE_RATING_NONE && roles_given)
    return Status::Invalid(where + "rating roles on a kind that is not rated");
  if (event_times != 1)
    return Status::Invalid(where + "exactly one field must have the EVENT_TIME role");
  if (k.identifiers.empty())
    return Status::Invalid(
        where + "at least one field must identify the line (MSISDN, IMSI or ICCID role)");
  if (k.dedup.empty())
    return Status::Invalid(where + "at least one field must have the DEDUP_KEY role");
  return Status::Ok();
}

StatusOr<KindDef> from_spec(const std::string& plugin, const mvne_record_kind_spec& spec) {
  if (spec.fields == nullptr || spec.field_count == 0 || spec.field_count > 64 ||
      (spec.name.data == nullptr && spec.name.len > 0)) {
    return Status::Invalid("declare_record_kind: malformed spec");
  }
  KindDef k;
  k.plugin = plugin;
  k.kind = text(spec.name);
  if (spec.struct_size >= offsetof(mvne_record_kind_spec, rating) + sizeof(int32_t))
    k.rating = spec.rating;
  for (size_t i = 0; i < spec.field_count; ++i) {
    const mvne_field_spec& f = spec.fields[i];
    if (f.name.data == nullptr || f.name.len == 0 || f.name.len > 64) {
      return Status::Invalid("declare_record_kind: field " + std::to_string(i) + " has no name");
    }
    k.fields.push_back({text(f.name), f.type, f.roles});
  }
  Status st = validate(k);
  if (!st.ok()) return st;
  return k;
}

bool type_matches(const storage::Value& v, int32_t type) {
  if (storage::is_null(v)) return true;
  switch (type) {
    case MVNE_FIELD_INT64:
    case MVNE_FIELD_TIME:
      return std::holds_alternative<int64_t>(v);
    case MVNE_FIELD_DOUBLE:
      return std::holds_alternative<double>(v);
    default:
      return std::holds_alternative<std::string>(v);
  }
}

const char* type_name(int32_t type) {
  switch (type) {
    case MVNE_FIELD_INT64:
      return "INT64";
    case MVNE_FIELD_TIME:
      return "TIME";
    case MVNE_FIELD_DOUBLE:
      return "DOUBLE";
    default:
      return "TEXT";
  }
}

std::string value_problem(const KindDef& k, const storage::Row& record) {
  if (record.size() != k.fields.size()) {
    return "expected " + std::to_string(k.fields.size()) + " values, got " +
           std::to_string(record.size());
  }
  for (size_t i = 0; i < record.size(); ++i) {
    if (!type_matches(record[i], k.fields[i].type)) {
      return "field '" + k.fields[i].name + "' is not " + type_name(k.fields[i].type);
    }
  }
  return {};
}

}  // namespace mvne::records
