#include <iomanip>
#include <iostream>

#include "core/log/escape.h"
#include "tools/mvnectl/command.h"

namespace mvne::ctl {

Session::Session(config::Settings settings, bool json, std::string operator_name)
    : settings_(std::move(settings)), json_(json), operator_(std::move(operator_name)) {}

Status Session::open() {
  auto services = platform::Services::open(settings_);
  if (!services.ok()) return services.status();
  services_ = std::move(services).value();
  services_->datagrams.reset();  // mvnectl never listens: plugins it loads receive nothing
  return Status::Ok();
}

Status Session::audit_action(const std::string& action, const std::string& detail, int64_t rows) {
  audit::Entry e;
  e.principal = "operator:" + operator_;
  e.action = action;
  e.row_count = rows;
  e.detail = detail;
  return services_->audit->append(e);
}

std::string Session::time_zone_of(const std::string& code) {
  if (code.empty()) return "";
  auto tenant = directory().tenant(code);
  return tenant.ok() ? tenant->time_zone : "";
}

namespace {

// Every value printed as text goes through here: stored data (spool lines, file names,
// plugin messages) may hold escape sequences or newlines that would act on the terminal.
std::string cell(const nlohmann::ordered_json& v) {
  if (v.is_string()) return log::printable(v.get<std::string>());
  if (v.is_null()) return "";
  return log::printable(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

void Session::print(const nlohmann::ordered_json& value) const {
  if (json_) {
    std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  if (value.is_array()) {
    if (value.empty()) {
      std::cout << "(none)\n";
      return;
    }
    std::vector<std::string> columns;
    for (auto it = value[0].begin(); it != value[0].end(); ++it) columns.push_back(it.key());
    std::vector<size_t> width(columns.size());
    for (size_t c = 0; c < columns.size(); ++c) {
      columns[c] = log::printable(columns[c]);
      width[c] = columns[c].size();
      for (const auto& row : value) width[c] = std::max(width[c], cell(row[columns[c]]).size());
    }
    for (size_t c = 0; c < columns.size(); ++c)
      std::cout << std::left << std::setw(width[c] + 2) << columns[c];
    std::cout << "\n";
    for (const auto& row : value) {
      for (size_t c = 0; c < columns.size(); ++c) {
        std::cout << std::left << std::setw(width[c] + 2) << cell(row[columns[c]]);
      }
      std::cout << "\n";
    }
    return;
  }
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      std::cout << log::printable(it.key()) << ": " << cell(it.value()) << "\n";
    }
    return;
  }
  std::cout << cell(value) << "\n";
}

int refuse(const Status& status) {
  std::cerr << "mvnectl: " << log::printable(status.message()) << "\n";
  return kFailed;
}

std::string arg(const boost::program_options::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

}  // namespace mvne::ctl
