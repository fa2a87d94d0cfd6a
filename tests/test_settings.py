from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7#Kq!2vLr9@Zp4s$Wm8&Yt1^Hn6*Bc3(Fd5)Gj0+Qe-Ua_Rb=Vk",
    "ALLOWED_HOSTS": "sks.example.jp",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://sks.example.jp",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ENV", "REDIS_URL"}}
    return subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _read_settings(env: dict[str, str], *names: str) -> dict[str, str]:
    """The repr() of each setting (a name, or an expression on settings) as one manage.py process sees it."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: repr(eval('settings.' + name)) for name in {list(names)!r}}}))"
    )
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# One process per configuration, reading everything the tests below look at.
@pytest.fixture(scope="module")
def production_settings() -> dict[str, str]:
    return _read_settings(
        PROD_ENV, "DEBUG", "PASSWORD_HASHERS", "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"
    )


@pytest.fixture(scope="module")
def redis_settings() -> dict[str, str]:
    env = {"DJANGO_ENV": "development", "REDIS_URL": "redis://127.0.0.1:6379/3"}
    return _read_settings(env, "CACHES['default']['BACKEND']", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")


@pytest.fixture(scope="module")
def development_settings() -> dict[str, str]:
    env = {"DJANGO_ENV": "development"}
    return _read_settings(
        env, "CACHES['default']['BACKEND']", "CELERY_TASK_ALWAYS_EAGER", "DATABASES['default']['NAME']"
    )


def test_check_deploy_production_is_clean():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"])
def test_production_without_required_variable_refuses_to_start(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert missing in result.stderr


def test_production_hardening_values(production_settings):
    assert production_settings["DEBUG"] == "False"
    assert production_settings["PASSWORD_HASHERS"] == "['django.contrib.auth.hashers.Argon2PasswordHasher']"
    assert production_settings["SESSION_COOKIE_SECURE"] == "True"
    assert production_settings["SECURE_SSL_REDIRECT"] == "True"
    assert int(production_settings["SECURE_HSTS_SECONDS"]) >= 31536000


def test_redis_url_switches_cache_and_celery(redis_settings):
    assert "RedisCache" in redis_settings["CACHES['default']['BACKEND']"]
    assert redis_settings["CELERY_BROKER_URL"] == "'redis://127.0.0.1:6379/3'"
    assert redis_settings["CELERY_TASK_ALWAYS_EAGER"] == "False"


def test_without_redis_url_tasks_are_eager_and_cache_is_local(development_settings):
    assert "LocMemCache" in development_settings["CACHES['default']['BACKEND']"]
    assert development_settings["CELERY_TASK_ALWAYS_EAGER"] == "True"


def test_default_database_is_sqlite_in_var(development_settings):
    result = development_settings["DATABASES['default']['NAME']"]

    assert result == repr(str(ROOT / "var" / "db.sqlite3"))


def test_language_and_time_zone():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == ("ja", "Asia/Tokyo", True)
    assert [code for code, _name in settings.LANGUAGES] == ["ja", "en"]


@pytest.mark.django_db
def test_csp_header_forbids_inline_script_and_style(client):
    response = client.get(reverse("home"))

    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_pages_load_nothing_from_a_cdn(client):
    html = client.get(reverse("home")).content.decode()

    assert "//cdn" not in html
    assert 'src="http' not in html
    assert 'href="http' not in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
