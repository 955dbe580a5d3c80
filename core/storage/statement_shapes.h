// Multi-row statements in a few fixed shapes, so that a connection prepares each shape once
// and from then on only executes it. A batch goes out in statements of up to
// kMaxRowsPerStatement rows, each padded up to the next shape (1, 2, 3, 4, 6, 8, 12, ...,
// 256: at most a third is padding) with copies that change nothing: a repeated row the
// unique key turns away, an upsert of the same value, a repeated IN value. The
// per-connection statement caches stay bounded and a batch costs one execution per 256 rows.
#pragma once

#include <cstddef>
#include <string>

#include "core/storage/value.h"

namespace mvne::storage {

inline constexpr size_t kMaxRowsPerStatement = 256;

// Rows the next statement carries when `remaining` are left.
size_t statement_rows(size_t remaining);

// The shape `rows` (1..kMaxRowsPerStatement) are sent in: the smallest of 1, 2, 3, 4, 6, 8,
// 12, ..., 192, 256 not below `rows`.
size_t padded_rows(size_t rows);

// Appends copies of the last of the `rows` rows in `params` until it holds `shape` rows.
void pad_rows(Params& params, size_t rows, size_t shape);

// The placeholders of `rows` rows of `width` values: "(?, ?), (?, ?)"; with width 1 the
// list of an IN: "?, ?".
std::string placeholders(size_t rows, size_t width);

}  // namespace mvne::storage
