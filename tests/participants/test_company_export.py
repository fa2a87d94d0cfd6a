"""Export of client companies as CSV (UTF-8 with BOM) and .xlsx, safe against formula injection."""

from __future__ import annotations

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from participants.models import Industry
from participants.selectors import access_company_import
from participants.services import company_import_preview
from sks.export import escape_formula, unescape_formula
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    BranchFactory,
    CompanyFactory,
    OrganizationFactory,
    company_import_token,
    corporate_number,
    staff_user,
)
from tests.helpers import assert_isolated

pytestmark = pytest.mark.django_db

HEADERS = [
    "企業名",
    "企業名カナ",
    "法人番号",
    "取引先コード",
    "都道府県",
    "市区町村",
    "業種大分類",
    "業種中分類",
    "従業員数",
    "資本金",
    "創業年",
    "代表者名",
    "電話番号",
    "メールアドレス",
    "ウェブサイト",
    "担当支店",
    "社内メモ",
]
DANGEROUS = ['=HYPERLINK("http://evil.example")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    with arranging():
        bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
        return {
            "bank_a": bank_a,
            "bank_b": bank_b,
            "branch_a": BranchFactory(organization=bank_a, name="川崎支店"),
            "branch_a2": BranchFactory(organization=bank_a, name="藤沢支店"),
            "staff_a": staff_user(Role.BANK_STAFF, bank_a),
            "staff_b": staff_user(Role.BANK_STAFF, bank_b),
        }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def export(user, **params: object):
    return client_for(user).get(reverse("participants:company_export"), params)


def csv_rows(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def full_company(world, **overrides: object):
    fields = {
        "institution": world["bank_a"],
        "branch": world["branch_a"],
        "name": "株式会社川崎精密工業",
        "name_kana": "カワサキセイミツコウギョウ",
        "corporate_number": corporate_number(300000000001),
        "client_code": "C-001",
        "prefecture": "14",
        "city": "川崎市川崎区",
        "industry_major": Industry.objects.get(code="E"),
        "industry": Industry.objects.get(code="09"),
        "employees": 25,
        "capital": 10_000_000,
        "founded_year": 1985,
        "president_name": "佐藤 一郎",
        "phone": "044-000-0000",
        "email": "info@example.jp",
        "website": "https://example.jp/",
        "internal_notes": "設備更新を検討中。",
    }
    fields.update(overrides)
    return CompanyFactory(**fields)


# --- the escaping helper --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", DANGEROUS, ids=["equals", "plus", "minus", "at", "tab", "carriage-return"])
def test_escape_formula_prefixes_an_apostrophe(value):
    assert (escape_formula(value), unescape_formula(escape_formula(value))) == ("'" + value, value)


@pytest.mark.parametrize("value", ["株式会社", "044-000-0000", "", "'quoted", 25, None])
def test_escape_formula_leaves_other_values_alone(value):
    assert (escape_formula(value), unescape_formula(value)) == (value, value)


# --- CSV ------------------------------------------------------------------------------------------------


def test_company_export_csv_is_utf8_with_bom_and_every_column(world):
    company = full_company(world)

    response = export(world["staff_a"], format="csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''%E5%8F%96%E5%BC%95%E5%85%88")
    assert csv_rows(response) == [
        HEADERS,
        [
            "株式会社川崎精密工業",
            "カワサキセイミツコウギョウ",
            company.corporate_number,
            "C-001",
            "神奈川県",
            "川崎市川崎区",
            "製造業",
            "食料品製造業",
            "25",
            "10000000",
            "1985",
            "佐藤 一郎",
            "044-000-0000",
            "info@example.jp",
            "https://example.jp/",
            "川崎支店",
            "設備更新を検討中。",
        ],
    ]


@pytest.mark.parametrize("value", DANGEROUS, ids=["equals", "plus", "minus", "at", "tab", "carriage-return"])
def test_company_export_csv_escapes_formula_cells(world, value):
    full_company(world, name=value, city=value, internal_notes=value, president_name=value)

    row = csv_rows(export(world["staff_a"], format="csv"))[1]

    assert [row[HEADERS.index(c)] for c in ("企業名", "市区町村", "代表者名", "社内メモ")] == ["'" + value] * 4


def test_company_export_csv_applies_the_lists_filters(world):
    full_company(world, name="川崎の製造業", branch=world["branch_a"], client_code="A1", corporate_number="")
    full_company(world, name="藤沢の製造業", branch=world["branch_a2"], client_code="A2", corporate_number="")
    full_company(
        world,
        name="川崎の小売業",
        branch=world["branch_a"],
        client_code="A3",
        corporate_number="",
        industry_major=Industry.objects.get(code="I"),
        industry=None,
    )

    response = export(world["staff_a"], format="csv", branch=world["branch_a"].pk, industry="E", q="製造")

    assert [row[0] for row in csv_rows(response)[1:]] == ["川崎の製造業"]


def test_company_export_other_institution_exports_only_its_own(world):
    full_company(world, name="A行の秘密の取引先")
    full_company(world, institution=world["bank_b"], branch=None, name="B行の取引先")

    rows = csv_rows(export(world["staff_b"], format="csv"))

    assert [row[0] for row in rows] == ["企業名", "B行の取引先"]


def test_company_export_branch_of_other_institution_gets_404(world):
    full_company(world)
    url = reverse("participants:company_export") + f"?format=csv&branch={world['branch_a'].pk}"

    assert_isolated(url, owner=world["staff_a"], outsider=world["staff_b"])


@pytest.mark.parametrize("file_format", ["pdf", "json", ""])
def test_company_export_unknown_format_gets_404(world, file_format):
    assert export(world["staff_a"], format=file_format).status_code == 404


def test_company_export_is_audited_with_the_row_count(world):
    full_company(world)

    export(world["staff_a"], format="xlsx")

    entry = LogEntry.objects.get(additional_data__event="companies.exported")
    assert (entry.actor, entry.object_pk, entry.additional_data["rows"], entry.additional_data["format"]) == (
        world["staff_a"],
        str(world["bank_a"].pk),
        1,
        "xlsx",
    )


def test_company_export_queries_constant(world, django_assert_max_num_queries):
    full_company(world, client_code="X0", corporate_number="")
    export(world["staff_a"], format="csv")
    with django_assert_max_num_queries(40) as one_row:
        export(world["staff_a"], format="csv")
    for i in range(1, 10):
        full_company(world, name=f"企業{i}", client_code=f"X{i}", corporate_number="")

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = export(world["staff_a"], format="csv")
    assert len(csv_rows(response)) == 11


# --- Excel ------------------------------------------------------------------------------------------------


def test_company_export_xlsx_has_headers_numbers_and_text(world):
    company = full_company(world)

    response = export(world["staff_a"], format="xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADERS
    assert (rows[1][0], rows[1][2], rows[1][8], rows[1][9]) == (
        "株式会社川崎精密工業",
        company.corporate_number,
        25,
        10_000_000,
    )


@pytest.mark.parametrize("value", DANGEROUS, ids=["equals", "plus", "minus", "at", "tab", "carriage-return"])
def test_company_export_xlsx_escapes_formula_cells(world, value):
    full_company(world, name=value, internal_notes=value)

    response = export(world["staff_a"], format="xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [sheet.cell(row=2, column=HEADERS.index(c) + 1) for c in ("企業名", "社内メモ")]
    # XML turns a carriage return into a line feed when the file is read back; the apostrophe is what counts.
    assert [(cell.value, cell.data_type) for cell in cells] == [("'" + value.replace("\r", "\n"), "s")] * 2


# --- round trip -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_company_export_then_import_changes_nothing(world, file_format):
    full_company(world, phone="+81-44-000-0000", internal_notes="=注意：要確認")
    full_company(
        world,
        name="湘南ベーカリー",
        corporate_number=corporate_number(300000000002),
        client_code="C-002",
        industry=None,
    )
    content = export(world["staff_a"], format=file_format).content

    token = company_import_token(world["staff_a"], content, f"export.{file_format}")
    report = company_import_preview(
        by=world["staff_a"], pending=access_company_import(user=world["staff_a"], token=token)
    )

    assert [(row.kind, row.changed, row.messages) for row in report.rows] == [("update", [], []), ("update", [], [])]
