#!/usr/bin/env bash
# Compares the SDK's C ABI, as seen through tests/abi/abi_probe.c, with the committed
# baseline. Any difference fails, with abidiff's report shown. After an intended change
# (fields appended, MVNE_ABI_MINOR bumped), regenerate the baseline with tools/abi-baseline.
# Usage: abidiff_test.sh BASELINE_XML PROBE_LIBRARY
set -uo pipefail
baseline=$1 probe=$2
report=$(abidiff --no-show-locs "$baseline" "$probe" 2>&1)
status=$?
if [ $status -ne 0 ]; then
  echo "FAIL: the SDK ABI differs from $baseline (abidiff exit $status):"
  echo "$report"
  if (( status & 8 )); then echo "abidiff classifies this change as incompatible."; fi
  exit 1
fi
echo "PASS: the SDK ABI matches the baseline"
