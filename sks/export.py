"""Spreadsheet exports that are safe to open in Excel (CSV/formula injection, OWASP).

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return may be run as a formula
by Excel or LibreOffice (`=HYPERLINK(...)`, `@SUM(...)`, `-2+3`). Such cells are written with a
leading apostrophe, which spreadsheets show as text. django-import-export's own setting only strips
`=`, so every export goes through `escape_formula` instead, and imports undo it with
`unescape_formula` so that an exported file can be imported again unchanged.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["FORMULA_PREFIXES", "escape_formula", "unescape_formula", "utf8_csv_bytes"]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def escape_formula(value: T) -> T | str:
    """Prefix text that a spreadsheet would read as a formula with `'`; other values are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value: T) -> T | str:
    """Undo `escape_formula`: `'=1+1` becomes `=1+1`; a lone apostrophe before anything else is kept."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def utf8_csv_bytes(text: str) -> bytes:
    """CSV text as UTF-8 with a byte order mark: without the BOM, Excel in Japan reads it as Shift_JIS."""
    return ("\ufeff" + text).encode("utf-8")
