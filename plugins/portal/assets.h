// The files the portal serves and reads, compiled into the plugin (embed.cmake): the page
// template, the script and stylesheet of our own, and the message catalogues.
#pragma once

#include <cstddef>
#include <string_view>

namespace portal {

struct Asset {
  std::string_view name;   // its path under plugins/portal: "assets/portal.js"
  std::string_view bytes;
};

extern const Asset kAssets[];
extern const size_t kAssetCount;

// The asset named `name`, or an empty view.
inline std::string_view asset(std::string_view name) {
  for (size_t i = 0; i < kAssetCount; ++i)
    if (kAssets[i].name == name) return kAssets[i].bytes;
  return {};
}

}  // namespace portal
