#!/usr/bin/env bash
# zhice against the hand-written competitor (benches/handwritten.rs), end to
# end: the same million sample cases, JSONL in and JSONL out, all cores. The
# two are run in turn (A B A B …) so that a drift in the machine's speed hits
# both; the ratio is taken run by run and its median printed. Their outputs
# are checked to be byte-identical first.
#
#   benches/end-to-end.sh              # Tongzhou and corpus P01, 1,000,000 cases, 7 runs
#   N=200000 RUNS=3 benches/end-to-end.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
RUNS=${RUNS:-7}
cargo build --release --quiet --bin zhice --example handwritten
zhice=target/release/zhice
handwritten=target/release/examples/handwritten

seconds() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

compare() {
  local name=$1 policy=$2
  local cases="${TMPDIR:-/tmp}/zhice-e2e-$name-$N.jsonl"
  [ -s "$cases" ] || "$zhice" sample "$policy" --n "$N" --seed 7 > "$cases"
  if ! cmp -s <("$zhice" eval "$policy" --cases "$cases" --format jsonl) <("$handwritten" "$name" "$cases"); then
    echo "$name: the outputs differ" >&2
    exit 1
  fi
  echo "$name: $N cases ($(du -h "$cases" | cut -f1)), outputs identical"
  local ratios=()
  for run in $(seq "$RUNS"); do
    local a b
    a=$(seconds "$zhice" eval "$policy" --cases "$cases" --format jsonl)
    b=$(seconds "$handwritten" "$name" "$cases")
    ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')")
    echo "  run $run: zhice ${a} ms, hand-written ${b} ms, ratio ${ratios[-1]}"
  done
  printf '%s\n' "${ratios[@]}" | sort -n | awk -v name="$name" \
    '{ r[NR] = $1 } END { printf "%s: median ratio %.2f (%.2f to %.2f)\n", name, r[int((NR + 1) / 2)], r[1], r[NR] }'
}

compare tongzhou policies/tongzhou-2025-draft.policy
compare p01 policies/corpus/P01-group-cap.policy
