#!/usr/bin/env bash
# Times the test suite as `make test` runs it and prints the wall time, the pass/skip/fail counts and the
# machine's load (the figures mean little on a busy machine).
#   bench/suite.sh                              make test (SQLite, every core)
#   PYTEST_WORKERS=0 bench/suite.sh             the same suite in one process, for comparison
#   PYTEST_ARGS='-m "not browser"' bench/suite.sh
# Extra arguments go to make: bench/suite.sh PYTEST_WORKERS=2
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp "${TMPDIR:-/tmp}/sks-suite-bench.XXXXXX")

make --no-print-directory install-dev >"$log" 2>&1 || { cat "$log"; exit 1; }
workers=${PYTEST_WORKERS:-auto}
echo "cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg); workers: $workers"
start=$(date +%s%N)
make --no-print-directory test PYTEST_WORKERS="$workers" PYTEST_ARGS="${PYTEST_ARGS:-} -p no:cacheprovider" "$@" \
  >"$log" 2>&1
status=$?
end=$(date +%s%N)
tail -n 1 "$log"
summary=$(grep -E '^=+ .*(passed|failed|error).* in [0-9.]+s' "$log" | tail -n 1)
count() { grep -oE "[0-9]+ $1" <<<"$summary" | grep -oE '^[0-9]+' || echo 0; }
printf 'wall: %.1f s; passed: %s, skipped: %s, failed: %s, errors: %s; load after: %s; exit %s\n' \
  "$(awk -v ns=$((end - start)) 'BEGIN { print ns / 1e9 }')" "$(count passed)" "$(count skipped)" "$(count failed)" "$(count error)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$status"
if [ "$status" -ne 0 ]; then
  grep -E '^(FAILED|ERROR) ' "$log" | head -n 40
  echo "the whole output: $log"
else
  rm -f "$log"
fi
exit "$status"
