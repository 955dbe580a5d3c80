// Per-tenant notice templates: the tenant's own file over the shared one, values filled in,
// mistakes named with file and line, and a broken template never stops the notice.
#include "core/mail/templates.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/mail/notices.h"
#include "tests/support/temp_dir.h"

namespace mvne::mail {
namespace {

using testing::TempDir;

class TemplatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() + "/sakura");
    dir_.write("bill_notice.txt", "Subject: {{tenant}}: bill {{period}}\n\nTotal {{total}} yen.\n");
    dir_.write("sakura/bill_notice.txt",
               "Subject: 【{{tenant}}】{{period}} ご請求 / Bill\r\n\r\n合計 {{total}} 円\r\nTotal {{total}} yen\r\n");
  }
  TempDir dir_;
};

TEST_F(TemplatesTest, TheTenantsOwnFileWinsOverTheSharedOne) {
  auto own = fill_template(dir_.path(), "sakura", "bill_notice",
                           {{"tenant", "Sakura"}, {"period", "2026-11"}, {"total", "3300"}});
  ASSERT_TRUE(own.ok()) << own.status().message();
  EXPECT_EQ(own->subject, "【Sakura】2026-11 ご請求 / Bill");
  EXPECT_EQ(own->text, "合計 3300 円\nTotal 3300 yen\n");
  auto shared = fill_template(dir_.path(), "momiji", "bill_notice",
                              {{"tenant", "Momiji"}, {"period", "2026-11"}, {"total", "10"}});
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared->subject, "Momiji: bill 2026-11");
}

TEST_F(TemplatesTest, MistakesAreNamedWithFileAndLine) {
  auto missing = fill_template(dir_.path(), "sakura", "bill_notice", {{"tenant", "S"}, {"period", "p"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("sakura/bill_notice.txt line 3: no value for {{total}}"),
            std::string::npos)
      << missing.status().message();
  dir_.write("usage_alert_80.txt", "Hello\n\nno subject line\n");
  auto no_subject = fill_template(dir_.path(), "x", "usage_alert_80", {});
  ASSERT_FALSE(no_subject.ok());
  EXPECT_NE(no_subject.status().message().find("line 1: must be 'Subject: ...'"), std::string::npos);
  EXPECT_EQ(fill_template(dir_.path(), "x", "../sakura/bill_notice", {}).status().code(),
            Code::kInvalidArgument) << "a name is never a path";
  EXPECT_EQ(fill_template(dir_.path(), "x", "export_ready", {}).status().code(), Code::kNotFound);
  EXPECT_EQ(fill_template("", "x", "bill_notice", {}).status().code(), Code::kNotFound);
}

TEST_F(TemplatesTest, NoticesUseThemAndFallBackWhenOneIsBroken) {
  MailSettings settings;
  settings.from = "noreply@mvne.example";
  settings.templates_dir = dir_.path();
  tenancy::Tenant sakura{1, "sakura", "Sakura", "Asia/Tokyo", "", {}};
  TenantMail tenant_mail;
  billing::Bill bill;
  bill.period = "2026-11";
  bill.total = 3300;
  tenancy::Subscriber hanako;
  hanako.email = "hanako@example.jp";
  Message m = bill_notice({settings, sakura, tenant_mail}, hanako, bill);
  EXPECT_EQ(m.subject, "【Sakura】2026-11 ご請求 / Bill");
  EXPECT_EQ(m.to.at(0).email, "hanako@example.jp") << "the template sets wording, not recipients";
  EXPECT_TRUE(validate(m).ok());
  dir_.write("sakura/bill_notice.txt", "Subject: {{nothing}}\n\nx\n");
  Message fallback = bill_notice({settings, sakura, tenant_mail}, hanako, bill);
  EXPECT_NE(fallback.subject.find("Your bill for 2026-11"), std::string::npos)
      << "the built-in wording, not a broken notice";
}

}  // namespace
}  // namespace mvne::mail
