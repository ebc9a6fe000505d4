"""Shared helpers: the repository, the ``zhice`` binary the results are compared with."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def binary() -> pathlib.Path:
    given = os.environ.get("ZHICE_BIN")
    candidates = [pathlib.Path(given)] if given else [ROOT / "target" / "release" / "zhice", ROOT / "target" / "debug" / "zhice"]
    built = [c for c in candidates if c.exists()]
    if built:
        # the one built last: an older build would compare against an older zhice
        return max(built, key=lambda c: c.stat().st_mtime)
    raise RuntimeError("no zhice binary to compare with: run `cargo build` first, or set ZHICE_BIN")


def cli(*args: str, lang: str = "zh") -> str:
    """What the command line writes for these arguments (its standard output)."""
    run = subprocess.run(
        [str(binary()), *args, "--lang", lang],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode in (0, 1), run.stderr
    return run.stdout


def dumps(result) -> str:
    """A result as the command line writes it: compact, keys in order, Chinese as it is."""
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT
