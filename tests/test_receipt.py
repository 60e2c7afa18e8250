"""The receipt (contract.md "Added 2026-11"): the version everywhere equal, the data hash changes with any data file."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path

import pytest

import xzcalc
from xzcalc import receipt

ROOT = Path(__file__).resolve().parent.parent


def test_version_is_one_figure() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert receipt.VERSION == xzcalc.__version__ == project["version"]


def test_data_hash_follows_the_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(receipt, "data_dir", lambda: copy)
    receipt.data_sha256.cache_clear()
    before = receipt.data_sha256()
    assert len(before) == 64 and before == receipt.data_sha256.__wrapped__()
    params = copy / "params" / "national.toml"
    params.write_bytes(params.read_bytes() + b"\n")
    after = receipt.data_sha256.__wrapped__()
    assert after != before
    receipt.data_sha256.cache_clear()


def test_reform_hash(tmp_path: Path) -> None:
    """reform_sha256 is the SHA-256 of the reform file's bytes as load_reform read them (what was applied)."""
    from xzcalc.reform import load_reform

    raw = b"[cit.rate]\nvalue = 0.3\n"
    (tmp_path / "r.toml").write_bytes(raw)
    reform = load_reform(tmp_path / "r.toml")
    got = receipt.receipt(reform.sha256)
    assert got["reform_sha256"] == hashlib.sha256(raw).hexdigest()
    assert receipt.receipt()["reform_sha256"] is None
    assert got["xzcalc"] == xzcalc.__version__
