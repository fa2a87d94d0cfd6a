"""Benchmark the upload guard (sks.uploads): how long it takes to refuse decompression bombs, and what it
adds to an ordinary large workbook.

    cd /work/main && .venv/bin/python bench/uploads.py

Files, all real .xlsx workbooks (openpyxl's, with the first worksheet replaced):
  bomb-100MB     100 MB of worksheet whitespace in under 100 KiB (the issue's test case)
  bomb-1GB       1 GB of worksheet whitespace in about 1 MB (the file that ran for 15+ minutes before)
  wide-20MB      one row of 1.3 million cells: within the expanded limit, stopped by the column count
  rows-20MB      a million blank rows: within the expanded limit, stopped by the row count
  real-20000x20  a genuine 20,000-row, 20-column company workbook: accepted (guard time only)
Each line: the file's size as uploaded, its size expanded, the guard's verdict and its time (best of 3).
Target: every bomb refused in under 1 s.
"""

from __future__ import annotations

import io
import os
import sys
import time
import zipfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sks.settings")

import django  # noqa: E402  (after the settings module is chosen)

django.setup()

from openpyxl import Workbook  # noqa: E402

from participants.services.companies import company_import_limits  # noqa: E402
from sks.uploads import UploadRefusedError, upload_guard  # noqa: E402

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
TAIL = b"</sheetData></worksheet>"


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(sheet_xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook([["企業名"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for member in source.infolist():
            data = sheet_xml if member.filename.endswith("sheet1.xml") else source.read(member)
            target.writestr(member.filename, data)
    return out.getvalue()


def files() -> dict[str, bytes]:
    header = [f"列{i}" for i in range(20)]
    real = [header] + [[f"株式会社テスト{r}" if c % 2 else r * c for c in range(20)] for r in range(20_000)]
    return {
        "bomb-100MB": with_sheet(HEAD + b'<row r="1"><c><v>1</v></c></row>' + b" " * 100_000_000 + TAIL),
        "bomb-1GB": with_sheet(HEAD + b'<row r="1"><c><v>1</v></c></row>' + b" " * 1_000_000_000 + TAIL),
        "wide-20MB": with_sheet(HEAD + b'<row r="1">' + b"<c><v>1</v></c>" * 1_300_000 + b"</row>" + TAIL),
        "rows-20MB": with_sheet(HEAD + b"<row/>" * 3_300_000 + TAIL),
        "real-20000x20": workbook(real),
    }


def main() -> None:
    limits = company_import_limits()
    print(f"{'file':<15}{'uploaded':>10}{'expanded':>10}{'guard ms':>10}  verdict")
    for name, content in files().items():
        expanded = sum(m.file_size for m in zipfile.ZipFile(io.BytesIO(content)).infolist())
        best, verdict = float("inf"), ""
        for _ in range(3):
            started = time.perf_counter()
            try:
                upload_guard(content=content, filename=f"{name}.xlsx", limits=limits)
                verdict = "accepted"
            except UploadRefusedError as exc:
                verdict = "refused: " + exc.message.split("（")[0]
            best = min(best, time.perf_counter() - started)
        size, big = f"{len(content) / 1024:.0f} KB", f"{expanded / 1e6:.0f} MB"
        print(f"{name:<15}{size:>10}{big:>10}{best * 1000:>10.2f}  {verdict}")


if __name__ == "__main__":
    main()
