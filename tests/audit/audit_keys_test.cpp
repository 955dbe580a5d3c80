#include "core/audit/audit_keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/audit/audit_log.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::audit {
namespace {

using testing::file_mode;

// A missing key file is created owner-only with one key, and read back the same.
TEST(AuditKeys, CreatedOwnerOnlyOnFirstStart) {
  testing::TempDir dir;
  std::string path = dir.path() + "/var/audit.key";
  auto ring = KeyRing::load_or_create(path);
  ASSERT_TRUE(ring.ok()) << ring.status().message();
  EXPECT_EQ(file_mode(path), 0600u);
  EXPECT_EQ((*ring)->current().id.size(), 8u);
  EXPECT_EQ((*ring)->current().key.size(), 32u);
  auto again = KeyRing::load_or_create(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->current().id, (*ring)->current().id);
  EXPECT_EQ((*again)->current().key, (*ring)->current().key);
}

// A key file others can read is refused, and so is a malformed line (named).
TEST(AuditKeys, LooseOrMalformedFilesAreRefused) {
  testing::TempDir dir;
  std::string path = dir.path() + "/audit.key";
  ASSERT_TRUE(KeyRing::load_or_create(path).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto loose = KeyRing::load_or_create(path);
  ASSERT_FALSE(loose.ok());
  EXPECT_NE(loose.status().message().find("mode 0600"), std::string::npos);
  std::string bad = dir.write("bad.key", "# keys\nabcd1234 nothex\n");
  ASSERT_EQ(::chmod(bad.c_str(), 0600), 0);
  auto malformed = KeyRing::load_or_create(bad);
  ASSERT_FALSE(malformed.ok());
  EXPECT_NE(malformed.status().message().find("bad.key:2: "), std::string::npos)
      << malformed.status().message();
}

class AuditKeyRotationTest : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TempDir dir_;
  testing::TestDatabase test_db_{GetParam()};
};

// After a rotation new rows are signed with the new key and the old rows still verify; a
// ring without the old key names the first row signed with it.
TEST_P(AuditKeyRotationTest, OldRowsStayVerifiable) {
  std::string path = dir_.path() + "/audit.key";
  auto first = KeyRing::load_or_create(path).value();
  AuditLog before(test_db_.db(), first);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(before.append({0, 0, "tenant:acme", "p", "http_response", "", 1, "a", ""}).ok());
  auto rotated = KeyRing::rotate(path);
  ASSERT_TRUE(rotated.ok()) << rotated.status().message();
  EXPECT_EQ(file_mode(path), 0600u);
  auto second = KeyRing::load_or_create(path).value();
  EXPECT_EQ(second->current().id, rotated.value());
  ASSERT_NE(second->find(first->current().id), nullptr);
  AuditLog after(test_db_.db(), second);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(after.append({0, 0, "tenant:acme", "p", "http_response", "", 1, "b", ""}).ok());
  auto r = after.verify();
  EXPECT_TRUE(r->intact) << r->problem;
  EXPECT_EQ(r->rows_checked, 6);

  std::string only_new = dir_.write(
      "new.key", rotated.value() + " " + [&] {
        std::string hex;
        for (unsigned char c : second->current().key) {
          const char* digits = "0123456789abcdef";
          hex += digits[c >> 4];
          hex += digits[c & 15];
        }
        return hex;
      }() + "\n");
  ASSERT_EQ(::chmod(only_new.c_str(), 0600), 0);
  AuditLog without_old(test_db_.db(), KeyRing::load_or_create(only_new).value());
  auto missing = without_old.verify();
  EXPECT_FALSE(missing->intact);
  EXPECT_EQ(missing->bad_row, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditKeyRotationTest,
                         ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::audit
