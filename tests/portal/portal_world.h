// Two MVNOs and two consumers for the portal's end-to-end tests, on one backend. Seed case
// 4: number 090-3333-0001 was acme's taro's until 2026-11-10 and is bolt's kenji's since,
// each with a connection (RADIUS, by radclient) and a call (a switch file) on it; seed case
// 5: merging acme's hanako into taro is refused. November is closed into bills. What each
// consumer must see, and the canaries of the others that it must never see, are fixed here.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/in_process_host.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace mvne::testing {

inline constexpr char kPortalPassword[] = "browser password 1";

struct PortalConsumer {
  std::string name, tenant, account, brand;
  std::vector<std::string> own;      // text only this consumer's pages and answers hold
  std::vector<std::string> foreign;  // the others' canaries: never in this one's
};

class PortalWorld : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;

  // taro (acme) and kenji (bolt).
  static const std::vector<PortalConsumer>& consumers();

  TestDatabase db_{GetParam()};
  TempDir dir_;
  InProcessHost host_;

  PortalWorld();

 private:
  uint16_t radius_port();
  void connection(const std::string& id, const std::string& imsi, const char* start,
                  const char* stop, int64_t in, int64_t out);
};

}  // namespace mvne::testing
