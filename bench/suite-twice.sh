#!/usr/bin/env bash
# The whole test suite at load: the README's test command run twice at once, each on a clean clone of this
# repository's HEAD, as a loaded build machine runs it. Prints, for each run, its wall time, its exit code and
# the tests its reports count (run, failed, in error, skipped), and the load average at the end.
#   bench/suite-twice.sh [ROUNDS]     (default 1; each round is two runs at once)
# The clones are made under a fresh temporary folder, kept after the run for its reports, and named at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-1}"
case "$rounds" in ''|*[!0-9]*) echo "usage: bench/suite-twice.sh [ROUNDS]" >&2; exit 2 ;; esac
work="$(mktemp -d "${TMPDIR:-/tmp}/tandem-suite-twice.XXXXXX")"
commit="$(git -C "$root" rev-parse --short HEAD)"
echo "suite twice at once: $rounds round(s) of commit $commit under $work"

count() { # reports-folder attribute
  find "$1" -path '*/target/surefire-reports/TEST-*.xml' -print0 2>/dev/null \
    | xargs -0 -r grep -ho "<testsuite [^>]*" \
    | grep -o " $2=\"[0-9]*\"" | tr -dc '0-9\n' | awk '{ n += $1 } END { print n + 0 }'
}

for round in $(seq 1 "$rounds"); do
  pids=()
  for run in 1 2; do
    dir="$work/round-$round/run-$run"
    git clone -q "$root" "$dir"
    (
      start=$(date +%s)
      rc=0
      # Each run takes ports of its own share (see TestPorts), as two build agents on one machine would be told.
      (cd "$dir" && ./tandem test -Dtandem.it.runs=2 -Dtandem.it.run="$run" > "$dir.log" 2>&1) || rc=$?
      echo "$rc $(( $(date +%s) - start ))" > "$dir.result"
    ) &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || true
  done
  for run in 1 2; do
    dir="$work/round-$round/run-$run"
    read -r rc seconds < "$dir.result"
    printf 'round %d run %d: exit %d, %d min %02d s; tests %d, failures %d, errors %d, skipped %d\n' "$round" "$run" \
      "$rc" $((seconds / 60)) $((seconds % 60)) "$(count "$dir" tests)" "$(count "$dir" failures)" \
      "$(count "$dir" errors)" "$(count "$dir" skipped)"
    if [ "$rc" -ne 0 ]; then
      grep -h "<<< FAILURE\|<<< ERROR" "$dir.log" | sed 's/^/    /' | head -20 || true
    fi
  done
  echo "load average after round $round: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "logs and reports: $work"
