"""The shared benchmark kit for the group-engine tests: the exact scorer and the problem generator."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need

# The shared benchmark kit sits beside the repository (../shared/bench; on these machines also
# /work/shared/bench, whichever directory the checkout is in); SKS_SHARED_BENCH may point at it.
_CANDIDATES = [
    os.environ.get("SKS_SHARED_BENCH", ""),
    str(Path(__file__).resolve().parents[3] / "shared" / "bench"),
    "/work/shared/bench",
]
SHARED = next((Path(c) for c in _CANDIDATES if c and (Path(c) / "check_groups.py").is_file()), Path(_CANDIDATES[1]))


def _load(name: str) -> Any:
    need((SHARED / f"{name}.py").is_file(), f"the shared benchmark kit is not at {SHARED}")
    spec = importlib.util.spec_from_file_location(name, SHARED / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def checker() -> Any:
    return _load("check_groups")


@pytest.fixture(scope="module")
def generator() -> Any:
    return _load("generate_groups")
