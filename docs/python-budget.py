# %% [markdown]
# # 两个版本的预算测算 · Budget of two versions, in Python
#
# 一个笔记本式的示例（可在 Jupyter / VS Code 中按 `# %%` 分格运行，也可直接
# `python docs/python-budget.py` 运行）：载入一批申报主体，用征求意见稿和修订稿
# 分别计算，按措施画出预算，再画出每家企业的增减。
#
# A notebook-style example (cells marked `# %%`; or run it whole): load a
# population, evaluate two versions, chart the budget by measure and the
# winners and losers. `python/tests/test_example.py` runs it, so it stays true.

# %%
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # 写入 PNG 文件，不需要显示器 · PNG files, no display needed
import matplotlib.pyplot as plt
import pyarrow.compute as pc
import pyarrow.json as pj

import zhice

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("ZHICE_EXAMPLE_OUT", "target/python-budget"))
N = int(os.environ.get("ZHICE_EXAMPLE_N", "100000"))

# %% [markdown]
# ## 1. 申报主体 · The population
#
# 实际测算时读入本地的企业数据（Parquet、数据库、pandas 均可，列名即案例字段）。
# 这里用 `zhice sample` 生成一批合成企业。
# In real work, read the bureau's own table (Parquet, a database, pandas);
# here `zhice sample` makes a synthetic one.

# %%
cases = OUT / "population.jsonl"
OUT.mkdir(parents=True, exist_ok=True)
zhice_bin = os.environ.get("ZHICE_BIN", "zhice")
with cases.open("w", encoding="utf-8") as f:
    subprocess.run(
        [zhice_bin, "sample", str(ROOT / "policies/tongzhou-2025-draft.policy"), "--n", str(N), "--seed", "2026"],
        stdout=f,
        check=True,
    )
population = pj.read_json(cases)
print(f"{population.num_rows} 家企业 · enterprises")

# %% [markdown]
# ## 2. 两个版本 · Two versions

# %%
draft = zhice.Policy.load(ROOT / "policies/tongzhou-2025-draft.policy")
amended = zhice.Policy.load(ROOT / "policies/tongzhou-2025-illustrative-amendment.policy")
before = draft.eval_batch(population)
after = amended.eval_batch(population)


def budget(policy, results):
    """每项措施的支出合计（精确小数）· Each award's total, exact."""
    return {a: pc.sum(results.column(a)).as_py() or Decimal(0) for a in policy.awards if a in results.column_names}


budget_before, budget_after = budget(draft, before), budget(amended, after)
order = draft.awards + [a for a in amended.awards if a not in draft.awards]
for award in order:
    b, a = budget_before.get(award, Decimal(0)), budget_after.get(award, Decimal(0))
    print(f"{award:18} {b:>16,.2f} {a:>16,.2f} {a - b:>+16,.2f}")
total_before, total_after = pc.sum(before.column("total")).as_py(), pc.sum(after.column("total")).as_py()
print(f"{'合计 total':18} {total_before:>16,.2f} {total_after:>16,.2f} {total_after - total_before:>+16,.2f}")

# %% [markdown]
# ## 3. 按措施的预算 · Budget by measure
#
# 画图时才转为浮点数，金额本身始终是精确小数。
# Amounts become floats only to be drawn.

# %%
plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "DejaVu Sans"]
awards = [a for a in draft.awards if budget_before.get(a) or budget_after.get(a)]
fig, ax = plt.subplots(figsize=(10, 5))
x = range(len(awards))
ax.bar([i - 0.2 for i in x], [float(budget_before.get(a, 0)) / 1e8 for a in awards], width=0.4, label="征求意见稿 draft")
ax.bar([i + 0.2 for i in x], [float(budget_after.get(a, 0)) / 1e8 for a in awards], width=0.4, label="修订稿 amended")
ax.set_xticks(list(x), awards, rotation=45, ha="right")
ax.set_ylabel("亿元")
ax.set_title(f"按措施的预算（{population.num_rows} 家企业）· Budget by measure")
ax.legend()
fig.tight_layout()
fig.savefig(OUT / "budget-by-measure.png", dpi=120)

# %% [markdown]
# ## 4. 增减 · Winners and losers
#
# 两个版本逐户相减（按 `id` 对齐，两表行序相同）。
# Row by row: both tables keep the population's order.

# %%
change = pc.subtract(after.column("total"), before.column("total"))
winners = pc.sum(pc.greater(change, 0)).as_py()
losers = pc.sum(pc.less(change, 0)).as_py()
print(f"增加 {winners} 家，减少 {losers} 家 · {winners} gain, {losers} lose")
moved = [float(c) / 1e4 for c in change.to_pylist() if c is not None and c != 0]
fig, ax = plt.subplots(figsize=(8, 4))
ax.hist(moved, bins=40)
ax.set_xlabel("修订稿 − 征求意见稿（万元）· amended − draft")
ax.set_ylabel("企业数 · enterprises")
ax.set_title(f"增加 {winners} 家，减少 {losers} 家 · winners and losers")
fig.tight_layout()
fig.savefig(OUT / "winners-and-losers.png", dpi=120)
print(f"图已写入 {OUT} · charts written to {OUT}", file=sys.stderr)
