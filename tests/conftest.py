from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"


@pytest.fixture
def example_profile() -> Path:
    return EXAMPLES / "xinzhou_manufacturer.toml"
