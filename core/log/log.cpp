#include "core/log/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

#include "core/log/file_sink.h"
#include "core/log/log_sampler.h"

namespace mvne::log {
namespace {

std::atomic<bool> json_format{false};

// log.burst: warning and error lines per component in 10 s.
LogSampler& limit() {
  static LogSampler instance(10 * 1000000LL, config::LogSettings{}.burst);
  return instance;
}

spdlog::level::level_enum to_spdlog(const std::string& level) {
  if (level == "trace") return spdlog::level::trace;
  if (level == "debug") return spdlog::level::debug;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  return spdlog::level::info;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

Status init(const config::LogSettings& settings) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (settings.file.empty()) {
      logger = std::make_shared<spdlog::logger>("mvne",
                                                std::make_shared<spdlog::sinks::stderr_sink_mt>());
    } else {
      auto sink = FileSink::open(settings.file);
      if (!sink.ok()) return Status::Invalid("log.file: " + sink.status().message());
      logger = std::make_shared<spdlog::logger>("mvne", std::move(sink).value());
    }
  } catch (const spdlog::spdlog_ex& e) {
    return Status::Invalid("log.file: cannot open '" + settings.file + "': " + e.what());
  }
  json_format = settings.format == "json";
  limit().set_burst(settings.burst);
  logger->set_pattern(json_format ? R"({"ts":"%Y-%m-%dT%H:%M:%S.%f%z","level":"%l",%v})"
                                  : "%Y-%m-%dT%H:%M:%S.%e%z [%l] %v");
  logger->set_level(to_spdlog(settings.level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

void set_level(const std::string& level) { spdlog::default_logger()->set_level(to_spdlog(level)); }

void set_burst(int burst) { limit().set_burst(burst); }

Status reopen() {
  for (const auto& sink : spdlog::default_logger()->sinks()) {
    if (auto file = std::dynamic_pointer_cast<FileSink>(sink)) return file->reopen();
  }
  return Status::Ok();
}

bool enabled(Level level) { return spdlog::default_logger_raw()->should_log(to_spdlog(level)); }

namespace {

void emit(spdlog::logger* logger, spdlog::level::level_enum lvl, std::string_view component,
          std::string_view request_id, std::string_view message) {
  std::string masked = mask_identifiers(message);
  if (json_format) {
    std::string line = "\"component\":\"" + json_escape(component) + "\"";
    if (!request_id.empty()) line += ",\"request_id\":\"" + json_escape(request_id) + "\"";
    line += ",\"msg\":\"" + json_escape(masked) + "\"";
    logger->log(lvl, "{}", line);
  } else if (request_id.empty()) {
    logger->log(lvl, "[{}] {}", printable(component), printable(masked));
  } else {
    logger->log(lvl, "[{}] [req={}] {}", printable(component), printable(request_id),
                printable(masked));
  }
}

}  // namespace

void write(Level level, std::string_view component, std::string_view request_id,
           std::string_view message) {
  auto logger = spdlog::default_logger_raw();
  auto lvl = to_spdlog(level);
  if (!logger->should_log(lvl)) return;
  if (level >= Level::kWarn) {
    const auto left_out =
        limit().admit(component, std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
    if (!left_out) return;
    if (*left_out > 0) {
      emit(logger, spdlog::level::warn, component, {},
           std::to_string(*left_out) +
               " warning and error lines of this component were left out (log.burst: at most " +
               std::to_string(limit().burst()) + " in 10 s)");
    }
  }
  emit(logger, lvl, component, request_id, message);
}

}  // namespace mvne::log
