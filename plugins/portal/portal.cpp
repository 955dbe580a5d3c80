// portal: the members' pages, where a consumer of an MVNO sees their own line (overview with
// data balance and daily use, connection history, calls and messages, bills, contract,
// password). The pages are the same for every consumer of a tenant; their script reads the
// consumer's data from the host's consumer API, which is scoped to the logged-in consumer.
// See README.md.
#include <mvne/plugin.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "assets.h"
#include "catalogue.h"
#include "page.h"
#include "site.h"

namespace portal {

class PortalPlugin : public mvne::Plugin {
 public:
  mvne::Status start(mvne::Context& ctx) override {
    for (std::string_view lang : kLanguages) {
      std::string file = "messages/" + std::string(lang) + ".txt", error;
      auto parsed = Catalogue::parse(file, asset(file), error);
      if (!parsed) return mvne::Status(MVNE_ERR_INVALID_ARGUMENT, error);
      catalogues_[std::string(lang)] = *parsed;
    }
    fallback_ = ctx.config("default_language").value_or("ja");
    if (catalogues_.count(fallback_) == 0)
      return mvne::Status(MVNE_ERR_INVALID_ARGUMENT, "default_language: ja or en, got '" + fallback_ + "'");
    if (auto error = parse_hosts(ctx.config("hosts").value_or(""), site_))
      return mvne::Status(MVNE_ERR_INVALID_ARGUMENT, *error);
    std::string dir = ctx.config("branding_dir").value_or("");
    if (!dir.empty()) {
      if (auto error = load_brands(dir, site_)) return mvne::Status(MVNE_ERR_INVALID_ARGUMENT, *error);
      ctx.info("branding for " + std::to_string(site_.brands.size()) + " tenant(s) from " + dir);
    }
    return route(ctx, "GET", "/portal/my", MVNE_ROUTE_PUBLIC,
                 [this](mvne::RequestContext& rc) { return serve(rc); });
  }

 private:
  mvne::Status serve(mvne::RequestContext& rc) const {
    std::string_view path = rc.path();
    if (path.substr(0, kAssetDir.size()) == kAssetDir)
      return serve_asset(rc, path.substr(kAssetDir.size()));
    auto where = locate(site_, rc.header("Host").value_or(""), path);
    if (!where) {
      std::string tenant(path.substr(std::min(path.size(), kPrefix.size())));
      if (site_.hosts.empty() && is_tenant_code(tenant)) {  // /portal/my/sakura
        rc.set_status(302);
        rc.set_header("Location", std::string(kPrefix) + tenant + "/");
        return rc.write("");
      }
      return plain(rc, 404, "no portal at this address");
    }
    auto lang = rc.query_param("lang");
    std::string chosen = negotiate(lang, rc.header("Accept-Language"), fallback_);
    Brand brand = site_.brand(where->tenant);
    PageView view{&*where, &brand, &catalogues_.at(chosen), chosen,
                  lang.has_value() && *lang == chosen};
    if (!is_page(where->page)) rc.set_status(404);
    rc.set_header("Content-Type", "text/html; charset=utf-8");
    rc.set_header("Content-Language", chosen);
    return rc.write(render_page(view));
  }

  // portal.js, portal.css, brand/<tenant>.css and logo/<tenant>.
  mvne::Status serve_asset(mvne::RequestContext& rc, std::string_view name) const {
    if (name == "portal.js") return send(rc, "text/javascript; charset=utf-8", asset("assets/portal.js"));
    if (name == "portal.css") return send(rc, "text/css; charset=utf-8", asset("assets/portal.css"));
    auto tenant_of = [&](std::string_view dir, std::string_view suffix) -> std::string {
      if (name.substr(0, dir.size()) != dir || name.size() < dir.size() + suffix.size() ||
          name.substr(name.size() - suffix.size()) != suffix)
        return "";
      std::string code(name.substr(dir.size(), name.size() - dir.size() - suffix.size()));
      return is_tenant_code(code) ? code : "";
    };
    if (std::string tenant = tenant_of("brand/", ".css"); !tenant.empty())
      return send(rc, "text/css; charset=utf-8", ":root { --brand: " + site_.brand(tenant).colour + "; }\n");
    if (std::string tenant = tenant_of("logo/", ""); !tenant.empty()) {
      Brand brand = site_.brand(tenant);
      if (!brand.logo.empty()) return send(rc, brand.logo_type, brand.logo);
    }
    return plain(rc, 404, "no such file");
  }

  static mvne::Status send(mvne::RequestContext& rc, std::string_view type, std::string_view bytes) {
    rc.set_header("Content-Type", type);
    return rc.write(bytes);
  }

  static mvne::Status plain(mvne::RequestContext& rc, int status, std::string_view text) {
    rc.set_status(status);
    return send(rc, "text/plain; charset=utf-8", text);
  }

  std::map<std::string, Catalogue> catalogues_;
  std::string fallback_;
  Site site_;
};

}  // namespace portal

MVNE_PLUGIN_DESCRIBED(
    portal::PortalPlugin, "portal", "1.0.0",
    mvne::Description()
        .key("default_language", MVNE_CONFIG_TEXT, 0, "ja",
             "ja or en: the language when Accept-Language names neither")
        .key("hosts", MVNE_CONFIG_TEXT, 0, "",
             "host.name=tenant, ...: serve each tenant's pages by host name; empty: by path")
        .key("branding_dir", MVNE_CONFIG_TEXT, 0, "",
             "a directory of <tenant>.conf files (name, colour, logo)"))
