"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet


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


# A value no primary key takes: a CompiledQuery's marker for a primary key argument.
PK_MARKER = -918_273_645


class CompiledQuery:
    """A query the ORM builds and compiles once per process and database vendor, then runs with other values:
    for the few reads every request makes, where building and compiling the query (its joins, subqueries and
    select list) took longer than the database took to answer it.

    `build(*markers)` gives the queryset; each marker (a value no real argument takes, which the ORM passes
    through as it is, such as PK_MARKER for a primary key) shows where an argument goes among the compiled
    statement's parameters. `rows`
    gives what the queryset's `values_list()` would: its columns, converted as the ORM converts them (SQLite's
    booleans and dates).
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], *markers: object) -> None:
        self._build = build
        self._markers = markers
        self._compiled: dict[str, _Compiled] = {}

    def rows(self, *arguments: object) -> list[tuple[Any, ...]]:
        compiled = self._compiled.get(connection.vendor) or self._compile()
        params = list(compiled.params)
        for at, argument in zip(compiled.positions, arguments, strict=True):
            params[at] = argument
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Iterable[Any] = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return [tuple(row) for row in rows]

    @property
    def columns(self) -> list[str]:
        """The names of the columns `rows` gives, in order (the queryset's `values()` names)."""
        compiled = self._compiled.get(connection.vendor) or self._compile()
        return compiled.names

    def _compile(self) -> _Compiled:
        queryset = self._build(*self._markers)
        compiler: Any = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = tuple(params)
        compiled = self._compiled[connection.vendor] = _Compiled(
            sql=sql,
            params=params,
            positions=tuple(params.index(marker) for marker in self._markers),
            compiler=compiler,
            converters=compiler.get_converters([column for column, _, _ in compiler.select]),
            names=[alias or column.target.attname for column, _, alias in compiler.select],
        )
        return compiled


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    positions: tuple[int, ...]
    compiler: Any
    converters: dict[int, Any]
    names: list[str]
