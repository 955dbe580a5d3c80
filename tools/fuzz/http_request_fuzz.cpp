// libFuzzer target for the head of an HTTP request as the host's server reads it: the
// Boost.Beast request parser with the server's limits, then the target split into path and
// query (request_head.h). Any bytes must give a head, a refusal or "need more", never a
// crash; an accepted path is UTF-8, and the parser never claims more bytes than it was given.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <mvne/toolkit/utf8.hpp>
#include <string>

#include "core/http/request_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = boost::beast::http;
  http::request_parser<http::empty_body> parser;
  parser.header_limit(mvne::http::kHeaderLimit);
  parser.body_limit(std::numeric_limits<uint64_t>::max());
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(data, size), ec);
  if (used > size) __builtin_trap();
  if (ec || !parser.is_header_done()) return 0;
  const auto& head = parser.get();
  auto target = mvne::http::split_target(std::string(head.target()));
  if (target.error.empty() &&
      mvne::toolkit::first_invalid_utf8(target.path) != std::string_view::npos) {
    __builtin_trap();
  }
  size_t fields = 0;
  for (const auto& f : head) fields += f.name_string().size() + f.value().size() > 0;
  (void)fields;
  (void)parser.content_length();
  (void)parser.chunked();
  (void)head.keep_alive();
  return 0;
}
