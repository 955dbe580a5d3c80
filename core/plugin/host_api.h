// The host function table handed to every plugin (mvne_host_api, ABI 1.0).
#pragma once

#include <mvne/plugin.h>

namespace mvne::plugin {

// The one table of this host; static storage, valid for the life of the process.
const mvne_host_api* host_api();

}  // namespace mvne::plugin
