"""The dashboard puts one next step first, taken from what the panels ask for; every card has the buttons
its text promises; what it says when nothing is asked uses the reader's words; and each panel shows what it
counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from participants.models import ExpertiseArea, Industry
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    CompanyFactory,
    OrganizationFactory,
    UserFactory,
    approved_hearing,
    company_contact,
    enrol_company,
    make_application,
    make_event,
    make_timetable,
    pledged_senior,
    staff_user,
    three_bank_event,
)

pytestmark = pytest.mark.django_db


def _dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def _first_step(html: str) -> str:
    section = re.search(r'<section class="card next-step next-step-first.*?</section>', html, re.S)
    assert section is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section.group(0))).strip()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_bank_staff_register_card_offers_the_single_company_form_beside_the_import(client):
    with arranging():
        staff = staff_user(Role.BANK_STAFF)

    html = _dashboard(client, staff)

    card = re.search(r"<h3[^>]*>取引先企業を登録しましょう</h3>.*?</section>", html, re.S)
    assert card is not None
    buttons = re.findall(r'<a class="btn [^"]*" href="([^"]+)">([^<]+)</a>', card.group(0))
    assert buttons == [
        (reverse("participants:company_import"), "ファイルから一括取込"),
        (reverse("participants:company_create"), "1社ずつ登録"),
    ]


def test_company_contact_with_a_sheet_to_approve_is_sent_to_that_sheet(client):
    with arranging():
        bank = OrganizationFactory(name="A信用金庫")
        enrolment = enrol_company(make_event(hosts=[bank], status="hearing"), institution=bank)
        enrolment.hearing.status = "submitted"
        enrolment.hearing.save(update_fields=["status"])
        contact = company_contact(enrolment.company)

    html = _dashboard(client, contact)

    first = _first_step(html)
    assert first.startswith("次にすること 事前ヒアリングシートを確認してください")
    assert reverse("events:company_hearing", args=[enrolment.pk]) in re.search(
        r'<section class="card next-step next-step-first.*?</section>', html, re.S
    ).group(0)
    assert "いまお願いしていることはありません" not in html
    assert "事務局" not in _text(html)


def test_company_contact_with_nothing_to_do_is_told_who_will_say_so_in_their_words(client):
    with arranging():
        bank = OrganizationFactory(name="A信用金庫")
        enrolment = enrol_company(make_event(hosts=[bank], status="hearing"), institution=bank)
        contact = company_contact(enrolment.company)

    html = _dashboard(client, contact)

    assert _first_step(html) == (
        "次にすること いまお願いしていることはありません。"
        "交流会や事前ヒアリングシートのことは、担当の金融機関からご案内します。"
    )
    assert "事務局" not in _text(html)


def test_only_the_first_step_is_a_primary_button(client):
    with arranging():
        admin = staff_user(Role.INSTITUTION_ADMIN)

    html = _dashboard(client, admin)

    steps = html[html.index("next-step-first") : html.index("アカウントの安全")]
    assert steps.count('class="btn btn-primary') == 1
    assert "ほかにできること" in html


def test_bank_staff_with_undecided_applicants_are_asked_to_answer_them(client):
    with arranging():
        bank = OrganizationFactory(name="A信用金庫")
        staff = staff_user(Role.BANK_STAFF, bank)
        event = make_event(hosts=[bank], status="published")
        enrolment = enrol_company(event, institution=bank, staff=staff)
        approved_hearing(enrolment)
        make_application(pledged_senior(), [enrolment])

    first = _first_step(_dashboard(client, staff))

    assert first.startswith("次にすること 応募者に回答しましょう 未回答の応募が 1件 あります。")


def test_coordinator_without_events_is_asked_to_create_one(client):
    with arranging():
        coordinator = staff_user(Role.COORDINATOR)

    first = _first_step(_dashboard(client, coordinator))

    assert first.startswith("次にすること 交流会を作りましょう")


def test_regional_panel_lists_the_next_meetings_and_organisers_answer_requests_first(client):
    from regional.enums import ChapterMembershipStatus, ChapterRole
    from tests.regional.helpers import chapter_of, join, make_meeting, make_network

    with arranging():
        organiser = UserFactory(name="世話人 一郎")
        chapter = chapter_of(make_network(), "静岡支部")
        join(chapter, organiser, role=ChapterRole.ORGANISER)
        join(chapter, status=ChapterMembershipStatus.PENDING)
        meeting = make_meeting(chapter, title="第1回 静岡の対話会")

    html = _dashboard(client, organiser)

    assert _first_step(html).startswith("次にすること 支部への参加申込を確認しましょう")
    assert reverse("regional:meeting_detail", args=[meeting.pk]) in html
    assert "第1回 静岡の対話会" in _text(html)


def test_fit_panel_shows_the_fitting_issues(client):
    with arranging():
        bank = OrganizationFactory(name="A信用金庫")
        event = make_event(hosts=[bank], status="published")
        food = CompanyFactory(
            institution=bank,
            prefecture="15",
            industry_major=Industry.objects.get(code="E"),
            industry=Industry.objects.get(code="09"),
        )
        approved_hearing(enrol_company(event, company=food), title="百貨店への販路", category="sales")
        senior = pledged_senior(user=UserFactory(name="販路 太郎"), prefecture="15")
        senior.expertise.set(ExpertiseArea.objects.filter(code__in=["sales-channels"]))

    html = _dashboard(client, senior.user)

    panel = re.search(r'<section class="card mb-4" aria-labelledby="fit-panel-heading">.*?</section>', html, re.S)
    assert panel is not None
    assert "百貨店への販路" in panel.group(0)


def test_a_published_schedule_is_the_next_step_when_nothing_more_pressing_is_asked(client):
    with arranging():
        w = three_bank_event(status="timetabling")
        senior = pledged_senior()
        make_timetable(w["event"], [(w["enrolments"]["a"], senior, 0, "mutual")], status="published")
        approved_hearing(w["enrolments"]["a"])

    html = _dashboard(client, w["contacts"]["a"])

    assert _first_step(html).startswith("次にすること あなたの時間割を確認しましょう")
    assert "いまお願いしていることはありません" not in html


def test_a_seniors_dashboard_reads_the_profile_and_the_pledge_once(client):
    # The fit panel, the applications panel and the next steps all ask for the senior's own profile and
    # whether the pledge in force is accepted: one instance, one answer (own_senior_profile, memoised pledge).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with arranging():
        bank = OrganizationFactory()
        event = make_event(hosts=[bank], status="published")
        approved_hearing(enrol_company(event, company=CompanyFactory(institution=bank)), title="販路")
        senior = pledged_senior()
    client.force_login(senior.user)
    client.get(reverse("dashboard"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    pledge = [s for s in statements if 'FROM "participants_pledgeacceptance"' in s]
    profile = [s for s in statements if re.search(r'SELECT "participants_seniorprofile"\."id", ', s)]
    assert (len(pledge), len(profile)) == (1, 1)
