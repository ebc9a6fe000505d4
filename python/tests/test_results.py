"""Python gives what the command line gives: the same result lines, byte for
byte, for the bundled policies and their cases; the same explanations and diffs."""

import json
import pathlib
import subprocess
from decimal import Decimal

import pyarrow as pa
import pyarrow.json as pj
import pytest

import zhice
from conftest import ROOT, binary, cli, dumps

CORPUS = sorted(p.name for p in (ROOT / "tests" / "data" / "corpus").iterdir())
EXAMPLES = sorted(p.name[: -len(".policy")] for p in (ROOT / "policies" / "examples").glob("*.policy"))

ROUNDS = (
    [("policies/tongzhou-2025-draft.policy", "examples/cases.jsonl")]
    + [("policies/tongzhou-2025-illustrative-amendment.policy", "examples/review-cases.jsonl")]
    + [(f"policies/corpus/{e}.policy", f"tests/data/corpus/{e}/cases.jsonl") for e in CORPUS]
    + [(f"policies/examples/{e}.policy", f"policies/examples/{e}.cases.jsonl") for e in EXAMPLES]
)


def as_case(line: str):
    """A case as an analyst holds it: a dict, unless the line is not JSON at all."""
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return line


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("policy,cases", ROUNDS, ids=[p for p, _ in ROUNDS])
def test_a_round_gives_the_result_lines_of_the_command_line(policy, cases, lang):
    expected = cli("eval", policy, "--cases", cases, "--format", "jsonl", lang=lang).splitlines()
    lines = (ROOT / cases).read_text(encoding="utf-8").splitlines()
    got = zhice.Policy.load(ROOT / policy, lang=lang).eval_many([as_case(l) for l in lines])
    assert len(got) == len(expected) > 0
    for g, e in zip(got, expected):
        assert dumps(g) == e


def test_one_case_gives_the_line_of_eval_case():
    case = ROOT / "examples" / "case-dcmm-top-up.json"
    expected = cli("eval", "policies/tongzhou-2025-draft.policy", "--case", str(case), "--format", "json")
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy", lang="zh")
    assert dumps(policy.eval(json.loads(case.read_text(encoding="utf-8")))) + "\n" == expected


def test_a_case_with_errors_names_its_fields_instead_of_raising():
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy", lang="en")
    result = policy.eval({"id": "X", "year": "twenty", "dcmm_level": 3})
    assert result["awards"] == {}
    assert [e["field"] for e in result["errors"]] == ["year"]


def test_explain_gives_the_document_of_explain():
    case = ROOT / "examples" / "case-dcmm-top-up.json"
    expected = json.loads(cli("explain", "policies/tongzhou-2025-draft.policy", "--case", str(case), "--format", "json"))
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy", lang="zh")
    assert policy.explain(json.loads(case.read_text(encoding="utf-8"))) == expected
    with pytest.raises(zhice.CaseError) as raised:
        policy.explain({"id": "X", "year": "twenty"})
    assert [e["field"] for e in raised.value.errors] == ["year"]


def test_diff_gives_the_document_of_diff():
    old, new = "policies/tongzhou-2025-draft.policy", "policies/tongzhou-2025-illustrative-amendment.policy"
    cases = "examples/review-cases.jsonl"
    expected = json.loads(cli("diff", old, new, "--cases", cases, "--format", "json"))
    got = zhice.Policy.load(ROOT / old, lang="zh").diff(
        zhice.Policy.load(ROOT / new, lang="zh"),
        [json.loads(l) for l in (ROOT / cases).read_text(encoding="utf-8").splitlines()],
    )
    # the paths are as each side was given
    for d in (got, expected):
        assert d["diff"].pop("old_path").endswith(old)
        assert d["diff"].pop("new_path").endswith(new)
    assert got == expected


def test_set_and_as_of_are_the_command_lines():
    path = "policies/tongzhou-2025-draft.policy"
    case = {"id": "D", "year": 2025, "dcmm_level": 5}
    case_file = ROOT / "target" / "python-set-case.json"
    case_file.parent.mkdir(exist_ok=True)
    case_file.write_text(json.dumps(case), encoding="utf-8")
    expected = cli("eval", path, "--case", str(case_file), "--format", "json", "--set", "dcmm_level5_amount=60万元", "--as-of", "2025-06-01")
    policy = zhice.Policy.load(ROOT / path, set={"dcmm_level5_amount": "60万元"}, lang="zh")
    assert dumps(policy.eval(case, as_of="2025-06-01")) + "\n" == expected
    plain = zhice.Policy.load(ROOT / path, lang="zh").eval(case)
    assert plain["awards"] != json.loads(expected)["awards"], "the override changed nothing: the test proves nothing"


def test_a_broken_policy_raises_with_every_diagnostic(tmp_path):
    broken = tmp_path / "broken.policy"
    text = (ROOT / "policies" / "tongzhou-2025-draft.policy").read_text(encoding="utf-8")
    # two names mistyped in two places: both are reported, not only the first
    broken.write_text(
        text.replace("award by dcmm_level {", "award by dcmm_levl {", 1).replace(
            "at most data_space_cap", "at most data_space_cpa", 1
        ),
        encoding="utf-8",
    )
    assert text != broken.read_text(encoding="utf-8")
    with pytest.raises(zhice.PolicyError) as raised:
        zhice.Policy.load(broken, lang="en")
    diagnostics = raised.value.diagnostics
    assert len(diagnostics) >= 2
    for d in diagnostics:
        assert d["code"].startswith("zhice::")
        assert d["span"]["line"] > 0 and d["span"]["end"] >= d["span"]["start"]
        assert d["severity"] == "error"
    assert "zhice::" in str(raised.value)
    with pytest.raises(zhice.PolicyError):
        zhice.Policy.load(tmp_path / "missing.policy")


def sample(policy: str, n: int, seed: int, out: pathlib.Path) -> pathlib.Path:
    with out.open("w", encoding="utf-8") as f:
        subprocess.run([str(binary()), "sample", policy, "--n", str(n), "--seed", str(seed)], cwd=ROOT, stdout=f, check=True)
    return out


def assert_same_as_cli(policy: zhice.Policy, table: pa.Table, expected_lines):
    got = policy.eval_batch(table)
    assert got.num_rows == len(expected_lines)
    for row, line in zip(got.to_pylist(), expected_lines):
        e = json.loads(line)
        assert row["id"] == e["id"]
        assert [x["field"] for x in row["errors"]] == [x["field"] for x in e["errors"]]
        assert [x["message"] for x in row["errors"]] == [x["message"] for x in e["errors"]]
        if e["errors"]:
            assert row["total"] is None
            continue
        assert row["total"] == Decimal(e["total"])
        for award in policy.awards:
            assert row[award] == Decimal(e["awards"].get(award, "0")), (e["id"], award)
        assert row["benefits"] == e["benefits"]
    return got


@pytest.mark.parametrize("policy", ["policies/tongzhou-2025-draft.policy", "policies/corpus/P09-budget-pool.policy", "policies/corpus/P07-dates.policy"])
def test_an_arrow_table_gives_what_the_command_line_gives(policy, tmp_path):
    cases = sample(policy, 3000, 11, tmp_path / "cases.jsonl")
    expected = cli("eval", policy, "--cases", str(cases), "--format", "jsonl").splitlines()
    table = pj.read_json(cases)
    loaded = zhice.Policy.load(ROOT / policy, lang="zh")
    got = assert_same_as_cli(loaded, table, expected)
    if "P09" in policy:
        assert zhice.pool_ledger_of(got), "a pooled round says what its pools granted"


def test_a_bad_row_has_its_error_and_the_others_are_evaluated():
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy", lang="en")
    table = pa.table(
        {
            "id": ["A", "B", "C"],
            "year": [2025, 2025, 2025],
            "dcmm_level": [3, 4, None],
            "competition_national": [None, "fourth", "first"],
        }
    )
    rows = policy.eval_batch(table).to_pylist()
    assert rows[0]["dcmm"] == Decimal("300000.00") and rows[0]["errors"] == []
    assert rows[1]["total"] is None and rows[1]["dcmm"] is None
    assert [e["field"] for e in rows[1]["errors"]] == ["competition_national"]
    assert rows[1]["errors"][0]["code"].startswith("zhice::case::")
    assert rows[2]["competition"] > 0 and rows[2]["errors"] == []


def test_dataframes_are_read_through_arrow():
    pd = pytest.importorskip("pandas")
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy")
    frame = pd.DataFrame({"id": ["A", "B"], "year": [2025, 2026], "dcmm_level": [3, 5], "data_product_spend": [Decimal("1800000"), None]})
    rows = policy.eval_batch(frame).to_pylist()
    one = [policy.eval({k: v for k, v in r.items() if v is not None and v == v}) for r in frame.to_dict("records")]
    assert [r["total"] for r in rows] == [Decimal(o["total"]) for o in one]
    categorical = frame.assign(id=frame["id"].astype("category"))
    assert policy.eval_batch(categorical).column("id").to_pylist() == ["A", "B"]


def test_a_fixed_scale_keeps_every_place_or_refuses():
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy")
    table = pa.table({"id": ["A"], "year": [2025], "dcmm_level": [3]})
    assert policy.eval_batch(table, scale=4).schema.field("total").type == pa.decimal128(38, 4)
    with pytest.raises(ValueError):
        policy.eval_batch(table, scale=0)


def test_record_batches_and_polars_frames_are_read_as_tables():
    policy = zhice.Policy.load(ROOT / "policies" / "tongzhou-2025-draft.policy")
    table = pa.table({"id": ["A", "B"], "year": [2025, 2026], "dcmm_level": [3, 5]})
    expected = policy.eval_batch(table).column("total").to_pylist()
    assert expected == [Decimal("300000.00"), Decimal("500000.00")]
    assert policy.eval_batch(table.to_batches()[0]).column("total").to_pylist() == expected
    assert policy.eval_batch(table.to_pylist()).column("total").to_pylist() == expected
    pl = pytest.importorskip("polars")
    assert policy.eval_batch(pl.from_arrow(table)).column("total").to_pylist() == expected
