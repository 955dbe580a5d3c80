// The voice CDR world the ingest benchmarks share: 100 tenants of 100 lines each, and native
// voice_cdr spool files of random calls on those lines in November 2026.
#pragma once

#include <cstddef>
#include <string>

#include "core/tenancy/directory.h"

namespace mvne::bench {

constexpr int kCdrTenants = 100;
constexpr int kCdrLinesPerTenant = 100;

// Tenants t0..t99 with voice_cdr enabled, a plan, a subscriber and its lines.
void seed_cdr_world(tenancy::Directory& dir);
// Writes `n` lines in files of `lines_per_file` (cdr-0.csv, ...) into `dir`; the file count.
int write_cdr_spool(const std::string& dir, size_t n, size_t lines_per_file);

}  // namespace mvne::bench
