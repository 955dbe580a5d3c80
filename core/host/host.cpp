#include "core/host/host.h"

#include "core/exports/bill_export.h"
#include "core/log/log.h"
#include "core/plugin/library.h"

namespace mvne::host {

Host::Host(std::string config_path, std::vector<std::string> overrides, config::Settings settings)
    : config_path_(std::move(config_path)),
      overrides_(std::move(overrides)),
      settings_(std::move(settings)) {}

Host::~Host() = default;

std::chrono::milliseconds Host::stop_timeout() const {
  return std::chrono::milliseconds(settings_.host.shutdown_timeout_ms);
}

Status Host::start() {
  auto services = platform::Services::open(settings_);
  if (!services.ok()) return services.status();
  services_ = std::move(services).value();
  // Before any work: known to the other hosts on the database (waiting until they have seen
  // this one), and the plugins' state cached only while this host is alone.
  peers_ = std::make_unique<platform::HostPeers>(services_->db, "");
  if (Status joined = peers_->join(); !joined.ok()) return joined;
  services_->kv->set_sole_writer_check([peers = peers_.get()] { return peers->alone(); });
  plugins_ = std::make_unique<plugin::PluginManager>(&metrics_, services_.get());
  front_end_ = std::make_unique<http::FrontEnd>(settings_.http, plugins_.get(), &metrics_,
                                                services_.get(), settings_.portal);
  job_claims_ =
      std::make_unique<jobs::JobClaims>(services_->db, peers_->id(), peers_->timing().lease);
  scheduler_ = std::make_unique<jobs::Scheduler>(plugins_.get(), job_claims_.get());
  spooler_ = std::make_unique<ingest::Spooler>(
      plugins_.get(), services_->db->writers(settings_.host.ingest_workers));
  Status st = plugins_->apply(settings_, stop_timeout());
  if (!st.ok()) {
    plugins_->stop_all(stop_timeout());
    return st;
  }
  st = front_end_->start();
  if (!st.ok()) {
    plugins_->stop_all(stop_timeout());
    return st;
  }
  auto relay = relay::RelayListeners::start(settings_.relay, services_->relay.get());
  if (!relay.ok()) {
    front_end_->stop();
    plugins_->stop_all(stop_timeout());
    return relay.status();
  }
  relay_ = std::move(relay).value();
  scheduler_->start();
  spooler_->start();
  services_->mail->start();
  notices_ = std::make_unique<mail::ConsumerNotices>(services_.get());
  notices_->start();
  if (!settings_.mail.relay_host.empty()) {
    log::info("host", "mail: delivering the outbox to " + settings_.mail.relay_host + ":" +
                          std::to_string(settings_.mail.relay_port) + " (starttls " +
                          settings_.mail.starttls + ")");
  } else {
    log::info("host", "mail: no [mail] relay set; mail stays in the outbox (mvnectl mail list)");
  }
  if (settings_.billing.auto_close) {
    // A month closed by the job is exported to the tenant at once (where it has a directory).
    auto export_month = [this](const billing::RunSummary& run) {
      notices_->bills_closed(run.tenant_code, run.period);
      auto tenant = services_->directory->tenant(run.tenant_code);
      if (!tenant.ok() || tenant->export_dir.empty()) return;
      auto out = exports::export_bills(*services_, settings_.base_dir, run.tenant_code, run.period);
      if (!out.ok()) log::error("billing", out.status().message());
    };
    month_closer_ = std::make_unique<billing::MonthCloser>(
        services_->bills.get(), services_->directory.get(), services_->audit.get(),
        settings_.billing.close_after_hours, export_month, job_claims_.get());
    month_closer_->start();
  }
  log::info("host",
            "storage: " + settings_.storage.backend + " (" +
                (settings_.storage.backend == "sqlite"
                     ? settings_.storage.path
                     : settings_.storage.host + ":" + std::to_string(settings_.storage.port) + "/" +
                           settings_.storage.database) +
                ")");
  log::info("host", "this host is " + peers_->id() +
                        (peers_->others() > 0 ? " (" + std::to_string(peers_->others()) +
                                                    " other host(s) on the database)"
                                              : " (alone on the database)"));
  log::info("host", "listening on http://" + settings_.http.address + ":" +
                        std::to_string(front_end_->port()));
  return Status::Ok();
}

void Host::reload() {
  log::info("host", "reloading configuration from " + config_path_);
  auto settings = config::load_settings(config_path_, overrides_);
  Status st = settings.ok() ? plugin::check_plugin_files(settings.value()) : settings.status();
  if (st.ok()) st = plugins_->check_configs(settings.value());
  if (!st.ok()) {
    log::error("host", "reload refused, keeping the running configuration: " + st.message());
    return;
  }
  if (settings->http.address != settings_.http.address ||
      settings->http.port != settings_.http.port) {
    log::warn("host", "http.listen changes take effect after a restart");
  }
  log::set_level(settings->log.level);
  log::set_burst(settings->log.burst);
  settings_.log.level = settings->log.level;
  settings_.log.burst = settings->log.burst;
  settings_.host = settings->host;
  settings_.plugins = settings->plugins;
  settings_.plugin_sections = settings->plugin_sections;
  st = plugins_->apply(settings_, stop_timeout());
  if (!st.ok()) log::error("host", st.message());
  log::info("host", "reload done");
}

void Host::shutdown() {
  log::info("host", "shutting down: no new requests; waiting for in-flight work");
  if (!front_end_) return;
  front_end_->begin_drain();
  scheduler_->stop();
  spooler_->stop();
  notices_->stop();
  relay_->stop();  // a message being received is not acknowledged: its client sends it again
  services_->mail->stop();  // a message being sent is finished or left to its lease
  if (month_closer_) month_closer_->stop();
  if (!front_end_->wait_idle(stop_timeout())) {
    log::warn("host", "in-flight requests did not finish within host.shutdown_timeout_ms");
  }
  front_end_->stop();
  plugins_->stop_all(stop_timeout());
  if (peers_) peers_->leave();
  log::info("host", "stopped");
}

}  // namespace mvne::host
