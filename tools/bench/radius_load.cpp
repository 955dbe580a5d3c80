#include "tools/bench/radius_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/common/status.h"
#include "core/common/time.h"
#include "plugins/data_sessions/radius.h"
#include "tools/bench/bench_support.h"

namespace mvne::bench {
namespace {

constexpr double kMaxSeconds = 300;

std::string u32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
std::string msisdn(int line) { return "8170" + std::to_string(10000000 + line); }
std::string imsi(int line) { return "44010" + std::to_string(1000000000 + line); }

// Event `step` of session `session` as an Accounting-Request with identifier `id`.
std::string request(uint8_t id, int session, int step) {
  static const uint32_t kStatus[] = {1, 3, 3, 3, 2};
  int line = session % (kRadiusTenants * kRadiusLinesPerTenant);
  std::string imsi_vsa = u32(10415) + std::string{1, static_cast<char>(2 + 15)} + imsi(line);
  uint32_t t = 1793800800u + static_cast<uint32_t>(session) * 7 + static_cast<uint32_t>(step) * 600;
  return data_sessions::radius::accounting_request(id,
                                                   {{40, u32(kStatus[step])},
                                                    {44, "bench-" + std::to_string(session)},
                                                    {1, "user" + std::to_string(line)},
                                                    {31, msisdn(line)},
                                                    {30, "internet.mvne"},
                                                    {26, imsi_vsa},
                                                    {4, u32(0x7f000001)},
                                                    {55, u32(t)},
                                                    {42, u32(static_cast<uint32_t>(step) * 100000)},
                                                    {43, u32(static_cast<uint32_t>(step) * 900000)},
                                                    {46, u32(static_cast<uint32_t>(step) * 600)}},
                                                   "testing123");
}

}  // namespace

void seed_radius_world(tenancy::Directory& dir, const std::string& prefix,
                       const std::vector<std::string>& plugins) {
  for (int t = 0; t < kRadiusTenants; ++t) {
    std::string code = prefix + std::to_string(t);
    if (auto r = dir.add_tenant({0, code, code, "Asia/Tokyo", "/tmp", plugins}); !r.ok())
      die("tenant", r.status());
    if (auto r = dir.add_plan({0, code, "p", "p", 0, 0, 1, 0, 0, ""}); !r.ok())
      die("plan", r.status());
    if (auto r = dir.add_subscriber({0, code, "sub", "s", "p", "s@" + code + ".example"}); !r.ok())
      die("subscriber", r.status());
    std::vector<tenancy::LineAssignment> lines;
    for (int l = 0; l < kRadiusLinesPerTenant; ++l) {
      int line = t * kRadiusLinesPerTenant + l;
      lines.push_back({code, "sub", "", msisdn(line), imsi(line), "", 0, kForever});
    }
    if (auto r = dir.import_assignments(lines); !r.ok()) die("lines", r.status());
  }
}

// One outstanding request per session; the identifiers are the window's slots.
Load run_load(const std::vector<uint16_t>& ports, size_t requests, int window, int first_session) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  // Room for a whole window of answers arriving at once (the same for every server).
  int buffer = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  std::vector<sockaddr_in> hosts(ports.size());
  for (size_t h = 0; h < ports.size(); ++h) {
    hosts[h].sin_family = AF_INET;
    hosts[h].sin_port = htons(ports[h]);
    inet_pton(AF_INET, "127.0.0.1", &hosts[h].sin_addr);
  }
  auto to = [&](int session) {
    return reinterpret_cast<const sockaddr*>(&hosts[static_cast<size_t>(session) % hosts.size()]);
  };
  struct Slot {
    int session = -1, step = 0;
    std::string bytes;
    Clock::time_point sent;
  };
  std::vector<Slot> slots(static_cast<size_t>(window));
  int sessions = first_session + static_cast<int>(requests / kEventsPerSession);
  int next_session = first_session;
  Load load;
  auto send = [&](size_t i) {
    Slot& s = slots[i];
    s.bytes = request(static_cast<uint8_t>(i), s.session, s.step);
    s.sent = Clock::now();
    sendto(fd, s.bytes.data(), s.bytes.size(), 0, to(s.session), sizeof(sockaddr_in));
    ++load.sent;
  };
  auto start = Clock::now();
  for (size_t i = 0; i < slots.size() && next_session < sessions; ++i) {
    slots[i].session = next_session++;
    send(i);
  }
  char buf[4096];
  size_t active = std::min<size_t>(slots.size(), static_cast<size_t>(sessions - first_session));
  while (active > 0 && seconds_since(start) < kMaxSeconds) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n < 20 || buf[0] != data_sessions::radius::kAccountingResponse) continue;
      size_t i = static_cast<uint8_t>(buf[1]);
      if (i >= slots.size() || slots[i].session < 0) continue;
      Slot& s = slots[i];
      load.latency_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - s.sent).count());
      ++load.answered;
      if (++s.step == kEventsPerSession) {
        s.step = 0;
        s.session = next_session < sessions ? next_session++ : -1;
      }
      if (s.session >= 0) {
        send(i);
      } else {
        --active;
      }
    }
    for (size_t i = 0; i < slots.size(); ++i) {  // retransmit after 2 s without an answer
      if (slots[i].session >= 0 && seconds_since(slots[i].sent) > 2.0) {
        slots[i].sent = Clock::now();
        sendto(fd, slots[i].bytes.data(), slots[i].bytes.size(), 0, to(slots[i].session),
               sizeof(sockaddr_in));
        ++load.retransmits;
      }
    }
  }
  load.seconds = seconds_since(start);
  close(fd);
  return load;
}

void report_load(const std::string& name, int window, const Load& load, int64_t stored) {
  std::vector<double> l = load.latency_ms;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) { return l.empty() ? 0.0 : l[static_cast<size_t>(p * (l.size() - 1))]; };
  std::printf("%s, window %d:\n", name.c_str(), window);
  std::printf("  answered : %9.0f requests/s (%zu of %zu in %.2f s, %zu retransmitted)\n",
              load.answered / load.seconds, load.answered, load.sent, load.seconds,
              load.retransmits);
  if (stored >= 0)
    std::printf("  stored   : %lld accounting rows\n", static_cast<long long>(stored));
  std::printf("  latency  : p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", pct(0.5),
              pct(0.9), pct(0.99), l.empty() ? 0.0 : l.back());
  std::fflush(stdout);
}

}  // namespace mvne::bench
