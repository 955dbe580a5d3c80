// mvne-host: loads the enabled plugins and serves them over HTTP.
// Exit codes: 0 after a clean stop, 2 for bad options or configuration.
#include <signal.h>

#include <boost/program_options.hpp>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/config/settings.h"
#include "core/host/host.h"
#include "core/log/log.h"
#include "core/plugin/host_api.h"
#include "core/plugin/library.h"
#include "core/version.h"

namespace po = boost::program_options;

namespace {

constexpr int kBadConfig = 2;

int fail(const std::string& message) {
  std::cerr << "mvne-host: " << message << "\n";
  return kBadConfig;
}

// --check-config: the effective configuration and, per enabled plugin, whether it loads and
// whether its section matches the keys it declares (problems on stderr, file:line first).
int check_config(const mvne::config::Settings& settings) {
  std::ostringstream plugins;
  std::set<std::string> secrets;
  mvne::config::Settings shown = settings;  // with the defaults of the plugins' keys
  bool all_load = true;
  for (const auto& name : settings.plugins.enabled) {
    std::string path = mvne::plugin::plugin_path(settings.plugins.dirs, name);
    auto lib = mvne::plugin::PluginLibrary::open(path, name, mvne::plugin::host_api());
    if (!lib.ok()) {
      all_load = false;
      plugins << name << ": would NOT load: " << lib.status().message() << "\n";
      continue;
    }
    const auto& keys = lib.value()->config_keys();
    secrets.merge(mvne::plugin::declared_secrets(name, keys));
    auto section = mvne::plugin::effective_section(settings, name, keys);
    if (!section.ok()) {
      all_load = false;
      std::cerr << section.status().message() << "\n";
      plugins << name << ": would NOT start: its [plugin." << name << "] section is invalid\n";
      continue;
    }
    if (!section->empty()) shown.plugin_sections[name] = section.value();
    plugins << name << ": would load " << path << " (version " << lib.value()->version()
            << (keys.empty() ? ", keys not declared" : "") << ")\n";
  }
  if (settings.plugins.enabled.empty()) plugins << "(no plugins enabled)\n";
  std::cout << "# effective configuration (" << settings.source << ")\n"
            << mvne::config::render_settings(shown, secrets) << "\n# plugins\n"
            << plugins.str();
  return all_load ? 0 : kBadConfig;
}

int serve(const std::string& config_path, const std::vector<std::string>& overrides,
          mvne::config::Settings settings) {
  // Signals are taken by sigwait below, so block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const std::string address = settings.http.address;
  mvne::host::Host host(config_path, overrides, std::move(settings));
  mvne::Status st = host.start();
  if (!st.ok()) return fail(st.message());
  std::cout << "mvne-host " << MVNE_VERSION << " listening on http://" << address << ":"
            << host.port() << std::endl;
  while (true) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      host.reload();
      continue;
    }
    if (sig == SIGUSR1) {  // after logrotate moved the log file away
      mvne::Status reopened = mvne::log::reopen();
      if (reopened.ok()) {
        mvne::log::info("host", "log file reopened");
      } else {
        mvne::log::error("host",
                         "log file not reopened, still writing the old one: " + reopened.message());
      }
      continue;
    }
    mvne::log::info("host", std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
    host.shutdown();
    return 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("Usage: mvne-host [options]\nOptions");
  options.add_options()("help,h", "show this help and exit")(
      "version", "show the version and the plugin ABI and exit")(
      "config,c", po::value<std::string>()->default_value("config/mvne.conf"),
      "configuration file (INI); every key is documented in config/mvne.conf")(
      "set,s", po::value<std::vector<std::string>>()->composing(),
      "override one key, as section.key=value (repeatable)")(
      "check-config",
      "print the effective configuration and which plugins would load; "
      "exit 0 when all is well, 2 otherwise");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return fail(std::string(e.what()) + " (see --help)");
  }
  if (vm.count("help")) {
    std::cout << options
              << "\nSignals: SIGTERM/SIGINT stop gracefully, SIGHUP reloads the "
                 "configuration, SIGUSR1 reopens the log file (for logrotate).\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "mvne-host " << MVNE_VERSION << " (plugin ABI " << MVNE_ABI_MAJOR << "."
              << MVNE_ABI_MINOR << ")\n";
    return 0;
  }
  std::string config_path = vm["config"].as<std::string>();
  std::vector<std::string> overrides;
  if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();

  auto settings = mvne::config::load_settings(config_path, overrides);
  if (!settings.ok()) return fail("configuration error: " + settings.status().message());
  mvne::Status files = mvne::plugin::check_plugin_files(settings.value());
  if (!files.ok()) return fail("configuration error: " + files.message());
  if (vm.count("check-config")) return check_config(settings.value());

  mvne::Status logging = mvne::log::init(settings->log);
  if (!logging.ok()) return fail("configuration error: " + logging.message());
  return serve(config_path, overrides, std::move(settings).value());
}
