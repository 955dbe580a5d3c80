// Message catalogues: every string a consumer reads, per language ("key = value" lines in
// messages/<lang>.txt), and the choice of language for a request.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace portal {

class Catalogue {
 public:
  // Parses `text`; on a line that is neither "key = value", a comment nor blank, returns
  // nothing and says which line in `error`.
  static std::optional<Catalogue> parse(std::string_view name, std::string_view text,
                                        std::string& error);

  // The string for `key`; the key itself when missing (a test keeps catalogues complete).
  const std::string& text(const std::string& key) const;
  // Every entry as one JSON object, safe inside a <script> element.
  std::string json() const;
  const std::map<std::string, std::string>& entries() const { return entries_; }

 private:
  std::map<std::string, std::string> entries_;
};

// The languages the portal speaks, the first being the default.
inline constexpr std::string_view kLanguages[] = {"ja", "en"};

// The language for a request: `chosen` (the page's ?lang=) when it is one we speak, else the
// best of Accept-Language by its q-values ("en-GB;q=0.8" counts as en), else `fallback`.
std::string negotiate(const std::optional<std::string>& chosen,
                      const std::optional<std::string>& accept_language,
                      const std::string& fallback);

}  // namespace portal
