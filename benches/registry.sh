#!/usr/bin/env bash
# A round against the grant registry beside the same round with its ledgers
# inline. The registry holds the Tongzhou awards of 230,000 applicants (about
# 1,000,000 award rows, one committed round); the round is 100,000 of those
# applicants a year later. The inline file is the same 100,000 cases with
# each applicant's registered awards written into its `prior_awards`. Both
# runs must write the same result lines; each is run in turn (A B A B …) and
# the median of the ratios is printed.
#
#   benches/registry.sh
#   RUNS=9 benches/registry.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
work=${TMPDIR:-/tmp}/zhice-registry-bench
mkdir -p "$work"
cargo build --release --quiet --bin zhice
zhice=$PWD/target/release/zhice
policy=$PWD/policies/tongzhou-2025-draft.policy

# cases of the sampler, as applicants of the registry: no ledger of their own
as_applicants() {
  python3 -c '
import json, sys
year = int(sys.argv[1])
for i, line in enumerate(sys.stdin):
    case = json.loads(line)
    case.pop("prior_awards", None)
    case["year"] = year
    case["applicant"] = "A%06d" % i
    print(json.dumps(case, ensure_ascii=False))
' "$1"
}

if [ ! -s "$work/grants.db" ]; then
  "$zhice" sample "$policy" --n 230000 --seed 11 | as_applicants 2025 > "$work/history.jsonl"
  "$zhice" round "$policy" --cases "$work/history.jsonl" --registry "$work/grants.db" --commit history > /dev/null
  "$zhice" sample "$policy" --n 100000 --seed 12 | as_applicants 2026 > "$work/round.jsonl"
  "$zhice" registry export --registry "$work/grants.db" --out "$work/awards.jsonl"
  python3 - "$work/awards.jsonl" "$work/round.jsonl" > "$work/inline.jsonl" <<'PY'
import collections, json, sys
ledgers = collections.defaultdict(list)
for line in open(sys.argv[1], encoding="utf-8"):
    a = json.loads(line)
    entry = {"award": a["award"], "year": a["year"], "amount": a["amount"]}
    if a["item"] is not None:
        entry["item"] = a["item"]
    ledgers[a["applicant"]].append(entry)
for line in open(sys.argv[2], encoding="utf-8"):
    case = json.loads(line)
    applicant = case.pop("applicant")
    if ledgers[applicant]:
        case["prior_awards"] = ledgers[applicant]
    print(json.dumps(case, ensure_ascii=False))
PY
fi
echo "registry: $(wc -l < "$work/awards.jsonl") awards; round: $(wc -l < "$work/round.jsonl") cases"

registry_run() { "$zhice" round "$policy" --cases "$work/round.jsonl" --registry "$work/grants.db" --format jsonl 2> /dev/null; }
inline_run() { "$zhice" eval "$policy" --cases "$work/inline.jsonl" --format jsonl; }
registry_run > "$work/registry.out"
inline_run > "$work/inline.out"
cmp -s "$work/registry.out" "$work/inline.out" || { echo "the two runs' results differ" >&2; exit 1; }

millis() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
ratios=()
for _ in $(seq "$RUNS"); do
  r=$(millis registry_run)
  i=$(millis inline_run)
  ratios+=("$(python3 -c "print(f'{$r / $i:.2f}')")")
  echo "registry ${r} ms, inline ${i} ms"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "ratios: ${ratios[*]}; median ${median}× (target ≤ 3×)"
