"""`make run` on another port: the mail links follow the server it starts, unless SITE_URL is set; the README
says how."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent


def _make(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    make = shutil.which("make")
    need(make is not None, "GNU make is not installed")
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT", "MAKEFLAGS"}}
    result = subprocess.run(  # noqa: S603 (fixed argv)
        [str(make), "-s", "-f", str(ROOT / "Makefile"), *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_make_run_site_url_follows_host_and_port(tmp_path):
    assert _make("site-url", cwd=tmp_path) == "http://127.0.0.1:8000\n"
    assert _make("site-url", "PORT=8101", cwd=tmp_path) == "http://127.0.0.1:8101\n"
    assert _make("site-url", "HOST=192.168.1.20", "PORT=8101", cwd=tmp_path) == "http://192.168.1.20:8101\n"


@pytest.mark.parametrize("where", ["environment", ".env"])
def test_make_run_site_url_set_by_the_operator_wins(tmp_path, where):
    env = {}
    if where == "environment":
        env["SITE_URL"] = "https://sks.example.jp"
    else:
        (tmp_path / ".env").write_text('DEBUG=true\nSITE_URL="https://sks.example.jp"\n', encoding="utf-8")

    assert _make("site-url", "PORT=8101", cwd=tmp_path, env=env) == "https://sks.example.jp\n"


def test_make_run_passes_site_url_to_the_server(tmp_path):
    for name in ("pyproject.toml", "constraints.txt"):  # what the install step depends on
        (tmp_path / name).symlink_to(ROOT / name)

    commands = _make("-n", "run", "PORT=8101", cwd=tmp_path)

    assert 'SITE_URL="http://127.0.0.1:8101" .venv/bin/python manage.py runserver 127.0.0.1:8101' in commands


def test_readme_documents_port_and_site_url():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert "make run PORT=8101" in readme
    assert "SITE_URL" in readme
