#include "site.h"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <mvne/toolkit/text.hpp>

#include "ascii.h"

#include "catalogue.h"

namespace portal {
namespace {

constexpr size_t kMaxLogo = 256 * 1024;

// WCAG 2 relative luminance of "#rrggbb"; nothing for anything else.
std::optional<double> luminance(const std::string& colour) {
  if (colour.size() != 7 || colour[0] != '#') return std::nullopt;
  double channels[3];
  for (int i = 0; i < 3; ++i) {
    std::string hex = colour.substr(1 + 2 * i, 2);
    if (!std::isxdigit(static_cast<unsigned char>(hex[0])) ||
        !std::isxdigit(static_cast<unsigned char>(hex[1])))
      return std::nullopt;
    double c = std::stoi(hex, nullptr, 16) / 255.0;
    channels[i] = c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  }
  return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
}

std::optional<std::string> read_file(const std::filesystem::path& path, size_t limit,
                                     std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path.string() + ": cannot be read";
  std::ostringstream bytes;
  bytes << in.rdbuf();
  out = bytes.str();
  if (out.size() > limit) return path.string() + ": larger than " + std::to_string(limit) + " bytes";
  return std::nullopt;
}

std::optional<std::string> load_brand(const std::filesystem::path& file, Brand& brand) {
  std::string text;
  if (auto error = read_file(file, 64 * 1024, text)) return error;
  std::string error;
  auto values = Catalogue::parse(file.string(), text, error);
  if (!values) return error;
  for (const auto& [key, value] : values->entries()) {
    if (key == "name") {
      brand.name = value;
    } else if (key == "colour") {
      auto l = luminance(ascii_lower(value));
      if (!l) return file.string() + ": colour: expected #rrggbb, got '" + value + "'";
      double contrast = 1.05 / (*l + 0.05);  // against white text
      if (contrast < 4.5) {
        return file.string() + ": colour " + value + ": white text on it has contrast " +
               std::to_string(contrast).substr(0, 4) + ":1, under the 4.5:1 a page needs";
      }
      brand.colour = ascii_lower(value);
    } else if (key == "logo") {
      std::filesystem::path logo = file.parent_path() / value;
      std::string ext = ascii_lower(logo.extension().string());
      if (ext != ".svg" && ext != ".png") return file.string() + ": logo: an .svg or .png file";
      if (auto e = read_file(logo, kMaxLogo, brand.logo)) return file.string() + ": logo " + *e;
      brand.logo_type = ext == ".svg" ? "image/svg+xml" : "image/png";
    } else {
      return file.string() + ": unknown key '" + key + "' (name, colour, logo)";
    }
  }
  return std::nullopt;
}

// "Portal.Example:8443" -> "portal.example"; "[::1]:80" -> "[::1]".
std::string host_name(std::string_view host) {
  size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos)
    host = host.substr(0, colon);
  return ascii_lower(host);
}

}  // namespace

bool is_tenant_code(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '-' || c == '_'))
      return false;
  return s != "-";
}

Brand Site::brand(const std::string& tenant) const {
  auto it = brands.find(tenant);
  if (it != brands.end()) return it->second;
  Brand plain;
  plain.name = tenant;
  return plain;
}

std::optional<Location> locate(const Site& site, std::string_view host, std::string_view path) {
  if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = path.substr(kPrefix.size());
  if (!site.hosts.empty()) {
    auto it = site.hosts.find(host_name(host));
    if (it == site.hosts.end()) return std::nullopt;
    return Location{it->second, std::string(rest), std::string(kPrefix)};
  }
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;  // /portal/my/sakura: no '/'
  std::string_view tenant = rest.substr(0, slash);
  if (!is_tenant_code(tenant)) return std::nullopt;
  return Location{std::string(tenant), std::string(rest.substr(slash + 1)),
                  std::string(kPrefix) + std::string(tenant) + "/"};
}

std::optional<std::string> parse_hosts(std::string_view text, Site& site) {
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = mvne::toolkit::trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string name = ascii_lower(mvne::toolkit::trim(item.substr(0, eq)));
    std::string_view tenant = eq == std::string_view::npos ? "" : mvne::toolkit::trim(item.substr(eq + 1));
    if (name.empty() || !is_tenant_code(tenant))
      return "hosts: expected host.name=tenant, got '" + std::string(item) + "'";
    site.hosts[name] = std::string(tenant);
  }
  return std::nullopt;
}

std::optional<std::string> load_brands(const std::string& dir, Site& site) {
  std::error_code ec;
  std::filesystem::directory_iterator files(dir, ec);
  if (ec) return "branding_dir " + dir + ": " + ec.message();
  for (const auto& entry : files) {
    if (entry.path().extension() != ".conf") continue;
    std::string tenant = entry.path().stem().string();
    if (!is_tenant_code(tenant))
      return entry.path().string() + ": the file name is not a tenant code";
    Brand brand;
    brand.name = tenant;
    if (auto error = load_brand(entry.path(), brand)) return error;
    site.brands[tenant] = brand;
  }
  return std::nullopt;
}

}  // namespace portal
