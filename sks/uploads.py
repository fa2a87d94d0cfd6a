"""The upload guard: every uploaded file passes here before anything parses it (DESIGN.md, architecture).

A small file can be large to read: an .xlsx is a zip of XML, and 54 KiB of it can hold a gigabyte of
worksheet, which a spreadsheet library would then parse for minutes in a web worker. So before any
parsing the guard checks, from cheap facts only:

* the size of the file as uploaded;
* for zip-based formats (.xlsx, .docx, …): the number of members and their total uncompressed size, read
  from the zip's central directory (Python's zipfile, which openpyxl reads through, never yields more than
  the size a member declares: a member that lies about it fails its CRC check instead of growing);
* the number of rows and columns: for a worksheet by counting its `<row` and `<c` tags while the XML is
  decompressed in chunks (a byte count, not a parse, and stopped at the first row over a limit); for text
  (CSV) by counting its lines and the header's separators.

A refused file raises `UploadRefusedError`, whose Japanese message names the limit that was exceeded.
Callers declare their limits once (`UploadLimits`) and call `upload_guard` first thing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

from sks.exceptions import DomainError

__all__ = ["UploadLimits", "UploadRefusedError", "upload_guard", "upload_size_check"]

ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")


class UploadRefusedError(DomainError):
    """The file is refused as a whole, before it is parsed; the message names the limit."""


@dataclass(frozen=True)
class UploadLimits:
    """What one kind of upload may be. `max_rows` counts data rows: `header_rows` more are allowed."""

    max_bytes: int
    max_uncompressed_bytes: int = 50 * 1024 * 1024
    max_zip_members: int = 200
    max_rows: int | None = None
    max_columns: int | None = None
    header_rows: int = 1


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def upload_size_check(*, size: int, limits: UploadLimits) -> None:
    """The size alone (a form can check it before reading the file into memory)."""
    if size > limits.max_bytes:
        raise UploadRefusedError(
            _("ファイルが大きすぎます（上限 %(mb)s MB）。ファイルを分けてアップロードしてください。")
            % {"mb": limits.max_bytes // (1024 * 1024)}
        )


def upload_guard(*, content: bytes, filename: str, limits: UploadLimits) -> None:
    """Refuse `content` if it exceeds `limits`; return without a word otherwise. Parses nothing."""
    upload_size_check(size=len(content), limits=limits)
    if content.startswith(ZIP_MAGIC):
        _check_zip(content, limits)
    elif PurePath(filename).suffix.lower() in {".csv", ".txt", ".tsv"}:
        _check_text(content, limits)


def _too_many_rows(limits: UploadLimits) -> UploadRefusedError:
    return UploadRefusedError(
        _("行数が多すぎます（上限 %(rows)s 行）。ファイルを分けてアップロードしてください。")
        % {"rows": f"{limits.max_rows:,}"}
    )


def _too_many_columns(limits: UploadLimits) -> UploadRefusedError:
    return UploadRefusedError(
        _("列が多すぎます（上限 %(columns)s 列）。不要な列を削除してからアップロードしてください。")
        % {"columns": f"{limits.max_columns:,}"}
    )


def _check_zip(content: bytes, limits: UploadLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # Nothing in it can be read, so nothing can be expanded: the reader refuses it with the message of
        # its format ("not an Excel file", …).
        return
    if len(members) > limits.max_zip_members:
        raise UploadRefusedError(
            _("ファイルの中身が多すぎます（上限 %(n)s 個）。元のアプリケーションで保存し直してください。")
            % {"n": limits.max_zip_members}
        )
    if sum(m.file_size for m in members) > limits.max_uncompressed_bytes:
        raise UploadRefusedError(
            _(
                "ファイルを展開すると大きすぎます（展開後の上限 %(mb)s MB）。"
                "不要なシートや書式を削除するか、ファイルを分けてアップロードしてください。"
            )
            % {"mb": _mb(limits.max_uncompressed_bytes)}
        )
    if limits.max_rows is None and limits.max_columns is None:
        return
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            _check_worksheet(archive, member, limits)


def _check_worksheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: UploadLimits) -> None:
    """Count rows, and cells per row, of one worksheet's XML as it is decompressed."""
    max_rows = None if limits.max_rows is None else limits.max_rows + limits.header_rows
    rows = cells = 0
    carry = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                data = carry + chunk
                # A tag cut in two by the chunk's end waits for the next chunk (tags counted are short).
                cut = data.rfind(b"<", max(len(data) - 16, 0))
                if cut == -1:
                    cut = len(data)
                data, carry = data[:cut], data[cut:]
                rows, cells = _count(data, rows, cells, max_rows, limits)
            _count(carry, rows, cells, max_rows, limits)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefusedError(
            _("ファイルが壊れているため開けません。元のアプリケーションで保存し直してください。")
        ) from None


def _count(data: bytes, rows: int, cells: int, max_rows: int | None, limits: UploadLimits) -> tuple[int, int]:
    """Add `data`'s rows and cells to the running counts (`cells`: of the row still open)."""
    pieces = _ROW_TAG.split(data)
    for i, piece in enumerate(pieces):
        if i > 0:
            rows, cells = rows + 1, 0
            if max_rows is not None and rows > max_rows:
                raise _too_many_rows(limits)
        if limits.max_columns is not None:
            cells += len(_CELL_TAG.findall(piece))
            if cells > limits.max_columns:
                raise _too_many_columns(limits)
    return rows, cells


def _check_text(content: bytes, limits: UploadLimits) -> None:
    if limits.max_rows is not None:
        lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
        if lines > limits.max_rows + limits.header_rows:
            raise _too_many_rows(limits)
    if limits.max_columns is not None:
        header = content.split(b"\n", 1)[0]
        separators = max(header.count(b","), header.count(b"\t"))
        if separators + 1 > limits.max_columns:
            raise _too_many_columns(limits)
