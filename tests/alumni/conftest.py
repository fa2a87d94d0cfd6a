from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    # Attachments are written through the default storage: into the test's own directory.
    settings.MEDIA_ROOT = tmp_path / "media"
