#include "tools/leakcheck/traffic.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/common/time.h"
#include "core/log/log.h"
#include "plugins/data_sessions/radius.h"

namespace mvne::leakcheck {
namespace {

using namespace std::chrono_literals;

std::string u32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// A time in November 2026 (Japan), before any move of the run.
std::string november(std::mt19937& rng) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "2026-11-%02dT%02d:%02d:%02d+09:00",
                2 + static_cast<int>(rng() % 26), static_cast<int>(rng() % 23),
                static_cast<int>(rng() % 60), static_cast<int>(rng() % 60));
  return buf;
}

std::string iso(int64_t us) { return format_time_us(us); }

// Writes `text` as `dir/name` the way a switch does: a .part file renamed when complete.
void drop(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string part = dir + "/" + name + ".part";
  {
    std::ofstream out(part, std::ios::binary);
    out << text;
  }
  std::filesystem::rename(part, dir + "/" + name);
}

// Runs `attempt` until it succeeds; with database restarts in the run (--db-restarts), as an
// operator would, again every half second for up to 30 s after a failure.
template <typename Attempt>
bool retried(const Options& o, const std::atomic<bool>& stopping, Attempt attempt) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (!attempt()) {
    if (o.db_restarts == 0 || stopping || std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(500ms);
  }
  return true;
}

}  // namespace

Traffic::Traffic(const World& world, platform::Services* services, Ownership* ownership)
    : world_(world), services_(services), ownership_(ownership) {
  const Options& o = world.options;
  std::mt19937 rng(17);
  const int lines = o.tenants * o.subscribers;
  const int n = o.tenants > 1 ? static_cast<int>(lines * o.moved) : 0;
  for (int i = 0; i < n; ++i) {
    Owner from{static_cast<int>(rng() % o.tenants), static_cast<int>(rng() % o.subscribers)};
    Owner to{(from.tenant + 1 + static_cast<int>(rng() % (o.tenants - 1))) % o.tenants,
             static_cast<int>(rng() % o.subscribers)};
    if (move_of_.count(from) || move_of_.count(to)) continue;  // one move per line, either end
    planned_.push_back(std::make_unique<Move>());
    planned_.back()->from = from;
    planned_.back()->to = to;
    move_of_[from] = planned_.back().get();
    move_of_[to] = planned_.back().get();
  }
}

Traffic::~Traffic() { stop(); }

void Traffic::start() {
  threads_.emplace_back([this] { spool_files(); });
  threads_.emplace_back([this] { radius(); });
  threads_.emplace_back([this] { moves(); });
  threads_.emplace_back([this] { resets(); });
  threads_.emplace_back([this] { merges(); });
}

void Traffic::stop() {
  stopping_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

Owner Traffic::pick(std::mt19937& rng, const Move** move) {
  const Options& o = world_.options;
  Owner line{static_cast<int>(rng() % o.tenants), static_cast<int>(rng() % o.subscribers)};
  auto it = move_of_.find(line);
  *move = it == move_of_.end() ? nullptr : it->second;
  return line;
}

// Every half second, one switch file and one SMSC file of 100 records each.
void Traffic::spool_files() {
  std::mt19937 rng(23);
  const std::string cdr_header =
      "record_id,call_start,answer_time,end_time,duration,billable_seconds,calling_number,"
      "called_number,call_type,imsi,disposition\n";
  const std::string sms_header =
      "record_id,time,direction,sender,recipient,imsi,smsc,status,segments\n";
  for (long file = 0; !stopping(); ++file) {
    std::string cdrs = cdr_header, sms = sms_header;
    for (int i = 0; i < 100; ++i) {
      for (bool call : {true, false}) {
        const Move* move = nullptr;
        Owner line = pick(rng, &move);
        Owner owner = line;
        std::string number = msisdn(line.tenant, line.subscriber);
        std::string sim = imsi(line.tenant, line.subscriber);
        std::string when = november(rng);
        if (move != nullptr && line == move->from && move->done) {
          // After the move the number is its new holder's, who uses it now (with a SIM of
          // its own that the switch does not report).
          owner = move->to;
          sim.clear();
          // The next whole second: switches give seconds, and the move took effect at a
          // moment within the current one.
          when = iso((now_us() / 1000000 + 1) * 1000000);
        }
        const long n = ++next_id_;
        if (call) {
          cdrs += record_id('c', owner.tenant, owner.subscriber, n) + "," + when + "," + when +
                  "," + when + ",60,60," + number + ",0312345678,outgoing," + sim + ",ANSWERED\n";
          ++counts_.calls;
        } else {
          sms += record_id('m', owner.tenant, owner.subscriber, n) + "," + when + ",MO," + number +
                 ",0312345678," + sim + ",smsc1,DELIVERED,1\n";
          ++counts_.messages;
        }
      }
    }
    drop(world_.spool("voice_cdr"), "f" + std::to_string(file) + ".csv", cdrs);
    drop(world_.spool("sms"), "f" + std::to_string(file) + ".csv", sms);
    std::this_thread::sleep_for(500ms);
  }
}

// Sessions one after another: Start, Interim-Update, Stop, each sent again after a second
// without an answer (at most five times). Lines that move in the run are left out.
void Traffic::radius() {
  std::mt19937 rng(29);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in host{};
  host.sin_family = AF_INET;
  host.sin_port = htons(world_.radius_port);
  inet_pton(AF_INET, "127.0.0.1", &host.sin_addr);
  uint8_t id = 0;
  char buf[4096];
  while (!stopping()) {
    const Move* move = nullptr;
    Owner line = pick(rng, &move);
    if (move != nullptr) continue;
    const long n = ++next_id_;
    const std::string session = record_id('s', line.tenant, line.subscriber, n);
    const std::string number = "81" + msisdn(line.tenant, line.subscriber).substr(1);
    const std::string vsa =
        u32(10415) + std::string{1, static_cast<char>(2 + 15)} + imsi(line.tenant, line.subscriber);
    const uint32_t start = static_cast<uint32_t>(now_us() / 1000000);
    const uint32_t status[] = {1, 3, 2};
    for (int step = 0; step < 3 && !stopping(); ++step) {
      const uint32_t k = static_cast<uint32_t>(step);
      std::string request = data_sessions::radius::accounting_request(++id,
                                                                      {{40, u32(status[step])},
                                                                       {44, session},
                                                                       {1, "user"},
                                                                       {31, number},
                                                                       {30, "internet.mvne"},
                                                                       {26, vsa},
                                                                       {4, u32(0x7f000001)},
                                                                       {55, u32(start + k * 60)},
                                                                       {42, u32(k * 100000)},
                                                                       {43, u32(k * 900000)},
                                                                       {46, u32(k * 60)}},
                                                                      "testing123");
      bool answered = false;
      ++counts_.radius_events;
      for (int attempt = 0; attempt < 5 && !answered && !stopping(); ++attempt) {
        sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&host),
               sizeof host);
        ++counts_.radius_sent;
        pollfd p{fd, POLLIN, 0};
        while (!answered && poll(&p, 1, 1000) > 0) {
          ssize_t got = recv(fd, buf, sizeof buf, 0);
          answered = got >= 20 && static_cast<uint8_t>(buf[1]) == id;
        }
      }
      if (answered) ++counts_.radius_answered;
    }
  }
  close(fd);
}

// The planned moves, spread over the first half of the run: the number's new holder is
// known to the checker before the directory says so.
void Traffic::moves() {
  if (planned_.empty()) return;
  const auto gap =
      std::chrono::milliseconds(world_.options.seconds * 500 / static_cast<int>(planned_.size()));
  for (auto& move : planned_) {
    for (auto until = std::chrono::steady_clock::now() + gap;
         !stopping() && std::chrono::steady_clock::now() < until;)
      std::this_thread::sleep_for(50ms);
    if (stopping()) return;
    ownership_->add_holder(move->from, move->to);
    const std::string number = msisdn(move->from.tenant, move->from.subscriber);
    Status moved;
    if (retried(world_.options, stopping_, [&] {
          moved = services_->directory
                      ->move(tenancy::IdKind::kMsisdn, number,
                             {tenant_code(move->to.tenant),
                              account(move->to.tenant, move->to.subscriber), "", number, "", "",
                              now_us(), kForever})
                      .status();
          return moved.ok();
        })) {
      move->done = true;
      ++counts_.moves;
    } else {
      ++counts_.moves_refused;
      log::warn("leakcheck", "moving " + number + ": " + moved.message());
    }
  }
}

// Every two seconds an operator gives a consumer a reset token, which the host mails to it.
void Traffic::resets() {
  std::mt19937 rng(31);
  while (!stopping()) {
    const Move* move = nullptr;
    Owner who = pick(rng, &move);
    CtlResult r;
    if (retried(world_.options, stopping_, [&] {
          r = run_mvnectl(world_,
                          {"subscriber", "password", "reset", "--tenant", tenant_code(who.tenant),
                           "--account", account(who.tenant, who.subscriber)});
          return r.code == 0;
        })) {
      ++counts_.resets;
    } else if (counts_.resets_failed++ < 5) {
      std::printf("  password reset refused (mvnectl exit %d): %s\n", r.code, r.last_line.c_str());
      std::fflush(stdout);
    }
    for (int i = 0; i < 40 && !stopping(); ++i) std::this_thread::sleep_for(50ms);
  }
}

// Every two seconds an operator mistakes two consumers of one MVNO for one holder and asks
// to merge their accounts (seed case 5: a wrongly merged ID showed one consumer another's
// daily use). Every consumer of the world has an address of its own, so each must be
// refused; one that goes through is counted and fails the run (its records would leak).
void Traffic::merges() {
  std::mt19937 rng(43);
  const Options& o = world_.options;
  while (!stopping() && o.subscribers > 1) {
    const int t = static_cast<int>(rng() % o.tenants);
    const int from = static_cast<int>(rng() % o.subscribers);
    const int into = (from + 1 + static_cast<int>(rng() % (o.subscribers - 1))) % o.subscribers;
    Status merged;
    retried(o, stopping_, [&] {
      merged =
          services_->directory->merge_accounts(tenant_code(t), account(t, from), account(t, into));
      return merged.code() != Code::kUnavailable;
    });
    if (merged.ok()) {
      ++counts_.merges_done;
      std::printf("  MERGED two holders' accounts: %s into %s\n", account(t, from).c_str(),
                  account(t, into).c_str());
      std::fflush(stdout);
    } else if (merged.code() == Code::kInvalidArgument) {
      ++counts_.merges_refused;
    } else if (!stopping() && counts_.merges_failed++ < 5) {
      std::printf("  a merge failed otherwise: %s\n", merged.message().c_str());
      std::fflush(stdout);
    }
    for (int i = 0; i < 40 && !stopping(); ++i) std::this_thread::sleep_for(50ms);
  }
}

}  // namespace mvne::leakcheck
