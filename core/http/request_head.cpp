#include "core/http/request_head.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <mvne/toolkit/utf8.hpp>
#include <string_view>

namespace mvne::http {

RequestTarget split_target(const std::string& target) {
  RequestTarget out;
  try {
    Poco::URI uri(target);
    out.path = uri.getPath();
    out.query = uri.getRawQuery();
  } catch (const Poco::Exception&) {
    out.error = "malformed request URI";
    return out;
  }
  if (toolkit::first_invalid_utf8(out.path) != std::string_view::npos) {
    out.path = "(not UTF-8)";
    out.error = "the request path is not valid UTF-8";
  }
  return out;
}

}  // namespace mvne::http
