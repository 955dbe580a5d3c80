// The routes of the running plugins, immutable once built; swapped whole on change so a
// request keeps the table (and the plugins in it) it started with.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/settings.h"
#include "core/plugin/call_scope.h"
#include "core/plugin/plugin_instance.h"

namespace mvne::plugin {

struct Route {
  RouteRegistration registration;
  std::shared_ptr<PluginInstance> plugin;
};

class RouteTable {
 public:
  explicit RouteTable(std::vector<Route> routes);

  // The longest prefix that matches `path` at a segment boundary, for `method`.
  const Route* match(std::string_view method, std::string_view path) const;

  // A route of another plugin that `candidate`, registered by `plugin`, would clash with,
  // or nullptr. Two plugins' routes clash when their methods overlap and their prefixes are
  // equal, or one lies inside the other at a segment boundary (a plugin would receive
  // requests meant for the other). A route lying inside is let through when `nested` maps
  // its plugin to its prefix or a prefix above it (the operator's [plugins] nested_routes).
  const Route* conflict(const RouteRegistration& candidate, const std::string& plugin,
                        const std::vector<config::NestedRoute>& nested = {}) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;  // longest prefix first
};

}  // namespace mvne::plugin
