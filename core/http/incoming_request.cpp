#include "core/http/incoming_request.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace mvne::http {

std::string IncomingRequest::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::multimap<std::string, std::string> parse_query(const std::string& query) {
  std::multimap<std::string, std::string> params;
  try {
    Poco::URI uri;
    uri.setRawQuery(query);
    for (auto& [k, v] : uri.getQueryParameters()) params.emplace(k, v);
  } catch (const Poco::Exception&) {
    // The malformed parameter is left out: a handler sees it as absent.
  }
  return params;
}

std::string IncomingRequest::param(const std::string& name) const {
  auto params = parse_query(query);
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

}  // namespace mvne::http
