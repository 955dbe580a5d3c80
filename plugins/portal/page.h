// The HTML of a portal page. A page carries no consumer data: it is the same for every
// consumer of a tenant in a language, and its script (assets/portal.js) fills it from the
// consumer API (/portal/api/v1/), which the host scopes to the logged-in consumer, checks
// with the egress guard and marks private.
#pragma once

#include <string>
#include <string_view>

#include "catalogue.h"
#include "site.h"

namespace portal {

// The pages, by the path under the tenant's base: "" is the overview.
bool is_page(std::string_view path);

struct PageView {
  const Location* where;
  const Brand* brand;
  const Catalogue* messages;
  std::string lang;
  bool lang_chosen = false;  // ?lang= was given: links keep it
};

// The page at `where->page` (is_page), or the not-found page.
std::string render_page(const PageView& view);

// `text` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace portal
