// A local three-node Galera cluster of its own (tools/cluster), for tests of several hosts.
// Starting one takes about half a minute: share it across a suite.
#pragma once

#include <string>
#include <vector>

#include "core/storage/database.h"
#include "tests/support/temp_dir.h"

namespace mvne::testing {

class GaleraCluster {
 public:
  explicit GaleraCluster(int nodes = 3);  // fails the test when the cluster does not form
  ~GaleraCluster();                      // stops every node and removes their files
  GaleraCluster(const GaleraCluster&) = delete;
  GaleraCluster& operator=(const GaleraCluster&) = delete;

  // Node n's settings (0-based; database mvne_test, the same on every node).
  const storage::StorageSettings& node(size_t n) const { return nodes_.at(n); }
  size_t size() const { return nodes_.size(); }
  void stop_node(size_t n);
  void start_node(size_t n);  // rejoins the cluster

 private:
  TempDir dir_;
  std::string cluster_dir_;
  std::vector<storage::StorageSettings> nodes_;
};

}  // namespace mvne::testing
