"""Shared fixtures: real files, a real database, no mocks of Phrom's own parts."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EGDI = SHARED / "data" / "egdi"
FRAMEWORKS = REPO / "frameworks"


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def egdi_dir() -> Path:
    if not (EGDI / "egdi-2018.csv").exists():
        pytest.skip("the UN E-Government data is not beside the repository (../shared/data/egdi)")
    return EGDI


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
