"""Printed sheets keep each person's name whole and each staff member's route on one page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
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

FAMILY = ["長谷川", "勅使河原", "東海林", "小比類巻", "五百旗頭", "宇佐美", "御手洗", "一番ヶ瀬", "左右田", "四十物"]
GIVEN = ["左衛門三郎", "美智子", "健太郎", "かおり"]
SENIORS = [f"{family} {given}" for family in FAMILY for given in GIVEN]  # 4 a round, for up to 10 rounds
COMPANIES = ["株式会社みなとみらい精密機械製作所", "横浜ベイサイド食品工業株式会社"]


@pytest.fixture
def route():
    """A staff member with two tables over six rounds, two seniors at each table in each round."""
    return make_route(rounds=6)


def make_route(*, rounds: int) -> dict:
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
            rounds=rounds,
            break_after=[],
            break_minutes=0,
        )
        staff = staff_user(Role.BANK_STAFF, bank, name="佐々木 真由美")
        enrolments = []
        for name in COMPANIES:
            enrolment = enrol_company(event, company=CompanyFactory(institution=bank, name=name), staff=staff)
            approved_hearing(enrolment, title="新規販路の開拓")
            enrolments.append(enrolment)
        seniors = [senior_user(name=name, name_kana="シニア").senior_profile for name in SENIORS]
        meetings = []
        for slot in range(rounds):
            for t, enrolment in enumerate(enrolments):
                for k in range(2):
                    meetings.append((enrolment, seniors[slot * 4 + t * 2 + k], slot, "mutual"))
        timetable = make_timetable(event, meetings=meetings, status="published")
    return {"coord": coord, "timetable": timetable}


def _staff_pdf(client, route) -> PdfReader:
    client.force_login(route["coord"])
    response = client.get(reverse("matching:print_staff", args=[route["timetable"].pk]))
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content))


def test_staff_route_of_two_tables_fits_on_one_page(client, route):
    reader = _staff_pdf(client, route)

    assert len(reader.pages) == 1


def test_staff_route_never_breaks_a_name_inside_family_or_given_name(client, route):
    reader = _staff_pdf(client, route)

    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    parts = {part for name in [*SENIORS[: 6 * 4], "佐々木 真由美"] for part in name.split()}
    broken = sorted(part for part in parts if not any(part in line for line in lines))
    assert broken == []


def test_staff_route_longer_than_a_page_breaks_between_time_slots(client):
    long_route = make_route(rounds=10)

    reader = _staff_pdf(client, long_route)

    pages = ["".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) == 2
    assert "13:00〜13:30" in pages[0]  # the table starts under the heading, not on a page of its own
    # Each time slot's two tables are on one page: both companies follow its time on the same page.
    for page in pages:
        times = page.count("〜")
        assert page.count("株式会社みなとみらい精密機械製作所") == times
        assert page.count("横浜ベイサイド食品工業株式会社") == times
