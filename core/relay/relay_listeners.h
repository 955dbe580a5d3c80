// The relay's listeners as [relay] configures them: submission (listen) and content filter
// (filter_listen), either, both or none, each handing its messages to the hold service.
#pragma once

#include <memory>
#include <vector>

#include "core/common/status.h"
#include "core/config/settings.h"
#include "core/relay/hold_service.h"
#include "core/relay/smtp_listener.h"

namespace mvne::relay {

class RelayListeners {
 public:
  // Starts the configured listeners and the hold service's worker; fails (starting none)
  // naming the address or file that did not work.
  static StatusOr<std::unique_ptr<RelayListeners>> start(const config::RelayConfig& config,
                                                         HoldService* service);
  ~RelayListeners();
  void stop();
  // The bound ports (tests that configure port 0).
  uint16_t submission_port() const;
  uint16_t filter_port() const;

 private:
  HoldService* service_ = nullptr;
  std::unique_ptr<SmtpListener> submission_, filter_;
};

}  // namespace mvne::relay
