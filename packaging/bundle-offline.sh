#!/usr/bin/env bash
# Makes zhice-offline.tar.gz: this checkout's committed files plus the source of
# every crate it builds with (`cargo vendor`), and a cargo setting that reads
# them from the bundle. Run it where the crate registry is reachable; carry the
# file to a machine without the internet and follow docs/install.md there.
#
#   bash packaging/bundle-offline.sh [OUT_DIR]     (default: target/offline)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/offline}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir "$work/zhice"
git -C "$root" archive HEAD | tar -x -C "$work/zhice"
# --locked: exactly the versions Cargo.lock names, the ones the tests ran with.
(cd "$work/zhice" && cargo vendor --locked --quiet vendor > /dev/null)
mkdir -p "$work/zhice/.cargo"
cat > "$work/zhice/.cargo/config.toml" <<'TOML'
# Written by packaging/bundle-offline.sh: crates come from ./vendor, never the network.
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "vendor"

[net]
offline = true
TOML
tar -C "$work" -czf "$out/zhice-offline.tar.gz" zhice
echo "$out/zhice-offline.tar.gz ($(du -h "$out/zhice-offline.tar.gz" | cut -f1))"
