#include "sdk/testing/http_call.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cctype>
#include <stdexcept>

namespace mvne::testing {

Response http_call(uint16_t port, const std::string& method, const std::string& target,
                   const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (method != Poco::Net::HTTPRequest::HTTP_GET)
      request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse reply;
    std::istream& in = session.receiveResponse(reply);
    Response out;
    out.status = reply.getStatus();
    Poco::StreamCopier::copyToString(in, out.body);
    for (const auto& [name, value] : reply) {
      std::string lower;
      for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers.emplace_back(lower, value);
    }
    return out;
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(method + " " + target + ": " + e.displayText());
  }
}

}  // namespace mvne::testing
