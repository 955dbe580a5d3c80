#include "tools/leakcheck/readers.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

namespace mvne::leakcheck {
namespace {

const std::vector<std::string> kTenantRoutes = {
    "/api/v1/voice/cdrs?month=2026-11&limit=100",
    "/api/v1/voice/cdrs?month=2026-12&limit=100",
    "/api/v1/sms/records?month=2026-11&limit=100",
    "/api/v1/sms/records?month=2026-12",
    "/api/v1/voice/summary?month=2026-11",
    "/api/v1/sms/summary?month=2026-11",
    "/api/v1/data/sessions",
    "/api/v1/data/daily",
};
const std::vector<std::string> kConsumerRoutes = {
    "/portal/api/v1/me",         "/portal/api/v1/calls?month=2026-11",
    "/portal/api/v1/calls",      "/portal/api/v1/messages?month=2026-11",
    "/portal/api/v1/usage",      "/portal/api/v1/data/sessions",
    "/portal/api/v1/data/daily", "/portal/api/v1/bills/current",
};

// The members' pages (the portal plugin), under /portal/my/<tenant>/: each MVNO's own
// branding and links, the same for each of its consumers (their data comes from the app API).
const std::vector<std::string> kPages = {"",         "history", "calls",         "bills",
                                         "contract", "account", "login?lang=en", "calls?lang=ja"};

struct Answer {
  int status = 0;  // 0: no answer
  bool retry_after = false;
  std::string body;
};

Answer send(Poco::Net::HTTPClientSession& session, const std::string& method,
            const std::string& target, const std::string& token, const std::string& body) {
  Answer a;
  try {
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    if (!body.empty()) {
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(in, a.body);
    a.status = response.getStatus();
    a.retry_after = response.has("Retry-After");
  } catch (const std::exception& e) {
    a.body = e.what();
    session.reset();
  }
  return a;
}

// Removes every occurrence of `echo` (what the requester itself sent) from `body`.
std::string without(std::string body, const std::string& echo) {
  if (echo.empty()) return body;
  for (size_t at = body.find(echo); at != std::string::npos; at = body.find(echo, at))
    body.erase(at, echo.size());
  return body;
}

std::string who(const Owner& o) {
  return tenant_code(o.tenant) + (o.subscriber >= 0 ? "/" + account(o.tenant, o.subscriber) : "");
}

// Checks one answer for `recipient`; `echo`: a foreign identifier the request itself named;
// `in_outage`: the host was killed while the request was under way.
void check(Tally& tally, Channel& c, const Ownership& ownership, const Owner& recipient,
           const std::string& target, const Answer& a, const std::string& echo = "",
           bool in_outage = false) {
  ++c.outputs;
  if (a.status == 503 && a.retry_after) {
    ++c.shed;
  } else if (a.status == 429) {
    ++c.throttled;
  } else if (a.status == 0 && in_outage) {
    ++c.outage;
  } else if (a.status == 0 || a.status >= 500) {
    tally.error(c, who(recipient) + " " + target + ": " + std::to_string(a.status) + " " +
                       a.body.substr(0, 200));
  }
  long own = 0;
  for (const Found& f : ownership.foreign(recipient, without(a.body, echo), &own))
    tally.leak(c, who(recipient) + " " + target + ": " + f.text);
  if (own > 0) ++c.with_data;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Channel& Tally::channel(const std::string& name) {
  std::lock_guard lock(mu_);
  return channels_[name];
}

void Tally::leak(Channel& c, const std::string& what) {
  ++c.leaks;
  std::lock_guard lock(mu_);
  if (examples_.size() < 20) examples_.push_back("LEAK " + what);
}

void Tally::error(Channel& c, const std::string& what) {
  ++c.errors;
  std::lock_guard lock(mu_);
  if (examples_.size() < 20) examples_.push_back("ERROR " + what);
}

long Tally::sum(std::atomic<long> Channel::*counter) const {
  std::lock_guard lock(mu_);
  long n = 0;
  for (const auto& [name, c] : channels_) n += (c.*counter).load();
  return n;
}

void Tally::print() const {
  std::lock_guard lock(mu_);
  std::printf("  %-14s %10s %10s %7s %9s %10s %7s\n", "channel", "outputs", "with data", "leaks",
              "503s", "throttled", "errors");
  for (const auto& [name, c] : channels_) {
    std::printf("  %-14s %10ld %10ld %7ld %9ld %10ld %7ld\n", name.c_str(), c.outputs.load(),
                c.with_data.load(), c.leaks.load(), c.shed.load(), c.throttled.load(),
                c.errors.load());
  }
  for (const auto& [name, c] : channels_) {
    if (c.resent > 0)
      std::printf(
          "  %s: %ld delivered again after a kill -9 or a database outage that fell between "
          "the relay's acceptance and the host's record of it (same Message-ID)\n",
          name.c_str(), c.resent.load());
  }
  for (const auto& e : examples_) std::printf("  %s\n", e.c_str());
}

void read_http(const World& world, const Ownership& ownership, Tally& tally,
               const std::atomic<bool>& stop, const std::atomic<long>& outages, unsigned seed) {
  const Options& o = world.options;
  Channel& tenants = tally.channel("tenant API");
  Channel& consumers = tally.channel("app API");
  Channel& logins = tally.channel("logins");
  Channel& pages = tally.channel("portal pages");
  std::mt19937 rng(seed);
  Poco::Net::HTTPClientSession session("127.0.0.1", world.http_port);
  session.setTimeout(Poco::Timespan(30, 0));
  session.setKeepAlive(true);
  std::map<Owner, std::string> tokens;  // consumers logged in through this connection
  while (!stop) {
    const long before = outages.load();
    auto in_outage = [&] { return before % 2 == 1 || outages.load() != before; };
    const Owner tenant{static_cast<int>(rng() % o.tenants), -1};
    const Owner other{static_cast<int>(rng() % o.tenants), static_cast<int>(rng() % o.subscribers)};
    const bool deliberate = rng() % 8 == 0;  // asks for another's number
    const std::string echo = deliberate ? msisdn(other.tenant, other.subscriber) : "";
    if (rng() % 2 == 0) {
      std::string target = kTenantRoutes[rng() % kTenantRoutes.size()];
      if (deliberate)
        target += (target.find('?') == std::string::npos ? "?msisdn=" : "&msisdn=") + echo;
      Answer a = send(session, "GET", target, world.keys[static_cast<size_t>(tenant.tenant)], "");
      check(tally, tenants, ownership, tenant, target, a, echo, in_outage());
      continue;
    }
    const Owner consumer{tenant.tenant, static_cast<int>(rng() % o.subscribers)};
    if (rng() % 4 == 0) {  // a consumer opens one of its MVNO's pages
      const std::string target =
          "/portal/my/" + tenant_code(consumer.tenant) + "/" + kPages[rng() % kPages.size()];
      Answer a = send(session, "GET", target, "", "");
      check(tally, pages, ownership, consumer, target, a, "", in_outage());
      if (a.status != 200 && a.status != 503 && a.status != 0)
        tally.error(pages, target + ": " + std::to_string(a.status) + ", not the page");
      continue;
    }
    auto token = tokens.find(consumer);
    if (token == tokens.end()) {
      nlohmann::json body = {{"tenant", tenant_code(consumer.tenant)},
                             {"account", account(consumer.tenant, consumer.subscriber)},
                             {"password", world.password(consumer.tenant, consumer.subscriber)}};
      Answer a = send(session, "POST", "/portal/api/v1/login", "", body.dump());
      check(tally, logins, ownership, consumer, "login", a, "", in_outage());
      if (a.status != 200) continue;
      auto j = nlohmann::json::parse(a.body, nullptr, false);
      if (j.is_discarded() || !j.contains("token")) {
        tally.error(logins, who(consumer) + " login: " + a.body.substr(0, 200));
        continue;
      }
      token = tokens.emplace(consumer, j["token"].get<std::string>()).first;
    }
    std::string target = kConsumerRoutes[rng() % kConsumerRoutes.size()];
    if (deliberate && target.find("/data/") != std::string::npos) target += "?msisdn=" + echo;
    Answer a = send(session, "GET", target, token->second, "");
    check(tally, consumers, ownership, consumer, target, a,
          target.find("msisdn=") != std::string::npos ? echo : "", in_outage());
  }
}

void export_and_scan(const World& world, const Ownership& ownership, Tally& tally,
                     const std::vector<std::string>& dates) {
  Channel& files = tally.channel("export files");
  for (int t = 0; t < world.options.tenants; ++t) {
    for (const char* plugin : {"voice_cdr", "sms", "data_sessions"}) {
      for (const std::string& date : dates) {
        CtlResult r = run_mvnectl(world, {"export", "run", "--plugin", plugin, "--tenant",
                                          tenant_code(t), "--date", date});
        if (r.code != 0)
          tally.error(files, tenant_code(t) + " " + plugin + " " + date + ": mvnectl exit " +
                                 std::to_string(r.code) + ": " + r.last_line);
      }
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(world.exports(t))) {
      if (!entry.is_regular_file()) continue;
      check(tally, files, ownership, {t, -1}, entry.path().filename().string(),
            {200, false, read_all(entry.path().string())});
    }
  }
}

void scan_log(const World& world, Tally& tally) {
  Channel& lines = tally.channel("log lines");
  std::vector<std::string> logs = {world.ctl_log()};
  for (int run = 0; std::filesystem::exists(world.log(run)); ++run) logs.push_back(world.log(run));
  for (const std::string& log : logs) {
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) {
      ++lines.outputs;
      for (const Found& f : scan(line)) {
        if (f.identifier) tally.leak(lines, "unmasked in " + log + ": " + f.text);
      }
    }
  }
}

void scan_mail(const World& world, const Ownership& ownership, Tally& tally) {
  Channel& mail = tally.channel("mail");
  std::set<std::string> message_ids;
  for (const auto& entry : std::filesystem::directory_iterator(world.mail_dir())) {
    if (entry.path().extension() != ".json") continue;
    auto message = nlohmann::json::parse(read_all(entry.path().string()), nullptr, false);
    if (message.is_discarded()) {
      tally.error(mail, entry.path().string() + ": not JSON");
      continue;
    }
    const std::string data = message.value("data", "");
    // Each message is delivered once: its Message-ID is never seen twice. The one exception
    // is SMTP's own: a host killed after the relay accepted a message and before it recorded
    // that sends it again (with the same Message-ID, by which the receiver can tell).
    const size_t id_at = data.find("Message-ID:");
    const std::string id =
        id_at == std::string::npos ? "" : data.substr(id_at, data.find('\n', id_at) - id_at);
    if (id.empty()) {
      tally.error(mail, entry.path().string() + ": no Message-ID");
    } else if (!message_ids.insert(id).second) {
      if (world.options.kills > 0 || world.options.db_restarts > 0) {
        ++mail.resent;
      } else {
        tally.error(mail, entry.path().string() + ": twice: " + id);
      }
    }
    for (const auto& rcpt : message["rcpt_tos"]) {
      ++mail.outputs;
      auto owners = scan(rcpt.get<std::string>());
      if (owners.size() != 1 || owners[0].owner.subscriber < 0) {
        tally.error(mail, "a message to " + rcpt.get<std::string>() + ", not a consumer's address");
        continue;
      }
      long own = 0;
      for (const Found& f : ownership.foreign(owners[0].owner, data, &own))
        tally.leak(mail, "to " + rcpt.get<std::string>() + ": " + f.text);
      if (own > 0) ++mail.with_data;
    }
  }
}

}  // namespace mvne::leakcheck
