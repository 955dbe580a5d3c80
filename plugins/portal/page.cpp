#include "page.h"

#include <map>

#include "assets.h"

namespace portal {
namespace {

struct PageSpec {
  std::string_view path;  // under the tenant's base
  std::string_view id;    // its title is page.<id> in the catalogue
  bool in_nav;
};

constexpr PageSpec kPages[] = {
    {"", "dashboard", true},      {"history", "history", true}, {"calls", "calls", true},
    {"bills", "bills", true},     {"contract", "contract", true},
    {"account", "account", true}, {"login", "login", false},
};

const PageSpec kNotFound = {"", "not_found", false};

const PageSpec& spec_of(std::string_view path) {
  for (const PageSpec& p : kPages)
    if (p.path == path) return p;
  return kNotFound;
}

// `text` with each {{name}} replaced by values.at(name), in one pass: no value is searched
// for placeholders, whatever a brand name or a catalogue string holds.
std::string fill(std::string_view text, const std::map<std::string_view, std::string>& values) {
  std::string out;
  for (size_t at = 0;;) {
    size_t open = text.find("{{", at);
    size_t close = open == std::string_view::npos ? open : text.find("}}", open);
    if (close == std::string_view::npos) return out.append(text.substr(at));
    out.append(text.substr(at, open - at));
    auto it = values.find(text.substr(open + 2, close - open - 2));
    out.append(it == values.end() ? std::string_view{} : std::string_view(it->second));
    at = close + 2;
  }
}

class Html {
 public:
  explicit Html(const PageView& view) : view_(view) {}

  std::string t(const std::string& key) const { return html_escape(view_.messages->text(key)); }
  std::string query() const { return view_.lang_chosen ? "?lang=" + view_.lang : ""; }
  std::string href(std::string_view path) const {
    return html_escape(view_.where->base + std::string(path) + query());
  }

  std::string nav(const PageSpec& current) const {
    if (!current.in_nav) return "";
    std::string out = "<nav class=\"nav\" aria-label=\"" + t("site.nav") + "\"><ul>";
    for (const PageSpec& p : kPages) {
      if (!p.in_nav) continue;
      out += "<li><a href=\"" + href(p.path) + "\"" +
             (&p == &current ? " aria-current=\"page\"" : "") + ">" +
             t("page." + std::string(p.id)) + "</a></li>";
    }
    return out + "</ul></nav>";
  }

  std::string lang_switch(const PageSpec& current) const {
    std::string other = view_.lang == "ja" ? "en" : "ja";
    return "<a class=\"lang\" lang=\"" + other + "\" hreflang=\"" + other + "\" href=\"" +
           html_escape(view_.where->base + std::string(current.path) + "?lang=" + other) +
           "\">" + t("lang.switch") + "</a>";
  }

  std::string field(const std::string& id, const std::string& label, const std::string& type,
                    const std::string& autocomplete, const std::string& hint = "") const {
    std::string out = "<div class=\"field\"><label for=\"" + id + "\">" + t(label) + "</label>";
    out += "<input id=\"" + id + "\" name=\"" + id + "\" type=\"" + type +
           "\" autocomplete=\"" + autocomplete + "\" required";
    if (!hint.empty()) out += " aria-describedby=\"" + id + "-hint\"";
    out += ">";
    if (!hint.empty()) out += "<p class=\"hint\" id=\"" + id + "-hint\">" + t(hint) + "</p>";
    return out + "</div>";
  }

  // What the page shows before (or without) its script.
  std::string body(const PageSpec& page) const {
    if (page.id == "login") {
      return "<p>" + t("login.intro") + "</p><form id=\"login-form\" class=\"form\" " +
             "method=\"post\" action=\"/portal/login\" novalidate><input type=\"hidden\" " +
             "name=\"tenant\" value=\"" + html_escape(view_.where->tenant) + "\">" +
             field("account", "login.account", "text", "username") +
             field("password", "login.password", "password", "current-password") +
             "<p id=\"form-error\" class=\"error\" role=\"alert\"></p><button type=\"submit\">" +
             t("login.submit") + "</button></form>";
    }
    if (page.id == "account") {
      return "<section aria-labelledby=\"change-h\"><h2 id=\"change-h\">" + t("account.change") +
             "</h2><form id=\"password-form\" class=\"form\" novalidate>" +
             field("current_password", "account.current", "password", "current-password") +
             field("new_password", "account.new", "password", "new-password", "account.new_hint") +
             "<p id=\"form-error\" class=\"error\" role=\"alert\"></p><button type=\"submit\">" +
             t("account.submit") + "</button></form></section>" +
             "<section aria-labelledby=\"everywhere-h\"><h2 id=\"everywhere-h\">" +
             t("account.everywhere") + "</h2><p>" + t("account.everywhere_text") +
             "</p><button type=\"button\" id=\"logout-everywhere\">" +
             t("account.everywhere_submit") + "</button></section>";
    }
    if (page.id == "not_found") return "<p>" + t("not_found.text") + "</p>";
    return "<p class=\"loading\">" + t("site.loading") + "</p>";
  }

 private:
  const PageView& view_;
};

}  // namespace

bool is_page(std::string_view path) { return &spec_of(path) != &kNotFound; }

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_page(const PageView& view) {
  const PageSpec& page = spec_of(view.where->page);
  Html html(view);
  const std::string assets(kAssetDir);
  std::string logo;
  if (!view.brand->logo.empty())
    logo = "<img class=\"logo\" src=\"" + html_escape(assets + "logo/" + view.where->tenant) +
           "\" alt=\"\" height=\"32\">";
  std::string data = "{\"page\":\"" + std::string(page.id) + "\",\"tenant\":\"" +
                     view.where->tenant + "\",\"base\":\"" + view.where->base + "\",\"lang\":\"" +
                     view.lang + "\",\"query\":\"" + html.query() +
                     "\",\"messages\":" + view.messages->json() + "}";
  return fill(asset("assets/page.html"),
              {{"lang", view.lang},
               {"title", html.t("page." + std::string(page.id))},
               {"brand", html_escape(view.brand->name)},
               {"tenant", view.where->tenant},
               {"assets", assets},
               {"page", std::string(page.id)},
               {"skip", html.t("site.skip")},
               {"logo", logo},
               {"lang_switch", html.lang_switch(page)},
               {"logout", page.in_nav ? "<button type=\"button\" id=\"logout\">" +
                                            html.t("site.logout") + "</button>"
                                      : ""},
               {"nav", html.nav(page)},
               {"noscript", html.t("site.noscript")},
               {"footer", html.t("site.footer")},
               {"body", html.body(page)},
               {"data", data}});
}

}  // namespace portal
