#include "core/http/relay_links.h"

#include <cstdlib>
#include <string>

namespace mvne::http {
namespace {

constexpr std::string_view kPrefix = "/relay/v1/held/";

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Reply page(int status, const std::string& title, const std::string& body) {
  Reply r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.headers = {{"Cache-Control", "no-store"},
               {"Referrer-Policy", "no-referrer"},
               {"X-Frame-Options", "DENY"},
               {"Content-Security-Policy", "default-src 'none'; form-action 'self'"}};
  r.body = "<!doctype html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width\"><title>" +
           escape(title) + "</title></head>\n<body><main><h1>" + escape(title) + "</h1>\n" + body +
           "</main></body></html>\n";
  if (status == 503) ensure_retry_after(r);
  return r;
}

struct Link {
  int64_t id = 0;
  std::string action;
  int64_t expires = 0;
  std::string sig;
};

bool parse(const IncomingRequest& request, Link* link) {
  std::string_view rest = std::string_view(request.path).substr(kPrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash > 18) return false;
  std::string id(rest.substr(0, slash));
  if (id.find_first_not_of("0123456789") != std::string::npos) return false;
  link->id = std::strtoll(id.c_str(), nullptr, 10);
  link->action = std::string(rest.substr(slash + 1));
  auto params = parse_query(request.query);
  auto expires = params.find("expires");
  auto sig = params.find("sig");
  if (expires == params.end() || sig == params.end() || expires->second.empty() ||
      expires->second.size() > 18 ||
      expires->second.find_first_not_of("0123456789") != std::string::npos)
    return false;
  link->expires = std::strtoll(expires->second.c_str(), nullptr, 10);
  link->sig = sig->second;
  return true;
}

std::string summary(const relay::Held& h) {
  return "<p>件名 / Subject: " + escape(h.subject.empty() ? "(no subject)" : h.subject) +
         "</p>\n<p>宛先 / Recipients: " + std::to_string(h.recipients.size()) + "</p>\n";
}

}  // namespace

bool is_relay_link_path(std::string_view path) { return path.rfind(kPrefix, 0) == 0; }

Reply relay_link(const IncomingRequest& request, relay::HoldService* service) {
  Link link;
  if (!parse(request, &link))
    return page(404, "リンクが正しくありません / Not a valid link",
                "<p>Copy the whole link from the notice.</p>\n");
  auto held = service->check_link(link.id, link.action, link.expires, link.sig);
  if (!held.ok()) {
    switch (held.status().code()) {
      case Code::kInvalidArgument:
        return page(403, "リンクが正しくありません / Not a valid link",
                    "<p>Copy the whole link from the notice.</p>\n");
      case Code::kFailedPrecondition:
        return page(410, "このリンクは使えません / This link no longer works",
                    "<p>" + escape(held.status().message()) + "</p>\n");
      default:
        return page(503, "しばらくしてからもう一度 / Try again shortly",
                    "<p>The relay cannot reach its database.</p>\n");
    }
  }
  const bool release = link.action == "release";
  if (request.method == "GET") {
    std::string action = std::string(kPrefix) + std::to_string(link.id) + "/" + link.action +
                         "?expires=" + std::to_string(link.expires) + "&sig=" + link.sig;
    return page(200, release ? "今すぐ送信しますか / Send this message now?"
                             : "送信を取り消しますか / Cancel this message?",
                summary(held.value()) + "<form method=\"post\" action=\"" + escape(action) +
                    "\"><button type=\"submit\">" +
                    (release ? "今すぐ送信 / Send now" : "取り消す / Cancel it") +
                    "</button></form>\n");
  }
  Status st = service->act(link.id, link.action, "sender");
  if (st.ok())
    return page(200, release ? "送信しました / Sent" : "取り消しました / Cancelled",
                summary(held.value()) +
                    (release ? "<p>The message is on its way.</p>\n"
                             : "<p>The message will not be sent.</p>\n"));
  if (st.code() == Code::kFailedPrecondition)
    return page(410, "このリンクは使えません / This link no longer works",
                "<p>" + escape(st.message()) + "</p>\n");
  return page(503, "しばらくしてからもう一度 / Try again shortly",
              "<p>The relay cannot reach its database.</p>\n");
}

}  // namespace mvne::http
