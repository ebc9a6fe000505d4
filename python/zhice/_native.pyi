"""Type stubs of the compiled module: the core's run API, crossed as JSON text and Arrow.
编译模块的类型存根：核心运行接口，以 JSON 文本和 Arrow 传递。"""

from typing import Optional, Sequence, Tuple

import pyarrow

__version__: str

class Policy:
    """A loaded, checked and compiled policy. 已加载、检查并编译的政策。"""

    @staticmethod
    def load(path: str, sets: Sequence[str] = ..., lang: Optional[str] = ...) -> "Policy":
        """Loads a policy; raises ``zhice.PolicyError`` with its diagnostics. 加载政策；有错误时引发 ``zhice.PolicyError``。"""
    @property
    def path(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def pooled(self) -> bool: ...
    @property
    def awards(self) -> list[str]: ...
    def check_json(self, lang: Optional[str] = ...) -> str:
        """The warnings, as JSON. 警告（JSON）。"""
    def eval_json(
        self, case: str, as_of: Optional[str] = ..., pool_ledger: Optional[str] = ..., lang: Optional[str] = ...
    ) -> str:
        """One case's result line. 单个案例的结果行。"""
    def eval_jsonl(
        self, cases: str, as_of: Optional[str] = ..., pool_ledger: Optional[str] = ..., lang: Optional[str] = ...
    ) -> Tuple[str, str]:
        """A round's result lines and the pool ledger after it. 一轮的结果行及其后的资金池台账。"""
    def explain_json(
        self, case: str, as_of: Optional[str] = ..., pool_ledger: Optional[str] = ..., lang: Optional[str] = ...
    ) -> str:
        """One case explained; raises ``zhice.CaseError``. 单个案例的计算说明。"""
    def diff_json(
        self, new: "Policy", cases: Optional[str] = ..., weight: Optional[str] = ..., lang: Optional[str] = ...
    ) -> str:
        """Two versions compared. 两个版本的比较。"""
    def eval_batch(
        self,
        table: pyarrow.Table,
        as_of: Optional[str] = ...,
        pool_ledger: Optional[str] = ...,
        lang: Optional[str] = ...,
        scale: Optional[int] = ...,
        direct: bool = ...,
    ) -> pyarrow.Table:
        """A table's rows as one round. 表中各行作为一轮申报计算。"""
