#include "core/http/bill_reply.h"

#include <nlohmann/json.hpp>

#include "core/billing/bill_format.h"

namespace mvne::http {

Reply bill_reply(const IncomingRequest& request, const std::vector<billing::Bill>& bills,
                 const std::string& month) {
  Reply reply;
  if (request.param("format") == "csv" || request.header("accept").rfind("text/csv", 0) == 0) {
    reply.content_type = "text/csv; charset=utf-8";
    reply.body = billing::bills_csv(bills);
    return reply;
  }
  auto list = nlohmann::ordered_json::array();
  for (const auto& b : bills) list.push_back(billing::bill_json(b, true));
  nlohmann::ordered_json body;
  if (!month.empty()) body["month"] = month;
  body["bills"] = list;
  reply.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return reply;
}

}  // namespace mvne::http
