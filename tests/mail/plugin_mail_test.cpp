// A plugin's mail (ABI 1.4) through the host, on both backends: queued for the route's
// tenant and delivered to the relay with the Bcc in the envelope only; mail to another
// tenant's subscriber withheld by the egress guard; header injection and a foreign sender
// refused; the state of a message visible to its own plugin and tenant only.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/common/time.h"
#include "tests/support/http_client.h"
#include "tests/support/in_process_host.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::testing {
namespace {

class PluginMailTest : public ::testing::TestWithParam<std::string> {
 protected:
  PluginMailTest()
      : host_(fixture_settings({"mailer"}, {"mail.relay=127.0.0.1:" + std::to_string(sink_.port()),
                                            "mail.starttls=off", "mail.from=noreply@mvne.example",
                                            "mail.templates=" + templates_.path()}),
              db_.db()) {
    std::filesystem::create_directories(templates_.path() + "/acme");
    std::filesystem::create_directories(templates_.path() + "/bolt");
    templates_.write("acme/welcome.txt", "Subject: Welcome, {{name}}\n\nacme says hello to {{name}}.\n");
    templates_.write("bolt/welcome.txt", "Subject: bolt's own\n\nbolt's wording\n");
    auto& dir = *host_.services().directory;
    for (const auto& [tenant, account] : {std::pair{"acme", "A-1"}, {"bolt", "B-1"}}) {
      EXPECT_TRUE(dir.add_tenant({0, tenant, tenant, "Asia/Tokyo", "/tmp", {"mailer"}}).ok());
      tenancy::Plan plan;
      plan.tenant_code = tenant;
      plan.code = "basic";
      EXPECT_TRUE(dir.add_plan(plan).ok());
      tenancy::Subscriber s;
      s.tenant_code = tenant;
      s.account_id = account;
      s.service_code = account;
      s.plan_code = "basic";
      s.email = std::string(account) + "@" + tenant + ".example";
      EXPECT_TRUE(dir.add_subscriber(s).ok());
      keys_[tenant] = host_.services().keys->create(tenant, "t", now_us() + 3600000000LL)->token;
    }
  }
  std::string call(const std::string& tenant, const std::string& method, const std::string& target) {
    auto r = http_request(host_.port(), method, target, "",
                          {{"Authorization", "Bearer " + keys_[tenant]}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }

  // Sends through the mailer fixture as acme and delivers: the one message the sink got.
  SunkMessage send_and_deliver(const std::string& query) {
    std::string sent = call("acme", "POST", "/api/mailer/send?" + query);
    EXPECT_EQ(sent.rfind("id=", 0), 0u) << sent;
    EXPECT_EQ(host_.services().mail->deliver_due(), 1);
    auto got = sink_.messages();
    EXPECT_EQ(got.size(), 1u);
    last_id_ = sent.substr(3);
    return got.empty() ? SunkMessage{} : got[0];
  }

  SmtpSink sink_;
  std::string last_id_;
  TempDir templates_;
  TestDatabase db_{GetParam()};
  InProcessHost host_;
  std::map<std::string, std::string> keys_;
};

TEST_P(PluginMailTest, QueuedForTheTenantDeliveredWithoutBcc) {
  std::vector<SunkMessage> got = {send_and_deliver("to=A-1@acme.example&bcc=audit@outside.example")};
  EXPECT_EQ(got[0].rcpt_tos, (std::vector<std::string>{"A-1@acme.example", "audit@outside.example"}));
  EXPECT_EQ(got[0].mail_from, "noreply@mvne.example");
  EXPECT_EQ(got[0].data.find("outside.example"), std::string::npos) << got[0].data;
  EXPECT_NE(got[0].data.find("To: Customer <A-1@acme.example>"), std::string::npos);

  auto metrics = http_get(host_.port(), "/metrics").body;
  EXPECT_NE(metrics.find("mvne_mail_messages_total{outcome=\"queued\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("mvne_mail_messages_total{outcome=\"sent\"} 1\n"), std::string::npos);

  std::string id = last_id_;
  EXPECT_EQ(call("acme", "GET", "/api/mailer/state?id=" + id).rfind("sent 250", 0), 0u);
  EXPECT_EQ(call("bolt", "GET", "/api/mailer/state?id=" + id),
            "code=" + std::to_string(MVNE_ERR_NOT_FOUND))
      << "another tenant's mail is not there for bolt";
}

TEST_P(PluginMailTest, MailToAnotherTenantsSubscriberIsWithheld) {
  EXPECT_EQ(call("acme", "POST", "/api/mailer/send?to=B-1@bolt.example"),
            "code=" + std::to_string(MVNE_ERR_EGRESS_BLOCKED));
  EXPECT_EQ(call("acme", "POST", "/api/mailer/send?to=A-1@acme.example&bcc=B-1@bolt.example"),
            "code=" + std::to_string(MVNE_ERR_EGRESS_BLOCKED))
      << "a Bcc is checked like any recipient";
  EXPECT_EQ(call("acme", "POST",
                 "/api/mailer/send?to=A-1@acme.example&text=B-1%40bolt.example%20is%20the%20other"),
            "code=" + std::to_string(MVNE_ERR_EGRESS_BLOCKED));
  EXPECT_TRUE(host_.services().mail->outbox().list("", 10)->empty());
}

TEST_P(PluginMailTest, InjectionAndForeignSendersAreRefused) {
  EXPECT_EQ(call("acme", "POST",
                 "/api/mailer/send?to=A-1@acme.example%0D%0ABcc:%20all@outside.example"),
            "code=" + std::to_string(MVNE_ERR_INVALID_ARGUMENT));
  EXPECT_EQ(call("acme", "POST", "/api/mailer/send?to=A-1@acme.example&from=ceo@bank.example"),
            "code=" + std::to_string(MVNE_ERR_INVALID_ARGUMENT));
  EXPECT_EQ(call("acme", "POST",
                 "/api/mailer/send?to=A-1@acme.example&from=alerts@mvne.example")
                .rfind("id=", 0),
            0u)
      << "a sender of the platform's own domain is fine";
}

TEST_P(PluginMailTest, TemplatesAreTheCallingTenantsOwn) {
  std::vector<SunkMessage> got = {send_and_deliver("to=A-1@acme.example&template=welcome&name=Hanako")};
  EXPECT_NE(got[0].data.find("Subject: Welcome, Hanako"), std::string::npos) << got[0].data;
  EXPECT_NE(got[0].data.find("acme says hello to Hanako."), std::string::npos);
  EXPECT_EQ(got[0].data.find("bolt"), std::string::npos);
  EXPECT_EQ(call("acme", "POST", "/api/mailer/send?to=A-1@acme.example&template=nothing"),
            "code=" + std::to_string(MVNE_ERR_NOT_FOUND));
  EXPECT_EQ(call("acme", "POST",
                 "/api/mailer/send?to=A-1@acme.example&template=..%2Fbolt%2Fwelcome"),
            "code=" + std::to_string(MVNE_ERR_INVALID_ARGUMENT))
      << "a plugin cannot reach another tenant's template";
}

INSTANTIATE_TEST_SUITE_P(Backends, PluginMailTest, ::testing::ValuesIn(test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mvne::testing
