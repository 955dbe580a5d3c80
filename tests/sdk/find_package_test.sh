#!/usr/bin/env bash
# The SDK as plugin authors get it: install the sdk component alone to a prefix, build
# sdk/examples/hello and sdk/examples/mms out of tree with find_package(MvneSdk) and nothing
# else, run the mms example's own tests (the installed test host), then load both plugins
# into mvne-host, set up a tenant with mvnectl and read a rated MMS record through the API.
# Usage: find_package_test.sh SOURCE_DIR BUILD_DIR HOST_BINARY CTL_BINARY
set -euo pipefail
src=$1 build=$2 host=$3 ctl=$4
work=$(mktemp -d)
host_pid=
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$work/prefix" --component sdk > "$work/install.log"
for f in include/mvne/plugin.h include/mvne/plugin.hpp include/mvne/toolkit/record_plugin.hpp \
         include/mvne/testing/test_host.hpp lib/libmvne_toolkit.a lib/libmvne_testing.so \
         lib/cmake/MvneSdk/MvneSdkConfigVersion.cmake share/doc/mvne/sdk/plugin-guide.md \
         share/doc/mvne/sdk/examples/mms/mms.cpp; do
  [ -f "$work/prefix/$f" ] || { echo "FAIL: the sdk component did not install $f"; exit 1; }
done
if [ -e "$work/prefix/bin" ]; then
  echo "FAIL: the sdk component installed programs:"; ls "$work/prefix/bin"; exit 1
fi
# Only the test host's own classes leave libmvne_testing.so.
leaked=$(nm -DC --defined-only "$work/prefix/lib/libmvne_testing.so" | awk '$2 ~ /^[TDBRVW]$/' \
  | grep -v "mvne::testing::" | grep -v " _init$\| _fini$" || true)
if [ -n "$leaked" ]; then
  echo "FAIL: libmvne_testing.so exports more than mvne::testing:"; echo "$leaked" | head; exit 1
fi

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

# The MMS example: plugin and tests, out of tree, from the installed package alone.
cp -r "$src/sdk/examples/mms" "$work/mms"
echo "mms example: $(grep -cv '^\s*$' "$work/mms/mms.cpp") non-blank lines of plugin code"
cmake -S "$work/mms" -B "$work/mms-build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" > "$work/mms-configure.log"
cmake --build "$work/mms-build" > "$work/mms-build.log" || { cat "$work/mms-build.log"; exit 1; }
if ! ctest --test-dir "$work/mms-build" --output-on-failure > "$work/mms-test.log" 2>&1; then
  echo "FAIL: the mms example's tests failed"; cat "$work/mms-test.log"; exit 1
fi
grep -E "tests passed|tests failed" "$work/mms-test.log"
cp "$work/mms-build/mvne_mms.so" "$work/plugins/"

mkdir "$work/mms-spool"
printf '[http]\nlisten = 127.0.0.1:0\n[storage]\npath = %s\n[plugins]\ndir = %s\nenabled = hello, mms\n[plugin.hello]\ngreeting = Hi\n[plugin.mms]\nspool_dir = %s\n' \
  "$work/mvne.db" "$work/plugins" "$work/mms-spool" > "$work/mvne.conf"
# A typo in the plugin's own key is caught before start, naming the file and line.
sed 's/^spool_dir/spool_dri/' "$work/mvne.conf" > "$work/typo.conf"
if "$host" --config "$work/typo.conf" --check-config > "$work/typo.log" 2>&1 || ! grep -q "spool_dri" "$work/typo.log"; then
  echo "FAIL: --check-config passed a misspelt mms key:"; cat "$work/typo.log"; exit 1
fi
ctl_() { "$ctl" --config "$work/mvne.conf" "$@" > /dev/null; }
ctl_ tenant add --code acme --name Acme --time-zone Asia/Tokyo --plugins hello,mms \
  --export-dir "$work/exports"
ctl_ plan add --tenant acme --code basic --rates mms=30
ctl_ subscriber add --tenant acme --account A-1 --service-code A-1 --plan basic \
  --email a1@example.invalid
ctl_ line assign --tenant acme --account A-1 --msisdn 090-1111-0001 --from 2026-01-01
key=$("$ctl" --config "$work/mvne.conf" --json apikey create --tenant acme --label t \
  | sed -n 's/.*"token": "\(.*\)".*/\1/p')
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
printf 'message_id,submitted_at,direction,from,to,imsi,size_bytes\nm1,2026-11-05T09:00:00+09:00,MO,09011110001,09077770001,,120000\n' \
  > "$work/mms-spool/mmsc.csv.part"
mv "$work/mms-spool/mmsc.csv.part" "$work/mms-spool/mmsc.csv"
for _ in $(seq 1 100); do
  [ -f "$work/mms-spool/done/mmsc.csv" ] && break
  sleep 0.1
done
mms=$(curl -sS --max-time 10 -H "Authorization: Bearer $key" "$url/api/v1/mms/records?from=2026-11-01&to=2026-11-30")
case "$mms" in
  *'"message_id":"m1"'*'"charge":30'*) ;;
  *) echo "FAIL: the mms record is not served, rated at 30: $mms"; cat "$work/host.err"; exit 1 ;;
esac
echo "PASS: out-of-tree plugins built against the installed SDK: hello answered $body; mms served $mms"
