#include "core/storage/statement_shapes.h"

#include <gtest/gtest.h>

#include <set>

namespace mvne::storage {
namespace {

// Every batch size maps onto one of a few shapes, never below it, and padding is at most a
// third of a statement.
TEST(StatementShapes, FewShapesLittlePadding) {
  std::set<size_t> shapes;
  for (size_t rows = 1; rows <= kMaxRowsPerStatement; ++rows) {
    size_t shape = padded_rows(rows);
    shapes.insert(shape);
    EXPECT_GE(shape, rows);
    EXPECT_LE(2 * shape, 3 * rows) << rows;
  }
  EXPECT_EQ(shapes, (std::set<size_t>{1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192,
                                      256}));
  EXPECT_EQ(statement_rows(1000), kMaxRowsPerStatement);
  EXPECT_EQ(statement_rows(7), 7u);
}

TEST(StatementShapes, PaddingRepeatsTheLastRow) {
  Params params = {int64_t{1}, std::string("a"), int64_t{2}, std::string("b")};
  pad_rows(params, 2, 3);
  ASSERT_EQ(params.size(), 6u);
  EXPECT_EQ(as_int(params[4]), 2);
  EXPECT_EQ(as_text(params[5]), "b");
}

TEST(StatementShapes, Placeholders) {
  EXPECT_EQ(placeholders(2, 3), "(?, ?, ?), (?, ?, ?)");
  EXPECT_EQ(placeholders(3, 1), "?, ?, ?");
}

}  // namespace
}  // namespace mvne::storage
