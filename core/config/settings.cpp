#include "core/config/settings.h"

#include <algorithm>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace mvne::config {
namespace {

namespace fs = std::filesystem;

// Parses a value into the settings; returns the reason when the value is bad.
using Apply =
    std::function<std::string(Settings&, const std::string& value, const std::string& base_dir)>;

struct Key {
  const char* section;
  const char* name;
  Apply apply;
  std::function<std::string(const Settings&)> show;
};

std::string parse_int(const std::string& value, int min, int max, int& out) {
  int parsed = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return "expected an integer, got '" + value + "'";
  }
  if (parsed < min || parsed > max) {
    return "must be between " + std::to_string(min) + " and " + std::to_string(max);
  }
  out = parsed;
  return {};
}

std::string parse_choice(const std::string& value, std::initializer_list<const char*> choices,
                         std::string& out) {
  std::string allowed;
  for (const char* c : choices) {
    if (value == c) {
      out = value;
      return {};
    }
    allowed += allowed.empty() ? c : std::string(", ") + c;
  }
  return "expected one of " + allowed + ", got '" + value + "'";
}

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> items;
  std::string item;
  std::istringstream in(value);
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    size_t e = item.find_last_not_of(" \t");
    items.push_back(item.substr(b, e - b + 1));
  }
  return items;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += out.empty() ? i : ", " + i;
  return out;
}

std::string parse_plugin_list(const std::string& value, std::vector<std::string>& out) {
  std::vector<std::string> items = split_list(value);
  std::set<std::string> seen;
  for (const auto& name : items) {
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return "plugin name '" + name + "' may only use a-z, 0-9 and _";
      }
    }
    if (!seen.insert(name).second) return "plugin '" + name + "' is listed twice";
  }
  out = std::move(items);
  return {};
}

// "NAME:REST": the plugin name and the rest of one list item; an error, or empty.
std::string split_plugin_item(const std::string& item, const char* form, std::string& plugin,
                              std::string& rest) {
  size_t colon = item.find(':');
  if (colon == std::string::npos) return std::string("expected ") + form + ", got '" + item + "'";
  std::vector<std::string> name;
  std::string reason = parse_plugin_list(item.substr(0, colon), name);
  if (!reason.empty()) return reason;
  if (name.size() != 1) return std::string("expected ") + form + ", got '" + item + "'";
  plugin = name[0];
  rest = item.substr(colon + 1);
  return {};
}

// "NAME:/prefix, ..."
std::string parse_nested_routes(const std::string& value, std::vector<NestedRoute>& out) {
  std::vector<NestedRoute> parsed;
  for (const auto& item : split_list(value)) {
    NestedRoute route;
    std::string reason = split_plugin_item(item, "plugin:/prefix", route.plugin, route.prefix);
    if (!reason.empty()) return reason;
    const std::string& prefix = route.prefix;
    if (prefix.size() < 2 || prefix[0] != '/' ||
        prefix.find_first_of(" \t?#") != std::string::npos) {
      return "'" + item + "': the prefix must be a path such as /api/name";
    }
    for (const auto& p : parsed) {
      if (p.plugin == route.plugin && p.prefix == prefix) return "'" + item + "' is listed twice";
    }
    parsed.push_back(std::move(route));
  }
  out = std::move(parsed);
  return {};
}

// "READER:OWNER.KIND, ..."
std::string parse_read_grants(const std::string& value, std::vector<ReadGrant>& out) {
  std::vector<ReadGrant> parsed;
  for (const auto& item : split_list(value)) {
    ReadGrant grant;
    std::string kind;
    std::string reason = split_plugin_item(item, "reader:plugin.kind", grant.reader, kind);
    if (!reason.empty()) return reason;
    size_t dot = kind.find('.');
    std::vector<std::string> owner;
    if (dot == std::string::npos || dot + 1 == kind.size() ||
        !parse_plugin_list(kind.substr(0, dot), owner).empty() || owner.size() != 1 ||
        kind.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_", dot + 1) !=
            std::string::npos) {
      return "'" + item + "': expected reader:plugin.kind, e.g. portal:data_sessions.usage";
    }
    grant.owner = owner[0];
    grant.kind = kind.substr(dot + 1);
    if (grant.owner == grant.reader) return "'" + item + "': a plugin reads its own kinds anyway";
    parsed.push_back(std::move(grant));
  }
  out = std::move(parsed);
  return {};
}

std::string show_read_grants(const std::vector<ReadGrant>& grants) {
  std::vector<std::string> items;
  for (const auto& g : grants) items.push_back(g.reader + ":" + g.owner + "." + g.kind);
  return join(items);
}

std::string show_nested_routes(const std::vector<NestedRoute>& nested) {
  std::vector<std::string> items;
  for (const auto& n : nested) items.push_back(n.plugin + ":" + n.prefix);
  return join(items);
}

std::string parse_listen(const std::string& value, std::string& address, uint16_t& port) {
  size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return "expected address:port, got '" + value + "'";
  }
  int p = 0;
  std::string reason = parse_int(value.substr(colon + 1), 0, 65535, p);
  if (!reason.empty()) return "port: " + reason;
  address = value.substr(0, colon);
  port = static_cast<uint16_t>(p);
  return {};
}

// "PREFIX=BYTES, ..." (route prefixes and their body limits).
std::string parse_body_limits(const std::string& value, std::map<std::string, int>& out) {
  std::map<std::string, int> limits;
  for (const auto& item : split_list(value)) {
    size_t eq = item.rfind('=');
    if (eq == std::string::npos || item[0] != '/') {
      return "expected /route/prefix=bytes, got '" + item + "'";
    }
    std::string reason = parse_int(item.substr(eq + 1), 0, 1 << 30, limits[item.substr(0, eq)]);
    if (!reason.empty()) return item.substr(0, eq) + ": " + reason;
  }
  out = std::move(limits);
  return {};
}

std::string parse_digits(const std::string& value, size_t max_len, bool allow_empty,
                         std::string& out) {
  if ((value.empty() && !allow_empty) || value.size() > max_len ||
      value.find_first_not_of("0123456789") != std::string::npos) {
    return "expected up to " + std::to_string(max_len) + " digits, got '" + value + "'";
  }
  out = value;
  return {};
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

template <typename Group>
Key text_key(const char* section, const char* name, Group Settings::*group,
             std::string Group::*field, bool is_path = false) {
  return {section, name,
          [=](Settings& s, const std::string& v, const std::string& base) {
            s.*group.*field = is_path ? resolve(v, base) : v;
            return std::string();
          },
          [=](const Settings& s) { return s.*group.*field; }};
}

// host:port of a listener the host opens, or empty for none.
Key listen_key(const char* section, const char* name, std::string RelayConfig::*field) {
  return {section, name,
          [field](Settings& s, const std::string& v, const std::string&) {
            std::string host;
            uint16_t port = 0;
            std::string error = v.empty() ? "" : parse_listen(v, host, port);
            if (error.empty()) s.relay.*field = v;
            return error;
          },
          [field](const Settings& s) { return s.relay.*field; }};
}

template <typename Group>
Key digits_key(const char* section, const char* name, Group Settings::*group,
               std::string Group::*field, size_t max_len, bool allow_empty) {
  return {section, name,
          [=](Settings& s, const std::string& v, const std::string&) {
            return parse_digits(v, max_len, allow_empty, s.*group.*field);
          },
          [=](const Settings& s) { return s.*group.*field; }};
}

template <typename Group>
Key int_key(const char* section, const char* name, Group Settings::*group, int Group::*field,
            int min, int max) {
  return {section, name,
          [=](Settings& s, const std::string& v, const std::string&) {
            return parse_int(v, min, max, s.*group.*field);
          },
          [=](const Settings& s) { return std::to_string(s.*group.*field); }};
}

// Keys whose values are never printed.
bool is_secret(const std::string& key) {
  for (const char* word : {"secret", "password", "token", "api_key"}) {
    if (key.find(word) != std::string::npos) return true;
  }
  return false;
}

const std::vector<Key>& schema() {
  static const std::vector<Key> keys = {
      int_key("host", "shutdown_timeout_ms", &Settings::host, &HostSettings::shutdown_timeout_ms, 0,
              600000),
      int_key("host", "ingest_workers", &Settings::host, &HostSettings::ingest_workers, 1, 16),
      {"log", "level",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_choice(v, {"trace", "debug", "info", "warn", "error"}, s.log.level);
       },
       [](const Settings& s) { return s.log.level; }},
      {"log", "format",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_choice(v, {"text", "json"}, s.log.format);
       },
       [](const Settings& s) { return s.log.format; }},
      {"log", "file",
       [](Settings& s, const std::string& v, const std::string& base) {
         s.log.file = resolve(v, base);
         return std::string();
       },
       [](const Settings& s) { return s.log.file; }},
      int_key("log", "burst", &Settings::log, &LogSettings::burst, 0, 1000000),
      {"http", "listen",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_listen(v, s.http.address, s.http.port);
       },
       [](const Settings& s) { return s.http.address + ":" + std::to_string(s.http.port); }},
      int_key("http", "io_threads", &Settings::http, &HttpSettings::io_threads, 0, 64),
      int_key("http", "max_connections", &Settings::http, &HttpSettings::max_connections, 1,
              1000000),
      int_key("http", "min_threads", &Settings::http, &HttpSettings::min_threads, 1, 4096),
      int_key("http", "max_threads", &Settings::http, &HttpSettings::max_threads, 1, 16384),
      int_key("http", "max_queued", &Settings::http, &HttpSettings::max_queued, 1, 65536),
      int_key("http", "keep_alive_timeout_s", &Settings::http, &HttpSettings::keep_alive_timeout_s,
              1, 3600),
      int_key("http", "max_keep_alive_requests", &Settings::http,
              &HttpSettings::max_keep_alive_requests, 1, 1000000),
      int_key("http", "max_body_bytes", &Settings::http, &HttpSettings::max_body_bytes, 0, 1 << 30),
      {"http", "body_limits",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_body_limits(v, s.http.body_limits);
       },
       [](const Settings& s) {
         std::vector<std::string> items;
         for (const auto& [prefix, n] : s.http.body_limits) {
           items.push_back(prefix + "=" + std::to_string(n));
         }
         return join(items);
       }},
      int_key("http", "body_timeout_ms", &Settings::http, &HttpSettings::body_timeout_ms, 100,
              600000),
      {"http", "trusted_proxies",
       [](Settings& s, const std::string& v, const std::string&) {
         s.http.trusted_proxies = split_list(v);
         for (const auto& address : s.http.trusted_proxies) {
           if (address.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
             return "'" + address + "' is not an IP address";
           }
         }
         return std::string();
       },
       [](const Settings& s) { return join(s.http.trusted_proxies); }},
      int_key("portal", "hash_memory_kib", &Settings::portal, &PortalSettings::hash_memory_kib, 8,
              4 * 1024 * 1024),
      int_key("portal", "hash_passes", &Settings::portal, &PortalSettings::hash_passes, 1, 20),
      int_key("portal", "hash_parallel", &Settings::portal, &PortalSettings::hash_parallel, 1, 64),
      int_key("portal", "browser_idle_minutes", &Settings::portal,
              &PortalSettings::browser_idle_minutes, 1, 1440),
      int_key("portal", "browser_absolute_hours", &Settings::portal,
              &PortalSettings::browser_absolute_hours, 1, 720),
      int_key("portal", "app_idle_days", &Settings::portal, &PortalSettings::app_idle_days, 1, 365),
      int_key("portal", "app_absolute_days", &Settings::portal, &PortalSettings::app_absolute_days,
              1, 730),
      {"billing", "auto_close",
       [](Settings& s, const std::string& v, const std::string&) {
         std::string choice;
         std::string error = parse_choice(v, {"true", "false"}, choice);
         s.billing.auto_close = choice == "true";
         return error;
       },
       [](const Settings& s) { return std::string(s.billing.auto_close ? "true" : "false"); }},
      int_key("billing", "close_after_hours", &Settings::billing,
              &BillingSettings::close_after_hours, 0, 24 * 27),
      {"portal", "secure_cookies",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_choice(v, {"auto", "always", "never"}, s.portal.secure_cookies);
       },
       [](const Settings& s) { return s.portal.secure_cookies; }},
      {"mail", "relay",
       [](Settings& s, const std::string& v, const std::string&) {
         if (v.empty()) {
           s.mail.relay_host.clear();
           return std::string();
         }
         return parse_listen(v, s.mail.relay_host, s.mail.relay_port);
       },
       [](const Settings& s) {
         return s.mail.relay_host.empty()
                    ? std::string()
                    : s.mail.relay_host + ":" + std::to_string(s.mail.relay_port);
       }},
      {"mail", "starttls",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_choice(v, {"off", "optional", "required"}, s.mail.starttls);
       },
       [](const Settings& s) { return s.mail.starttls; }},
      text_key("mail", "user", &Settings::mail, &MailConfig::user),
      text_key("mail", "password", &Settings::mail, &MailConfig::password),
      int_key("mail", "timeout_ms", &Settings::mail, &MailConfig::timeout_ms, 100, 600000),
      {"mail", "from",
       [](Settings& s, const std::string& v, const std::string&) {
         if (v.find('@') == std::string::npos || v.find_first_of(" <>\r\n") != std::string::npos)
           return "'" + v + "' is not an address (local@domain)";
         s.mail.from = v;
         return std::string();
       },
       [](const Settings& s) { return s.mail.from; }},
      text_key("mail", "from_name", &Settings::mail, &MailConfig::from_name),
      int_key("mail", "max_attempts", &Settings::mail, &MailConfig::max_attempts, 1, 1000),
      int_key("mail", "lease_s", &Settings::mail, &MailConfig::lease_s, 5, 86400),
      text_key("mail", "templates", &Settings::mail, &MailConfig::templates, true),
      listen_key("relay", "listen", &RelayConfig::listen),
      listen_key("relay", "filter_listen", &RelayConfig::filter_listen),
      text_key("relay", "tls_cert", &Settings::relay, &RelayConfig::tls_cert, true),
      text_key("relay", "tls_key", &Settings::relay, &RelayConfig::tls_key, true),
      text_key("relay", "hostname", &Settings::relay, &RelayConfig::hostname),
      int_key("relay", "max_message_kib", &Settings::relay, &RelayConfig::max_message_kib, 1,
              1024 * 1024),
      int_key("relay", "max_recipients", &Settings::relay, &RelayConfig::max_recipients, 1, 1000),
      int_key("relay", "max_connections", &Settings::relay, &RelayConfig::max_connections, 1,
              10000),
      int_key("relay", "idle_timeout_s", &Settings::relay, &RelayConfig::idle_timeout_s, 1, 3600),
      int_key("relay", "hold_s", &Settings::relay, &RelayConfig::hold_s, 0, 7 * 86400),
      {"relay", "on_expiry",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_choice(v, {"send", "discard"}, s.relay.on_expiry);
       },
       [](const Settings& s) { return s.relay.on_expiry; }},
      {"relay", "public_url",
       [](Settings& s, const std::string& v, const std::string&) {
         if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
           return "'" + v + "' is not an http:// or https:// URL";
         s.relay.public_url = v.empty() || v.back() != '/' ? v : v.substr(0, v.size() - 1);
         return std::string();
       },
       [](const Settings& s) { return s.relay.public_url; }},
      {"storage", "backend",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_choice(v, {"sqlite", "mysql"}, s.storage.backend);
       },
       [](const Settings& s) { return s.storage.backend; }},
      text_key("storage", "path", &Settings::storage, &StorageConfig::path, true),
      text_key("storage", "host", &Settings::storage, &StorageConfig::host),
      int_key("storage", "port", &Settings::storage, &StorageConfig::port, 1, 65535),
      text_key("storage", "database", &Settings::storage, &StorageConfig::database),
      text_key("storage", "user", &Settings::storage, &StorageConfig::user),
      text_key("storage", "password_file", &Settings::storage, &StorageConfig::password_file, true),
      int_key("storage", "pool_size", &Settings::storage, &StorageConfig::pool_size, 1, 256),
      text_key("audit", "key_file", &Settings::audit, &AuditSettings::key_file, true),
      int_key("plugins", "max_open_cursors", &Settings::plugins, &PluginSettings::max_open_cursors,
              1, 1024),
      int_key("plugins", "max_callback_mib", &Settings::plugins, &PluginSettings::max_callback_mib,
              1, 2047),
      int_key("plugins", "kv_max_keys", &Settings::plugins, &PluginSettings::kv_max_keys, 1,
              100000000),
      int_key("storage", "max_connections", &Settings::storage, &StorageConfig::max_connections, 1,
              4096),
      int_key("storage", "acquire_timeout_ms", &Settings::storage,
              &StorageConfig::acquire_timeout_ms, 0, 600000),
      digits_key("numbering", "country_code", &Settings::numbering, &NumberingConfig::country_code,
                 3, false),
      digits_key("numbering", "national_prefix", &Settings::numbering,
                 &NumberingConfig::national_prefix, 2, true),
      digits_key("numbering", "international_prefix", &Settings::numbering,
                 &NumberingConfig::international_prefix, 4, true),
      {"plugins", "dir",
       [](Settings& s, const std::string& v, const std::string& base) {
         s.plugins.dirs.clear();
         for (const auto& dir : split_list(v)) s.plugins.dirs.push_back(resolve(dir, base));
         return std::string();
       },
       [](const Settings& s) { return join(s.plugins.dirs); }},
      {"plugins", "enabled",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_plugin_list(v, s.plugins.enabled);
       },
       [](const Settings& s) { return join(s.plugins.enabled); }},
      {"plugins", "required",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_plugin_list(v, s.plugins.required);
       },
       [](const Settings& s) { return join(s.plugins.required); }},
      {"plugins", "nested_routes",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_nested_routes(v, s.plugins.nested_routes);
       },
       [](const Settings& s) { return show_nested_routes(s.plugins.nested_routes); }},
      {"plugins", "read_grants",
       [](Settings& s, const std::string& v, const std::string&) {
         return parse_read_grants(v, s.plugins.read_grants);
       },
       [](const Settings& s) { return show_read_grants(s.plugins.read_grants); }},
  };
  return keys;
}

const Key* find_key(const std::string& section, const std::string& name) {
  for (const Key& k : schema()) {
    if (section == k.section && name == k.name) return &k;
  }
  return nullptr;
}

bool is_known_section(const std::string& section) {
  for (const Key& k : schema()) {
    if (section == k.section) return true;
  }
  return false;
}

Status apply_entry(Settings& settings, const IniEntry& e, const std::string& base_dir) {
  const std::string plugin_prefix = "plugin.";
  if (e.section.rfind(plugin_prefix, 0) == 0) {
    std::string plugin = e.section.substr(plugin_prefix.size());
    if (plugin.empty() || plugin.find('.') != std::string::npos) {
      return Status::Invalid(e.origin + ": invalid plugin section [" + e.section + "]");
    }
    settings.plugin_sections[plugin][e.key] = e.value;
    return Status::Ok();
  }
  const Key* key = find_key(e.section, e.key);
  if (key == nullptr) {
    std::string what = is_known_section(e.section)
                           ? "unknown key '" + e.key + "' in section [" + e.section + "]"
                           : "unknown section [" + e.section + "]";
    return Status::Invalid(e.origin + ": " + what);
  }
  std::string reason = key->apply(settings, e.value, base_dir);
  if (!reason.empty()) {
    return Status::Invalid(e.origin + ": " + e.section + "." + e.key + ": " + reason);
  }
  return Status::Ok();
}

Status validate(const Settings& s) {
  if (s.http.min_threads > s.http.max_threads) {
    return Status::Invalid("http.min_threads (" + std::to_string(s.http.min_threads) +
                           ") exceeds http.max_threads (" + std::to_string(s.http.max_threads) +
                           ")");
  }
  if (s.storage.pool_size > s.storage.max_connections) {
    return Status::Invalid("storage.pool_size (" + std::to_string(s.storage.pool_size) +
                           ") exceeds storage.max_connections (" +
                           std::to_string(s.storage.max_connections) + ")");
  }
  for (const auto& name : s.plugins.required) {
    bool enabled = false;
    for (const auto& e : s.plugins.enabled) enabled = enabled || e == name;
    if (!enabled) {
      return Status::Invalid("plugins.required: '" + name + "' is not in plugins.enabled");
    }
  }
  for (const auto& nested : s.plugins.nested_routes) {
    bool enabled = false;
    for (const auto& e : s.plugins.enabled) enabled = enabled || e == nested.plugin;
    if (!enabled) {
      return Status::Invalid("plugins.nested_routes: '" + nested.plugin +
                             "' is not in plugins.enabled");
    }
  }
  for (const auto& grant : s.plugins.read_grants) {
    for (const std::string* name : {&grant.reader, &grant.owner}) {
      if (std::find(s.plugins.enabled.begin(), s.plugins.enabled.end(), *name) ==
          s.plugins.enabled.end()) {
        return Status::Invalid("plugins.read_grants: '" + *name + "' is not in plugins.enabled");
      }
    }
  }
  if (!s.plugins.enabled.empty() && s.plugins.dirs.empty()) {
    return Status::Invalid("plugins.dir: must be set when plugins are enabled");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Settings> parse_settings(const std::string& text, const std::string& source,
                                  const std::string& base_dir,
                                  const std::vector<std::string>& overrides) {
  auto entries = parse_ini(text, source);
  if (!entries.ok()) return entries.status();
  for (const auto& assignment : overrides) {
    auto entry = parse_override(assignment);
    if (!entry.ok()) return entry.status();
    // An override replaces the file's value for the same key.
    std::erase_if(entries.value(), [&](const IniEntry& e) {
      return e.section == entry->section && e.key == entry->key;
    });
    entries->push_back(std::move(entry).value());
  }
  Settings settings;
  settings.source = source;
  settings.base_dir = base_dir;
  settings.storage.path = resolve("../var/mvne.db", base_dir);
  settings.audit.key_file = resolve("../var/audit.key", base_dir);
  for (const auto& e : entries.value()) {
    Status st = apply_entry(settings, e, base_dir);
    if (!st.ok()) return st;
  }
  settings.effective = std::move(entries).value();
  Status st = validate(settings);
  if (!st.ok()) return st;
  return settings;
}

StatusOr<Settings> load_settings(const std::string& path,
                                 const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Invalid(path + ": cannot read configuration file");
  std::stringstream text;
  text << in.rdbuf();
  std::string base_dir = fs::absolute(fs::path(path)).parent_path().string();
  return parse_settings(text.str(), path, base_dir, overrides);
}

std::string render_settings(const Settings& s, const std::set<std::string>& secrets) {
  std::ostringstream out;
  std::string section;
  for (const Key& k : schema()) {
    if (section != k.section) {
      section = k.section;
      out << (out.tellp() > 0 ? "\n" : "") << "[" << section << "]\n";
    }
    out << k.name << " = " << k.show(s) << "\n";
  }
  for (const auto& [plugin, keys] : s.plugin_sections) {
    out << "\n[plugin." << plugin << "]\n";
    for (const auto& [key, value] : keys) {
      bool hidden = is_secret(key) || secrets.contains("plugin." + plugin + "." + key);
      out << key << " = " << (hidden ? "(hidden)" : value) << "\n";
    }
  }
  return out.str();
}

std::vector<std::string> known_keys() {
  std::vector<std::string> out;
  for (const Key& k : schema()) out.push_back(std::string(k.section) + "." + k.name);
  return out;
}

}  // namespace mvne::config
