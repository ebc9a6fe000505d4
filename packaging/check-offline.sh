#!/usr/bin/env bash
# The offline install of docs/install.md, tried for real: bundle, unpack in an
# empty directory, and `cargo install --offline` with an empty cargo home (no
# registry cache to fall back on) and, where the system allows, no network at
# all; then the installed zhice evaluates the bundled examples.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bundle="$(bash "$root/packaging/bundle-offline.sh" "$work" | cut -d' ' -f1)"
mkdir "$work/site"
tar -xzf "$bundle" -C "$work/site"

cut=()
if unshare -n true 2>/dev/null; then
  cut=(unshare -n)
else
  echo "unshare is not allowed here: the install runs with --offline and an empty cargo home only"
fi
cd "$work/site/zhice"
CARGO_HOME="$work/cargo-home" "${cut[@]}" cargo install --path . --offline --locked --quiet --root "$work/bin"
used="$(du -sh "$work" | cut -f1)"
"$work/bin/bin/zhice" eval policies/tongzhou-2025-draft.policy --cases examples/cases.jsonl --format jsonl > "$work/out.jsonl"
cd "$root"
cargo run --quiet -- eval policies/tongzhou-2025-draft.policy --cases examples/cases.jsonl --format jsonl > "$work/expected.jsonl"
cmp "$work/out.jsonl" "$work/expected.jsonl"
echo "offline install: built with no network and evaluated the examples like this tree ($used used during the build)"
