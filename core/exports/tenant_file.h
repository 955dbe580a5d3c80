// One file delivered into a tenant's export directory, whoever makes it (a plugin's export,
// or the host's monthly bills): written under `<export dir>/<producer>/` as
// `<tenant>_<producer>_<name>_<period>.<ext>`, atomically (random temporary name, created
// exclusively, no symbolic links followed), its bytes checked by the egress guard as one
// stream with the tenant as principal, audited before it is published, with a manifest
// beside it (tenant, rows, sha256, time range, generated-at). A tenant whose export
// directory is, contains or lies inside another tenant's gets no file, and neither does one
// whose manifest at that name names another tenant. Files are 0600 in 0700 directories
// (0640/0750 under a setgid export directory). Writing a period again replaces the file.
#pragma once

#include <functional>
#include <string>

#include "core/common/status.h"
#include "core/exports/guarded_sink.h"
#include "core/platform/services.h"
#include "core/plugin/call_scope.h"
#include "core/tenancy/directory.h"

namespace mvne::exports {

struct Outcome {
  std::string file;      // absolute path of the data file
  std::string manifest;  // absolute path of its manifest
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string sha256;
};

struct FileSpec {
  std::string producer;   // plugin name, or "billing": the subdirectory and the audit's plugin
  std::string name;       // the export's name
  std::string kind;       // what it holds, for the audit log
  std::string extension;  // without the dot
  std::string period;     // "YYYY-MM-DD" or "YYYY-MM"
  int64_t from = 0, to = 0;
};

// `scope` carries the tenant principal (and what the producer read); `produce` writes the
// bytes through the sink. A failure, or bytes the guard withholds, leave no file.
// Relative export directories resolve against `base_dir`.
StatusOr<Outcome> deliver(platform::Services& services, const std::string& base_dir,
                          const tenancy::Tenant& tenant, const FileSpec& spec,
                          plugin::CallScope& scope,
                          const std::function<Status(GuardedSink&)>& produce);

// A call scope for producing a file of `tenant`, under a fresh request id.
plugin::CallScope tenant_scope(plugin::PluginInstance* plugin, const tenancy::Tenant& tenant);

}  // namespace mvne::exports
