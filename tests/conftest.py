from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django_scopes import scopes_disabled

from participants.models import User
from sks.celery import app as celery_app

IN_CI = os.environ.get("CI") == "true"


def need(condition: bool, reason: str) -> None:
    """Skip with a visible reason on a developer machine; fail in CI, where everything must be present."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    # Rate limits live in the cache; one test's failed logins must not lock out the next test.
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def unscoped() -> Iterator[None]:
    """For arranging and asserting in tests, outside any request: scopes deliberately off."""
    with scopes_disabled():
        yield


@pytest.fixture
def login_as(client: Client) -> Callable[[User | None], Client]:
    def _login(user: User | None) -> Client:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
