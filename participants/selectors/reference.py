"""The version of the reference tables (expertise areas, industries, qualifications, regions), for caches of
what is rendered from them.

The search form's filter column lists about 150 of their options; its HTML is cached (the senior search
template's `{% cache %}`) keyed by this version, the language and the form's values. Any save or delete of a
reference row, and every migration, gives the tables a new version (participants.receivers), so a cached
list is never older than the tables. The version lives in the default cache (shared by every process in
production); if it is evicted, a new one is drawn, which only misses the fragments once.
"""

from __future__ import annotations

import time

from django.core.cache import cache

__all__ = ["REFERENCE_VERSION_KEY", "reference_changed", "reference_version"]

REFERENCE_VERSION_KEY = "participants:reference-version"


def reference_version() -> str:
    return str(cache.get_or_set(REFERENCE_VERSION_KEY, time.time_ns, timeout=None))


def reference_changed() -> None:
    cache.set(REFERENCE_VERSION_KEY, time.time_ns(), timeout=None)
