#include "tests/support/nginx_proxy.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "tests/support/mail_submit.h"

namespace mvne::testing {

NginxProxy::NginxProxy(const std::vector<uint16_t>& upstreams, Mode mode) : port_(free_port()) {
  const std::string d = dir_.path();
  for (const char* sub : {"cache", "tmp"}) std::filesystem::create_directories(d + "/" + sub);
  std::string servers;
  for (uint16_t upstream : upstreams)
    servers += "    server 127.0.0.1:" + std::to_string(upstream) + ";\n";
  const std::string location =
      mode == kCarelessCache ? "      proxy_cache shared;\n"
                               "      proxy_cache_valid 200 10m;\n"
                               "      add_header X-Cache-Status $upstream_cache_status always;\n"
                             : "      proxy_next_upstream error timeout;\n";
  std::string conf = std::string(geteuid() == 0 ? "user root;\n" : "") +
                     "daemon off;\nworker_processes 1;\npid " + d + "/nginx.pid;\nerror_log " + d +
                     "/error.log warn;\nevents { worker_connections 256; }\nhttp {\n"
                     "  access_log off;\n"
                     "  client_body_temp_path " +
                     d +
                     "/tmp/body;\n"
                     "  proxy_temp_path " +
                     d +
                     "/tmp/proxy;\n"
                     "  proxy_cache_path " +
                     d +
                     "/cache keys_zone=shared:1m;\n"
                     "  upstream hosts {\n" +
                     servers +
                     "  }\n"
                     "  server {\n"
                     "    listen 127.0.0.1:" +
                     std::to_string(port_) +
                     ";\n"
                     "    location / {\n"
                     "      proxy_pass http://hosts;\n" +
                     location + "    }\n  }\n}\n";
  std::ofstream(d + "/nginx.conf") << conf;
  pid_ =
      spawn_process("/usr/sbin/nginx", {"-e", d + "/error.log", "-p", d, "-c", d + "/nginx.conf"},
                    d + "/nginx.out", d + "/nginx.err");
  bool up = eventually(
      [&] {
        try {
          http_get(port_, "/healthz", {}, 2);
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      10);
  if (!up) {
    std::ifstream log(d + "/error.log");
    std::ostringstream text;
    text << log.rdbuf();
    throw std::runtime_error("nginx did not start: " + text.str());
  }
}

NginxProxy::~NginxProxy() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

}  // namespace mvne::testing
