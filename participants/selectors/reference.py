"""The version of the reference tables (expertise areas, industries, qualifications, regions), for caches of
what is rendered or computed from them, and the tables themselves as maps, kept per process and version.

The search form's filter column lists about 150 of their options; its HTML is cached (the senior search
template's `{% cache %}`) keyed by this version, the language and the form's values. Any save or delete of a
reference row, and every migration, gives the tables a new version (participants.receivers), so a cached
list is never older than the tables. The version lives in the default cache (shared by every process in
production); if it is evicted, a new one is drawn, which only misses the fragments once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

from ..models import ExpertiseArea, Industry, Region

__all__ = ["REFERENCE_VERSION_KEY", "ReferenceTables", "reference_changed", "reference_tables", "reference_version"]

REFERENCE_VERSION_KEY = "participants:reference-version"


def reference_version() -> str:
    return str(cache.get_or_set(REFERENCE_VERSION_KEY, time.time_ns, timeout=None))


def reference_changed() -> None:
    cache.set(REFERENCE_VERSION_KEY, time.time_ns(), timeout=None)


@dataclass(frozen=True)
class ReferenceTables:
    """The reference tables as plain maps, for code that reads them on every request (a senior's fit panel)."""

    expertise_codes: dict[int, str]  # pk -> code
    expertise_names: dict[str, str]  # code -> name (Japanese, as stored; `gettext` gives the label)
    industries: dict[int, tuple[str, str | None]]  # pk -> (code, its major's code or None for a major)
    region_prefectures: dict[int, list[str]]  # pk -> JIS prefecture codes


_TABLES: dict[str, ReferenceTables] = {}


def reference_tables() -> ReferenceTables:
    """The reference tables, read once per process and reference version (four small queries then; one
    cache read otherwise)."""
    version = reference_version()
    tables = _TABLES.get(version)
    if tables is None:
        expertise = list(ExpertiseArea.objects.values_list("pk", "code", "name"))
        tables = ReferenceTables(
            expertise_codes={pk: code for pk, code, _name in expertise},
            expertise_names={code: name for _pk, code, name in expertise},
            industries={
                pk: (code, parent) for pk, code, parent in Industry.objects.values_list("pk", "code", "parent__code")
            },
            region_prefectures={
                pk: [str(p) for p in prefectures or []]
                for pk, prefectures in Region.objects.values_list("pk", "prefectures")
            },
        )
        _TABLES.clear()  # only the current version is kept
        _TABLES[version] = tables
    return tables
