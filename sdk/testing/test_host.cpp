// The plugin authors' TestHost: the host's own parts (storage, services, plugin manager,
// front end, spooler, exporter) assembled as mvne-host assembles them, on a temporary
// SQLite database.
#include <mvne/testing/test_host.hpp>

#include <stdlib.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/common/time.h"
#include "core/config/settings.h"
#include "core/exports/exporter.h"
#include "core/http/front_end.h"
#include "core/ingest/spooler.h"
#include "core/metrics/metrics.h"
#include "core/platform/services.h"
#include "core/plugin/plugin_manager.h"
#include "sdk/testing/http_call.h"

namespace mvne::testing {
namespace {

namespace fs = std::filesystem;

// Throws with `what` and the host's message when `st` is not ok.
void check(const Status& st, const std::string& what) {
  if (!st.ok()) throw std::runtime_error(what + ": " + st.message());
}
template <typename T>
T value(StatusOr<T> v, const std::string& what) {
  check(v.status(), what);
  return std::move(v).value();
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "mvne-test-host-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temp dir");
  return pattern;
}

}  // namespace

std::string Response::header(const std::string& name) const {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [n, v] : headers)
    if (n == lower) return v;
  return {};
}

struct TestHost::Impl {
  std::string dir;
  std::vector<std::string> enabled;  // the plugins, enabled for every tenant too
  metrics::Metrics metrics;
  std::unique_ptr<platform::Services> services;
  std::unique_ptr<plugin::PluginManager> plugins;
  std::unique_ptr<http::FrontEnd> front_end;
  std::unique_ptr<ingest::Spooler> spooler;
  std::mutex mu;
  std::vector<ingest::FileOutcome> outcomes;  // guarded by mu

  std::shared_ptr<plugin::PluginInstance> running(const std::string& name) {
    for (const auto& p : plugins->running())
      if (p->name() == name) return p;
    throw std::runtime_error("plugin " + name + " is not running");
  }
};

TestHost::TestHost(Options options) : impl_(std::make_unique<Impl>()) {
  Impl& h = *impl_;
  h.dir = temp_dir();
  h.enabled = options.plugins;
  // Cheap password hashes: a login takes milliseconds, as tests need.
  std::vector<std::string> all = {
      "http.listen=127.0.0.1:0", "portal.hash_memory_kib=256", "portal.hash_passes=1",
      "plugins.dir=" + join(options.plugin_dirs), "plugins.enabled=" + join(options.plugins)};
  for (const auto& s : options.settings) all.push_back(replace_all(s, "{dir}", h.dir));
  auto settings = value(config::parse_settings("", "TestHost settings", h.dir, all), "settings");

  storage::StorageSettings storage;
  storage.path = h.dir + "/host.db";
  auto db = value(storage::Database::open(storage), "storage");
  h.services =
      platform::Services::on(db, settings.numbering, nullptr, settings.portal, settings.mail);
  h.plugins = std::make_unique<plugin::PluginManager>(&h.metrics, h.services.get());
  h.front_end = std::make_unique<http::FrontEnd>(settings.http, h.plugins.get(), &h.metrics,
                                                 h.services.get(), settings.portal);
  check(h.plugins->apply(settings, std::chrono::milliseconds(5000)), "plugins");
  for (const auto& status : h.plugins->statuses()) {
    if (status.state != "running")
      throw std::runtime_error("plugin " + status.name + " is " + status.state + ": " +
                               status.reason);
  }
  check(h.front_end->start(), "HTTP front end");
  h.spooler = std::make_unique<ingest::Spooler>(h.plugins.get(), 1,
                                                [&h](const ingest::FileOutcome& outcome) {
                                                  std::lock_guard lock(h.mu);
                                                  h.outcomes.push_back(outcome);
                                                });
}

TestHost::~TestHost() {
  Impl& h = *impl_;
  h.spooler.reset();
  h.front_end->begin_drain();
  h.front_end->wait_idle(std::chrono::milliseconds(5000));
  h.front_end->stop();
  h.plugins->stop_all(std::chrono::milliseconds(5000));
  h.front_end.reset();
  h.plugins.reset();
  h.services.reset();
  std::error_code ec;
  fs::remove_all(h.dir, ec);
}

const std::string& TestHost::dir() const { return impl_->dir; }
uint16_t TestHost::port() const { return impl_->front_end->port(); }

void TestHost::add_tenant(const std::string& code, const std::string& time_zone) {
  tenancy::Tenant t;
  t.code = code;
  t.name = code;
  t.time_zone = time_zone;
  t.export_dir = impl_->dir + "/exports/" + code;
  t.plugins = impl_->enabled;
  value(impl_->services->directory->add_tenant(t), "tenant " + code);
}

void TestHost::add_plan(const std::string& tenant, const Plan& plan) {
  tenancy::Plan p;
  p.tenant_code = tenant;
  p.code = plan.code;
  p.name = plan.code;
  p.class_rates = plan.class_rates;
  p.monthly_fee = plan.monthly_fee;
  p.voice_per_minute = plan.voice_per_minute;
  p.sms_per_segment = plan.sms_per_segment;
  p.data_quota_bytes = plan.data_quota_bytes;
  value(impl_->services->directory->add_plan(p), "plan " + tenant + "/" + plan.code);
}

void TestHost::add_subscriber(const std::string& tenant, const std::string& account,
                              const std::string& plan) {
  tenancy::Subscriber s;
  s.tenant_code = tenant;
  s.account_id = account;
  s.service_code = account;
  s.plan_code = plan;
  s.email = account + "@example.invalid";
  value(impl_->services->directory->add_subscriber(s), "subscriber " + tenant + "/" + account);
}

void TestHost::assign_line(const std::string& tenant, const std::string& account,
                           const std::string& msisdn, const std::string& from,
                           const std::string& imsi) {
  tenancy::LineAssignment line;
  line.tenant_code = tenant;
  line.account_id = account;
  line.msisdn = msisdn;
  line.imsi = imsi;
  line.valid_from = value(parse_time_us(from), "line " + msisdn + " from");
  line.valid_to = kForever;
  value(impl_->services->directory->assign(line), "line " + msisdn);
}

void TestHost::move_line(const std::string& msisdn, const std::string& to_tenant,
                         const std::string& to_account, const std::string& at) {
  tenancy::LineAssignment to;
  to.tenant_code = to_tenant;
  to.account_id = to_account;
  to.msisdn = msisdn;
  to.valid_from = value(parse_time_us(at), "move of " + msisdn + " at");
  to.valid_to = kForever;
  value(impl_->services->directory->move(tenancy::IdKind::kMsisdn, msisdn, to),
        "move of " + msisdn);
}

std::string TestHost::api_key(const std::string& tenant) {
  return value(impl_->services->keys->create(tenant, "test", now_us() + 86400000000LL),
               "API key of " + tenant)
      .token;
}

std::string TestHost::consumer_token(const std::string& tenant, const std::string& account) {
  auto& consumers = *impl_->services->consumers;
  auto found = value(consumers.find(tenant, account), "consumer " + tenant + "/" + account);
  const std::string password = "test password of " + account;
  check(consumers.set_password(found, password, now_us()), "password of " + account);
  nlohmann::json login = {{"tenant", tenant}, {"account", account}, {"password", password}};
  Response r = post("/portal/api/v1/login", "", login.dump());
  auto reply = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || !reply.is_object() || !reply.contains("token"))
    throw std::runtime_error("login of " + tenant + "/" + account + ": " +
                             std::to_string(r.status) + " " + r.body);
  return reply["token"].get<std::string>();
}

SpoolOutcome TestHost::spool(const std::string& plugin, const std::string& name,
                             const std::string& content) {
  auto p = impl_->running(plugin);
  if (p->registrations().spools.empty())
    throw std::runtime_error("plugin " + plugin + " registered no spool directory");
  fs::path dir = p->registrations().spools.front().dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  {
    std::ofstream out(dir / (name + ".part"), std::ios::binary);
    out << content;
    if (!out.flush())
      throw std::runtime_error("cannot write " + (dir / name).string() + ": " + std::strerror(errno));
  }
  fs::rename(dir / (name + ".part"), dir / name);
  {
    std::lock_guard lock(impl_->mu);
    impl_->outcomes.clear();
  }
  impl_->spooler->poll();
  std::lock_guard lock(impl_->mu);
  for (const auto& o : impl_->outcomes) {
    if (o.plugin == plugin && o.file == name)
      return {o.done, o.error, o.stored, o.duplicates, o.quarantined};
  }
  throw std::runtime_error("spool file " + name + " of " + plugin + " was not processed");
}

std::vector<QuarantineItem> TestHost::quarantine() const {
  std::vector<QuarantineItem> out;
  for (const auto& q : value(impl_->services->records->quarantine(false), "quarantine"))
    out.push_back({q.plugin, q.kind, q.source, q.reason});
  return out;
}

Response TestHost::get(const std::string& target, const std::string& token,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  auto all = headers;
  if (!token.empty()) all.emplace_back("Authorization", "Bearer " + token);
  return http_call(port(), "GET", target, "", all);
}

Response TestHost::post(const std::string& target, const std::string& token,
                        const std::string& body, const std::string& content_type) {
  std::vector<std::pair<std::string, std::string>> all = {{"Content-Type", content_type}};
  if (!token.empty()) all.emplace_back("Authorization", "Bearer " + token);
  return http_call(port(), "POST", target, body, all);
}

std::string TestHost::run_export(const std::string& plugin, const std::string& tenant,
                                 const std::string& date, const std::string& name) {
  auto p = impl_->running(plugin);
  const auto& exports = p->registrations().exports;
  const plugin::ExportRegistration* reg =
      name.empty() ? (exports.empty() ? nullptr : &exports.front()) : exports::find(*p, name);
  if (reg == nullptr)
    throw std::runtime_error("plugin " + plugin + " has no export " + (name.empty() ? "" : name));
  auto t = value(impl_->services->directory->tenant(tenant), "tenant " + tenant);
  auto outcome = value(exports::run(*p, *reg, t, date), "export of " + plugin + " for " + tenant);
  std::ifstream in(outcome.file, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace mvne::testing
