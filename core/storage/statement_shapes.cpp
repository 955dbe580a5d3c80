#include "core/storage/statement_shapes.h"

#include <algorithm>
#include <bit>

namespace mvne::storage {

size_t statement_rows(size_t remaining) { return std::min(remaining, kMaxRowsPerStatement); }

size_t padded_rows(size_t rows) {
  size_t power = std::bit_ceil(std::max<size_t>(rows, 1));
  size_t between = power / 4 * 3;  // 3, 6, 12, ... between two powers of two
  return power >= 4 && rows <= between ? between : power;
}

void pad_rows(Params& params, size_t rows, size_t shape) {
  if (rows == 0 || rows >= shape) return;
  const size_t width = params.size() / rows;
  const Params last(params.end() - static_cast<std::ptrdiff_t>(width), params.end());
  params.reserve(width * shape);
  for (size_t r = rows; r < shape; ++r) params.insert(params.end(), last.begin(), last.end());
}

std::string placeholders(size_t rows, size_t width) {
  std::string row = width == 1 ? "?" : "(?";
  for (size_t i = 1; i < width; ++i) row += ", ?";
  if (width != 1) row += ")";
  std::string out;
  for (size_t r = 0; r < rows; ++r) out += (r == 0 ? "" : ", ") + row;
  return out;
}

}  // namespace mvne::storage
