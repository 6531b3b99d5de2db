"""Shared fixtures: the real example story and the benchmark data beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = SHARED / "examples" / "rust-interview"
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def example_dir() -> Path:
    if not EXAMPLE.is_dir():
        pytest.fail(f"the example story is missing: {EXAMPLE} (../shared must sit beside the repo)")
    return EXAMPLE


@pytest.fixture(scope="session")
def example_paths(example_dir: Path) -> list[Path]:
    return sorted(example_dir.glob("*.txt"))
