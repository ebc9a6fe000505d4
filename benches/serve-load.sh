#!/usr/bin/env bash
# Load test of `zhice serve` on loopback, generator beside the server (wrk,
# from Debian's packages: apt-get install wrk). Single-case evaluate at 1, 16
# and 64 connections (requests per second, p50 and p99 latency), then a
# 10,000-case batch request (cases per second). Bounded: DURATION seconds per
# run, RUNS batch requests; it stops by itself.
#   bash benches/serve-load.sh            # DURATION=10 RUNS=5 THREADS=1 WRK_THREADS=1
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10}"
RUNS="${RUNS:-5}"
PORT="${PORT:-18181}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 77; }
cargo build --release -q
bin=target/release/zhice
work="$(mktemp -d)"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
# Per-request log lines at info would be written for every request; the figures are with them on.
"$bin" serve policies --listen "127.0.0.1:$PORT" --threads "${THREADS:-2}" 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do curl -sf "localhost:$PORT/health" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$PORT/v1/policies/tongzhou-2025-draft/eval"
cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"id":"TZ-1","year":2025,"sme":true,"data_space_investment":8000000,"dcmm_level":4,"model_service_spend":500000,"standards":[{"id":"GB1","level":"national","rank":1}]}'
LUA
curl -sf -XPOST "$url" --data-binary @<(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$work/post.lua") >/dev/null
echo "single-case evaluate, $DURATION s a run:"
printf '%-12s %12s %10s %10s\n' connections "requests/s" p50 p99
for c in 1 16 64; do
  out="$(wrk -t "${WRK_THREADS:-1}" -c "$c" -d "${DURATION}s" --latency -s "$work/post.lua" "$url")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
  printf '%-12s %12s %10s %10s %s\n' "$c" "$rps" "$p50" "$p99" "$errors"
done
"$bin" sample policies/tongzhou-2025-draft.policy --n 10000 --seed 7 > "$work/batch.jsonl"
echo "10,000-case batch request, $RUNS runs:"
for _ in $(seq "$RUNS"); do
  t="$(curl -sf -o "$work/out.jsonl" -w '%{time_total}' -XPOST -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$work/batch.jsonl" "localhost:$PORT/v1/policies/tongzhou-2025-draft/batch")"
  lines="$(wc -l < "$work/out.jsonl")"
  awk -v t="$t" -v n="$lines" 'BEGIN { printf "  %d result lines in %.3f s: %.0f cases/s\n", n, t, n / t }'
done
