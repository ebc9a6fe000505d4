"""docs/python-budget.py runs, draws its two charts, and its budget is the command line's."""

import json
import os
import subprocess
import sys
from decimal import Decimal

from conftest import ROOT, binary, cli


def test_the_notebook_example_runs_and_its_budget_is_the_command_lines(tmp_path):
    env = dict(os.environ, ZHICE_BIN=str(binary()), ZHICE_EXAMPLE_OUT=str(tmp_path), ZHICE_EXAMPLE_N="2000")
    run = subprocess.run([sys.executable, str(ROOT / "docs" / "python-budget.py")], env=env, capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    for chart in ("budget-by-measure.png", "winners-and-losers.png"):
        assert (tmp_path / chart).stat().st_size > 10_000
    printed = {}
    for line in run.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] in ("dcmm", "data_space", "filing", "consortium"):
            printed[parts[0]] = (Decimal(parts[1].replace(",", "")), Decimal(parts[2].replace(",", "")))
    assert printed, run.stdout
    figures = []
    for policy in ("policies/tongzhou-2025-draft.policy", "policies/tongzhou-2025-illustrative-amendment.policy"):
        summary = tmp_path / "summary.json"
        cli("eval", policy, "--cases", str(tmp_path / "population.jsonl"), "--format", "jsonl", "--summary-json", str(summary))
        figures.append(json.loads(summary.read_text(encoding="utf-8"))["awards"])
    for award, (before, after) in printed.items():
        assert before == Decimal(figures[0].get(award, {}).get("total", "0")), award
        assert after == Decimal(figures[1].get(award, {}).get("total", "0")), award
