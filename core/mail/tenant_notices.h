// The platform's notices to an MVNO's contact address (mvnectl mail tenant --contact): a
// scheduled export file was written. Nothing is sent to a tenant without a contact.
#pragma once

#include <string>

#include "core/platform/services.h"

namespace mvne::mail {

// Queues the export-ready notice for `tenant`'s export of `plugin` for `date`; false when the
// tenant has no contact or the notice could not be queued (logged).
bool export_ready(platform::Services& services, const tenancy::Tenant& tenant,
                  const std::string& plugin, const std::string& date, const std::string& file,
                  int64_t rows);

}  // namespace mvne::mail
