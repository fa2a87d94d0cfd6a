"""Spreadsheet exports that are safe to open in Excel (CSV/formula injection, OWASP).

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return may be run as a formula
by Excel or LibreOffice (`=HYPERLINK(...)`, `@SUM(...)`, `-2+3`). Such cells are written with a
leading apostrophe, which spreadsheets show as text. django-import-export's own setting only strips
`=`, so every export goes through `escape_formula` instead, and imports undo it with
`unescape_formula` so that an exported file can be imported again unchanged.

Every generated file also gets a name a person recognises: `download_name` for the file (sent by
`attach_file_name` as RFC 5987 `filename*`, which keeps Japanese intact) and `sheet_title` for a worksheet.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.http import HttpResponse
from django.utils.http import content_disposition_header

__all__ = [
    "FORMULA_PREFIXES",
    "attach_file_name",
    "download_name",
    "escape_formula",
    "sheet_title",
    "unescape_formula",
    "utf8_csv_bytes",
]

# Characters Windows, macOS or a browser refuse in a file name become their full-width forms, which read
# the same in a Japanese name; control characters go.
_FILE_NAME_TRANSLATION = str.maketrans(
    {**{c: chr(ord(c) + 0xFEE0) for c in '\\/:*?"<>|'}, **{chr(i): None for i in (*range(32), 127)}}
)
# Characters Excel refuses in a worksheet's name; a name is at most 31 characters.
_SHEET_TITLE_REFUSED = re.compile(r"[\[\]:*?/\\]+")
SHEET_TITLE_MAX = 31

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


def download_name(*parts: Any, extension: str) -> str:
    """A download's file name: the non-empty parts joined by "_", with what a file system refuses replaced.

    `download_name("第3回交流会", "時間割", extension="xlsx")` → 「第3回交流会_時間割.xlsx」.
    """
    cleaned = [str(part).translate(_FILE_NAME_TRANSLATION).strip(" .") for part in parts]
    return "_".join(part for part in cleaned if part) + "." + extension


def sheet_title(text: Any) -> str:
    """A worksheet name Excel accepts: none of []:*?/\\, at most 31 characters, not starting with an apostrophe."""
    return _SHEET_TITLE_REFUSED.sub("・", str(text)).strip().lstrip("'")[:SHEET_TITLE_MAX]


def attach_file_name(response: HttpResponse, filename: str, *, attachment: bool = True) -> HttpResponse:
    """Name the file `response` carries; a non-ASCII name goes as RFC 5987 `filename*=utf-8''…`."""
    response["Content-Disposition"] = content_disposition_header(as_attachment=attachment, filename=filename) or ""
    return response
