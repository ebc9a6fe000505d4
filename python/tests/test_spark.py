"""The same policy on Spark: a DataFrame of 100,000 cases in two partitions
gives, row by row, what ``zhice eval`` gives; a policy with pools is refused."""

import json
import os
import shutil
import sys
from decimal import Decimal

import pytest

import zhice
from conftest import ROOT, cli
from test_results import sample

REQUIRED = os.environ.get("ZHICE_REQUIRE_SPARK") == "1"


def spark_session():
    missing = None
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        missing = "pyspark is not installed"
    if missing is None and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing = "no Java runtime"
    if missing:
        if REQUIRED:
            pytest.fail(f"ZHICE_REQUIRE_SPARK is set, but {missing}")
        pytest.skip(f"the Spark test is skipped: {missing}")
    # The workers run this interpreter, the one zhice is installed in, not
    # whatever `python3` comes first on the PATH.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    return (
        SparkSession.builder.master("local[2]")
        .appName("zhice-test")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )


@pytest.fixture(scope="module")
def spark():
    session = spark_session()
    yield session
    session.stop()


def test_a_dataframe_in_two_partitions_gives_what_the_command_line_gives(spark, tmp_path):
    from zhice.spark import evaluate

    policy = "policies/tongzhou-2025-draft.policy"
    cases = sample(policy, 100_000, 5, tmp_path / "cases.jsonl")
    expected = {}
    for line in cli("eval", policy, "--cases", str(cases), "--format", "jsonl").splitlines():
        e = json.loads(line)
        expected[e["id"]] = e
    df = spark.read.json(str(cases)).repartition(2)
    assert df.rdd.getNumPartitions() == 2
    rows = evaluate(df, ROOT / policy, lang="zh").collect()
    assert len(rows) == len(expected) == 100_000
    awards = zhice.Policy.load(ROOT / policy).awards
    for row in rows:
        e = expected[row["id"]]
        assert [x["field"] for x in row["errors"]] == [x["field"] for x in e["errors"]]
        if e["errors"]:
            continue
        assert row["total"] == Decimal(e["total"])
        for award in awards:
            assert row[award] == Decimal(e["awards"].get(award, "0")), (row["id"], award)
        assert list(row["benefits"]) == e["benefits"]


def test_a_policy_with_pools_is_refused(spark):
    from zhice.spark import PooledPolicyError, evaluate

    df = spark.createDataFrame([("A", 2026)], ["id", "year"])
    with pytest.raises(PooledPolicyError, match="Policy.eval_batch"):
        evaluate(df, ROOT / "policies" / "corpus" / "P09-budget-pool.policy")


def test_parameter_overrides_reach_the_executors(spark):
    from zhice.spark import evaluate

    df = spark.createDataFrame([("A", 2025, 5)], ["id", "year", "dcmm_level"])
    plain = evaluate(df, ROOT / "policies" / "tongzhou-2025-draft.policy").collect()[0]
    reform = evaluate(df, ROOT / "policies" / "tongzhou-2025-draft.policy", set={"dcmm_level5_amount": "60万元"}).collect()[0]
    assert (plain["dcmm"], reform["dcmm"]) == (Decimal("500000.00"), Decimal("600000.00"))
