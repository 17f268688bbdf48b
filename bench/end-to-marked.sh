#!/usr/bin/env bash
# Call end to marked, p50/p99, at steady load: a fresh 'tandem up', the simulator at CPS calls per second
# for SECONDS, then the Main recorder's own timer (tandem_call_end_to_marked) is read.
#   bench/run end-to-marked [CPS] [SECONDS]     (defaults 20 and 60)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cps="${1:-20}"; seconds="${2:-60}"
data="$(mktemp -d)"; port=$((20000 + RANDOM % 20000))
"$root/tandem" up --data "$data" --port "$port" >"$data/up.out" 2>&1 &
up=$!
trap 'kill $up 2>/dev/null; wait $up 2>/dev/null; rm -rf "$data"' EXIT
until grep -q "Press Ctrl-C" "$data/up.out" 2>/dev/null; do kill -0 $up || { cat "$data/up.out"; exit 1; }; sleep 0.2; done
conversations=$(awk -v c="$cps" -v s="$seconds" 'BEGIN { printf "%d", c * s }')
"$root/tandem" simulate --manager "http://127.0.0.1:$port" --conversations "$conversations" --cps "$cps" --duration 5
sleep 3
curl -s "http://127.0.0.1:$((port + 1))/metrics" | grep -E '^tandem_call_end_to_marked_seconds(\{.*quantile.*\}|_count|_max)'
