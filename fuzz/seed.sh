#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the repository's fixtures.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/parse_check corpus/format_roundtrip corpus/decode corpus/evaluate
for f in ../policies/*.policy ../tests/fixtures/*/*.policy ../tests/fixtures/diff/*/*.policy ../tests/fixtures/fmt/*.unformatted; do
  name=$(echo "$f" | tr '/.' '__')
  cp "$f" "corpus/parse_check/$name"
  cp "$f" "corpus/format_roundtrip/$name"
done
i=0
for f in ../examples/*.jsonl ../tests/fixtures/eval/*.jsonl ../tests/data/tongzhou/examples.jsonl; do
  while IFS= read -r line; do
    i=$((i + 1))
    printf '%s' "$line" > "corpus/decode/line-$i"
    printf '%s' "$line" > "corpus/evaluate/line-$i"
  done < "$f"
done
echo "seeded: $(ls corpus/parse_check | wc -l) policies, $i case lines"

# The targets that pick a bundled policy by their first byte, and the round,
# the service and the diff: seeded from the same files.
mkdir -p corpus/evaluate_all corpus/batch_lines corpus/schema corpus/pool_round corpus/http corpus/diff_pair
n=$(ls ../policies/*.policy ../policies/corpus/*.policy ../policies/examples/*.policy | wc -l)
k=0
for f in ../policies/*.policy ../policies/corpus/*.policy ../policies/examples/*.policy; do
  stem=${f%.policy}
  cases=""
  for c in "$stem.cases.jsonl" ../tests/data/tongzhou/examples.jsonl; do
    [ -f "$c" ] && { cases=$c; break; }
  done
  # each policy's own example cases where it has them (the corpus keeps its cases in .tests)
  if [ -n "$cases" ]; then
    j=0
    while IFS= read -r line && [ $j -lt 20 ]; do
      j=$((j + 1))
      { printf "\\$(printf '%03o' $k)"; printf '%s' "$line"; } > "corpus/evaluate_all/p$k-$j"
      cp "corpus/evaluate_all/p$k-$j" "corpus/schema/p$k-$j"
    done < "$cases"
    { printf "\\$(printf '%03o' $k)"; head -n 5 "$cases"; } > "corpus/batch_lines/p$k"
  fi
  k=$((k + 1))
done
printf '{"id":"a","year":2026,"training_spend":"300000"}\n{"id":"b","year":2026,"training_spend":"90000000"}\n' > corpus/pool_round/two
printf 'XX{"id":"a","year":2026}\n' > corpus/pool_round/one
printf '\001\000\n' > corpus/http/eval-empty
printf '\001\002\ncontent-type: application/json\000{"id":"a","year":2026,"sme":true}' > corpus/http/eval
printf '\000\016' > corpus/http/list
printf '\000\010' > corpus/http/broken
printf '\000\000award 30%% of data_space_investment' > corpus/diff_pair/rate
printf '\001\200param extra "x" = 1元\n' > corpus/diff_pair/param
mkdir -p corpus/lsp_session
printf '\001\000\100\000' > corpus/lsp_session/hover
printf '\000\001\000\010award 30%% \004\000\200\000' > corpus/lsp_session/edit-then-complete
echo "seeded the new targets from $n policies"
