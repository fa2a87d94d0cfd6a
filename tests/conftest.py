from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client, override_settings
from django.utils import translation

from participants.models import User
from sks.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
# "gw0", "gw1", ... under pytest-xdist (make test); "main" in a run without workers.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def need(condition: bool, reason: str) -> None:
    """Skip with a visible reason on a developer machine; fail in CI, where everything must be present."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _worker_private_storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """What the pytest workers (pytest-xdist) would otherwise share: each has its own.

    * Cache keys: on Redis (CI) all workers use one database, where the same user id in two workers' test
      databases would share a cached count, and one worker's clearing must not wipe another's rate limits
      (or the Celery broker's keys in the same database). The key prefix names the worker.
    * Uploads and generated files: MEDIA_ROOT is a directory of the worker's own, never the repository's var/.
    """
    cache_settings = {
        alias: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', 'sks')}-test-{XDIST_WORKER}"}
        for alias, config in settings.CACHES.items()
    }
    with override_settings(CACHES=cache_settings, MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


def cache_key_prefix() -> str:
    """The default cache's key prefix in this pytest worker (a real Celery worker process is given the same)."""
    return str(settings.CACHES["default"]["KEY_PREFIX"])


def _clear_caches() -> None:
    for cache in caches.all(initialized_only=True):
        if isinstance(cache, RedisCache):
            # Only this worker's keys: clear() would empty the whole Redis database (FLUSHDB).
            client = cache._cache.get_client(write=True)
            keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        else:
            cache.clear()


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    # Rate limits live in the cache; one test's failed logins must not lock out the next test.
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (Japanese), whatever the previous test on this worker
    activated: a request with an English cookie leaves English active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in-process except in tests marked `celery_worker`, which use the real broker and worker.

    With REDIS_URL set (CI) a request would otherwise only enqueue its task, and no worker is listening.
    """
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test with a real Celery worker is marked `xdist_group("celery_worker")` in its module, so that
    `--dist loadgroup` may keep them on one pytest worker; this checks the mark is there. (Measured: under
    `-n 2` they still landed on two workers, each with its own session worker on the shared default queue,
    and one missed its mail; CI runs them without xdist, see .ci/run step 2.)"""
    loose = [
        item.nodeid
        for item in items
        if item.get_closest_marker("celery_worker") and item.get_closest_marker("xdist_group") is None
    ]
    if loose:
        raise pytest.UsageError(
            'celery_worker tests need pytest.mark.xdist_group("celery_worker"): ' + ", ".join(loose)
        )


def worker_database_url() -> str:
    """The URL of the test database this pytest process uses (under xdist, its own: test_<name>_gw0, ...)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """One real `celery worker` process for the whole run (every `celery_worker` test that needs a worker on
    the default queue takes this fixture; none starts its own there, or two workers would share the queue and
    each test would see only the mail of the worker it happened to reach). Mail goes to files in the returned
    directory, which the tests share: each looks for its own recipient."""
    need(bool(settings.REDIS_URL), "REDIS_URL is not set: no broker for a real Celery worker")
    need(connection.vendor == "postgresql", "the worker needs a database shared across processes (PostgreSQL)")
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": cache_key_prefix(),
        "EMAIL_URL": "filemail://" + str(mail_dir),
    }
    from tests.celery_worker import start_celery_worker  # (that module imports this one)

    proc, log = start_celery_worker(
        node=f"pytest-{XDIST_WORKER}-{uuid.uuid4().hex[:8]}@sks",
        env=env,
        log_path=mail_dir.parent / f"{mail_dir.name}.log",
        options=[],
        what="the Celery worker",
    )
    yield mail_dir
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.fixture
def login_as(client: Client) -> Callable[[User | None], Client]:
    def _login(user: User | None) -> Client:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
