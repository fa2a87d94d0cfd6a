"""Printed timetable sheets: PDF text (pypdf), page sizes, who may print what, and the .xlsx workbook."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from matching.selectors.printing import access_timetable_for_print, table_numbers, timetable_print_data
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    CompanyFactory,
    OrganizationFactory,
    approved_hearing,
    enrol_company,
    make_event,
    make_timetable,
    senior_user,
    staff_user,
)

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def compact(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def setup():
    with arranging():
        bank_a, bank_b = OrganizationFactory(name="あおば信用金庫"), OrganizationFactory(name="みどり銀行")
        coord = staff_user(Role.COORDINATOR)
        event = make_event(
            coordinator_org=coord.active_memberships[0].organization,
            hosts=[bank_a, bank_b],
            status="published",
            title="第3回新現役交流会",
            venue="横浜産業会館",
            date=dt.date(2027, 3, 5),
            start_time=dt.time(13, 0),
            slot_minutes=30,
            rounds=3,
            break_after=[],
            break_minutes=0,
        )
        staff_a = staff_user(Role.BANK_STAFF, bank_a, name="佐藤花子")
        staff_b = staff_user(Role.BANK_STAFF, bank_b, name="鈴木一郎")
        enrol_a = enrol_company(
            event, company=CompanyFactory(institution=bank_a, name="株式会社山田製作所"), staff=staff_a
        )
        enrol_b = enrol_company(
            event, company=CompanyFactory(institution=bank_b, name="川崎精工株式会社"), staff=staff_b
        )
        approved_hearing(enrol_a, title="新規販路の開拓")
        approved_hearing(enrol_b, title="事業承継の準備", show_name=True)
        senior_1 = senior_user(name="高橋健一", name_kana="タカハシケンイチ").senior_profile
        senior_2 = senior_user(name="=HYPERLINK(1)", name_kana="ン").senior_profile
        timetable = make_timetable(
            event,
            meetings=[
                (enrol_a, senior_1, 0, "mutual"),
                (enrol_b, senior_1, 1, "senior"),
                (enrol_a, senior_2, 2, "company"),
            ],
            status="published",
        )
        return {
            "coord": coord,
            "event": event,
            "staff_a": staff_a,
            "staff_b": staff_b,
            "enrol_a": enrol_a,
            "enrol_b": enrol_b,
            "senior_1": senior_1,
            "senior_2": senior_2,
            "timetable": timetable,
        }


def get(client, user, name, timetable):
    client.force_login(user)
    return client.get(reverse(f"matching:{name}", args=[timetable.pk]))


def test_table_numbers_follow_enrolment_order(setup):
    assert table_numbers(event=setup["event"]) == {setup["enrol_a"].pk: 1, setup["enrol_b"].pk: 2}


def test_print_data_constant_queries(setup, django_assert_num_queries):
    timetable = setup["timetable"]
    with django_assert_num_queries(5):
        data = timetable_print_data(timetable=timetable)
    event = setup["event"]
    for i in range(8):
        extra = enrol_company(event, institution=event.hosts.order_by("pk").first())
        senior = senior_user(name=f"新現役{i}").senior_profile
        timetable.meetings.create(enrolment=extra, senior=senior, slot=i % 3, kind="mutual")
    with django_assert_num_queries(5):
        data = timetable_print_data(timetable=timetable)
    assert len(data.tables) == 10


def test_grid_pdf_is_a3_landscape_with_names_and_times(client, setup):
    response = get(client, setup["coord"], "print_grid", setup["timetable"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E5%85%A8%E4%BD%93%E8%A1%A8" in response["Content-Disposition"]  # 全体表
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (1191, 842)
    text = compact(pdf_text(response))
    for expected in ("第3回新現役交流会", "2027年3月5日", "横浜産業会館", "株式会社山田製作所", "川崎精工株式会社"):
        assert expected in text
    for expected in ("あおば信用金庫", "佐藤花子", "鈴木一郎", "高橋健一", "13:00", "13:30", "14:00"):
        assert expected in text


def test_tables_pdf_one_a4_page_per_table(client, setup):
    response = get(client, setup["coord"], "print_tables", setup["timetable"])

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (595, 842)
    first, second = (compact(p.extract_text()) for p in reader.pages)
    assert "株式会社山田製作所" in first and "高橋健一" in first and "13:00" in first
    assert "川崎精工株式会社" in second and "高橋健一" in second and "13:30" in second


def test_senior_itinerary_shows_label_not_undisclosed_name(client, setup):
    response = get(client, setup["coord"], "print_seniors", setup["timetable"])

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    page = compact(reader.pages[0].extract_text())  # タカハシ sorts before ン
    assert "高橋健一" in page
    assert "A社" in page and "新規販路の開拓" in page
    assert "株式会社山田製作所" not in page
    assert "川崎精工株式会社" in page  # its name disclosure was agreed and chosen
    assert "事業承継の準備" in page and "13:00" in page and "13:30" in page


def test_staff_pdf_shows_route(client, setup):
    response = get(client, setup["coord"], "print_staff", setup["timetable"])

    text = compact(pdf_text(response))
    for expected in ("佐藤花子", "鈴木一郎", "株式会社山田製作所", "高橋健一", "14:00"):
        assert expected in text


def test_draft_is_labelled(client, setup):
    draft = make_timetable(setup["event"], meetings=[(setup["enrol_a"], setup["senior_1"], 0, "mutual")])

    text = compact(pdf_text(get(client, setup["coord"], "print_grid", draft)))

    assert "下書き" in text


def test_published_is_not_labelled_draft(client, setup):
    text = compact(pdf_text(get(client, setup["coord"], "print_grid", setup["timetable"])))

    assert "下書き" not in text


def test_staff_of_bank_a_sees_only_own_tables(client, setup):
    text = compact(pdf_text(get(client, setup["staff_a"], "print_tables", setup["timetable"])))

    assert "株式会社山田製作所" in text
    assert "川崎精工株式会社" not in text


def test_staff_of_bank_b_sees_no_bank_a_table(client, setup):
    tables = compact(pdf_text(get(client, setup["staff_b"], "print_tables", setup["timetable"])))
    staff = compact(pdf_text(get(client, setup["staff_b"], "print_staff", setup["timetable"])))

    for text in (tables, staff):
        assert "川崎精工株式会社" in text
        assert "株式会社山田製作所" not in text
        assert "佐藤花子" not in text


@pytest.mark.parametrize("name", ["print_grid", "print_seniors"])
def test_coordinator_only_sheets_404_for_staff(client, setup, name):
    assert get(client, setup["staff_a"], name, setup["timetable"]).status_code == 404


@pytest.mark.parametrize("name", ["print_grid", "print_tables", "print_seniors", "print_staff", "print_xlsx"])
def test_other_coordinator_gets_404(client, setup, name):
    other = staff_user(Role.COORDINATOR)

    assert get(client, other, name, setup["timetable"]).status_code == 404


@pytest.mark.parametrize("name", ["print_tables", "print_staff", "print_xlsx"])
def test_staff_of_non_host_gets_404(client, setup, name):
    outsider = staff_user(Role.BANK_STAFF, OrganizationFactory(name="よそ銀行"))

    assert get(client, outsider, name, setup["timetable"]).status_code == 404


def test_staff_cannot_print_draft(client, setup):
    draft = make_timetable(setup["event"], meetings=[(setup["enrol_a"], setup["senior_1"], 0, "mutual")])

    assert get(client, setup["staff_a"], "print_tables", draft).status_code == 404


def test_senior_gets_404(client, setup):
    assert get(client, setup["senior_1"].user, "print_seniors", setup["timetable"]).status_code == 404


def test_access_limits_staff_to_own_institutions(setup):
    timetable, institution_ids = access_timetable_for_print(setup["staff_a"], setup["timetable"].pk)

    assert timetable == setup["timetable"]
    assert institution_ids == setup["staff_a"].institution_ids


def test_xlsx_has_grid_and_escaped_names(client, setup):
    response = get(client, setup["coord"], "print_xlsx", setup["timetable"])

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["全体", "テーブル1", "テーブル2"]
    grid = workbook["全体"]
    assert [c.value for c in grid[3]] == [
        "テーブル",
        "企業",
        "金融機関",
        "担当職員",
        "13:00〜13:30",
        "13:30〜14:00",
        "14:00〜14:30",
    ]
    assert [c.value for c in grid[4]] == [
        1,
        "株式会社山田製作所",
        "あおば信用金庫",
        "佐藤花子",
        "高橋健一",
        None,
        "'=HYPERLINK(1)",
    ]
    assert [c.value for c in grid[5]] == [2, "川崎精工株式会社", "みどり銀行", "鈴木一郎", None, "高橋健一", None]
    table_1 = workbook["テーブル1"]
    assert [c.value for c in table_1[9]][:2] == ["14:00〜14:30", "'=HYPERLINK(1)"]
    assert all(cell.data_type != "f" for row in grid.iter_rows() for cell in row)


def test_xlsx_for_staff_has_own_tables_only(client, setup):
    response = get(client, setup["staff_b"], "print_xlsx", setup["timetable"])

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["全体", "テーブル2"]
    values = [c.value for row in workbook["全体"].iter_rows() for c in row]
    assert "株式会社山田製作所" not in values


def test_printing_is_audited(client, setup):
    from auditlog.models import LogEntry

    get(client, setup["coord"], "print_seniors", setup["timetable"])

    entry = LogEntry.objects.filter(object_pk=str(setup["timetable"].pk)).latest("pk")
    assert entry.additional_data["event"] == "timetable.printed"
    assert entry.additional_data["sheet"] == "seniors"


def test_pdf_embeds_noto_cjk_font(client, setup):
    response = get(client, setup["coord"], "print_seniors", setup["timetable"])

    page = PdfReader(io.BytesIO(response.content)).pages[0]
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    descendants = [d.get_object() for f in fonts for d in f.get("/DescendantFonts", [])]
    assert any(str(d["/BaseFont"]).endswith("+Noto-Sans-CJK-JP") for d in descendants)  # an embedded subset
    assert all("/FontFile2" in d["/FontDescriptor"] or "/FontFile3" in d["/FontDescriptor"] for d in descendants)


def test_grid_of_many_tables_stays_landscape(client, setup):
    event = setup["event"]
    for i in range(12):
        extra = enrol_company(event, institution=event.hosts.order_by("pk").first())
        setup["timetable"].meetings.create(
            enrolment=extra, senior=senior_user(name=f"新現役{i}").senior_profile, slot=i % 3, kind="mutual"
        )

    reader = PdfReader(io.BytesIO(get(client, setup["coord"], "print_grid", setup["timetable"]).content))

    assert all(round(float(p.mediabox.width)) == 1191 for p in reader.pages)
    assert "新現役11" in compact("".join(p.extract_text() for p in reader.pages))
