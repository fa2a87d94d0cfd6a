"""Bank staff import their client companies from a CSV: one bad row, fix it, import, see them listed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from participants.reference import load_reference_data
from sks.roles import Role
from tests.e2e.locators import label
from tests.e2e.session import screenshot, sign_in
from tests.factories import BranchFactory, OrganizationFactory, corporate_number, staff_user

pytestmark = pytest.mark.browser

HEADER = "企業名,企業名カナ,法人番号,取引先コード,都道府県,業種中分類,従業員数,担当支店\r\n"
CN_1, CN_2 = corporate_number(500000000001), corporate_number(500000000002)
GOOD_1 = f"株式会社川崎精密工業,カワサキセイミツコウギョウ,{CN_1},C-001,神奈川県,09,25,川崎支店\r\n"
GOOD_2 = f"湘南ベーカリー有限会社,ショウナンベーカリー,{CN_2},C-002,14,食料品製造業,8,川崎支店\r\n"
# The same row with a wrong check digit (the first digit of a 法人番号) and a negative head count.
WRONG_CHECK = str(int(CN_2[0]) % 9 + 1) + CN_2[1:]
BAD_2 = f"湘南ベーカリー有限会社,ショウナンベーカリー,{WRONG_CHECK},C-002,14,食料品製造業,-8,川崎支店\r\n"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bomb() -> bytes:
    """A real workbook whose worksheet is 100 MB of whitespace (99 KB as uploaded)."""
    from tests.test_uploads import SHEET_HEAD, SHEET_TAIL, with_sheet

    return with_sheet(SHEET_HEAD + b'<row r="1"><c><v>1</v></c></row>' + b" " * 100_000_000 + SHEET_TAIL)


def upload(page: Page, content: str) -> None:
    page.get_by_label(label("取り込むファイル")).set_input_files(
        files=[{"name": "取引先一覧.csv", "mimeType": "text/csv", "buffer": content.encode("cp932")}]
    )
    page.get_by_role("button", name="内容を確認する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("取込内容の確認")


def test_bank_staff_import_companies_fixing_a_bad_row(page: Page, live_server, settings, tmp_path, audit_page) -> None:
    settings.MEDIA_ROOT = tmp_path
    load_reference_data()  # the browser tests' database is flushed between tests
    bank = OrganizationFactory(name="さくら台信用金庫")
    BranchFactory(organization=bank, name="川崎支店")
    user = staff_user(Role.BANK_STAFF, bank)
    sign_in(page, live_server, user)

    page.goto("/companies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("取引先企業")
    page.get_by_role("link", name="ファイルから一括取込").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("企業の一括取込")

    # A workbook of 99 KB that would expand to 100 MB is refused at the field, before anything reads it.
    page.get_by_label(label("取り込むファイル")).set_input_files(
        files=[{"name": "取引先一覧.xlsx", "mimeType": XLSX, "buffer": xlsx_bomb()}]
    )
    page.get_by_role("button", name="内容を確認する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("企業の一括取込")
    expect(page.get_by_text("ファイルを展開すると大きすぎます（展開後の上限 50 MB）。")).to_be_visible()
    screenshot(page, "company-import-bomb-refused")
    audit_page()

    upload(page, HEADER + GOOD_1 + BAD_2)
    errors = page.get_by_role("table", name="エラーのある行")
    expect(errors.get_by_role("row")).to_have_count(2)
    expect(errors.get_by_role("rowheader")).to_have_text(["3行目"])
    expect(errors).to_contain_text("法人番号：法人番号の検査用数字（先頭の1桁）が合いません。")
    expect(errors).to_contain_text("従業員数：従業員数「-8」は0以上の整数で入力してください（例：25）。")
    expect(page.get_by_role("button", name="取り込む")).to_have_count(0)

    page.get_by_role("link", name="直したファイルをアップロードする").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("企業の一括取込")
    upload(page, HEADER + GOOD_1 + GOOD_2)
    expect(page.get_by_role("table", name="エラーのある行")).to_have_count(0)
    expect(page.get_by_text("新規 2件を登録し、0件を更新します。")).to_be_visible()
    page.get_by_role("button", name="取り込む").click()

    expect(page).to_have_url(re.compile(r"/companies/$"))
    expect(page.get_by_role("status").filter(has_text="取り込みました")).to_have_text(
        "取り込みました。新規登録 2件、更新 0件です。"
    )
    table = page.get_by_role("table", name="取引先企業の一覧")
    expect(table.get_by_role("link")).to_have_text(["株式会社川崎精密工業", "湘南ベーカリー有限会社"])
    expect(table).to_contain_text("食料品製造業")

    # The list's filter swaps the results in place (htmx) and keeps the address shareable.
    page.get_by_label(label("キーワード")).fill("しょうなん")
    page.get_by_role("button", name="絞り込む").click()
    expect(table.get_by_role("link")).to_have_text(["湘南ベーカリー有限会社"])
    expect(page).to_have_url(re.compile(r"/companies/\?q=%E3%81%97"))
    audit_page()
