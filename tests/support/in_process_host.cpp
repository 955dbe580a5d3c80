#include "tests/support/in_process_host.h"

#include <gtest/gtest.h>

namespace mvne::testing {

config::Settings fixture_settings(const std::vector<std::string>& plugins,
                                  const std::vector<std::string>& overrides) {
  std::string enabled;
  for (const auto& p : plugins) enabled += (enabled.empty() ? "" : ", ") + p;
  std::vector<std::string> all = {"http.listen=127.0.0.1:0",
                                  std::string("plugins.dir=") + MVNE_FIXTURE_DIR,
                                  "plugins.enabled=" + enabled};
  all.insert(all.end(), overrides.begin(), overrides.end());
  auto settings = config::parse_settings("", "test", "/", all);
  EXPECT_TRUE(settings.ok()) << settings.status().message();
  return settings.value();
}

InProcessHost::InProcessHost(const config::Settings& settings,
                             std::shared_ptr<storage::Database> db) {
  if (!db) {
    storage::StorageSettings s;
    s.path = dir_.path() + "/host.db";
    auto opened = storage::Database::open(s);
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    db = opened.value();
  }
  services_ =
      platform::Services::on(db, settings.numbering, nullptr, settings.portal, settings.mail);
  plugins_ = std::make_unique<plugin::PluginManager>(&metrics_, services_.get());
  front_end_ =
      std::make_unique<http::FrontEnd>(settings.http, plugins_.get(), &metrics_, services_.get(),
                                       settings.portal);
  apply_status_ = plugins_->apply(settings, std::chrono::milliseconds(5000));
  Status st = front_end_->start();
  EXPECT_TRUE(st.ok()) << st.message();
}

InProcessHost::~InProcessHost() {
  front_end_->begin_drain();
  front_end_->wait_idle(std::chrono::milliseconds(5000));
  front_end_->stop();
  plugins_->stop_all(std::chrono::milliseconds(5000));
}

}  // namespace mvne::testing
