"""A policy on a Spark DataFrame, one Arrow batch at a time with ``mapInArrow``.

在 Spark DataFrame 上计算政策：通过 ``mapInArrow`` 按 Arrow 批次处理。

    >>> from zhice.spark import evaluate
    >>> results = evaluate(cases_df, "policies/tongzhou-2025-draft.policy")

The policy's folder is shipped to the executors with ``SparkContext.addFile``
(an amendment finds its base beside it); each Python worker loads the policy
once and keeps it for every task after. Each row gives what ``zhice eval``
gives for it. Amounts are ``decimal(38, scale)``.

Budget pools are divided over a whole round, and a partition is not one:
a policy with pools is refused (:class:`PooledPolicyError`). Collect the
round and use :meth:`zhice.Policy.eval_batch`, which settles the pools over
all its rows.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterator, Mapping, Optional, Sequence, Tuple, Union

from . import Policy, _sets

__all__ = ["evaluate", "output_schema", "PooledPolicyError"]

# Policies a Python worker has loaded: (path, sets, lang) → Policy.
_LOADED: Dict[Tuple[str, Tuple[str, ...], Optional[str]], Policy] = {}


class PooledPolicyError(ValueError):
    """A policy with budget pools cannot be run partition by partition: a pool
    is divided over the whole round. 含资金池的政策不能按分区计算：资金池须在整轮申报中分配。"""


def _load(path: str, sets: Sequence[str], lang: Optional[str]) -> Policy:
    key = (path, tuple(sets), lang)
    if key not in _LOADED:
        _LOADED[key] = Policy.load(path, set=list(sets), lang=lang)
    return _LOADED[key]


def output_schema(policy: Policy, scale: int = 2):
    """The Spark schema of the results: that of :meth:`Policy.eval_batch` with amounts at ``scale``.
    结果的 Spark 模式。"""
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema

    empty = policy.eval_batch(pa.table({"id": pa.array([], pa.string())}), scale=scale)
    return from_arrow_schema(empty.schema)


def evaluate(
    df: Any,
    policy_path: "str | os.PathLike[str]",
    *,
    set: Optional[Union[Sequence[str], Mapping[str, Any]]] = None,
    as_of: Optional[str] = None,
    lang: Optional[str] = None,
    scale: int = 2,
) -> Any:
    """Evaluates every row of ``df`` (its columns are the case's fields) and
    returns a DataFrame of results: ``id``, ``total``, one column per award,
    the declared outputs, ``benefits`` and ``errors``. A row that cannot be read
    or evaluated has its errors in ``errors``; the other rows are evaluated.

    计算 ``df`` 的每一行（列即案例字段），返回结果 DataFrame。无法读取或计算的行，
    错误列于 ``errors``，其他行照常计算。
    """
    path = os.path.abspath(os.fspath(policy_path))
    sets = _sets(set)
    policy = Policy.load(path, set=sets, lang=lang)
    if policy.pooled:
        raise PooledPolicyError(
            f"{path}: this policy has budget pools, divided over a whole round; a Spark partition is "
            "not one. Collect the round and use Policy.eval_batch, which settles the pools over all its rows. "
            "该政策含资金池，须在整轮申报中分配，不能按 Spark 分区计算：请汇集整轮申报后使用 Policy.eval_batch。"
        )
    schema = output_schema(policy, scale)
    folder, name = os.path.split(path)
    spark = df.sparkSession
    shipped = os.path.basename(folder)
    spark.sparkContext.addFile(folder, recursive=True)
    lang = policy.lang

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa
        from pyspark import SparkFiles

        local = os.path.join(SparkFiles.get(shipped), name)
        loaded = _load(local if os.path.exists(local) else path, sets, lang)
        for batch in batches:
            table = loaded.eval_batch(pa.Table.from_batches([batch]), as_of=as_of, scale=scale)
            yield from table.to_batches()

    return df.mapInArrow(run, schema)
