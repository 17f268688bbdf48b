#!/usr/bin/env bash
# Call end to marked, p50/p99, at steady load: a fresh 'tandem up', a warm-up of 40 calls, then the
# simulator at CPS calls per second (5 s each) for SECONDS. The Main's own timer
# (tandem_call_end_to_marked) is scraped before and after the load, and the percentiles are read from
# the difference of its buckets, so the warm-up does not count.
#   bench/run end-to-marked [CPS] [SECONDS]     (defaults 20 and 60)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cps="${1:-20}"; seconds="${2:-60}"
data="$(mktemp -d)"; port=$((33000 + RANDOM % 20000))
"$root/tandem" up --data "$data" --port "$port" >"$data/up.out" 2>&1 &
up=$!
# The stack's exit status after kill is not 0; under set -e the trap would stop before the rm.
trap 'kill $up 2>/dev/null; wait $up 2>/dev/null || true; rm -rf "$data"' EXIT
until grep -q "Press Ctrl-C" "$data/up.out" 2>/dev/null; do kill -0 $up || { cat "$data/up.out"; exit 1; }; sleep 0.2; done
manager="https://127.0.0.1:$port"; metrics="https://127.0.0.1:$((port + 1))/metrics"; ca="$data/tls/ca.pem"
# The admin token a fresh stack prints once; the simulator and the metrics scrape use it.
export TANDEM_TOKEN="$(sed -n 's/^ *Admin API token *\(tdm_[A-Za-z0-9_-]*\).*/\1/p' "$data/up.out")"
"$root/tandem" simulate --manager "$manager" --ca "$ca" --conversations 40 --cps 10 --duration 2 >/dev/null
sleep 2
buckets() { curl -s --cacert "$ca" -H "Authorization: Bearer $TANDEM_TOKEN" "$metrics" | sed -n 's/^tandem_call_end_to_marked_seconds_bucket{.*le="\([^"]*\)".*} \(.*\)$/\1 \2/p'; }
buckets >"$data/before"
conversations=$(awk -v c="$cps" -v s="$seconds" 'BEGIN { printf "%d", c * s }')
"$root/tandem" simulate --manager "$manager" --ca "$ca" --conversations "$conversations" --cps "$cps" --duration 5
sleep 3
buckets >"$data/after"
join "$data/before" "$data/after" | awk '
  { le[NR] = $1; n[NR] = $3 - $2 } END {
    total = n[NR]; printf "calls timed: %d\n", total
    split("0.5 0.99", qs, " ")
    for (q = 1; q <= 2; q++) { for (i = 1; i <= NR; i++) if (n[i] >= qs[q] * total) { printf "p%s <= %s s\n", qs[q] * 100, le[i]; break } }
  }'
