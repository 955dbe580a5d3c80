// Which MVNO's portal a request is for, and how that MVNO's portal looks. One host serves
// every tenant's pages, under /portal/my/: by path (/portal/my/<tenant>/<page>) or, when
// the operator maps host names to tenants, by the Host header (/portal/my/<page>).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace portal {

inline constexpr std::string_view kPrefix = "/portal/my/";
// The shared script and stylesheet, and each tenant's logo: /portal/my/-/...
inline constexpr std::string_view kAssetDir = "/portal/my/-/";

struct Brand {
  std::string name;               // shown in the header and the title
  std::string colour = "#1f4e79";  // the header's background, under white text
  std::string logo;               // the logo file's bytes, or empty
  std::string logo_type;          // image/svg+xml or image/png
};

struct Site {
  std::map<std::string, std::string> hosts;  // host name -> tenant code, or empty: by path
  std::map<std::string, Brand> brands;       // tenant code -> its branding

  // The tenant's branding, or a plain one named after the tenant.
  Brand brand(const std::string& tenant) const;
};

struct Location {
  std::string tenant;
  std::string page;  // "" for the overview, else the page's name
  std::string base;  // the path the tenant's pages are under, ending in '/'
};

// Where a page request goes, or nothing when the path or host names no tenant.
std::optional<Location> locate(const Site& site, std::string_view host, std::string_view path);

// "sakura=portal.sakura.example"-style lists: "name.example=tenant, other.example=tenant2".
std::optional<std::string> parse_hosts(std::string_view text, Site& site);

// Reads <dir>/<tenant>.conf files (name, colour, logo: a file beside it) into `site`;
// returns what is wrong, naming the file and the line, or nothing. A colour that white text
// cannot be read on (contrast under 4.5:1) is refused.
std::optional<std::string> load_brands(const std::string& dir, Site& site);

// Tenant codes as the directory keeps them: lower-case letters, digits, '-' and '_'.
bool is_tenant_code(std::string_view s);

}  // namespace portal
