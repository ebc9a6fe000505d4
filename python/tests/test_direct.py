"""Rows read straight from typed Arrow columns give exactly what the same rows
written as JSON cases give (the reference: the command line's decoder): for
random cases of every bundled policy, and for columns of every type a bureau's
table may hold, whichever way each row goes."""

import datetime
import json
from decimal import Decimal

import pyarrow as pa
import pyarrow.json as pj
import pytest

import zhice
from conftest import ROOT
from test_results import EXAMPLES, CORPUS, sample

POLICIES = (
    ["policies/tongzhou-2025-draft.policy", "policies/tongzhou-2025-illustrative-amendment.policy"]
    + [f"policies/corpus/{e}.policy" for e in CORPUS]
    + [f"policies/examples/{e}.policy" for e in EXAMPLES]
)


def same_both_ways(policy: zhice.Policy, table: pa.Table):
    direct = policy.eval_batch(table)
    reference = policy.eval_batch(table, direct=False)
    assert direct.schema == reference.schema
    for column in direct.column_names:
        assert direct.column(column).to_pylist() == reference.column(column).to_pylist(), column
    assert direct.schema.metadata == reference.schema.metadata
    return direct


@pytest.mark.parametrize("path", POLICIES)
def test_random_cases_of_every_bundled_policy(path, tmp_path):
    cases = sample(path, 2000, 3, tmp_path / "cases.jsonl")
    policy = zhice.Policy.load(ROOT / path, lang="en")
    same_both_ways(policy, pj.read_json(cases))


def test_columns_of_every_type_and_rows_the_decoder_must_judge():
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy", lang="en")
    n = 8
    table = pa.table(
        {
            "id": pa.array([f"R{i}" for i in range(n)]).dictionary_encode(),
            "year": pa.array([2025, 2026, 2025, 2025, 0, 2025, 2026, 2025], pa.int32()),
            "date": pa.array([datetime.date(2025, 3, 1), None, None, datetime.date(2030, 1, 1), None, None, None, None], pa.date32()),
            "dcmm_level": pa.array([3, 4, 9, None, 5, 3, None, 4], pa.int64()),
            "data_product_spend": pa.array([Decimal("1800000.00"), Decimal("-1"), None, Decimal("12.345"), None, None, Decimal("5"), None], pa.decimal128(20, 3)),
            "data_space_investment": pa.array([12_500_000.0, 1e21, None, 987654.35, float("nan"), None, None, 3.0], pa.float64()),
            "compute_service_spend": pa.array(["2100000", "2,100,000", "1e6", None, "", " 5 ", "12.50", None]),
            "sme": pa.array([True, False, None, True, True, None, False, True]),
            "competition_national": pa.array(["first", "一等奖", "fourth", None, "second", None, "third", None]),
            "new_filings": pa.array([["generative_ai"], [], None, [None], ["deep_synthesis", "x"], None, ["generative_ai"] * 3, None], pa.list_(pa.string())),
            "scenario_projects": pa.array(
                [[{"qualified": True, "assessed": "350000"}], [{"qualified": None, "assessed": None}], None, [{"qualified": True, "assessed": "x"}], [], None, [None], None],
                pa.list_(pa.struct([("qualified", pa.bool_()), ("assessed", pa.string())])),
            ),
            "prior_awards": pa.array(
                [
                    [{"award": "dcmm", "year": 2024, "amount": 300000, "item": None}],
                    [{"award": "no_such", "year": 2024, "amount": 1, "item": None}],
                    None,
                    [{"award": "dcmm", "year": 2024, "amount": -5, "item": None}],
                    [{"award": "data_voucher", "year": 2025, "amount": 1000, "item": 7}],
                    [{"award": "dcmm", "year": None, "amount": 1, "item": None}],
                    None,
                    [],
                ],
                pa.list_(pa.struct([("award", pa.string()), ("year", pa.int64()), ("amount", pa.int64()), ("item", pa.int64())])),
            ),
            "not_an_input": pa.array([None, None, None, None, None, None, None, "surprise"]),
        }
    )
    rows = same_both_ways(policy, table).to_pylist()
    # some rows went each way: a good one straight, a bad one through the decoder
    assert rows[0]["errors"] == [] and rows[0]["data_space"] > 0
    assert [e["field"] for e in rows[2]["errors"]] == ["dcmm_level", "competition_national"]
    assert any(e["field"] == "not_an_input" for e in rows[7]["errors"])


ROUNDS_OF_CASES = [("policies/tongzhou-2025-draft.policy", "examples/cases.jsonl")] + [
    (f"policies/corpus/{e}.policy", f"tests/data/corpus/{e}/cases.jsonl") for e in CORPUS
] + [(f"policies/examples/{e}.policy", f"policies/examples/{e}.cases.jsonl") for e in EXAMPLES]


@pytest.mark.parametrize("path,cases", ROUNDS_OF_CASES, ids=[c for _, c in ROUNDS_OF_CASES])
def test_every_case_of_the_corpus_and_examples_as_a_table_of_its_own(path, cases):
    # Each case is a table of one row, with the types its own values have (the
    # files mix kinds in one field on purpose, which one Arrow column cannot).
    policy = zhice.Policy.load(ROOT / path, lang="zh")
    tables = 0
    for line in (ROOT / cases).read_text(encoding="utf-8").splitlines():
        try:
            table = pa.Table.from_pylist([json.loads(line)])
        except (json.JSONDecodeError, pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            continue
        same_both_ways(policy, table)
        tables += 1
    assert tables > 0


def test_counts_that_pandas_made_floats_read_as_counts():
    # pandas keeps a column of whole numbers with a missing value as floats (3.0, NaN)
    pd = pytest.importorskip("pandas")
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy", lang="en")
    frame = pd.DataFrame({"id": ["A", "B", "C"], "year": [2025.0, 2026.0, 2025.0], "dcmm_level": [3.0, float("nan"), 4.5]})
    assert str(frame["dcmm_level"].dtype) == "float64"
    rows = same_both_ways(policy, pa.Table.from_pandas(frame, preserve_index=False)).to_pylist()
    assert rows[0]["dcmm"] == Decimal("300000.00") and rows[1]["errors"] == []
    assert [e["field"] for e in rows[2]["errors"]] == ["dcmm_level"]


def test_large_lists_read_as_lists():
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy", lang="en")
    filings = [["generative_ai", "deep_synthesis"], None, []]
    small = pa.table({"id": ["A", "B", "C"], "year": [2025] * 3, "sme": [True] * 3, "new_filings": pa.array(filings, pa.list_(pa.string()))})
    large = small.set_column(3, "new_filings", pa.array(filings, pa.large_list(pa.string())))
    assert same_both_ways(policy, large).to_pylist() == same_both_ways(policy, small).to_pylist()
    assert same_both_ways(policy, large).column("filing").to_pylist()[0] > 0
