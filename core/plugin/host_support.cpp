#include "core/plugin/host_support.h"

#include "core/log/log.h"
#include "core/plugin/plugin_instance.h"

namespace mvne::plugin {

mvne_status refuse(CallScope& scope, mvne_status code, const std::string& why) {
  scope.host_refusal = why;
  log::write(log::Level::kWarn, "plugin:" + scope.plugin->name(), scope.request_id,
             std::string("host call refused in ") + phase_name(scope.phase) + ": " + why);
  return code;
}

mvne_status service_failed(CallScope& scope, const Status& st, const std::string& what) {
  if (st.code() == Code::kUnavailable) scope.host_busy = true;
  return refuse(scope,
                st.code() == Code::kUnavailable       ? MVNE_ERR_UNAVAILABLE
                : st.code() == Code::kInvalidArgument ? MVNE_ERR_INVALID_ARGUMENT
                                                      : MVNE_ERR_INTERNAL,
                what + st.message());
}

}  // namespace mvne::plugin
