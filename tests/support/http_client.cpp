#include "tests/support/http_client.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <cctype>

namespace mvne::testing {

namespace {

HttpResult result_of(const Poco::Net::HTTPResponse& response, std::string body) {
  HttpResult result;
  result.status = response.getStatus();
  result.body = std::move(body);
  for (const auto& [name, value] : response) {
    std::string key = name;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[key] = value;
  }
  return result;
}

}  // namespace

HttpResult raw_http(uint16_t port, const std::string& request, int timeout_s) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(timeout_s, 0));
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  Poco::Net::SocketStream stream(socket);
  Poco::Net::HTTPResponse response;
  response.read(stream);
  std::string body(static_cast<size_t>(std::max<int64_t>(response.getContentLength64(), 0)), '\0');
  stream.read(body.data(), static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<size_t>(stream.gcount()));
  return result_of(response, std::move(body));
}

HttpResult http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const std::map<std::string, std::string>& headers,
                        int timeout_s) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(timeout_s, 0));
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (method != Poco::Net::HTTPRequest::HTTP_GET) {
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    if (!request.has("Content-Type")) request.setContentType("application/json");
  }
  std::ostream& out = session.sendRequest(request);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::string reply;
  Poco::StreamCopier::copyToString(in, reply);
  return result_of(response, std::move(reply));
}

HttpResult http_get(uint16_t port, const std::string& target,
                    const std::map<std::string, std::string>& headers, int timeout_s) {
  return http_request(port, Poco::Net::HTTPRequest::HTTP_GET, target, "", headers, timeout_s);
}

HttpResult http_post(uint16_t port, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers, int timeout_s) {
  return http_request(port, Poco::Net::HTTPRequest::HTTP_POST, target, body, headers, timeout_s);
}

}  // namespace mvne::testing
