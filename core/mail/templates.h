// Per-tenant mail templates: text files an operator (or the MVNO) edits, in the languages the
// tenant writes to its consumers in (Japanese and English, say), that replace the platform's
// own wording of a notice.
//
//   <dir>/<tenant code>/<name>.txt   the tenant's own
//   <dir>/<name>.txt                 for every tenant without its own
//
// A file is a "Subject: ..." line, an empty line, and the body (UTF-8). "{{key}}" is replaced
// by the value given for key; "{{" without a known key is an error, never left in a message.
#pragma once

#include <map>
#include <string>

#include "core/common/status.h"

namespace mvne::mail {

struct Filled {
  std::string subject, text;
};

// NotFound when `dir` is empty or holds neither file (the caller keeps its own wording);
// Invalid, naming the file and line, when a placeholder has no value, the subject line is
// missing, the name is not [a-z0-9_]+ or the text is not UTF-8.
StatusOr<Filled> fill_template(const std::string& dir, const std::string& tenant,
                               const std::string& name,
                               const std::map<std::string, std::string>& values);

}  // namespace mvne::mail
