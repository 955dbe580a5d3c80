#include "core/plugin/route_table.h"

#include <algorithm>

namespace mvne::plugin {
namespace {

bool prefix_matches(std::string_view prefix, std::string_view path) {
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}

bool methods_overlap(const std::string& a, const std::string& b) {
  return a == "*" || b == "*" || a == b;
}

// Whether the operator let `plugin` serve `prefix` inside another plugin's prefix.
bool mapped(const std::vector<config::NestedRoute>& nested, std::string_view plugin,
            std::string_view prefix) {
  return std::any_of(nested.begin(), nested.end(), [&](const config::NestedRoute& n) {
    return n.plugin == plugin && prefix_matches(n.prefix, prefix);
  });
}

}  // namespace

RouteTable::RouteTable(std::vector<Route> routes) : routes_(std::move(routes)) {
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
    return a.registration.prefix.size() > b.registration.prefix.size();
  });
}

const Route* RouteTable::match(std::string_view method, std::string_view path) const {
  for (const Route& r : routes_) {
    const auto& reg = r.registration;
    if ((reg.method == "*" || reg.method == method) && prefix_matches(reg.prefix, path)) return &r;
  }
  return nullptr;
}

const Route* RouteTable::conflict(const RouteRegistration& candidate, const std::string& plugin,
                                  const std::vector<config::NestedRoute>& nested) const {
  for (const Route& r : routes_) {
    const std::string& other = r.plugin->name();
    const std::string& prefix = r.registration.prefix;
    if (other == plugin || !methods_overlap(r.registration.method, candidate.method)) continue;
    if (prefix == candidate.prefix) return &r;
    if (prefix_matches(prefix, candidate.prefix) && !mapped(nested, plugin, candidate.prefix))
      return &r;
    if (prefix_matches(candidate.prefix, prefix) && !mapped(nested, other, prefix)) return &r;
  }
  return nullptr;
}

}  // namespace mvne::plugin
