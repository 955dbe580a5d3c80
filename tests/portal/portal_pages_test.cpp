// The portal plugin's parts: catalogues complete in both languages and every string the pages
// and the script use present in them; language negotiation; which tenant a request is for;
// branding checked when loaded; page HTML escaped, whatever a brand or catalogue holds.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "assets.h"
#include "catalogue.h"
#include "page.h"
#include "site.h"
#include "tests/support/temp_dir.h"

namespace portal {
namespace {

Catalogue catalogue(const std::string& lang) {
  std::string file = "messages/" + lang + ".txt", error;
  auto parsed = Catalogue::parse(file, asset(file), error);
  EXPECT_TRUE(parsed.has_value()) << error;
  return parsed.value_or(Catalogue{});
}

std::string source(const std::string& path) {
  std::ifstream in(std::string(MVNE_SOURCE_DIR) + "/plugins/portal/" + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The keys `pattern` (one group) finds in `text`.
std::set<std::string> keys_in(const std::string& text, const std::string& pattern) {
  std::set<std::string> out;
  std::regex re(pattern);
  for (std::sregex_iterator i(text.begin(), text.end(), re), e; i != e; ++i) out.insert((*i)[1]);
  return out;
}

TEST(PortalCatalogues, BothLanguagesHaveTheSameKeysAndNoneIsEmpty) {
  auto ja = catalogue("ja"), en = catalogue("en");
  ASSERT_GT(en.entries().size(), 50u);
  for (const auto& [key, value] : en.entries()) {
    EXPECT_EQ(ja.entries().count(key), 1u) << key << " is missing in ja.txt";
    EXPECT_FALSE(value.empty()) << key;
  }
  for (const auto& [key, value] : ja.entries()) {
    EXPECT_EQ(en.entries().count(key), 1u) << key << " is missing in en.txt";
    EXPECT_FALSE(value.empty()) << key;
  }
}

TEST(PortalCatalogues, EveryStringThePagesAndTheScriptUseIsInThem) {
  auto en = catalogue("en");
  std::set<std::string> used = keys_in(source("assets/portal.js"), R"re(\bt\('([a-z_]+\.[a-z_]+)')re");
  for (const auto& k : keys_in(source("page.cpp"), R"re(\bt\("([a-z_]+\.[a-z_]+)")re")) used.insert(k);
  for (const auto& k : keys_in(source("page.cpp"), R"re(field\("[a-z_]+", "([a-z_]+\.[a-z_]+)")re")) used.insert(k);
  ASSERT_GT(used.size(), 40u) << "the patterns find the strings in use";
  for (const auto& key : used) EXPECT_EQ(en.entries().count(key), 1u) << key;
  // Page titles and navigation: page.<id> for every page.
  for (const char* page : {"dashboard", "history", "calls", "bills", "contract", "account", "login",
                           "not_found"})
    EXPECT_EQ(en.entries().count(std::string("page.") + page), 1u) << page;
}

TEST(PortalCatalogues, AMalformedLineIsNamed) {
  std::string error;
  EXPECT_FALSE(Catalogue::parse("x.txt", "a = 1\n\n# note\nno equals sign\n", error));
  EXPECT_EQ(error, "x.txt:4: expected key = value");
}

TEST(PortalLanguage, ChosenThenAcceptLanguageByQualityThenTheDefault) {
  EXPECT_EQ(negotiate(std::nullopt, "en-GB;q=0.8, ja;q=0.9", "en"), "ja");
  EXPECT_EQ(negotiate(std::nullopt, "ja-JP,ja;q=0.9,en-US;q=0.8", "en"), "ja");
  EXPECT_EQ(negotiate(std::nullopt, "EN-us", "ja"), "en");
  EXPECT_EQ(negotiate(std::nullopt, "fr-FR, de;q=0.5", "ja"), "ja");
  EXPECT_EQ(negotiate(std::nullopt, std::nullopt, "en"), "en");
  EXPECT_EQ(negotiate(std::string("en"), "ja", "ja"), "en");
  EXPECT_EQ(negotiate(std::string("xx"), "en", "ja"), "en") << "an unknown choice is ignored";
}

TEST(PortalSite, ByPathTheFirstSegmentIsTheTenant) {
  Site site;
  auto at = locate(site, "anything", "/portal/my/sakura/bills");
  ASSERT_TRUE(at);
  EXPECT_EQ(at->tenant, "sakura");
  EXPECT_EQ(at->page, "bills");
  EXPECT_EQ(at->base, "/portal/my/sakura/");
  EXPECT_EQ(locate(site, "", "/portal/my/sakura/")->page, "");
  EXPECT_FALSE(locate(site, "", "/portal/my/Sakura/"));
  EXPECT_FALSE(locate(site, "", "/portal/my/-/portal.js")) << "the asset directory is no tenant";
  EXPECT_FALSE(locate(site, "", "/portal/my/sak%22ura/"));
  EXPECT_FALSE(locate(site, "", "/portal/my/sakura"));
}

TEST(PortalSite, ByHostNameTheOperatorsMapDecides) {
  Site site;
  ASSERT_FALSE(parse_hosts("portal.sakura.example=sakura, My.Fuji.example = fuji", site));
  auto at = locate(site, "portal.sakura.example:8443", "/portal/my/bills");
  ASSERT_TRUE(at);
  EXPECT_EQ(at->tenant, "sakura");
  EXPECT_EQ(at->page, "bills");
  EXPECT_EQ(at->base, "/portal/my/");
  EXPECT_EQ(locate(site, "my.fuji.EXAMPLE", "/portal/my/")->tenant, "fuji");
  EXPECT_FALSE(locate(site, "evil.example", "/portal/my/")) << "an unmapped host gets no portal";
  EXPECT_FALSE(locate(site, "portal.sakura.example", "/portal/my/fuji/").has_value() &&
               locate(site, "portal.sakura.example", "/portal/my/fuji/")->tenant == "fuji")
      << "the path cannot pick another tenant";
  auto bad = parse_hosts("portal.example", site);
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->find("portal.example"), std::string::npos);
}

TEST(PortalSite, BrandingIsCheckedWhenLoaded) {
  mvne::testing::TempDir dir;
  dir.write("brands/sakura.conf", "name = Sakura Mobile\ncolour = #A3224F\nlogo = s.svg\n");
  dir.write("brands/s.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
  Site site;
  ASSERT_FALSE(load_brands(dir.path() + "/brands", site));
  EXPECT_EQ(site.brand("sakura").name, "Sakura Mobile");
  EXPECT_EQ(site.brand("sakura").colour, "#a3224f");
  EXPECT_EQ(site.brand("sakura").logo_type, "image/svg+xml");
  EXPECT_EQ(site.brand("kumo").name, "kumo") << "an unbranded tenant is plain";

  dir.write("pale/fuji.conf", "colour = #f0c0d0\n");
  auto pale = load_brands(dir.path() + "/pale", site);
  ASSERT_TRUE(pale);
  EXPECT_NE(pale->find("fuji.conf: colour #f0c0d0"), std::string::npos) << *pale;
  EXPECT_NE(pale->find("4.5:1"), std::string::npos) << *pale;
  dir.write("typo/fuji.conf", "color = #123456\n");
  auto typo = load_brands(dir.path() + "/typo", site);
  ASSERT_TRUE(typo);
  EXPECT_NE(typo->find("unknown key 'color'"), std::string::npos) << *typo;
  dir.write("nologo/fuji.conf", "logo = missing.png\n");
  EXPECT_TRUE(load_brands(dir.path() + "/nologo", site));
  EXPECT_TRUE(load_brands(dir.path() + "/none", site)) << "a missing directory is an error";
}

TEST(PortalPages, EveryValueIsEscapedAndNoneIsFilledIn) {
  Location where{"sakura", "bills", "/portal/my/sakura/"};
  Brand brand;
  brand.name = "<script>alert(1)</script> {{data}}";
  Catalogue en = catalogue("en");
  std::string html = render_page({&where, &brand, &en, "en", true});
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; {{data}}"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("href=\"/portal/my/sakura/bills?lang=en\" aria-current=\"page\""),
            std::string::npos)
      << "the chosen language stays in the links";
  EXPECT_NE(html.find("<title>Bills"), std::string::npos);
  EXPECT_NE(html.find("href=\"/portal/my/sakura/bills?lang=ja\""), std::string::npos)
      << "the language switch";
}

TEST(PortalPages, TheLoginFormHasLabelsAndAnUnknownPageIsNotFound) {
  Brand brand;
  brand.name = "Fuji";
  Catalogue ja = catalogue("ja");
  Location login{"fuji", "login", "/portal/my/fuji/"};
  std::string html = render_page({&login, &brand, &ja, "ja", false});
  EXPECT_NE(html.find("<label for=\"account\">アカウント ID</label>"), std::string::npos);
  EXPECT_NE(html.find("<label for=\"password\">パスワード</label>"), std::string::npos);
  EXPECT_NE(html.find("value=\"fuji\""), std::string::npos);
  EXPECT_EQ(html.find("<nav"), std::string::npos) << "no navigation before logging in";
  EXPECT_TRUE(is_page("") && is_page("bills") && !is_page("admin") && !is_page("bills/x"));
  Location nowhere{"fuji", "admin", "/portal/my/fuji/"};
  EXPECT_NE(render_page({&nowhere, &brand, &ja, "ja", false}).find("ページが見つかりません"),
            std::string::npos);
}

}  // namespace
}  // namespace portal
