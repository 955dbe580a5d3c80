#include "core/egress/guard.h"

#include <optional>
#include <unordered_set>

#include "core/common/isolation_layers.h"
#include "core/log/log.h"

namespace mvne::egress {
namespace {

using FormSet = std::unordered_set<std::string>;

bool any_form_in(const Candidate& c, const FormSet& set) {
  for (int f = 0; f < c.form_count; ++f) {
    if (set.count(c.forms[f]) > 0) return true;
  }
  return false;
}

// What a log line and the audit log may say about the identifier: its kind, masked.
std::string describe(const Candidate& c, const std::string& form) {
  switch (c.kind) {
    case Candidate::Kind::kNumber:
      return "number " + log::mask_identifiers(form);
    case Candidate::Kind::kEmail:
      return "e-mail address ***" + form.substr(form.find('@'));
    case Candidate::Kind::kWord:
      break;
  }
  return "account id " + form.substr(0, 2) + "***";
}

}  // namespace

Guard::Guard(std::shared_ptr<storage::Database> db, tenancy::NumberingPlan numbering)
    : index_(std::move(db)), scan_(std::move(numbering)) {}

Status Guard::check(const auth::Principal& principal, std::span<const std::string_view> parts,
                    const Allowance& allowance) {
  if (layer_off(Layer::kEgressGuard)) return Status::Ok();
  Status refreshed = index_.refresh(allowance.made_since);
  if (!refreshed.ok()) {
    return Status::Unavailable("the egress guard cannot read the identifier index: " +
                               refreshed.message());
  }
  std::shared_ptr<const IdentifierSnapshot> index = index_.snapshot();
  FormSet sent;
  for (std::string_view text : allowance.sent) scan_.collect(text, sent);
  std::optional<FormSet> read;  // built only when some identifier is not the principal's
  std::string violation;
  auto visit = [&](const Candidate& c) {
    int foreign = -1;
    for (int f = 0; f < c.form_count && foreign < 0; ++f) {
      if (!index->belongs(principal, c.forms[f])) foreign = f;
    }
    if (foreign < 0 || any_form_in(c, sent)) return true;
    if (!read) {
      read.emplace();
      if (allowance.read_values != nullptr) {
        for (const std::string& value : *allowance.read_values) scan_.collect(value, *read);
      }
    }
    if (any_form_in(c, *read)) return true;
    violation = describe(c, c.forms[foreign]);
    return false;
  };
  for (std::string_view part : parts) {
    if (!scan_.scan(part, visit)) {
      return Status::Precondition("output to " + principal.describe() +
                                  " contains an identifier of another principal: " + violation);
    }
  }
  return Status::Ok();
}

Status Guard::check(const auth::Principal& principal, std::string_view bytes,
                    const std::set<std::string>& read_values) {
  Allowance allowance;
  allowance.read_values = &read_values;
  return check(principal, std::span<const std::string_view>(&bytes, 1), allowance);
}

}  // namespace mvne::egress
