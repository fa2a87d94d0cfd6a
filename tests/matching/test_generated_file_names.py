"""Every generated file has a name a person recognises: the download's file name (RFC 5987 `filename*`),
each worksheet's name and each PDF's title in its metadata."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

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

TODAY = f"{timezone.localdate():%Y%m%d}"


def file_name(response) -> str:
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" in disposition, disposition
    return unquote(disposition.split("filename*=utf-8''")[1])


def sheet_names(response) -> list[str]:
    return load_workbook(io.BytesIO(response.content)).sheetnames


def pdf_title(response) -> str:
    return str(PdfReader(io.BytesIO(response.content)).metadata.title)


@pytest.fixture
def world():
    with arranging():
        bank = OrganizationFactory(name="あおば信用金庫")
        coord = staff_user(Role.COORDINATOR)
        event = make_event(
            coordinator_org=coord.active_memberships[0].organization,
            hosts=[bank],
            status="published",
            title="第3回新現役交流会",
            venue="横浜産業会館",
            date=dt.date(2027, 3, 5),
            start_time=dt.time(13, 0),
            slot_minutes=30,
            rounds=2,
            break_after=[],
            break_minutes=0,
        )
        staff = staff_user(Role.BANK_STAFF, bank, name="佐藤 花子")
        enrolment = enrol_company(
            event, company=CompanyFactory(institution=bank, name="株式会社山田製作所"), staff=staff
        )
        approved_hearing(enrolment, title="新規販路の開拓")
        senior = senior_user(name="高橋 健一", name_kana="タカハシ ケンイチ")
        timetable = make_timetable(
            event, meetings=[(enrolment, senior.senior_profile, 0, "mutual")], status="published"
        )
    return {"coord": coord, "staff": staff, "senior": senior, "event": event, "timetable": timetable}


def _get(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_company_export_xlsx_has_a_japanese_sheet_and_file_name(client, world):
    response = _get(client, world["staff"], reverse("participants:company_export"), format="xlsx")

    assert sheet_names(response) == ["取引先企業"]
    assert file_name(response) == f"取引先企業_{TODAY}.xlsx"


def test_timetable_workbook_names_its_sheets_and_title(client, world):
    response = _get(client, world["coord"], reverse("matching:print_xlsx", args=[world["timetable"].pk]))

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["全体", "テーブル1"]
    assert workbook.properties.title == "第3回新現役交流会 時間割 第1版（公開済）"
    assert file_name(response) == "第3回新現役交流会_時間割第1版_時間割.xlsx"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("print_grid", "全体表"),
        ("print_tables", "テーブル別の面談表"),
        ("print_seniors", "新現役の面談予定表"),
        ("print_staff", "職員の巡回表"),
    ],
)
def test_timetable_pdf_title_names_the_sheet_and_the_event(client, world, name, title):
    response = _get(client, world["coord"], reverse(f"matching:{name}", args=[world["timetable"].pk]))

    assert pdf_title(response) == f"{title}｜第3回新現役交流会（時間割 第1版）"


def test_statistics_xlsx_names_the_table_in_sheet_and_file(client, world):
    url = reverse("matching:statistics_export")
    response = _get(client, world["coord"], url, format="xlsx", table="institution")

    assert sheet_names(response) == ["統計（金融機関別）"]
    assert file_name(response) == f"統計（金融機関別）_{TODAY}.xlsx"


def test_statistics_csv_of_events_has_a_japanese_file_name(client, world):
    response = _get(client, world["coord"], reverse("matching:statistics_export"), format="csv", table="events")

    assert file_name(response) == f"統計（交流会別）_{TODAY}.csv"


def test_senior_data_export_json_has_a_japanese_file_name(client, world):
    response = _get(client, world["senior"], reverse("participants:senior_data_export_json"))

    assert file_name(response) == f"SKS登録データ_{TODAY}.json"


def test_schedule_ics_has_a_japanese_file_name(client, world):
    response = _get(client, world["senior"], reverse("matching:my_schedule_ics", args=[world["timetable"].pk]))

    assert file_name(response) == "第3回新現役交流会_20270305_面談予定.ics"


def test_schedule_mail_attaches_the_ics_under_a_japanese_name(world, mailoutbox, django_capture_on_commit_callbacks):
    from matching.services import timetable_publish

    with arranging():
        type(world["event"]).objects.filter(pk=world["event"].pk).update(status="timetabling")
        enrolment = world["timetable"].meetings.get().enrolment
        draft = make_timetable(world["event"], meetings=[(enrolment, world["senior"].senior_profile, 1, "mutual")])
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        timetable_publish(timetable=draft, by=world["coord"])

    senior_mail = next(m for m in mailoutbox if m.to == [world["senior"].email])
    assert [name for name, _content, _type in senior_mail.attachments] == ["第3回新現役交流会_20270305_面談予定.ics"]
