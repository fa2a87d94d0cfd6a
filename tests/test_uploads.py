"""The upload guard (sks.uploads): every limit refused before parsing, with a Japanese message naming it;
a decompression bomb refused in well under a second; ordinary files untouched."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from participants.models import Company
from participants.services import companies as company_services
from sks.roles import Role
from sks.uploads import UploadLimits, UploadRefusedError, upload_guard
from tests.access import every
from tests.factories import OrganizationFactory, staff_user

LIMITS = UploadLimits(max_bytes=10 * 1024 * 1024, max_uncompressed_bytes=50 * 1024 * 1024, max_rows=5, max_columns=4)

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first worksheet is replaced by `sheet_xml` (compressed as hard as zip can)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["企業名"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for member in source.infolist():
            data = sheet_xml if member.filename == "xl/worksheets/sheet1.xml" else source.read(member)
            target.writestr(member.filename, data)
    return out.getvalue()


def refusal(content: bytes, filename: str = "file.xlsx", limits: UploadLimits = LIMITS) -> str:
    with pytest.raises(UploadRefusedError) as caught:
        upload_guard(content=content, filename=filename, limits=limits)
    return caught.value.message


def test_guard_accepts_a_workbook_within_every_limit():
    upload_guard(content=xlsx([["企業名", "法人番号"]] + [["株式会社A", "1"]] * 5), filename="a.xlsx", limits=LIMITS)


def test_guard_refuses_a_file_over_the_size_limit():
    limits = UploadLimits(max_bytes=2 * 1024 * 1024)

    assert refusal(b"a" * (2 * 1024 * 1024 + 1), "a.csv", limits) == (
        "ファイルが大きすぎます（上限 2 MB）。ファイルを分けてアップロードしてください。"
    )


def test_guard_refuses_a_zip_expanding_past_the_limit():
    limits = UploadLimits(max_bytes=10 * 1024 * 1024, max_uncompressed_bytes=1024 * 1024)

    assert refusal(with_sheet(SHEET_HEAD + b" " * (2 * 1024 * 1024) + SHEET_TAIL), limits=limits) == (
        "ファイルを展開すると大きすぎます（展開後の上限 1 MB）。"
        "不要なシートや書式を削除するか、ファイルを分けてアップロードしてください。"
    )


def test_guard_refuses_a_zip_of_too_many_members():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(201):
            archive.writestr(f"m{i}.xml", b"<a/>")

    assert refusal(out.getvalue()) == (
        "ファイルの中身が多すぎます（上限 200 個）。元のアプリケーションで保存し直してください。"
    )


def test_guard_refuses_a_worksheet_of_too_many_rows_even_blank_ones():
    rows = b"".join(b'<row r="%d"/>' % r for r in range(1, 8))  # header + 6 > 5 data rows

    assert refusal(with_sheet(SHEET_HEAD + rows + SHEET_TAIL)) == (
        "行数が多すぎます（上限 5 行）。ファイルを分けてアップロードしてください。"
    )


def test_guard_counts_rows_across_decompression_chunks():
    # 2 MiB of rows: the counter sees the worksheet in 1 MiB pieces, with tags cut at their edges.
    row = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    sheet = SHEET_HEAD + row * (2 * 1024 * 1024 // len(row)) + SHEET_TAIL
    count = sheet.count(b"<row ")
    exact = UploadLimits(max_bytes=10 * 1024 * 1024, max_rows=count - 1, max_columns=4)
    one_less = UploadLimits(max_bytes=10 * 1024 * 1024, max_rows=count - 2, max_columns=4)

    upload_guard(content=with_sheet(sheet), filename="a.xlsx", limits=exact)
    assert refusal(with_sheet(sheet), limits=one_less).startswith("行数が多すぎます")


def test_guard_refuses_a_row_of_too_many_cells():
    row = b'<row r="1">' + b"<c><v>1</v></c>" * 5 + b"</row>"

    assert refusal(with_sheet(SHEET_HEAD + row + SHEET_TAIL)) == (
        "列が多すぎます（上限 4 列）。不要な列を削除してからアップロードしてください。"
    )


def test_guard_refuses_csv_of_too_many_lines_or_columns():
    assert refusal(b"a\n" + b"x\n" * 6, "a.csv").startswith("行数が多すぎます（上限 5 行）")
    assert refusal(b"a,b,c,d,e\n1,2,3,4,5\n", "a.csv").startswith("列が多すぎます（上限 4 列）")
    upload_guard(content=b"a,b,c,d\n" + b"1,2,3,4\n" * 5, filename="a.csv", limits=LIMITS)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A real workbook whose worksheet is 100 MB of whitespace: under 100 KiB as uploaded."""
    return with_sheet(SHEET_HEAD + b'<row r="1"><c><v>1</v></c></row>' + b" " * 100_000_000 + SHEET_TAIL)


def test_guard_refuses_an_xlsx_bomb_under_100_kib_expanding_past_100_mb_in_under_a_second(bomb):
    expanded = sum(m.file_size for m in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    limits = company_services.company_import_limits()

    started = time.perf_counter()
    message = refusal(bomb, "bomb.xlsx", limits)
    elapsed = time.perf_counter() - started

    assert len(bomb) < 100 * 1024
    assert expanded >= 100 * 1000 * 1000
    assert message.startswith("ファイルを展開すると大きすぎます（展開後の上限 50 MB）")
    assert elapsed < 1.0


@pytest.mark.django_db
def test_company_import_page_refuses_the_bomb_at_the_file_field_and_saves_nothing(client, bomb):
    bank = OrganizationFactory()
    client.force_login(staff_user(Role.BANK_STAFF, bank))
    upload = io.BytesIO(bomb)
    upload.name = "取引先.xlsx"

    started = time.perf_counter()
    response = client.post(reverse("participants:company_import"), {"file": upload})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "ファイルを展開すると大きすぎます（展開後の上限 50 MB）。"
        "不要なシートや書式を削除するか、ファイルを分けてアップロードしてください。"
    ]
    assert every(Company).count() == 0
    assert elapsed < 5.0  # the whole request; the guard itself is measured above and in bench/uploads.py


def test_company_import_refuses_a_wide_sheet_within_the_expanded_limit_before_parsing(monkeypatch):
    # 20 MB of XML fits the expanded limit but is one row of a million cells: the column count stops it.
    sheet = SHEET_HEAD + b'<row r="1">' + b"<c><v>1</v></c>" * 1_300_000 + b"</row>" + SHEET_TAIL

    with pytest.raises(company_services.CompanyImportFileError) as caught:
        company_services.company_import_read(content=with_sheet(sheet), filename="wide.xlsx")

    assert caught.value.message == "列が多すぎます（上限 100 列）。不要な列を削除してからアップロードしてください。"
