// mvnectl: the operator's tool for tenants, plans, subscribers, lines, API keys, the
// quarantine and the audit log. Usage: mvnectl [--config FILE] [--set k=v] [--json] GROUP COMMAND
// [options]
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <sstream>

#include "core/log/log.h"
#include "tools/mvnectl/command.h"

namespace po = boost::program_options;
using mvne::ctl::Command;

namespace {

std::vector<Command> all_commands() {
  std::vector<Command> all;
  for (auto group :
       {mvne::ctl::tenancy_commands(), mvne::ctl::key_commands(), mvne::ctl::quarantine_commands(),
        mvne::ctl::audit_commands(), mvne::ctl::export_commands(), mvne::ctl::subscriber_commands(),
        mvne::ctl::bill_commands(), mvne::ctl::mail_commands(),
        mvne::ctl::relay_commands()}) {
    all.insert(all.end(), group.begin(), group.end());
  }
  return all;
}

// The rule of tools/mvnectl/operator_time.h, as the operator reads it.
constexpr const char* kTimes =
    "Times (--from, --to, --at, valid_from/valid_to in import files) are ISO 8601:\n"
    "  2026-10-01                  the start of that day in the tenant's time zone\n"
    "  2026-10-01T09:00            that local time in the tenant's time zone\n"
    "  2026-10-01T09:00:00+09:00   that instant (also Z, +0900; seconds and fraction optional)\n"
    "The tenant is the command's (--tenant, the import row's, or the identifier's holder);\n"
    "without one, UTC. Times are printed back with the offset you gave.\n";

void usage(const po::options_description& global, const std::vector<Command>& commands) {
  std::cout << "Usage: mvnectl [global options] GROUP COMMAND [options]   (COMMAND --help for its "
               "options)\n\n"
            << global << "\nCommands:\n";
  for (const auto& c : commands) {
    std::cout << "  " << c.group << " " << c.name
              << std::string(28 - std::min<size_t>(26, c.group.size() + c.name.size()), ' ')
              << c.summary << "\n";
  }
  std::cout << "\n"
            << kTimes
            << "\nExit codes: 0 done, 1 refused or failed, 2 bad usage or configuration.\n";
}

// The operator as the kernel knows them (the real uid), never an environment variable any
// process can set: "alice", or "uid-1234" for a uid without a passwd entry.
std::string operator_name() {
  uid_t uid = getuid();
  struct passwd entry {};
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(uid, &entry, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return "uid-" + std::to_string(uid);
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description global("Global options");
  global.add_options()("help,h", "show this help")(
      "config,c", po::value<std::string>()->default_value("config/mvne.conf"),
      "mvne-host configuration")("set,s", po::value<std::vector<std::string>>()->composing(),
                                 "override a key, section.key=value")("json",
                                                                      "print JSON instead of text");
  po::options_description hidden;
  hidden.add_options()("words", po::value<std::vector<std::string>>(), "");
  po::options_description all;
  all.add(global).add(hidden);
  po::positional_options_description positional;
  positional.add("words", -1);

  const std::vector<Command> commands = all_commands();
  po::variables_map vm;
  std::vector<std::string> rest;
  try {
    auto parsed = po::command_line_parser(argc, argv)
                      .options(all)
                      .positional(positional)
                      .allow_unregistered()
                      .run();
    po::store(parsed, vm);
    rest = po::collect_unrecognized(parsed.options, po::include_positional);
  } catch (const po::error& e) {
    std::cerr << "mvnectl: " << e.what() << " (see --help)\n";
    return mvne::ctl::kUsage;
  }
  if (rest.size() < 2) {
    usage(global, commands);
    return vm.count("help") || rest.empty() ? mvne::ctl::kOk : mvne::ctl::kUsage;
  }
  // A group may be several words ("subscriber password set").
  const Command* command = nullptr;
  size_t words = 0;
  for (const auto& c : commands) {
    std::istringstream group(c.group);
    std::vector<std::string> wanted{std::istream_iterator<std::string>(group), {}};
    wanted.push_back(c.name);
    if (rest.size() >= wanted.size() && std::equal(wanted.begin(), wanted.end(), rest.begin())) {
      command = &c;
      words = wanted.size();
    }
  }
  if (command == nullptr) {
    std::cerr << "mvnectl: unknown command '" << rest[0] << " " << rest[1] << "' (see --help)\n";
    return mvne::ctl::kUsage;
  }
  po::options_description options("Options of '" + command->group + " " + command->name + "'");
  command->options(options);
  std::vector<std::string> args(rest.begin() + static_cast<std::ptrdiff_t>(words), rest.end());
  if (vm.count("help") || std::find(args.begin(), args.end(), "--help") != args.end()) {
    std::cout << "mvnectl " << command->group << " " << command->name << ": " << command->summary
              << "\n\n"
              << options << "\n"
              << kTimes;
    return mvne::ctl::kOk;
  }
  po::variables_map command_vm;
  try {
    po::store(po::command_line_parser(args).options(options).run(), command_vm);
    po::notify(command_vm);
  } catch (const po::error& e) {
    std::cerr << "mvnectl " << command->group << " " << command->name << ": " << e.what()
              << " (see --help)\n";
    return mvne::ctl::kUsage;
  }

  std::vector<std::string> overrides;
  if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
  auto settings = mvne::config::load_settings(vm["config"].as<std::string>(), overrides);
  if (!settings.ok()) {
    std::cerr << "mvnectl: configuration error: " << settings.status().message() << "\n";
    return mvne::ctl::kUsage;
  }
  // mvnectl logs to standard error, whatever the host's log file: standard output is the
  // command's result (and JSON with --json).
  mvne::config::LogSettings log_settings = settings->log;
  log_settings.file.clear();
  (void)mvne::log::init(log_settings);
  mvne::ctl::Session session(std::move(settings).value(), vm.count("json") > 0, operator_name());
  if (mvne::Status st = session.open(); !st.ok()) {
    std::cerr << "mvnectl: " << st.message() << "\n";
    return mvne::ctl::kFailed;
  }
  return command->run(session, command_vm);
}
