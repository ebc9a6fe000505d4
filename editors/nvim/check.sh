#!/usr/bin/env bash
# zhice lsp in a real editor client: Neovim, headless. Opens a copy of the
# amended Tongzhou policy with one unknown name in it, and checks that zhice's
# diagnostic and a hover on a dated parameter reach the editor.
#   bash editors/nvim/check.sh [path/to/zhice]
# Exits 0 when both arrive, 1 when not, 77 (skipped) when Neovim is absent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/target/debug/zhice}"
if ! command -v nvim >/dev/null; then
  echo "skipped: Neovim (nvim) is not installed; on Debian: apt-get install neovim"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
policy="$work/tongzhou-2025-illustrative-amendment.policy"
sed 's/^  award data_space_rate of data_space_investment$/  when data_space_investmnt > 0元\n&/' \
  "$root/policies/tongzhou-2025-illustrative-amendment.policy" > "$policy"
cp "$root/policies/tongzhou-2025-illustrative-amendment.tests" "$work/"
ZHICE_NVIM_OUT="$work/out.json" ZHICE_NVIM_DIR="$here" ZHICE_BIN="$bin" ZHICE_POLICY="$policy" \
  timeout 120 nvim --headless --clean -u NONE -c "luafile $here/check.lua" >/dev/null 2>&1 || true
if [ ! -s "$work/out.json" ]; then
  echo "FAILED: Neovim wrote nothing"
  exit 1
fi
out="$(cat "$work/out.json")"
echo "$out" | python3 -m json.tool
fail=0
grep -q 'zhice::check::unknown-name' <<<"$out" || { echo "FAILED: no unknown-name diagnostic"; fail=1; }
grep -q 'data_space_investment' <<<"$out" || { echo "FAILED: no did-you-mean in the diagnostic"; fail=1; }
grep -q '数据空间支持上限' <<<"$out" || { echo "FAILED: the hover has no label"; fail=1; }
grep -q 'in force today' <<<"$out" || { echo "FAILED: the hover does not say which value is in force"; fail=1; }
[ "$fail" = 0 ] && echo "ok: Neovim received zhice's diagnostic and hover"
exit "$fail"
