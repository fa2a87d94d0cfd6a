"""The personal schedule pages and the .ics download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from sks.roles import Role
from tests.access import arranging
from tests.factories import approved_hearing, make_timetable, pledged_senior, staff_user, three_bank_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with arranging():
        w = three_bank_event(status="timetabling", date=dt.date(2027, 1, 23))
        e = w["enrolments"]
        approved_hearing(e["a"], title="精密加工の販路")
        approved_hearing(e["b"], title="食品の海外展開")
        s1, s2 = pledged_senior(), pledged_senior()
        timetable = make_timetable(
            w["event"],
            [(e["a"], s1, 0, "mutual"), (e["b"], s2, 0, "mutual"), (e["b"], s1, 1, "mutual")],
            status="published",
        )
        return {**w, "s1": s1, "s2": s2, "timetable": timetable}


def test_my_schedule_senior_sees_own_meetings_with_japanese_times(world, login_as):
    response = login_as(world["s1"].user).get(reverse("matching:my_schedule"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "2027年1月23日（土）" in text
    assert "13:00〜13:20" in text
    assert "精密加工の販路" in text
    assert "株式会社秘密の精密A" not in text
    assert "内部メモ" not in text
    assert world["s2"].user.name not in text or not world["s2"].user.name


def test_my_schedule_staff_of_bank_b_never_sees_bank_a_tables(world, login_as):
    response = login_as(world["staff"]["b"]).get(reverse("matching:my_schedule"))

    text = response.content.decode()
    assert "株式会社秘密の食品B" in text
    assert "株式会社秘密の精密A" not in text


def test_my_schedule_empty_state_without_timetable(world, login_as):
    response = login_as(staff_user(Role.BANK_STAFF, world["banks"]["c"])).get(reverse("matching:my_schedule"))

    assert response.status_code == 200
    assert "公開されている時間割はまだありません" in response.content.decode()


def test_my_schedule_ignores_draft_timetables(world, login_as):
    make_timetable(world["event"], [(world["enrolments"]["c"], world["s2"], 3, "mutual")])

    response = login_as(world["staff"]["c"]).get(reverse("matching:my_schedule"))

    assert "株式会社秘密の繊維C" not in response.content.decode()


def test_my_schedule_ics_has_the_users_meetings(world, login_as):
    response = login_as(world["s1"].user).get(reverse("matching:my_schedule_ics", args=[world["timetable"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 2


def test_my_schedule_ics_404_without_meetings(world, login_as):
    response = login_as(world["staff"]["c"]).get(reverse("matching:my_schedule_ics", args=[world["timetable"].pk]))

    assert response.status_code == 404


def test_my_schedule_constant_queries(world, login_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login_as(world["staff"]["a"])
    client.get(reverse("matching:my_schedule"))  # warm up (session, roles)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("matching:my_schedule"))
    for slot in range(2, 6):
        world["timetable"].meetings.create(
            enrolment=world["enrolments"]["a"], senior=pledged_senior(), slot=slot, kind="mutual"
        )

    with CaptureQueriesContext(connection) as many:
        client.get(reverse("matching:my_schedule"))

    assert len(many.captured_queries) == len(one.captured_queries)


def test_timetable_publish_page_publishes_for_coordinator(world, login_as, mailoutbox):
    draft = make_timetable(world["event"], [(world["enrolments"]["a"], world["s2"], 2, "mutual")])
    client = login_as(world["coordinator"])

    response = client.post(reverse("matching:timetable_publish", args=[draft.pk]), {"confirm": "on"})

    draft.refresh_from_db()
    world["timetable"].refresh_from_db()
    assert response.status_code == 302
    assert (draft.status, world["timetable"].status) == ("published", "superseded")


def test_timetable_publish_page_404_for_other_coordinator(world, login_as):
    response = login_as(world["other_coordinator"]).get(
        reverse("matching:timetable_publish", args=[world["timetable"].pk])
    )

    assert response.status_code == 404


def test_timetable_publish_without_confirm_shows_error(world, login_as):
    draft = make_timetable(world["event"])

    response = login_as(world["coordinator"]).post(reverse("matching:timetable_publish", args=[draft.pk]), {})

    draft.refresh_from_db()
    assert (response.status_code, draft.status) == (200, "draft")
    assert "確認のチェック" in response.content.decode()


def test_dashboard_links_a_participant_to_their_published_schedule(world, login_as):
    with_meeting = login_as(world["s1"].user).get(reverse("dashboard")).content.decode()
    without = login_as(staff_user(Role.BANK_STAFF, world["banks"]["c"])).get(reverse("dashboard")).content.decode()

    # (The menu links every participant to the schedule page; the panel is what says one is published.)
    assert "交流会の時間割が公開されました" in with_meeting
    assert "あなたの時間割を見る" in with_meeting
    assert "交流会の時間割が公開されました" not in without


def test_my_schedule_hides_summaries_until_the_pledge_in_force_is_accepted(world, login_as):
    from django.utils import timezone

    from participants.models import PledgeVersion

    # A new pledge version comes into force: s1's acceptance is of the old one.
    PledgeVersion.objects.create(version="2099-test", text="新しい誓約", effective_from=timezone.now())
    client = login_as(world["s1"].user)

    text = client.get(reverse("matching:my_schedule")).content.decode()

    assert "精密加工の販路" not in text
    assert "食品の海外展開" not in text
    assert "最新の守秘義務の誓約に同意すると表示されます" in text
    assert ("2027年1月23日（土）" in text, "13:00〜13:20" in text) == (True, True)  # where and when stay visible


def test_personal_schedule_mail_of_unpledged_senior_has_no_summary(world):
    from matching.selectors.publish import personal_schedules
    from participants.models import PledgeAcceptance

    PledgeAcceptance.objects.filter(senior=world["s2"]).delete()

    schedules = {s.user.pk: s for s in personal_schedules(timetable=world["timetable"]) if s.role == "senior"}

    assert [(i.title, i.summary) for i in schedules[world["s2"].user.pk].items] == [("", "")]
    assert [i.title for i in schedules[world["s1"].user.pk].items] == ["精密加工の販路", "食品の海外展開"]
