"""What tests/conftest.py gives each pytest worker (pytest-xdist) of its own, and every test afresh."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.utils import translation

from tests.conftest import XDIST_WORKER, _clear_caches, need


def test_media_root_is_the_workers_own_directory_outside_the_repository():
    media_root = Path(settings.MEDIA_ROOT)

    assert media_root.is_dir()
    assert not media_root.is_relative_to(settings.BASE_DIR)


def test_cache_keys_carry_the_workers_name():
    assert cache.make_key("k") == f"{settings.CACHES['default']['KEY_PREFIX']}:1:k"
    assert str(settings.CACHES["default"]["KEY_PREFIX"]).endswith(f"-test-{XDIST_WORKER}")


def test_clearing_the_cache_leaves_another_workers_keys_in_redis():
    need(bool(settings.REDIS_URL), "REDIS_URL is not set: the cache is this process's memory")
    client = caches["default"]._cache.get_client(write=True)  # type: ignore[attr-defined]  # django-redis internals: the raw client, to write another worker's key
    client.set("sks-test-another-worker:1:k", "kept", ex=60)
    cache.set("mine", "gone")

    _clear_caches()

    assert (client.get("sks-test-another-worker:1:k"), cache.get("mine")) == (b"kept", None)
    client.delete("sks-test-another-worker:1:k")


# The two tests below run in this order on one worker: the second must not inherit the first's English.
@pytest.mark.xdist_group("language")
def test_language_english_left_active_by_a_test():
    translation.activate("en")

    assert translation.get_language() == "en"


@pytest.mark.xdist_group("language")
def test_language_the_next_test_starts_in_japanese():
    assert translation.get_language() == settings.LANGUAGE_CODE == "ja"
