"""sks.cache: Django's Redis cache, with one Redis client per connection pool (CI and production)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache, caches

from sks.cache import RedisCache
from tests.conftest import need


def test_the_redis_cache_reuses_its_client_and_still_works():
    need(bool(settings.REDIS_URL), "REDIS_URL is not set: the cache is this process's memory")
    backend = caches["default"]
    assert isinstance(backend, RedisCache)
    client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]  # the backend's Redis client

    assert backend._cache.get_client() is client  # type: ignore[attr-defined]  # one server: one pool, one client
    assert cache.add("reused", 1, 60) is True
    assert cache.add("reused", 2, 60) is False
    cache.set_many({"a": "あ", "b": [1, 2]}, 60)
    assert (cache.get("reused"), cache.get_many(["a", "b"]), cache.incr("reused")) == (1, {"a": "あ", "b": [1, 2]}, 2)
    cache.delete("reused")
    assert cache.get("reused") is None
