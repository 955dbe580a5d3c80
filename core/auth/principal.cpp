#include "core/auth/principal.h"

namespace mvne::auth {

std::string Principal::describe() const {
  switch (kind) {
    case Kind::kTenant:
      return "tenant:" + tenant_code;
    case Kind::kConsumer:
      return "consumer:" + tenant_code + "/" + account_id;
    case Kind::kOperator:
      return "operator:" + name;
    case Kind::kNone:
      break;
  }
  return "anonymous";
}

}  // namespace mvne::auth
