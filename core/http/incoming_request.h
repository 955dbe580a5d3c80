// One HTTP request as the host's handlers see it, whatever answers it (a built-in endpoint,
// a host endpoint or a plugin route).
#pragma once

#include <map>
#include <string>

namespace mvne::http {

struct IncomingRequest {
  std::string method;
  std::string path;
  std::string query;
  std::string body;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string request_id;
  std::string client_address;  // the peer, or what a trusted proxy says the client is
  bool secure = false;         // the portal's cookies get Secure and the __Host- prefix

  // The value of header `lower_name`, or "" when absent.
  std::string header(const std::string& lower_name) const;
  // The first value of query parameter `name`, decoded, or "" when absent.
  std::string param(const std::string& name) const;
};

// The decoded parameters of a query string; a malformed escape leaves its parameter out. A
// '+' stays a '+' (a query's "msisdn=+81..." is a number; an HTML form's spaces are the
// caller's to turn back).
std::multimap<std::string, std::string> parse_query(const std::string& query);

}  // namespace mvne::http
