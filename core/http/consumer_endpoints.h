// The host's own consumer endpoints: logging in and out, passwords, and who is logged in.
// Consumer identity is the host's, never a plugin's, so these are not plugin routes.
//
//   POST /portal/api/v1/login               app login: a bearer session token
//   POST /portal/login                      browser login: the session cookie + CSRF token
//   POST /portal/api/v1/logout              ends this session
//   POST /portal/api/v1/logout-everywhere   ends every session of the account
//   POST /portal/api/v1/password            changes the password (the current one needed)
//   POST /portal/api/v1/password-reset      sets a password with a one-time reset token
//   GET  /portal/api/v1/me                  account, service code, plan and lines
//   GET  /portal/api/v1/bills               closed monthly bills with their lines
//   GET  /portal/api/v1/speed               the high-speed switch
//   POST /portal/api/v1/speed               sets it: {"high_speed": "on" | "off"}
#pragma once

#include <string_view>

#include "core/config/settings.h"
#include "core/http/plugin_dispatch.h"
#include "core/http/reply.h"
#include "core/metrics/metrics.h"
#include "core/platform/services.h"

namespace mvne::http {

// Request bodies of these endpoints are small JSON (or form) objects.
inline constexpr int kConsumerBodyLimit = 8192;

// The methods `path` answers ("GET", "POST" or "GET, POST"), or nullptr when it is no
// consumer endpoint.
const char* consumer_endpoint_method(std::string_view path);

struct ConsumerEndpoints {
  platform::Services* services;
  metrics::Metrics* metrics;
  const config::PortalSettings* portal;
};

// Answers `request` (its body read) at a path for which consumer_endpoint_method is set.
Reply consumer_endpoint(const IncomingRequest& request, const ConsumerEndpoints& with);

}  // namespace mvne::http
