#include "tools/bench/cdr_world.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/common/time.h"
#include "tools/bench/bench_support.h"

namespace mvne::bench {
namespace {

std::string msisdn(int tenant, int line) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "090%04d%04d", 1000 + tenant, line);
  return buf;
}
std::string imsi(int tenant, int line) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "44010%05d%05d", tenant, line);
  return buf;
}

}  // namespace

int write_cdr_spool(const std::string& dir, size_t n, size_t lines_per_file) {
  std::filesystem::create_directories(dir);
  std::mt19937 rng(7);
  const char* types[] = {"outgoing", "incoming", "forwarded", "roaming"};
  int files = 0;
  std::ofstream out;
  for (size_t i = 0; i < n; ++i) {
    if (i % lines_per_file == 0) {
      out = std::ofstream(dir + "/cdr-" + std::to_string(files++) + ".csv");
      out << "record_id,call_start,answer_time,end_time,duration,billable_seconds,calling_number,"
             "called_number,call_type,imsi,disposition\n";
    }
    int t = static_cast<int>(rng() % kCdrTenants), l = static_cast<int>(rng() % kCdrLinesPerTenant);
    int day = 2 + static_cast<int>(rng() % 27), billable = static_cast<int>(rng() % 600);
    int start_s = static_cast<int>(rng() % (23 * 3600)), end_s = start_s + billable + 3;
    const char* type = types[rng() % 4];
    bool makes = type[0] == 'o' || type[0] == 'r';
    auto at = [day](char* buf, size_t size, int s) {
      std::snprintf(buf, size, "2026-11-%02dT%02d:%02d:%02d+09:00", day, s / 3600, s / 60 % 60,
                    s % 60);
    };
    char start[40], answer[40], end[40];
    at(start, sizeof start, start_s);
    at(answer, sizeof answer, start_s + 3);
    at(end, sizeof end, end_s);
    std::string self = msisdn(t, l);
    out << "r" << i << "," << start << "," << answer << "," << end << "," << billable + 3 << ","
        << billable << "," << (makes ? self : "0311112222") << "," << (makes ? "0311112222" : self)
        << "," << type << "," << imsi(t, l) << ",ANSWERED\n";
  }
  return files;
}

void seed_cdr_world(tenancy::Directory& dir) {
  for (int t = 0; t < kCdrTenants; ++t) {
    std::string code = "t" + std::to_string(t);
    if (auto r = dir.add_tenant({0, code, code, "Asia/Tokyo", "/tmp", {"voice_cdr"}}); !r.ok())
      die("tenant", r.status());
    if (auto r = dir.add_plan(
            {0, code, "p", "p", 0, 22, t % 2 ? 60 : 1, 3, 0, "roaming=120/60,incoming=0/1"});
        !r.ok())
      die("plan", r.status());
    if (auto r = dir.add_subscriber({0, code, "sub", "s", "p", "s@" + code + ".example"}); !r.ok())
      die("subscriber", r.status());
    std::vector<tenancy::LineAssignment> lines;
    for (int l = 0; l < kCdrLinesPerTenant; ++l)
      lines.push_back({code, "sub", "", msisdn(t, l), imsi(t, l), "", 0, kForever});
    if (auto r = dir.import_assignments(lines); !r.ok()) die("lines", r.status());
  }
}

}  // namespace mvne::bench
