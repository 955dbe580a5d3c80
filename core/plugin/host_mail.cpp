#include "core/plugin/host_mail.h"

#include <cstddef>
#include <map>
#include <vector>

#include "core/mail/mail_service.h"
#include "core/mail/templates.h"
#include "core/platform/services.h"
#include "core/plugin/host_support.h"
#include "core/plugin/plugin_instance.h"

namespace mvne::plugin {
namespace {

std::string domain_of(const std::string& address) {
  size_t at = address.rfind('@');
  return at == std::string::npos ? "" : address.substr(at + 1);
}

// `count` addresses at `list` as the mail service's, or false when the list is malformed.
bool addresses(const mvne_mail_address* list, size_t count, std::vector<mail::Address>& out) {
  if ((list == nullptr && count > 0) || count > mail::kMaxRecipients) return false;
  for (size_t i = 0; i < count; ++i) {
    if (!valid(list[i].name) || !valid(list[i].email)) return false;
    out.push_back({std::string(view(list[i].name)), std::string(view(list[i].email))});
  }
  return true;
}

// Every principal's mail is its tenant's; the platform's own (no tenant) is "".
std::string tenant_of(const CallScope& scope) { return scope.principal.tenant_code; }

// ABI 1.5: a template of the principal's own tenant (never one the plugin names) replaces the
// subject and bodies.
mvne_status apply_template(CallScope& scope, const mvne_mail_message& in,
                           const std::string& templates_dir, mail::Message& m) {
  if (in.struct_size < offsetof(mvne_mail_message, template_value_count) + sizeof(size_t) ||
      in.template_name.len == 0)
    return MVNE_OK;
  if (!valid(in.template_name) || in.template_value_count % 2 != 0 ||
      in.template_value_count > 512 || (in.template_values == nullptr && in.template_value_count > 0))
    return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "mail_send: malformed template values");
  std::map<std::string, std::string> values;
  for (size_t i = 0; i < in.template_value_count; i += 2) {
    if (!valid(in.template_values[i]) || !valid(in.template_values[i + 1]))
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "mail_send: malformed template values");
    values[std::string(view(in.template_values[i]))] = view(in.template_values[i + 1]);
  }
  auto filled = mail::fill_template(templates_dir, tenant_of(scope),
                                    std::string(view(in.template_name)), values);
  if (!filled.ok()) {
    return refuse(scope,
                  filled.status().code() == Code::kNotFound ? MVNE_ERR_NOT_FOUND
                                                            : MVNE_ERR_INVALID_ARGUMENT,
                  "mail_send: " + filled.status().message());
  }
  m.subject = filled->subject;
  m.text = filled->text;
  m.html.clear();
  return MVNE_OK;
}

}  // namespace

mvne_status mail_send(mvne_context* ctx, const mvne_mail_message* message, int64_t* out_id) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (out_id != nullptr) *out_id = 0;
    if (scope.phase == Phase::kStop) {
      return refuse(scope, MVNE_ERR_WRONG_PHASE, "mail_send is not allowed in on_stop");
    }
    if (!spec_ok(message, offsetof(mvne_mail_message, purpose) + sizeof(mvne_str)) ||
        out_id == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "mail_send: bad arguments");
    }
    platform::Services* services = scope.plugin->services();
    if (services == nullptr || !services->mail) {
      return refuse(scope, MVNE_ERR_UNAVAILABLE, "mail_send: no storage");
    }
    mail::MailService& service = *services->mail;
    mail::Message m;
    const mvne_mail_message& in = *message;
    for (mvne_str s : {in.from.name, in.from.email, in.reply_to.name, in.reply_to.email,
                       in.subject, in.text, in.html, in.purpose}) {
      if (!valid(s)) return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "mail_send: malformed string");
    }
    if (!addresses(in.to, in.to_count, m.to) || !addresses(in.cc, in.cc_count, m.cc) ||
        !addresses(in.bcc, in.bcc_count, m.bcc)) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "mail_send: malformed recipient list");
    }
    m.from = {std::string(view(in.from.name)), std::string(view(in.from.email))};
    const auto& settings = service.settings();
    if (m.from.email.empty()) {
      m.from = {m.from.name.empty() ? settings.from_name : m.from.name, settings.from};
    } else if (domain_of(m.from.email) != domain_of(settings.from)) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT,
                    "mail_send: from: '" + m.from.email + "' is not of the platform's domain (" +
                        domain_of(settings.from) + ", [mail] from)");
    }
    m.reply_to = {std::string(view(in.reply_to.name)), std::string(view(in.reply_to.email))};
    m.subject = view(in.subject);
    m.text = view(in.text);
    m.html = view(in.html);
    if (mvne_status st = apply_template(scope, in, settings.templates_dir, m); st != MVNE_OK)
      return st;
    std::string purpose(view(in.purpose));
    if (purpose.empty()) purpose = "plugin";
    auto id = service.submit(
        m, {tenant_of(scope), scope.plugin->name(), scope.principal.describe(), purpose},
        scope.principal);
    if (!id.ok()) {
      if (id.status().code() == Code::kFailedPrecondition) {
        return refuse(scope, MVNE_ERR_EGRESS_BLOCKED, "mail_send: " + id.status().message());
      }
      return service_failed(scope, id.status(), "mail_send: ");
    }
    *out_id = id.value();
    return MVNE_OK;
  });
}

mvne_status mail_state(mvne_context* ctx, int64_t id, mvne_str* out_state, mvne_str* out_reply) {
  return with_scope(ctx, [&](CallScope& scope) -> mvne_status {
    if (out_state == nullptr || out_reply == nullptr) {
      return refuse(scope, MVNE_ERR_INVALID_ARGUMENT, "mail_state: bad arguments");
    }
    platform::Services* services = scope.plugin->services();
    if (services == nullptr || !services->mail) {
      return refuse(scope, MVNE_ERR_UNAVAILABLE, "mail_state: no storage");
    }
    auto entry = services->mail->outbox().get(id);
    if (!entry.ok() && entry.status().code() != Code::kNotFound) {
      return service_failed(scope, entry.status(), "mail_state: ");
    }
    // Another plugin's or another tenant's mail is as good as absent.
    if (!entry.ok() || entry->sender != scope.plugin->name() ||
        entry->tenant != tenant_of(scope)) {
      return refuse(scope, MVNE_ERR_NOT_FOUND,
                    "mail_state: no mail " + std::to_string(id) + " of this plugin and tenant");
    }
    const std::string& state = scope.returned.emplace_back(entry->state);
    const std::string& reply = scope.returned.emplace_back(entry->last_reply);
    *out_state = mvne_str{state.data(), state.size()};
    *out_reply = mvne_str{reply.data(), reply.size()};
    return MVNE_OK;
  });
}

}  // namespace mvne::plugin
