// The bodies of the host functions a plugin calls per row or per request, run on a live
// scope: what host_api's C functions do once ContextTable has checked the handle.
// tools/bench/abi_call times each both ways, so the cost of the table itself is measured.
#pragma once

#include <mvne/plugin.h>

#include "core/plugin/call_scope.h"

namespace mvne::plugin::calls {

mvne_status config_get(CallScope& scope, mvne_str key, mvne_str* out);
mvne_status submit_records(CallScope& scope, mvne_str kind_name, const mvne_record* records,
                           size_t count);
mvne_status cursor_next(CallScope& scope, mvne_cursor* handle, mvne_record* out_row,
                        int32_t* has_row);
mvne_status response_write(CallScope& scope, mvne_str bytes);

}  // namespace mvne::plugin::calls
