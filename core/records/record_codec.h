// How a record is encoded for storage: its JSON payload (quarantine), its dedup key and its
// content key. Values are written typed and length-prefixed, so that no two different
// lists of values share an encoding (a separator inside a value cannot shift a field).
#pragma once

#include <string>

#include "core/records/record_kind.h"
#include "core/storage/value.h"

namespace mvne::records {

// The record as a JSON array of its values, and back.
std::string payload_json(const storage::Row& record);
storage::Row row_from_payload(const std::string& payload);

// A short hex digest of `data`.
std::string hex_hash(const std::string& data);

// The dedup key of a record attributed to `tenant_id`: the tenant and the kind's dedup
// fields. Another tenant's record with the same fields has another key.
std::string dedup_key(const KindDef& kind, int64_t tenant_id, const storage::Row& record);

// What the record says: every field but the charge the host computes from the plan. Two
// records with one dedup key are duplicates when their content keys match too.
std::string content_key(const KindDef& kind, const storage::Row& record);

}  // namespace mvne::records
