// A private Postfix on loopback for a test (tools/postfix-instance): a relay to `relayhost`,
// optionally with an after-queue content filter at `filter` re-injecting on `reinject_port`.
// Stopped and its directory removed when the object goes.
#pragma once

#include <cstdint>
#include <string>

namespace mvne::testing {

struct PostfixFilter {
  std::string address;  // host:port of the filter; empty: none
  uint16_t reinject_port = 0;
};

class PostfixInstance {
 public:
  // Throws with Postfix's own message when it does not start.
  PostfixInstance(uint16_t port, const std::string& relayhost, const PostfixFilter& filter = {});
  ~PostfixInstance();
  PostfixInstance(const PostfixInstance&) = delete;
  PostfixInstance& operator=(const PostfixInstance&) = delete;

  uint16_t port() const { return port_; }
  std::string log() const;  // its maillog, for failure messages

 private:
  std::string dir_;
  uint16_t port_;
};

}  // namespace mvne::testing
