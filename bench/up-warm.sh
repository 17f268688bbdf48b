#!/usr/bin/env bash
# './tandem up' until it is ready, warm: every recorder registered and answering as able to capture, the
# Manager's GET /ready answering 200 (the line 'Press Ctrl-C' is printed then). The first start creates the
# data directory and the class data sharing archives and is reported apart; later starts on the same
# directory are the figure. The time until the Manager's /health answers is printed beside it. Medians.
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
  until curl -sf --cacert "$data/tls/ca.pem" "https://127.0.0.1:$port/health" >/dev/null 2>&1; do kill -0 $up || { cat "$data/up-$i.out"; exit 1; }; sleep 0.05; done
  t=$(echo "$(date +%s.%N) - $start" | bc)
  until grep -q "Press Ctrl-C" "$data/up-$i.out"; do kill -0 $up || { cat "$data/up-$i.out"; exit 1; }; sleep 0.05; done
  ready=$(echo "$(date +%s.%N) - $start" | bc)
  curl -sf --cacert "$data/tls/ca.pem" "https://127.0.0.1:$port/ready" >/dev/null || { echo "printed ready but GET /ready is not 200"; exit 1; }
  kill $up; wait $up || true
  if [ "$i" -eq 0 ]; then echo "first start (creates everything): health ${t}s, ready ${ready}s"
  else echo "warm start $i: health ${t}s, ready ${ready}s"; times+=("$ready"); fi
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median warm start until ready: %.2f s (goal <= 5 s)\n", m }'
