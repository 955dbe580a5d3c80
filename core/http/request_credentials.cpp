#include "core/http/request_credentials.h"

namespace mvne::http {

std::string bearer_token(const std::string& authorization) {
  const std::string scheme = "Bearer ";
  return authorization.rfind(scheme, 0) == 0 ? authorization.substr(scheme.size()) : "";
}

std::string cookie_value(const std::string& cookies, const std::string& name) {
  size_t pos = 0;
  while (pos < cookies.size()) {
    size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string item = cookies.substr(pos, end - pos);
    size_t first = item.find_first_not_of(' ');
    if (first != std::string::npos) item = item.substr(first);
    if (item.size() > name.size() && item.compare(0, name.size(), name) == 0 &&
        item[name.size()] == '=') {
      return item.substr(name.size() + 1);
    }
    pos = end + 1;
  }
  return "";
}

}  // namespace mvne::http
