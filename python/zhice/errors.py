"""Errors raised by zhice. zhice 引发的错误。"""

from __future__ import annotations

import json
from typing import Any, Dict, List


class PolicyError(Exception):
    """A policy that could not be loaded: every diagnostic, each with its code and span.

    无法加载的政策：列出每一条诊断，各带错误码与位置。

    ``diagnostics`` is a list of dicts, as ``zhice check --error-format json``
    writes them: ``severity``, ``code``, ``message``, ``file``, ``span``
    (``start``, ``end``, ``line``, ``column``), ``label``, ``help``, ``related``.
    """

    def __init__(self, message: str, diagnostics: str = "[]") -> None:
        super().__init__(message)
        self.diagnostics: List[Dict[str, Any]] = json.loads(diagnostics)

    def __str__(self) -> str:
        lines = [self.args[0]]
        for d in self.diagnostics:
            span = d.get("span") or {}
            lines.append(
                f"{d.get('file')}:{span.get('line')}:{span.get('column')}: "
                f"{d.get('severity')}[{d.get('code')}]: {d.get('message')}"
            )
        return "\n".join(lines)


class CaseError(Exception):
    """A case that could not be read or evaluated, with every error naming its field.

    无法读取或计算的申报案例；每条错误都指明字段。

    ``result`` is the case's result line as a dict (``errors`` holds
    ``field``, ``code`` and ``message`` of each).
    """

    def __init__(self, message: str, result: str = "{}") -> None:
        super().__init__(message)
        self.result: Dict[str, Any] = json.loads(result)

    @property
    def errors(self) -> List[Dict[str, Any]]:
        return list(self.result.get("errors", []))
