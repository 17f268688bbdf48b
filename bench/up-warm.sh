#!/usr/bin/env bash
# './tandem up' until the Manager's /health answers, warm: the first start creates the data directory
# and is reported apart; later starts on the same directory are the figure. Medians of ROUNDS.
#   bench/run up [ROUNDS]    (default 5)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-5}"
data="$(mktemp -d)"; port=$((33000 + RANDOM % 20000))
trap 'rm -rf "$data"' EXIT
times=()
for i in $(seq 0 "$rounds"); do
  start=$(date +%s.%N)
  "$root/tandem" up --data "$data" --port "$port" >"$data/up-$i.out" 2>&1 &
  up=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do kill -0 $up || { cat "$data/up-$i.out"; exit 1; }; sleep 0.05; done
  t=$(echo "$(date +%s.%N) - $start" | bc)
  until grep -q "Press Ctrl-C" "$data/up-$i.out"; do kill -0 $up || { cat "$data/up-$i.out"; exit 1; }; sleep 0.05; done
  ready=$(echo "$(date +%s.%N) - $start" | bc)
  kill $up; wait $up || true
  if [ "$i" -eq 0 ]; then echo "first start (creates everything): health ${t}s, recorders ready ${ready}s"
  else echo "warm start $i: health ${t}s, recorders ready ${ready}s"; times+=("$t"); fi
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median warm start until /health: %.2f s (goal <= 10 s)\n", m }'
