#include "tests/support/galera_cluster.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/host_process.h"

namespace mvne::testing {
namespace {

std::string cluster_tool() { return std::string(MVNE_SOURCE_DIR) + "/tools/cluster"; }

}  // namespace

GaleraCluster::GaleraCluster(int nodes) : cluster_dir_(dir_.path() + "/cluster") {
  ExitResult started = run_binary(cluster_tool(), {"start", cluster_dir_, std::to_string(nodes)}, 300);
  EXPECT_EQ(started.exit_code, 0) << started.err;
  std::istringstream urls(started.out);
  for (std::string url; std::getline(urls, url);) {
    if (url.rfind("mysql://", 0) != 0) continue;
    auto parsed = storage::settings_from_url(url);
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    if (parsed.ok()) nodes_.push_back(parsed.value());
  }
  EXPECT_EQ(nodes_.size(), static_cast<size_t>(nodes)) << started.out << started.err;
}

GaleraCluster::~GaleraCluster() {
  ExitResult stopped = run_binary(cluster_tool(), {"stop", cluster_dir_}, 120);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
}

void GaleraCluster::stop_node(size_t n) {
  ExitResult r = run_binary(cluster_tool(), {"stop-node", cluster_dir_, std::to_string(n + 1)}, 120);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

void GaleraCluster::start_node(size_t n) {
  ExitResult r = run_binary(cluster_tool(), {"start-node", cluster_dir_, std::to_string(n + 1)}, 300);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace mvne::testing
