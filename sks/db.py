"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper


@contextmanager
def postgres_settings(**values: str) -> Iterator[None]:
    """Run the block with these PostgreSQL settings (`SET LOCAL`, in a transaction); elsewhere, as it is.

    The changes stay inside this transaction, and the previous values come back after the block, in case a
    caller's transaction goes on. Used where a statement needs the planner told something the defaults do not
    know (the senior search) or more memory than the default (the statistics' grouped counts).
    """
    if connection.vendor != "postgresql" or not values:
        yield
        return
    names = list(values)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
        previous = cursor.fetchone()
        _set_local(cursor, names, [values[name] for name in names])
        yield
        _set_local(cursor, names, list(previous))


def _set_local(cursor: CursorWrapper, names: list[str], settings: list[str]) -> None:
    params: list[str] = []
    for name, value in zip(names, settings, strict=True):
        params += [name, value]
    cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)), params)
