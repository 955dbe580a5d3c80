// The host's release version (the plugin ABI version is in mvne/plugin.h).
#pragma once

#define MVNE_VERSION "0.1.0"
