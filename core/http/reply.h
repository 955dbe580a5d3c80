// What the front end sends back for one request, before it is written to the socket.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mvne::audit {
struct Entry;
}

namespace mvne::http {

// Seconds a client is asked to wait before retrying a 503.
inline constexpr int kRetryAfterSeconds = 1;

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The audit row of this delivery (invariant 8): when set, the front end sends the reply only
  // once the row is committed, and 503 instead when the commit fails. The worker that built
  // the reply does not wait for the commit: many replies share one.
  std::shared_ptr<const audit::Entry> audit;

  // {"error":{"code":...,"message":...,"request_id":...}}; bytes of `message` that are not
  // UTF-8 (a client's path, say) are replaced, never thrown over. A 503 carries Retry-After.
  static Reply error(int status, const std::string& code, const std::string& message,
                     const std::string& request_id);
};

// Past capacity the host sheds with 503 and Retry-After: adds Retry-After to a 503 that has
// none (a plugin's own 503 included).
void ensure_retry_after(Reply& reply);

}  // namespace mvne::http
