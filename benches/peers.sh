#!/usr/bin/env bash
# zhice beside the yardsticks of ../shared/peers (when that folder is there):
# the same Tongzhou awards written by hand in Rust (native-tongzhou), as a
# GoRules ZEN decision graph (zen-tongzhou) and, when a Python environment
# with OpenFisca is given, as an OpenFisca system. Each peer is built outside
# this project; each is run in turn with zhice on the same file (A B A B …),
# and the ratio of each pair and their median are printed. The peers are
# measured, never copied.
#
#   benches/peers.sh                                  # native on 1,000,000 cases, ZEN on 100,000
#   OFVENV=/tmp/ofvenv benches/peers.sh               # and OpenFisca on 1,000,000
#   RUNS=5 ONLY=native benches/peers.sh
#
# Set up OpenFisca once: python3 -m venv /tmp/ofvenv && /tmp/ofvenv/bin/pip install openfisca-core numpy
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=${PEERS:-../shared/peers}
TARGET=${PEERS_TARGET:-${TMPDIR:-/tmp}/zhice-peers-target}
RUNS=${RUNS:-5}
ONLY=${ONLY:-native zen openfisca}
if [ ! -d "$PEERS" ]; then
  echo "no peers at $PEERS (set PEERS=…)" >&2
  exit 1
fi
cargo build --release --quiet --bin zhice
zhice=target/release/zhice
policy=policies/tongzhou-2025-draft.policy

cases_of() {
  local n=$1 file="${TMPDIR:-/tmp}/zhice-peers-$1.jsonl"
  [ -s "$file" ] || "$zhice" sample "$policy" --n "$n" --seed 1 > "$file"
  echo "$file"
}

millis() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

# Awards by case id must agree, but for the one reading the peers make
# differently (a standard listed twice with different levels: see their README).
agree() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
def read(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        out[r["id"]] = {k: v for k, v in r.get("awards", {}).items() if v not in ("0", "0.00")}
    return out
a, b = read(sys.argv[1]), read(sys.argv[2])
twice = set()
for line in open(sys.argv[3], encoding="utf-8"):
    case = json.loads(line)
    ids = [s.get("id") for s in case.get("standards", [])]
    if len(ids) != len(set(ids)):
        twice.add(case["id"])
differ = [i for i in a if a[i] != b.get(i)]
other = [i for i in differ if i not in twice]
print(f"{len(a) - len(differ)} of {len(a)} cases award alike; {len(differ) - len(other)} differ"
      " only where a standard is listed twice", end="")
print(f"; {len(other)} differ otherwise, e.g. {other[0]}" if other else "; none otherwise")
PY
}

# compare NAME CASES PEER-COMMAND…: the peer reads CASES on stdin or as named by the command.
compare() {
  local name=$1 cases=$2
  shift 2
  local out="${TMPDIR:-/tmp}/zhice-peers-$name.out" mine="${TMPDIR:-/tmp}/zhice-peers-zhice.out"
  "$zhice" eval "$policy" --cases "$cases" --format jsonl > "$mine"
  "$@" < "$cases" > "$out"
  echo "$name: $(wc -l < "$cases") cases; $(agree "$mine" "$out" "$cases")"
  local ratios=()
  for run in $(seq "$RUNS"); do
    local a b
    a=$(millis "$zhice" eval "$policy" --cases "$cases" --format jsonl)
    b=$(millis "$@" < "$cases")
    ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')")
    echo "  run $run: zhice ${a} ms, $name ${b} ms, zhice ÷ $name ${ratios[-1]}"
  done
  printf '%s\n' "${ratios[@]}" | sort -n | awk -v name="$name" \
    '{ r[NR] = $1 } END { m = r[int((NR + 1) / 2)]; printf "%s: median zhice ÷ %s %.3f (%.3f to %.3f); %s ÷ zhice %.1f\n", name, name, m, r[1], r[NR], name, 1 / m }'
}

for peer in $ONLY; do
  case $peer in
    native)
      cargo build --release --quiet --manifest-path "$PEERS/native-tongzhou/Cargo.toml" --target-dir "$TARGET/native"
      compare native "$(cases_of 1000000)" "$TARGET/native/release/native-baseline"
      ;;
    zen)
      cargo build --release --quiet --manifest-path "$PEERS/zen-tongzhou/Cargo.toml" --target-dir "$TARGET/zen"
      compare zen "$(cases_of 100000)" "$TARGET/zen/release/zen-peer"
      ;;
    openfisca)
      if [ -z "${OFVENV:-}" ] || [ ! -x "$OFVENV/bin/python" ]; then
        echo "openfisca: skipped (set OFVENV to a venv with openfisca-core and numpy)"
        continue
      fi
      run_of() { "$OFVENV/bin/python" "$PEERS/openfisca-tongzhou/run.py" /dev/stdin /dev/stdout 2> /dev/null; }
      compare openfisca "$(cases_of 1000000)" run_of
      ;;
  esac
done
