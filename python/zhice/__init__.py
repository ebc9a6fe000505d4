"""zhice (智策) for Python: subsidy policies written in zhice, run on cases,
Arrow tables, pandas and Spark with the same results as the ``zhice`` command.

zhice（智策）的 Python 接口：用 zhice 编写的补贴政策，可在单个案例、Arrow 表、
pandas 和 Spark 上计算，结果与 ``zhice`` 命令行完全一致。

    >>> import zhice
    >>> policy = zhice.Policy.load("policies/tongzhou-2025-draft.policy")
    >>> policy.eval({"id": "A", "year": 2025, "dcmm_level": 3})["awards"]
    {'dcmm': '300000.00'}

Amounts are exact decimal strings in dicts and ``decimal128`` columns in
Arrow: never floats. 金额在字典中是精确的十进制字符串，在 Arrow 中是
``decimal128`` 列，绝不使用浮点数。
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _native
from .errors import CaseError, PolicyError

__all__ = ["Policy", "Round", "PolicyError", "CaseError", "pool_ledger_of", "__version__"]
__version__: str = _native.__version__

Case = Union[Mapping[str, Any], str]
Ledger = Union[Mapping[str, Any], str, None]


def _default(value: Any) -> Any:
    # Decimals stay exact: whole ones as JSON integers, others as strings the decoder reads exactly.
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a case value · {type(value).__name__} 不能作为案例的值")


def _case_text(case: Case) -> str:
    if isinstance(case, str):
        return case
    return json.dumps(case, ensure_ascii=False, separators=(",", ":"), default=_default)


def _ledger_text(ledger: Ledger) -> Optional[str]:
    if ledger is None or isinstance(ledger, str):
        return ledger
    return json.dumps(ledger, ensure_ascii=False)


def _loads(text: str) -> Any:
    return json.loads(text)


class Round(list):
    """The results of a round, one dict per case in order, and ``pool_ledger``:
    what the pools have granted after it (earlier rounds included), for the next round.

    一轮申报的结果：按顺序每个案例一个字典；``pool_ledger`` 为本轮之后各资金池
    已拨付的金额（含以往各轮），供下一轮使用。
    """

    pool_ledger: Dict[str, Any]


class Policy:
    """A policy loaded, checked and compiled; safe to share between threads.

    已加载、检查并编译的政策；可在多个线程间共享。
    """

    def __init__(self, native: "_native.Policy", sets: Sequence[str], lang: Optional[str]) -> None:
        self._native = native
        self._sets = list(sets)
        self._lang = lang

    @classmethod
    def load(
        cls,
        path: Union[str, "os.PathLike[str]"],
        *,
        set: Optional[Union[Sequence[str], Mapping[str, Any]]] = None,
        lang: Optional[str] = None,
    ) -> "Policy":
        """Loads a ``.policy`` file. ``set`` gives parameters other values
        (``{"dcmm_level5_amount": "60万元"}`` or ``["dcmm_level5_amount=60万元"]``,
        as ``--set``); ``lang`` is ``"zh"`` or ``"en"`` for messages and reports.
        Raises :class:`PolicyError` with every diagnostic when the policy has errors.

        加载 ``.policy`` 文件。``set`` 为参数另设取值（同命令行 ``--set``）；
        ``lang`` 为消息与报告的语言（``"zh"`` 或 ``"en"``）。政策有错误时引发
        :class:`PolicyError`，附全部诊断。
        """
        sets = _sets(set)
        native = _native.Policy.load(os.fspath(path), sets, lang)
        return cls(native, sets, lang)

    def with_set(self, set: Union[Sequence[str], Mapping[str, Any]]) -> "Policy":
        """The same policy with parameters given other values (a what-if).
        同一政策，另设参数取值（假设分析）。"""
        return Policy.load(self.path, set=self._sets + _sets(set), lang=self._lang)

    @property
    def path(self) -> str:
        """The file it was loaded from. 政策文件路径。"""
        return self._native.path

    @property
    def title(self) -> str:
        """The policy's title. 政策标题。"""
        return self._native.title

    @property
    def lang(self) -> str:
        """The language of its messages and reports. 消息与报告所用语言。"""
        return self._native.lang

    @property
    def pooled(self) -> bool:
        """Whether it divides budget pools over a round. 是否含在整轮申报中分配的资金池。"""
        return self._native.pooled

    @property
    def awards(self) -> List[str]:
        """The award ids, in the policy's order. 各奖励项的标识，按政策顺序。"""
        return self._native.awards

    def check(self, *, lang: Optional[str] = None) -> List[Dict[str, Any]]:
        """The warnings of the policy (errors stop :meth:`load`), as ``zhice check --error-format json``.
        政策的警告（错误在加载时即已报告）。"""
        return _loads(self._native.check_json(lang))

    def eval(
        self,
        case: Case,
        *,
        as_of: Optional[str] = None,
        pool_ledger: Ledger = None,
        lang: Optional[str] = None,
    ) -> Dict[str, Any]:
        """One case on its own: its result, as ``zhice eval --case`` gives it in JSON
        (``id``, ``total``, ``awards``, ``benefits``, ``errors``; amounts are exact strings).
        A case that cannot be read or evaluated gives a result with ``errors``, not an exception.

        单个案例的计算结果，与 ``zhice eval --case`` 的 JSON 相同；金额为精确字符串。
        无法读取或计算的案例返回带 ``errors`` 的结果，而不引发异常。
        """
        return _loads(self._native.eval_json(_case_text(case), as_of, _ledger_text(pool_ledger), lang))

    def eval_many(
        self,
        cases: Iterable[Case],
        *,
        as_of: Optional[str] = None,
        pool_ledger: Ledger = None,
        lang: Optional[str] = None,
    ) -> Round:
        """Cases as one round (the pools divided among them all), on every core:
        the same results as ``zhice eval --cases --format jsonl``.

        多个案例作为一轮申报（资金池在全部案例间分配），在所有核心上计算；结果与
        ``zhice eval --cases --format jsonl`` 相同。
        """
        # A raw line break in JSON can only be white space: each case stays one line.
        text = "\n".join(_case_text(c).replace("\n", " ") for c in cases)
        lines, after = self._native.eval_jsonl(text, as_of, _ledger_text(pool_ledger), lang)
        results = Round(_loads(line) for line in lines.splitlines())
        results.pool_ledger = _loads(after)
        return results

    def eval_batch(
        self,
        data: Any,
        *,
        as_of: Optional[str] = None,
        pool_ledger: Ledger = None,
        lang: Optional[str] = None,
        scale: Optional[int] = None,
        direct: bool = True,
    ) -> "pyarrow.Table":  # type: ignore[name-defined] # noqa: F821
        """Every row of a table as a case of one round, on every core with the GIL released.

        ``data`` is a ``pyarrow.Table`` or ``RecordBatch``, a pandas or polars
        DataFrame, anything with ``__arrow_c_stream__``, or a list of dicts.
        Its columns are the case's fields; a null is a field not given.
        Returns a ``pyarrow.Table``: ``id``, ``total``, one ``decimal128``
        column per award, one per declared output, ``benefits`` and
        ``errors`` (``field``, ``code``, ``message``). A row that cannot be
        read or evaluated has nulls for its amounts and its errors in
        ``errors``; every other row is evaluated. Amounts are written at the
        largest scale among them (2 at least), or at ``scale`` when given.
        The pool ledger after the round is in the metadata: :func:`pool_ledger_of`.
        Rows are read straight from their typed columns where the result is
        certain to be the same; ``direct=False`` writes every row as a JSON
        case first, as the command line reads it (the reference, for tests).

        表中每一行作为同一轮申报的一个案例，在所有核心上计算（释放 GIL）。
        列名即案例字段，空值表示未提供该字段。返回 ``pyarrow.Table``：``id``、
        ``total``、每个奖励项一列 ``decimal128``、每个声明的输出一列、``benefits``
        和 ``errors``。无法读取或计算的行金额为空，错误列于 ``errors``，其他行照常计算。
        """
        table = _arrow(data)
        return self._native.eval_batch(table, as_of, _ledger_text(pool_ledger), lang, scale, direct)

    def explain(
        self,
        case: Case,
        *,
        as_of: Optional[str] = None,
        pool_ledger: Ledger = None,
        lang: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Every award of one case with the clause and arithmetic behind it, as
        ``zhice explain --format json``. Raises :class:`CaseError` when the case
        cannot be read or evaluated.

        单个案例每项奖励的条款依据与计算过程，同 ``zhice explain --format json``。
        案例无法读取或计算时引发 :class:`CaseError`。
        """
        return _loads(self._native.explain_json(_case_text(case), as_of, _ledger_text(pool_ledger), lang))

    def diff(
        self,
        new: "Policy",
        cases: Optional[Iterable[Case]] = None,
        *,
        weight: Optional[str] = None,
        lang: Optional[str] = None,
    ) -> Dict[str, Any]:
        """What changed from this version to ``new``, clause by clause, and with
        ``cases`` what it does to them and to the budget: ``zhice diff --format json``.
        ``weight`` names the field holding each case's survey weight.

        从本版本到 ``new`` 的逐条变化；给出 ``cases`` 时，另报告对各案例与预算的影响，
        同 ``zhice diff --format json``。``weight`` 为案例中抽样权重字段名。
        """
        text = None if cases is None else "\n".join(_case_text(c).replace("\n", " ") for c in cases)
        return _loads(self._native.diff_json(new._native, text, weight, lang))

    def __repr__(self) -> str:
        return f"Policy({self.path!r}, title={self.title!r})"


def _sets(set: Optional[Union[Sequence[str], Mapping[str, Any]]]) -> List[str]:
    if set is None:
        return []
    if isinstance(set, Mapping):
        return [f"{k}={v}" for k, v in set.items()]
    if isinstance(set, str):
        return [set]
    return list(set)


def _arrow(data: Any) -> Any:
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if isinstance(data, list):
        return pa.Table.from_pylist(data)
    module = type(data).__module__
    if module.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if module.startswith("polars"):
        return data.to_arrow()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise TypeError(
        f"eval_batch takes an Arrow table, a DataFrame or a list of dicts, not {type(data).__name__} · "
        f"eval_batch 接受 Arrow 表、DataFrame 或字典列表，而不是 {type(data).__name__}"
    )


def pool_ledger_of(table: Any) -> Dict[str, Any]:
    """What the pools had granted after the round :meth:`Policy.eval_batch` returned.
    :meth:`Policy.eval_batch` 所返回那一轮之后，各资金池已拨付的金额。"""
    metadata = table.schema.metadata or {}
    return json.loads(metadata.get(b"zhice.pool_ledger", b"{}"))
