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
