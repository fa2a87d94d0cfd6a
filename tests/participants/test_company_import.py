"""Bulk import of client companies: upload, dry-run preview, confirmation (all rows or none)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from participants.models import Company
from participants.selectors import COMPANY_IMPORT_SALT, access_company_import, company_import_storage
from participants.services import (
    CompanyImportChangedError,
    CompanyImportFileError,
    CompanyImportGoneError,
    CompanyImportRowsError,
    company_import_commit,
    company_import_preview,
    company_import_read,
)
from participants.services import companies as company_services
from participants.signals import company_branches_changed
from sks.roles import Role
from tests.access import arranging, every
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

CN = [corporate_number(200000000000 + i) for i in range(10)]
HEADER = [
    "企業名",
    "企業名カナ",
    "法人番号",
    "取引先コード",
    "都道府県",
    "業種大分類",
    "業種中分類",
    "従業員数",
    "担当支店",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world():
    with arranging():
        bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
        return {
            "bank_a": bank_a,
            "bank_b": bank_b,
            "branch_a": BranchFactory(organization=bank_a, name="川崎支店", code="012"),
            "branch_b": BranchFactory(organization=bank_b, name="横浜支店", code="001"),
            "staff_a": staff_user(Role.BANK_STAFF, bank_a, name="融資 花子"),
            "admin_a": staff_user(Role.INSTITUTION_ADMIN, bank_a),
            "staff_b": staff_user(Role.BANK_STAFF, bank_b),
        }


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8", bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def good_rows() -> list[list[object]]:
    return [
        HEADER,
        ["株式会社川崎精密工業", "カワサキセイミツコウギョウ", CN[0], "C-001", "神奈川県", "E", "09", "25", "川崎支店"],
        ["湘南ベーカリー有限会社", "しょうなんべーかりー", CN[1], "C-002", "14", "製造業", "食料品製造業", "8", "012"],
    ]


def pending_for(user, content: bytes, filename: str = "companies.csv"):
    return access_company_import(user=user, token=company_import_token(user, content, filename))


def preview(user, rows: list[list[object]]):
    return company_import_preview(by=user, pending=pending_for(user, csv_bytes(rows)))


def errors_by_line(report) -> dict[int, list[str]]:
    return {row.line: row.messages for row in report.error_rows}


def read(content: bytes, filename: str = "companies.csv"):
    return company_import_read(content=content, filename=filename)


def refusal(content: bytes, filename: str = "companies.csv") -> str:
    with pytest.raises(CompanyImportFileError) as exc:
        read(content, filename)
    return exc.value.message


# --- reading the file -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "label"),
    [("utf-8", False, "UTF-8"), ("utf-8", True, "UTF-8（BOM付き）"), ("cp932", False, "Shift_JIS（CP932）")],
    ids=["utf-8", "utf-8-bom", "shift-jis"],
)
def test_company_import_read_detects_the_encoding(encoding, bom, label):
    content = csv_bytes([["企業名", "市区町村"], ["株式会社髙橋①製作所", "川崎市"]], encoding=encoding, bom=bom)

    parsed = read(content)

    assert (parsed.encoding, parsed.dataset.headers, list(parsed.dataset)) == (
        label,
        ["企業名", "市区町村"],
        [("株式会社髙橋①製作所", "川崎市")],
    )


def test_company_import_read_xlsx_with_numbers_in_cells():
    content = xlsx_bytes([["企業名", "法人番号", "従業員数"], ["株式会社エクセル", int(CN[0]), 25]])

    parsed = read(content, "会社一覧.xlsx")

    assert (parsed.file_format, parsed.dataset.headers, list(parsed.dataset)) == (
        "xlsx",
        ["企業名", "法人番号", "従業員数"],
        [("株式会社エクセル", int(CN[0]), 25)],
    )


def test_company_import_read_line_numbers_count_blank_lines_and_multiline_cells():
    content = '企業名,社内メモ\r\n一社目,\r\n\r\n二社目,"1行目\r\n2行目"\r\n三社目,\r\n'.encode()

    parsed = read(content)

    assert (parsed.line_numbers, [row[0] for row in parsed.dataset]) == ([2, 4, 6], ["一社目", "二社目", "三社目"])


def test_company_import_read_xlsx_line_numbers_are_sheet_rows():
    content = xlsx_bytes([["企業名"], ["一社目"], [None], ["二社目"]])

    assert read(content, "a.xlsx").line_numbers == [2, 4]


def test_company_import_read_tab_separated_text():
    parsed = read("企業名\t市区町村\r\n株式会社タブ\t藤沢市\r\n".encode(), "companies.txt")

    assert list(parsed.dataset) == [("株式会社タブ", "藤沢市")]


def test_company_import_read_accepts_form_labels_and_lists_unknown_columns():
    parsed = read(
        csv_bytes([["企業名", "企業名（カナ）", "資本金（円）", "備考"], ["株式会社別名", "ベツメイ", "100", "x"]])
    )

    assert (parsed.dataset.headers, parsed.ignored_columns) == (["企業名", "企業名カナ", "資本金"], ["備考"])


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "companies.csv", "ファイルが空です。"),
        ("企業名,法人番号\r\n".encode(), "companies.csv", "見出しの行のほかに、企業のデータの行がありません。"),
        (
            "会社コード,所在地\r\nA1,川崎市\r\n".encode(),
            "companies.csv",
            "必須の列「企業名」がありません。1行目に列名を書いてください（例：企業名,法人番号,取引先コード）。",
        ),
        (
            "企業名,登録金融機関\r\n株式会社越境,B銀行\r\n".encode(),
            "companies.csv",
            "「登録金融機関」の列は取り込めません。登録先の金融機関は、ログインしている職員の金融機関に決まります。"
            "この列を削除してから、もう一度アップロードしてください。",
        ),
        (
            "企業名,企業名\r\nA,B\r\n".encode(),
            "companies.csv",
            "1行目に「企業名」の列が2つ以上あります。列名が重ならないようにしてください。",
        ),
        (
            "\ufeff企業名\r\nA\r\n".encode("utf-16"),
            "companies.csv",
            "UTF-16 のテキスト（Excel の「Unicode テキスト」）は読み込めません。"
            "Excel で「CSV UTF-8（コンマ区切り）」か「CSV（コンマ区切り）」で保存し直してください。",
        ),
        (
            b"\x8a\xe9\x8b\xc6\x96\xbc\r\n\x81\x7f\xff\r\n",
            "companies.csv",
            "ファイルの文字コードを判別できませんでした。UTF-8 か Shift_JIS で保存した CSV ファイルを"
            "アップロードしてください（Excel では「CSV UTF-8」か「CSV」で保存します）。",
        ),
        (b"%PDF-1.7 ...", "companies.pdf", "CSV（.csv）か Excel（.xlsx）のファイルを選んでください。"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "companies.xls",
            "古い Excel 形式（.xls）やパスワード付きのファイルは読み込めません。.xlsx か CSV で保存し直してください。",
        ),
        (
            "企業名\r\nA\r\n".encode(),
            "companies.xlsx",
            "Excel（.xlsx）ファイルとして開けません。ファイルの種類を確かめてください。",
        ),
        (
            b"PK\x03\x04 not really a workbook",
            "companies.xlsx",
            "Excel ファイルを開けませんでした。ファイルが壊れていないか、.xlsx 形式かを確かめてください。",
        ),
        (
            "企業名\r\nA\x00B\r\n".encode(),
            "companies.csv",
            "CSV ファイルとして読めません。CSV か Excel（.xlsx）のファイルを選んでください。",
        ),
    ],
    ids=[
        "empty",
        "header-only",
        "missing-required-column",
        "institution-column",
        "duplicate-column",
        "utf-16",
        "undecodable",
        "wrong-type",
        "old-excel",
        "xlsx-that-is-not",
        "broken-xlsx",
        "binary-in-csv",
    ],
)
def test_company_import_read_refuses_unusable_files_with_the_reason(content, filename, message):
    assert refusal(content, filename) == message


def test_company_import_read_refuses_too_large_file(monkeypatch):
    monkeypatch.setattr(company_services, "COMPANY_IMPORT_MAX_BYTES", 100)

    assert refusal(csv_bytes([["企業名"]] + [["株式会社大きい"]] * 10)) == (
        "ファイルが大きすぎます（上限 0 MB）。ファイルを分けてアップロードしてください。"
    )


def test_company_import_read_refuses_too_many_rows(monkeypatch):
    monkeypatch.setattr(company_services, "COMPANY_IMPORT_MAX_ROWS", 3)

    assert refusal(csv_bytes([["企業名"]] + [[f"株式会社{i}"] for i in range(4)])) == (
        "行数が多すぎます（上限 3 行）。ファイルを分けてアップロードしてください。"
    )


def test_company_import_read_exactly_the_row_limit_is_accepted(monkeypatch):
    monkeypatch.setattr(company_services, "COMPANY_IMPORT_MAX_ROWS", 3)

    assert len(read(csv_bytes([["企業名"]] + [[f"株式会社{i}"] for i in range(3)])).dataset) == 3


# --- preview (dry run) -------------------------------------------------------------------------------------


def test_company_import_preview_lists_new_and_updated_rows_and_saves_nothing(world):
    existing = CompanyFactory(institution=world["bank_a"], name="旧社名", corporate_number=CN[1], employees=3)

    report = preview(world["staff_a"], good_rows())

    assert [(r.line, r.kind, r.name, r.company_id, r.changed) for r in report.rows] == [
        (2, "new", "株式会社川崎精密工業", None, []),
        (
            3,
            "update",
            "湘南ベーカリー有限会社",
            existing.pk,
            ["企業名", "企業名カナ", "取引先コード", "都道府県", "業種大分類", "業種中分類", "従業員数", "担当支店"],
        ),
    ]
    assert (report.new, report.updated, report.has_errors) == (1, 1, False)
    existing.refresh_from_db()
    assert (every(Company).count(), existing.name, existing.employees) == (1, "旧社名", 3)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "法人番号",
            str(int(CN[0][0]) % 9 + 1) + CN[0][1:],
            "法人番号：法人番号の検査用数字（先頭の1桁）が合いません。番号をご確認ください。",
        ),
        (
            "法人番号",
            "1.23457E+12",
            "法人番号：法人番号が「1.23E+12」のような指数表記になっています。Excel で列の書式を「文字列」にしてから"
            "13桁の番号を入れ直し、保存してください。",
        ),
        ("企業名カナ", "川崎セイミツ", "企業名カナ：全角カタカナで入力してください（例：ヤマダ タロウ）。"),
        ("企業名", "", "企業名：企業名が空欄です。"),
        (
            "創業年",
            "1700",
            f"創業年：1700年はありえない年です。西暦4桁（1868〜{timezone.localdate().year}）で入力してください。",
        ),
        ("創業年", "むかし", "創業年：創業年「むかし」は西暦（1985）か和暦（昭和60年）で入力してください。"),
        ("従業員数", "-5", "従業員数：従業員数「-5」は0以上の整数で入力してください（例：25）。"),
        (
            "資本金",
            "たくさん",
            "資本金：資本金「たくさん」は0以上の金額（円）で入力してください（例：10,000,000 または 1000万円）。",
        ),
        (
            "都道府県",
            "ハワイ",
            "都道府県：都道府県「ハワイ」が分かりません。「神奈川県」のような名前か、2桁のコード（14）で入力してください。",
        ),
        (
            "業種大分類",
            "宇宙業",
            "業種大分類：業種大分類「宇宙業」が日本標準産業分類にありません。「E」か「製造業」のように入力してください。",
        ),
        (
            "担当支店",
            "横浜支店",
            "担当支店：担当支店「横浜支店」は自機関の支店に見つかりません。支店名か店番で入力してください。",
        ),
        ("電話番号", "でんわ", "電話番号：電話番号は数字とハイフンで入力してください。"),
        ("メールアドレス", "info@", "メールアドレス：有効なメールアドレスを入力してください。"),
    ],
    ids=[
        "check-digit",
        "exponent",
        "kana-with-kanji",
        "name-missing",
        "impossible-year",
        "not-a-year",
        "negative-employees",
        "capital-not-a-number",
        "unknown-prefecture",
        "unknown-industry",
        "other-institutions-branch",
        "phone",
        "email",
    ],
)
def test_company_import_preview_bad_cell_reported_with_line_and_message(world, column, value, message):
    columns = ["企業名", "市区町村"] + ([column] if column not in ("企業名", "市区町村") else [])
    good = {"企業名": "株式会社正常"}
    bad = {"企業名": "株式会社問題", "市区町村": "川崎市", column: value}
    rows = [columns, [good.get(c, "") for c in columns], [bad.get(c, "") for c in columns]]

    report = preview(world["staff_a"], rows)

    assert errors_by_line(report) == {3: [message]}
    assert [r.kind for r in report.rows] == ["new", "error"]


def test_company_import_preview_every_bad_cell_of_a_row_is_reported(world):
    rows = [["企業名", "法人番号", "従業員数"], ["株式会社二重苦", "123", "-1"]]

    report = preview(world["staff_a"], rows)

    assert errors_by_line(report) == {
        2: [
            "法人番号：法人番号は13桁の半角数字で入力してください。",
            "従業員数：従業員数「-1」は0以上の整数で入力してください（例：25）。",
        ]
    }


def test_company_import_preview_industry_middle_outside_major_reported(world):
    report = preview(world["staff_a"], [["企業名", "業種大分類", "業種中分類"], ["株式会社食品", "I", "09"]])

    assert errors_by_line(report) == {
        2: ["業種中分類：「食料品製造業」は大分類「卸売業，小売業」に含まれません（「製造業」の中分類です）。"]
    }


def test_company_import_commit_industry_middle_alone_fills_the_major(world):
    commit(world["staff_a"], [["企業名", "業種中分類"], ["株式会社食品", "9"]])

    assert every(Company).values_list("industry_major__code", "industry__code").get() == ("E", "09")


def test_company_import_preview_duplicates_within_the_file_reported_on_the_later_line(world):
    rows = [
        ["企業名", "法人番号", "取引先コード", "都道府県"],
        ["一社目", CN[0], "K1", "東京都"],
        ["二社目", CN[0], "K2", "東京都"],
        ["三社目", "", "K1", "東京都"],
        ["一社目", "", "", "東京"],
    ]

    report = preview(world["staff_a"], rows)

    assert errors_by_line(report) == {
        3: [f"法人番号：法人番号「{CN[0]}」は2行目と同じです。1つの企業は1行にまとめてください。"],
        4: ["取引先コード：取引先コード「K1」は2行目と同じです。1つの企業は1行にまとめてください。"],
        5: ["企業名：企業名「一社目」（東京都）は2行目と同じです。"],
    }


def test_company_import_preview_same_name_and_prefecture_as_existing_without_keys_reported(world):
    CompanyFactory(institution=world["bank_a"], name="株式会社既存", prefecture="14")

    report = preview(world["staff_a"], [["企業名", "都道府県"], ["株式会社既存", "神奈川県"]])

    assert errors_by_line(report) == {
        2: [
            "企業名：同じ企業名・都道府県の企業「株式会社既存」（神奈川県）がすでに登録されています。"
            "その企業を更新するには、登録済みの法人番号か取引先コードを入れてください。"
        ]
    }


def test_company_import_preview_keys_of_two_different_companies_reported(world):
    CompanyFactory(institution=world["bank_a"], name="甲社", corporate_number=CN[0], client_code="K1")
    CompanyFactory(institution=world["bank_a"], name="乙社", corporate_number=CN[1], client_code="K2")

    report = preview(world["staff_a"], [["企業名", "法人番号", "取引先コード"], ["甲社", CN[0], "K2"]])

    assert errors_by_line(report) == {
        2: [
            f"取引先コード：取引先コード「K2」は登録済みの別の企業「乙社」のものです。法人番号「{CN[0]}」の企業は「甲社」です。"
        ]
    }


def test_company_import_preview_updates_by_client_code_when_no_corporate_number(world):
    existing = CompanyFactory(institution=world["bank_a"], name="個人商店", client_code="K9", corporate_number="")

    report = preview(world["staff_a"], [["企業名", "取引先コード", "従業員数"], ["個人商店", "K9", "4"]])

    assert [(r.kind, r.company_id, r.changed) for r in report.rows] == [("update", existing.pk, ["従業員数"])]


def test_company_import_preview_other_institutions_company_is_never_matched(world):
    CompanyFactory(institution=world["bank_b"], name="B行の取引先", corporate_number=CN[0], client_code="C-001")

    report = preview(world["staff_a"], good_rows())

    assert [(r.kind, r.company_id) for r in report.rows] == [("new", None), ("new", None)]


def test_company_import_preview_formula_escaped_cells_are_read_back(world):
    rows = [["企業名", "電話番号", "社内メモ"], ["株式会社国際", "'+81-44-000-0000", "'=要確認"]]

    report = preview(world["staff_a"], rows)

    assert [(r.kind, r.messages) for r in report.rows] == [("new", [])]


# --- confirmation -------------------------------------------------------------------------------------------


def commit(user, rows: list[list[object]] | bytes, filename: str = "companies.csv"):
    content = rows if isinstance(rows, bytes) else csv_bytes(rows)
    pending = pending_for(user, content, filename)
    digest = company_import_preview(by=user, pending=pending).digest
    return company_import_commit(by=user, pending=pending, expected_digest=digest), pending


def test_company_import_commit_saves_every_row_for_the_users_institution(world):
    existing = CompanyFactory(institution=world["bank_a"], name="旧社名", corporate_number=CN[1], employees=3)

    report, _pending = commit(world["staff_a"], good_rows())

    assert (report.new, report.updated) == (1, 1)
    fields = ["institution__name", "name", "name_kana", "client_code", "prefecture", "industry__code", "employees"]
    assert list(every(Company).order_by("name").values_list(*fields, "branch__name", "created_by")) == [
        (
            "A信用金庫",
            "株式会社川崎精密工業",
            "カワサキセイミツコウギョウ",
            "C-001",
            "14",
            "09",
            25,
            "川崎支店",
            world["staff_a"].pk,
        ),
        ("A信用金庫", "湘南ベーカリー有限会社", "ショウナンベーカリー", "C-002", "14", "09", 8, "川崎支店", None),
    ]
    existing.refresh_from_db()
    assert existing.updated_at > existing.created_at


def test_company_import_commit_announces_the_companies_whose_branch_changed(world):
    # What copies a company's branch (the statistics' stored summary) hears of the import's moves only.
    moved = CompanyFactory(institution=world["bank_a"], name="株式会社川崎精密工業", corporate_number=CN[0])
    CompanyFactory(
        institution=world["bank_a"], name="湘南ベーカリー有限会社", corporate_number=CN[1], branch=world["branch_a"]
    )
    sent: list[list[int]] = []

    def receiver(*, company_ids, **_kwargs):
        sent.append(sorted(company_ids))

    company_branches_changed.connect(receiver)
    try:
        report, _pending = commit(world["staff_a"], good_rows())
    finally:
        company_branches_changed.disconnect(receiver)

    assert report.updated == 2
    assert sent == [[moved.pk]]


def test_company_import_commit_from_xlsx(world):
    content = xlsx_bytes(
        [["企業名", "法人番号", "都道府県", "業種中分類", "従業員数"], ["株式会社表計算", int(CN[2]), 14, 9, 30]]
    )

    commit(world["staff_a"], content, "一覧.xlsx")

    assert every(Company).values_list(
        "name", "corporate_number", "prefecture", "industry__code", "employees"
    ).get() == (
        "株式会社表計算",
        CN[2],
        "14",
        "09",
        30,
    )


def test_company_import_commit_unescapes_formula_escaped_cells(world):
    commit(world["staff_a"], [["企業名", "電話番号", "社内メモ"], ["株式会社国際", "'+81-44-000-0000", "'=要確認"]])

    assert every(Company).values_list("phone", "internal_notes").get() == ("+81-44-000-0000", "=要確認")


def test_company_import_commit_from_shift_jis_csv(world):
    commit(world["staff_a"], csv_bytes([["企業名", "市区町村"], ["株式会社髙島屋商店", "横浜市"]], encoding="cp932"))

    assert every(Company).values_list("name", "city").get() == ("株式会社髙島屋商店", "横浜市")


def test_company_import_commit_is_audited_per_company_with_the_actor(world):
    existing = CompanyFactory(institution=world["bank_a"], name="旧社名", corporate_number=CN[1])

    commit(world["staff_a"], good_rows())

    created = every(Company).get(corporate_number=CN[0])
    entries = LogEntry.objects.filter(additional_data__event="company.imported").order_by("object_id")
    assert sorted((e.object_id, e.action, e.actor_id) for e in entries) == sorted(
        [
            (created.pk, LogEntry.Action.CREATE, world["staff_a"].pk),
            (existing.pk, LogEntry.Action.UPDATE, world["staff_a"].pk),
        ]
    )
    assert LogEntry.objects.get(object_id=existing.pk, additional_data__event="company.imported").changes_dict[
        "name"
    ] == [
        "旧社名",
        "湘南ベーカリー有限会社",
    ]


def test_company_import_commit_with_any_bad_row_saves_nothing(world):
    rows = [*good_rows(), ["株式会社不正", "", "123", "", "", "", "", "", ""]]
    pending = pending_for(world["staff_a"], csv_bytes(rows))

    with pytest.raises(CompanyImportRowsError) as exc:
        company_import_commit(by=world["staff_a"], pending=pending, expected_digest="anything")

    assert (every(Company).count(), errors_by_line(exc.value.report)) == (
        0,
        {4: ["法人番号：法人番号は13桁の半角数字で入力してください。"]},
    )


def test_company_import_commit_refused_when_companies_changed_since_the_preview(world):
    pending = pending_for(world["staff_a"], csv_bytes(good_rows()))
    digest = company_import_preview(by=world["staff_a"], pending=pending).digest
    CompanyFactory(institution=world["bank_a"], name="同僚が先に登録", corporate_number=CN[0])

    with pytest.raises(CompanyImportChangedError):
        company_import_commit(by=world["staff_a"], pending=pending, expected_digest=digest)

    assert list(every(Company).values_list("name", flat=True)) == ["同僚が先に登録"]


def test_company_import_commit_removes_the_upload_and_cannot_run_twice(
    world, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report, pending = commit(world["staff_a"], good_rows())

    assert list((media / "django-import-export" / "companies").iterdir()) == []
    with pytest.raises(CompanyImportGoneError):
        company_import_commit(by=world["staff_a"], pending=pending, expected_digest=report.digest)
    assert every(Company).count() == 2


def test_company_import_reimport_of_the_same_file_changes_nothing(world):
    commit(world["staff_a"], good_rows())

    report, _pending = commit(world["staff_a"], good_rows())

    assert [(r.kind, r.changed) for r in report.rows] == [("update", []), ("update", [])]
    assert every(Company).count() == 2


# --- pages --------------------------------------------------------------------------------------------------


def upload(client: Client, content: bytes, filename: str = "companies.csv"):
    return client.post(reverse("participants:company_import"), {"file": SimpleUploadedFile(filename, content)})


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_company_import_page_upload_redirects_to_the_preview(world):
    client = client_for(world["staff_a"])

    response = upload(client, csv_bytes(good_rows()))

    assert response.status_code == 302
    preview_page = client.get(response["Location"])
    body = preview_page.content.decode()
    assert (preview_page.status_code, preview_page.context["report"].new, 'name="digest"' in body) == (200, 2, True)
    assert every(Company).count() == 0


def test_company_import_page_refused_file_shows_the_reason_beside_the_field(world, media):
    response = upload(client_for(world["staff_a"]), "会社名だけ\r\nA\r\n".encode())

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "必須の列「企業名」がありません。1行目に列名を書いてください（例：企業名,法人番号,取引先コード）。"
    ]
    assert not (media / "django-import-export").exists()


def test_company_import_page_bad_rows_listed_with_line_numbers_and_no_confirm_button(world):
    client = client_for(world["staff_a"])
    rows = [*good_rows(), ["株式会社不正", "", "123", "", "", "", "", "", ""]]

    response = client.get(upload(client, csv_bytes(rows))["Location"])

    body = response.content.decode()
    assert "4行目" in body
    assert "法人番号：法人番号は13桁の半角数字で入力してください。" in body
    assert ('name="digest"' in body, "取り込めない行があります。1件も保存していません。" in body) == (False, True)


def test_company_import_page_confirm_saves_and_returns_to_the_list(world):
    client = client_for(world["staff_a"])
    url = upload(client, csv_bytes(good_rows()))["Location"]
    digest = client.get(url).context["report"].digest

    response = client.post(url, {"digest": digest}, follow=True)

    assert response.redirect_chain == [(reverse("participants:company_list"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["取り込みました。新規登録 2件、更新 0件です。"]
    assert sorted(every(Company).values_list("name", flat=True)) == ["株式会社川崎精密工業", "湘南ベーカリー有限会社"]


def test_company_import_page_audit_entries_carry_the_actor_and_ip_address(world):
    client = client_for(world["staff_a"])
    url = upload(client, csv_bytes(good_rows()))["Location"]
    digest = client.get(url).context["report"].digest

    client.post(url, {"digest": digest}, REMOTE_ADDR="203.0.113.5")

    entries = LogEntry.objects.filter(additional_data__event="company.imported")
    assert sorted((e.actor_id, e.remote_addr) for e in entries) == [(world["staff_a"].pk, "203.0.113.5")] * 2


def test_company_import_page_confirm_with_bad_rows_saves_nothing(world):
    client = client_for(world["staff_a"])
    url = upload(client, csv_bytes([*good_rows(), ["株式会社不正", "", "123"]]))["Location"]

    response = client.post(url, {"digest": "forged"})

    assert (response.status_code, every(Company).count()) == (200, 0)
    assert response.context["failure"] == (
        "取り込めない行があるため、1件も保存していません。ファイルを直してからアップロードし直してください。"
    )


def test_company_import_page_confirm_after_a_change_goes_back_to_the_preview(world):
    client = client_for(world["staff_a"])
    url = upload(client, csv_bytes(good_rows()))["Location"]
    digest = client.get(url).context["report"].digest
    CompanyFactory(institution=world["bank_a"], name="同僚が先に登録", corporate_number=CN[0])

    response = client.post(url, {"digest": digest}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "確認した後に登録内容が変わったため、取り込みを中止しました。もう一度内容を確認してください。"
    ]
    assert every(Company).count() == 1


def test_company_import_page_other_institution_cannot_touch_our_companies(world):
    ours = CompanyFactory(institution=world["bank_a"], name="A行の取引先", corporate_number=CN[0], client_code="C-001")
    client = client_for(world["staff_b"])
    url = upload(client, csv_bytes([["企業名", "法人番号", "取引先コード"], ["乗っ取り株式会社", CN[0], "C-001"]]))[
        "Location"
    ]
    report = client.get(url).context["report"]

    client.post(url, {"digest": report.digest})

    ours.refresh_from_db()
    assert [(r.kind, r.company_id) for r in report.rows] == [("new", None)]
    assert (ours.name, every(Company).get(institution=world["bank_b"]).name) == ("A行の取引先", "乗っ取り株式会社")


def test_company_import_confirm_other_institution_gets_404(world):
    url = reverse("participants:company_import_confirm", args=[company_import_token(world["staff_a"])])

    assert_isolated(url, owner=world["staff_a"], outsider=world["staff_b"])
    assert_isolated(url, owner=world["staff_a"], outsider=world["staff_b"], method="post")
    assert every(Company).filter(institution=world["bank_b"]).count() == 0


def test_company_import_confirm_a_colleague_of_the_same_institution_gets_404(world):
    url = reverse("participants:company_import_confirm", args=[company_import_token(world["staff_a"])])

    response = client_for(world["admin_a"]).post(url)

    assert (response.status_code, every(Company).count()) == (404, 0)


def test_company_import_confirm_user_who_left_the_institution_gets_404(world):
    user = world["staff_a"]
    url = reverse("participants:company_import_confirm", args=[company_import_token(user)])
    user.memberships.update(is_active=False)
    user.memberships.model.objects.create(user=user, organization=world["bank_b"], role=Role.BANK_STAFF)

    assert client_for(user).get(url).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"s": "x", "u": 1, "i": 1, "f": "a.csv", "h": "0"}, salt="another-salt"),
    ],
    ids=["garbage", "wrong-salt"],
)
def test_company_import_confirm_forged_token_gets_404(world, token):
    response = client_for(world["staff_a"]).get(reverse("participants:company_import_confirm", args=[token]))

    assert response.status_code == 404


def test_company_import_confirm_token_naming_someone_else_gets_404(world):
    forged = signing.dumps(
        {"s": "x", "u": world["staff_b"].pk, "i": world["bank_a"].pk, "f": "a.csv", "h": "0"}, salt=COMPANY_IMPORT_SALT
    )

    assert (
        client_for(world["staff_a"]).get(reverse("participants:company_import_confirm", args=[forged])).status_code
        == 404
    )


def test_company_import_confirm_after_an_hour_asks_for_a_new_upload(world):
    client = client_for(world["staff_a"])
    url = upload(client, csv_bytes(good_rows()))["Location"]

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.post(url, {"digest": "x"}, follow=True)

    assert response.redirect_chain == [(reverse("participants:company_import"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "確認の期限（60分）が過ぎました。もう一度ファイルをアップロードしてください。"
    ]
    assert every(Company).count() == 0


def test_company_import_stale_uploads_are_swept(world, media):
    company_import_token(world["staff_a"])
    folder = media / "django-import-export" / "companies"
    (stale,) = folder.iterdir()

    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        company_import_token(world["staff_a"])

    assert (stale.exists(), len(list(folder.iterdir()))) == (False, 1)


def test_company_import_storage_is_not_under_a_served_url(world):
    token = company_import_token(world["staff_a"])
    pending = access_company_import(user=world["staff_a"], token=token)

    response = client_for(world["staff_a"]).get(f"/media/django-import-export/companies/{pending.storage_name}")

    assert (response.status_code, company_import_storage(pending.storage_name).read()) == (
        404,
        "企業名\n株式会社取込テスト\n".encode(),
    )
