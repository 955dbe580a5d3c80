#!/usr/bin/env bash
# The SDK as plugin authors get it: install it to a prefix, build sdk/examples/hello out of
# tree with find_package(MvneSdk), load the result into mvne-host and call its route.
# Usage: find_package_test.sh SOURCE_DIR BUILD_DIR HOST_BINARY
set -euo pipefail
src=$1 build=$2 host=$3
work=$(mktemp -d)
host_pid=
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$work/prefix" --component Unspecified > "$work/install.log"
test -f "$work/prefix/include/mvne/plugin.h"
test -f "$work/prefix/lib/cmake/MvneSdk/MvneSdkConfigVersion.cmake"

# Out of tree: a copy of the example, nothing from the source tree on the include path.
cp -r "$src/sdk/examples/hello" "$work/hello"
cmake -S "$work/hello" -B "$work/hello-build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" > "$work/configure.log"
cmake --build "$work/hello-build" > "$work/build.log"
mkdir "$work/plugins"
cp "$work/hello-build/mvne_hello.so" "$work/plugins/"

# Only the entry symbol leaves the plugin.
exported=$(nm -D --defined-only "$work/plugins/mvne_hello.so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}')
if [ "$exported" != "mvne_plugin_entry" ]; then
  echo "FAIL: the plugin exports more than its entry symbol:"; echo "$exported"; exit 1
fi

# The SDK's own version (its ABI version, from plugin.h) is found; a version the SDK cannot
# satisfy is refused.
abi=$(sed -n 's/^#define MVNE_ABI_MAJOR \([0-9]*\)$/\1/p' "$src/sdk/include/mvne/plugin.h").$(sed -n 's/^#define MVNE_ABI_MINOR \([0-9]*\)$/\1/p' "$src/sdk/include/mvne/plugin.h")
mkdir "$work/v12"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(v12 LANGUAGES CXX)\nfind_package(MvneSdk %s REQUIRED)\n' "$abi" \
  > "$work/v12/CMakeLists.txt"
if ! cmake -S "$work/v12" -B "$work/v12/build" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/v12.log" 2>&1; then
  echo "FAIL: find_package(MvneSdk $abi) failed"; cat "$work/v12.log"; exit 1
fi
mkdir "$work/v2"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(v2 LANGUAGES CXX)\nfind_package(MvneSdk 2.0 REQUIRED)\n' \
  > "$work/v2/CMakeLists.txt"
if cmake -S "$work/v2" -B "$work/v2/build" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/v2.log" 2>&1; then
  echo "FAIL: find_package(MvneSdk 2.0) succeeded against SDK $abi"; exit 1
fi

printf '[http]\nlisten = 127.0.0.1:0\n[storage]\npath = %s\n[plugins]\ndir = %s\nenabled = hello\n[plugin.hello]\ngreeting = Hi\n' \
  "$work/mvne.db" "$work/plugins" > "$work/mvne.conf"
"$host" --config "$work/mvne.conf" > "$work/host.out" 2> "$work/host.err" &
host_pid=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$work/host.out" && break
  sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/host.out" | head -n1)
if [ -z "$url" ]; then echo "FAIL: host did not start"; cat "$work/host.err"; exit 1; fi
body=$(curl -sS --max-time 10 "$url/api/hello?name=SDK")
if [ "$body" != '{"message":"Hi, SDK!"}' ]; then
  echo "FAIL: unexpected reply: $body"; cat "$work/host.err"; exit 1
fi
echo "PASS: out-of-tree plugin built against the installed SDK answered: $body"
