"""The personal-data registry: what each app holds about a person, for export and erasure (APPI).

Apps depend downward (sks ← participants ← events ← matching; alumni and regional on participants), so the
app that erases a senior cannot know what the apps above it store. Instead every app declares, in its
`AppConfig.ready()`, one `PersonalData` entry per model that refers to a person (a foreign key to the user
or to the senior profile): how the model reaches the person, the free text it holds about them, how to
export it and how to erase it, or the policy under which it is kept. `personal_data_export` and
`personal_data_erase` walk the entries; nothing depends on a module happening to be imported.

Erasure keeps rows, statuses, dates and counts (statistics must still count the person) and blanks the
free text only, unless an entry says otherwise.

tests/test_personal_data_registry.py fails for any model with a foreign key to the user or the senior
profile that no entry declares, field by field: a new model cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: annotations only

    from participants.models import SeniorProfile, User

__all__ = [
    "Person",
    "PersonalData",
    "entries",
    "entry_for",
    "personal_data_erase",
    "personal_data_export",
    "personal_data_rows",
    "register",
]


@dataclass(frozen=True)
class Person:
    """Whose data is exported or erased: the user and, for a 新現役, their senior profile."""

    user: User
    senior: SeniorProfile | None = None


# A section of the export: plain values DjangoJSONEncoder can write, one dict per row.
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class PersonalData:
    """What one model holds about a person.

    * `person`: the foreign keys of the model that point at the person themself (their user or senior
      profile), or lookups through a parent row ("application__senior").
    * `actors`: the other foreign keys to the user, each with the reason it is kept as it is (typically a
      staff member who did something: an actor reference, not data about the person).
    * `text_fields`: the free text about the person that erasure blanks (default erasure).
    * `rows`: the person's rows of the model, read past the institution scope (a function of the app's
      access.py). Erasure blanks `text_fields` in them and the audit log entries about them.
    * `export`: the person's section of the export (under `key`, headed `label` on the readable page).
    * `columns`: the export's keys shown on the readable page, with their headings, in order (empty: the
      section is not shown there generically, because the page has a section of its own for it).
    * `erase`: a custom erasure, instead of blanking `text_fields` in `rows`.
    * `kept`: what erasure deliberately keeps, and why.
    """

    model: type[models.Model]
    label: StrOrPromise
    person: tuple[str, ...] = ()
    actors: Mapping[str, str] = field(default_factory=dict)
    text_fields: tuple[str, ...] = ()
    rows: Callable[[Person], models.QuerySet[Any]] | None = None
    export: Callable[[Person], Rows] | None = None
    key: str = ""
    columns: Mapping[str, StrOrPromise] = field(default_factory=dict)
    erase: Callable[[Person], None] | None = None
    kept: str = ""

    def __post_init__(self) -> None:
        if self.export is not None and not self.key:
            raise ImproperlyConfigured(f"{self.model.__name__}: an exported entry needs a key")
        if self.text_fields and self.rows is None and self.erase is None:
            raise ImproperlyConfigured(f"{self.model.__name__}: text fields to erase need rows or an erase function")
        if not (self.text_fields or self.erase or self.kept):
            raise ImproperlyConfigured(f"{self.model.__name__}: say what erasure does, or why the rows are kept")


_registry: dict[type[models.Model], PersonalData] = {}


def register(entry: PersonalData) -> PersonalData:
    """Declare what `entry.model` holds about a person (from an AppConfig.ready()). One entry per model."""
    existing = _registry.get(entry.model)
    if existing is not None and existing is not entry:
        raise ImproperlyConfigured(f"{entry.model._meta.label} is registered twice in the personal-data registry")
    keys = {e.key for e in _registry.values() if e.key and e is not existing}
    if entry.key and entry.key in keys:
        raise ImproperlyConfigured(f"the export key {entry.key!r} is used twice")
    _registry[entry.model] = entry
    return entry


def entries() -> tuple[PersonalData, ...]:
    """Every entry, in the order of registration (INSTALLED_APPS order: lower apps first)."""
    return tuple(_registry.values())


def entry_for(model: type[models.Model]) -> PersonalData | None:
    return _registry.get(model)


def personal_data_export(person: Person) -> dict[str, Rows]:
    """Every registered section of the person's export, by key."""
    return {e.key: e.export(person) for e in entries() if e.export is not None}


def personal_data_rows(person: Person) -> dict[type[models.Model], list[int]]:
    """The primary keys of the person's rows, per model (for scrubbing the audit log about them)."""
    found: dict[type[models.Model], list[int]] = {}
    for e in entries():
        if e.rows is not None:
            pks = [int(pk) for pk in e.rows(person).values_list("pk", flat=True)]
            if pks:
                found[e.model] = pks
    return found


def personal_data_erase(person: Person) -> None:
    """Erase what every app holds about the person, entry by entry (inside the caller's transaction)."""
    for e in entries():
        if e.erase is not None:
            e.erase(person)
        elif e.text_fields and e.rows is not None:
            e.rows(person).update(**{name: "" for name in e.text_fields})
