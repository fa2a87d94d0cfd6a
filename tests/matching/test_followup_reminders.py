"""The daily follow-up scan (matching.services.followup_reminders): second-interview and agreement reminders,
the follow-up close at 90 days with its summary, and the survey invitations. Tasks run in-process here.

The clock: the scan takes the day (`today` / `as_of`); the test of the task's default day freezes time with
time-machine. The mail server is Django's test outbox.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from celery.schedules import crontab
from django.contrib.contenttypes.models import ContentType

from events.models import Event
from events.services.events import event_close
from matching.models import AgreementVisit, SecondInterview
from matching.services.followup_reminders import event_followup_summary, followup_reminders_scan
from matching.tasks import task_send_followup_reminders
from participants.models import Membership, Notification, Reminder, User
from sks.roles import Role
from tests.access import arranging, every
from tests.factories import (
    CoordinatorOrgFactory,
    OrganizationFactory,
    company_contact,
    enrol_company,
    make_agreement,
    make_event,
    make_result,
    make_second_interview,
    pledged_senior,
    staff_user,
    survey_event,
)

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
EVENT_DATE = dt.date(2026, 2, 20)


def jst(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


def scan(today: dt.date, capture) -> int:
    """One beat tick's scan, committed: the deliveries enqueued on commit run (in-process)."""
    with capture(execute=True):
        return followup_reminders_scan(today=today)


def fired_days(first: dt.date, last: dt.date, capture) -> dict[dt.date, list[tuple[str, int]]]:
    """Scan every day from `first` to `last`; (kind, recipient id) newly scheduled on each day that had any."""
    fired: dict[dt.date, list[tuple[str, int]]] = {}
    day = first
    while day <= last:
        before = set(Reminder.objects.values_list("pk", flat=True))
        if scan(day, capture):
            fired[day] = sorted(Reminder.objects.exclude(pk__in=before).values_list("kind", "recipient_id"))
        day += dt.timedelta(days=1)
    return fired


@pytest.fixture
def world():
    with arranging():
        coord_org = CoordinatorOrgFactory(name="新現役交流会事務局")
        coordinator = staff_user(Role.COORDINATOR, coord_org, name="調整 花子")
        bank = OrganizationFactory(name="さくら信用金庫")
        staff = staff_user(Role.BANK_STAFF, bank, name="銀行 一郎")
        event = make_event(
            coordinator_org=coord_org, hosts=[bank], status="follow_up", date=EVENT_DATE, title="冬の新現役交流会"
        )
        enrolment = enrol_company(event, staff=staff)
        senior = pledged_senior()
        return {
            "coordinator": coordinator,
            "bank": bank,
            "staff": staff,
            "event": event,
            "enrolment": enrolment,
            "senior": senior,
            "contact": company_contact(enrolment.company),
        }


def proposed(world, at: dt.datetime, senior=None, **fields) -> SecondInterview:
    si = make_second_interview(world["enrolment"], senior or world["senior"], **fields)
    with arranging():
        SecondInterview.objects.filter(pk=si.pk).update(proposed_at=at)  # auto_now_add: set afterwards
    return every(SecondInterview).get(pk=si.pk)


# --- a second interview not scheduled: 7 days to the staff, 14 days to the coordinator ---


def test_unscheduled_reminds_staff_on_day_7_and_escalates_to_coordinator_on_day_14(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    proposed(world, jst(3, 2, 18, 0))

    fired = fired_days(dt.date(2026, 3, 2), dt.date(2026, 3, 25), django_capture_on_commit_callbacks)

    assert fired == {
        dt.date(2026, 3, 9): [("followup_si_unscheduled_7", world["staff"].pk)],
        dt.date(2026, 3, 16): [("followup_si_unscheduled_14", world["coordinator"].pk)],
    }
    company = world["enrolment"].company.name
    assert sorted((m.to, m.subject) for m in mailoutbox) == sorted(
        [
            ([world["staff"].email], f"[SKS] 【提案から7日】二次面談の日程を調整してください（{company}）"),
            ([world["coordinator"].email], f"[SKS] 【要確認】二次面談の日程が14日間決まっていません（{company}）"),
        ]
    )
    escalation = next(m for m in mailoutbox if m.to == [world["coordinator"].email])
    assert "担当の 銀行 一郎 さんに状況をご確認ください。" in escalation.body
    assert list(Reminder.objects.order_by("due_date").values_list("due_date", flat=True)) == [
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 16),
    ]


def test_unscheduled_of_staff_who_left_is_still_escalated(world, django_capture_on_commit_callbacks):
    proposed(world, jst(3, 2))
    User.objects.filter(pk=world["staff"].pk).update(is_active=False)

    fired = fired_days(dt.date(2026, 3, 2), dt.date(2026, 3, 20), django_capture_on_commit_callbacks)

    assert fired == {dt.date(2026, 3, 16): [("followup_si_unscheduled_14", world["coordinator"].pk)]}


def test_unscheduled_scheduling_status_is_chased_as_well(world, django_capture_on_commit_callbacks):
    proposed(world, jst(3, 2), status="scheduling")

    assert scan(dt.date(2026, 3, 9), django_capture_on_commit_callbacks) == 1


def test_unscheduled_confirmed_before_day_14_is_not_escalated(world, django_capture_on_commit_callbacks):
    si = proposed(world, jst(3, 2))
    assert scan(dt.date(2026, 3, 9), django_capture_on_commit_callbacks) == 1
    with arranging():
        SecondInterview.objects.filter(pk=si.pk).update(status="confirmed", scheduled_at=jst(4, 10))

    fired = fired_days(dt.date(2026, 3, 10), dt.date(2026, 3, 20), django_capture_on_commit_callbacks)

    assert fired == {}


def test_unscheduled_proposed_date_is_the_tokyo_date(world, django_capture_on_commit_callbacks):
    # 23:30 JST on the 2nd and 00:30 JST on the 3rd are both the 2nd in UTC; each counts from its JST date.
    late = proposed(world, jst(3, 2, 23, 30))
    early = proposed(world, jst(3, 3, 0, 30), senior=pledged_senior())

    fired = fired_days(dt.date(2026, 3, 8), dt.date(2026, 3, 11), django_capture_on_commit_callbacks)

    assert fired == {
        dt.date(2026, 3, 9): [("followup_si_unscheduled_7", world["staff"].pk)],
        dt.date(2026, 3, 10): [("followup_si_unscheduled_7", world["staff"].pk)],
    }
    assert Reminder.objects.get(due_date=dt.date(2026, 3, 9)).object_key == f"matching.secondinterview:{late.pk}"
    assert Reminder.objects.get(due_date=dt.date(2026, 3, 10)).object_key == f"matching.secondinterview:{early.pk}"


def test_unscheduled_missed_beat_is_caught_up_next_day_once(world, django_capture_on_commit_callbacks, mailoutbox):
    proposed(world, jst(3, 2))

    created = [scan(dt.date(2026, 3, 10), django_capture_on_commit_callbacks) for _ in range(2)]
    later = scan(dt.date(2026, 3, 11), django_capture_on_commit_callbacks)

    assert (created, later) == ([1, 0], 0)
    assert list(Reminder.objects.values_list("kind", "due_date")) == [
        ("followup_si_unscheduled_7", dt.date(2026, 3, 9))
    ]
    assert len(mailoutbox) == 1


def test_unscheduled_of_closed_event_is_not_chased(world, django_capture_on_commit_callbacks):
    proposed(world, jst(3, 2))
    Event.objects.filter(pk=world["event"].pk).update(status="closed")

    assert scan(dt.date(2026, 3, 9), django_capture_on_commit_callbacks) == 0


# --- the day before a confirmed second interview: all three ---


def confirmed(world, at: dt.datetime, senior=None) -> SecondInterview:
    return proposed(
        world, jst(3, 1), senior=senior, status="confirmed", scheduled_at=at, place="さくら信用金庫 本店 2階"
    )


def test_tomorrow_reminds_staff_senior_and_company_contact_once(world, django_capture_on_commit_callbacks, mailoutbox):
    si = confirmed(world, jst(3, 10, 14, 0))
    people = sorted([world["staff"].pk, world["senior"].user_id, world["contact"].pk])

    created = [scan(dt.date(2026, 3, 9), django_capture_on_commit_callbacks) for _ in range(2)]
    next_day = scan(dt.date(2026, 3, 10), django_capture_on_commit_callbacks)

    assert (created, next_day) == ([3, 0], 0)
    assert sorted(Reminder.objects.values_list("recipient_id", flat=True)) == people
    assert set(Reminder.objects.values_list("kind", "object_key", "due_date")) == {
        ("followup_si_tomorrow", f"matching.secondinterview:{si.pk}", dt.date(2026, 3, 10))
    }
    company = world["enrolment"].company.name
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world["staff"].email, world["senior"].user.email, world["contact"].email]
    )
    assert {m.subject for m in mailoutbox} == {f"[SKS] 【明日】二次面談のご案内：2026年3月10日 14:00（{company}）"}
    assert "場所：さくら信用金庫 本店 2階" in mailoutbox[0].body
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == people
    assert dict(Reminder.objects.values_list("recipient_id", "url")) == {
        world["staff"].pk: f"/timetables/second-interviews/{si.pk}/",
        world["senior"].user_id: "/timetables/my-schedule/",
        world["contact"].pk: "/dashboard/",
    }


def test_tomorrow_at_0030_jst_is_reminded_the_tokyo_day_before(world, django_capture_on_commit_callbacks):
    # 2026-03-10 00:30 JST is 2026-03-09 15:30 UTC: in UTC it would be "today" on the 9th, in Tokyo it is
    # tomorrow, so the reminder goes out on the 9th (JST) and not on the 8th.
    si = confirmed(world, jst(3, 10, 0, 30))
    assert si.scheduled_at.astimezone(dt.UTC) == dt.datetime(2026, 3, 9, 15, 30, tzinfo=dt.UTC)

    fired = fired_days(dt.date(2026, 3, 7), dt.date(2026, 3, 11), django_capture_on_commit_callbacks)

    assert list(fired) == [dt.date(2026, 3, 9)]
    assert {kind for kind, _user in fired[dt.date(2026, 3, 9)]} == {"followup_si_tomorrow"}


def test_tomorrow_at_2359_jst_is_reminded_the_tokyo_day_before(world, django_capture_on_commit_callbacks):
    # 2026-03-09 23:59 JST is 14:59 UTC on the 9th: its eve is the 8th; and 23:59 on the 10th is the 9th's.
    first = confirmed(world, jst(3, 9, 23, 59))
    second = confirmed(world, jst(3, 10, 23, 59), senior=pledged_senior())

    fired = fired_days(dt.date(2026, 3, 7), dt.date(2026, 3, 11), django_capture_on_commit_callbacks)

    assert sorted(fired) == [dt.date(2026, 3, 8), dt.date(2026, 3, 9)]
    by_day = {
        due: set(Reminder.objects.filter(due_date=due).values_list("object_key", flat=True))
        for due in (dt.date(2026, 3, 9), dt.date(2026, 3, 10))
    }
    assert by_day == {
        dt.date(2026, 3, 9): {f"matching.secondinterview:{first.pk}"},
        dt.date(2026, 3, 10): {f"matching.secondinterview:{second.pk}"},
    }


def test_task_default_day_is_today_in_tokyo(world, django_capture_on_commit_callbacks):
    confirmed(world, jst(3, 10, 0, 30))

    # 00:10 JST on the 9th is still the 8th in UTC: the task's "today" is the 9th, so the 10th is tomorrow.
    with (
        time_machine.travel(dt.datetime(2026, 3, 8, 15, 10, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        created = task_send_followup_reminders.delay().get()

    assert created == 3
    assert set(Reminder.objects.values_list("due_date", flat=True)) == {dt.date(2026, 3, 10)}


def test_task_as_of_replays_a_day(world, django_capture_on_commit_callbacks):
    confirmed(world, jst(3, 10, 14, 0))

    with django_capture_on_commit_callbacks(execute=True):
        created = [task_send_followup_reminders.delay(as_of="2026-03-09").get() for _ in range(2)]

    assert created == [3, 0]


# --- held, but no outcome after 3 days ---


def test_no_outcome_reminds_staff_3_days_after_held_once(world, django_capture_on_commit_callbacks, mailoutbox):
    proposed(world, jst(3, 1), status="held", scheduled_at=jst(3, 5, 15), held_at=jst(3, 5, 16, 30))

    fired = fired_days(dt.date(2026, 3, 5), dt.date(2026, 3, 15), django_capture_on_commit_callbacks)

    assert fired == {dt.date(2026, 3, 8): [("followup_si_no_outcome_3", world["staff"].pk)]}
    company = world["enrolment"].company.name
    assert [m.subject for m in mailoutbox] == [f"[SKS] 【結果の記録】二次面談の結果を登録してください（{company}）"]


def test_no_outcome_with_outcome_recorded_is_not_chased(world, django_capture_on_commit_callbacks):
    proposed(world, jst(3, 1), status="not_agreed", held_at=jst(3, 5), outcome_at=jst(3, 6))

    assert scan(dt.date(2026, 3, 8), django_capture_on_commit_callbacks) == 0


# --- an agreement with no visit for 30 days ---


def test_no_visit_reminds_30_days_after_start_and_a_visit_restarts_the_count(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    agreement = make_agreement(world["enrolment"], world["senior"], start_date=dt.date(2026, 3, 1))

    assert scan(dt.date(2026, 3, 30), django_capture_on_commit_callbacks) == 0
    assert [scan(dt.date(2026, 3, 31), django_capture_on_commit_callbacks) for _ in range(2)] == [1, 0]
    with arranging():
        AgreementVisit.objects.create(agreement=agreement, date=dt.date(2026, 4, 10), hours=2, summary="販路の相談")
    quiet = fired_days(dt.date(2026, 4, 1), dt.date(2026, 5, 9), django_capture_on_commit_callbacks)
    again = scan(dt.date(2026, 5, 10), django_capture_on_commit_callbacks)

    assert (quiet, again) == ({}, 1)
    assert list(Reminder.objects.order_by("due_date").values_list("kind", "due_date", "recipient_id")) == [
        ("followup_agreement_no_visit_30", dt.date(2026, 3, 31), world["staff"].pk),
        ("followup_agreement_no_visit_30", dt.date(2026, 5, 10), world["staff"].pk),
    ]
    assert set(Reminder.objects.values_list("url", flat=True)) == {f"/timetables/agreements/{agreement.pk}/"}
    assert "開始日（2026年3月1日）から30日間" in mailoutbox[0].body
    assert "最後の訪問（2026年4月10日）から30日間" in mailoutbox[1].body


def test_no_visit_of_closed_event_is_not_chased(world, django_capture_on_commit_callbacks):
    make_agreement(world["enrolment"], world["senior"], start_date=dt.date(2026, 3, 1))
    Event.objects.filter(pk=world["event"].pk).update(status="closed")

    assert scan(dt.date(2026, 3, 31), django_capture_on_commit_callbacks) == 0


# --- follow-up close at 90 days, and its summary ---


def summary_world(world):
    """Companies A (agreement) and B (none): 3 interviews held, 2 second interviews, 1 agreement → 50.0%."""
    admin = staff_user(Role.INSTITUTION_ADMIN, world["bank"], name="管理 次郎")
    other_bank = OrganizationFactory(name="もみじ銀行")
    world["event"].event_hosts.create(institution=other_bank)
    other_admin = staff_user(Role.INSTITUTION_ADMIN, other_bank)
    other_staff = staff_user(Role.BANK_STAFF, other_bank)
    enrolment_b = enrol_company(world["event"], institution=other_bank, staff=other_staff)
    senior_2 = pledged_senior()
    make_result(world["enrolment"], world["senior"], held=True)
    make_result(world["enrolment"], senior_2, held=True)
    make_result(enrolment_b, senior_2, held=True)
    make_result(enrolment_b, world["senior"], held=False)
    si = make_second_interview(world["enrolment"], world["senior"], status="agreed")
    make_second_interview(enrolment_b, senior_2, status="not_agreed")
    make_second_interview(world["enrolment"], senior_2, status="cancelled")
    make_agreement(world["enrolment"], world["senior"], second_interview=si, start_date=dt.date(2026, 5, 20))
    with arranging():
        AgreementVisit.objects.create(agreement=si.agreement, date=dt.date(2026, 5, 20), hours=2, summary="初回")
    # Not in the summary: a colleague who attended no table, and a coordinator of another organisation.
    staff_user(Role.BANK_STAFF, world["bank"])
    staff_user(Role.COORDINATOR)
    return {
        "recipients": sorted([admin.pk, other_admin.pk, world["staff"].pk, other_staff.pk, world["coordinator"].pk]),
        "admin": admin,
        "other_admin": other_admin,
    }


def test_event_followup_summary_counts_by_hand(world):
    expected = summary_world(world)
    event = world["event"]

    coordinator = event_followup_summary(event=event, user=world["coordinator"])
    bank_a = event_followup_summary(event=event, user=expected["admin"])
    bank_b = event_followup_summary(event=event, user=expected["other_admin"])

    assert coordinator == {
        "companies": 2,
        "supported_companies": 1,
        "interviews": 3,
        "second_interviews": 2,
        "agreements": 1,
        "matching_rate": 50.0,
        "scope_name": "",
        "event_wide": None,
    }
    # A joint event of two banks: each gets its own companies' figures and no event-wide total, from which
    # it could subtract its own and read the other bank's.
    assert bank_a == {
        "companies": 1,
        "supported_companies": 1,
        "interviews": 2,
        "second_interviews": 1,
        "agreements": 1,
        "matching_rate": 100.0,
        "scope_name": "さくら信用金庫",
        "event_wide": None,
    }
    assert bank_b == {
        "companies": 1,
        "supported_companies": 0,
        "interviews": 1,
        "second_interviews": 1,
        "agreements": 0,
        "matching_rate": 0.0,
        "scope_name": "もみじ銀行",
        "event_wide": None,
    }


def test_event_followup_summary_event_wide_only_with_three_other_institutions(world):
    expected = summary_world(world)
    event = world["event"]

    def add_host(name: str) -> None:
        bank = OrganizationFactory(name=name)
        event.event_hosts.create(institution=bank)
        enrol_company(event, institution=bank)

    add_host("第三信用組合")
    two_others = event_followup_summary(event=event, user=expected["other_admin"])  # さくら, 第三
    add_host("第四銀行")
    three_others = event_followup_summary(event=event, user=expected["other_admin"])  # さくら, 第三, 第四

    assert two_others is not None and three_others is not None
    assert two_others["event_wide"] is None
    assert three_others["event_wide"] == {
        "companies": 4,
        "supported_companies": 1,
        "second_interviews": 2,
        "agreements": 1,
        "matching_rate": 25.0,
    }
    assert (three_others["companies"], three_others["agreements"]) == (1, 0)


def test_event_followup_summary_nothing_for_a_user_without_statistics(world):
    summary_world(world)

    assert event_followup_summary(event=world["event"], user=world["contact"]) is None


def test_close_at_90_days_not_89_with_summary_once(world, django_capture_on_commit_callbacks, mailoutbox):
    expected = summary_world(world)
    day_89, day_90 = EVENT_DATE + dt.timedelta(days=89), EVENT_DATE + dt.timedelta(days=90)

    scan(day_89, django_capture_on_commit_callbacks)
    status_89 = Event.objects.get(pk=world["event"].pk).status
    summaries_89 = Reminder.objects.filter(kind="followup_closed_summary").count()
    scan(day_90, django_capture_on_commit_callbacks)
    scan(day_90, django_capture_on_commit_callbacks)
    scan(day_90 + dt.timedelta(days=1), django_capture_on_commit_callbacks)

    event = Event.objects.get(pk=world["event"].pk)
    summaries = Reminder.objects.filter(kind="followup_closed_summary")
    assert (status_89, summaries_89, event.status) == ("follow_up", 0, "closed")
    assert sorted(summaries.values_list("recipient_id", flat=True)) == expected["recipients"]
    assert set(summaries.values_list("object_key", "due_date")) == {(f"events.event:{event.pk}", EVENT_DATE)}
    mails = [m for m in mailoutbox if "フォローアップ終了" in m.subject]
    assert len(mails) == len(expected["recipients"])
    assert {m.subject for m in mails} == {"[SKS] 【フォローアップ終了】冬の新現役交流会 の結果のご報告"}
    body = next(m.body for m in mails if m.to == [world["coordinator"].email])
    for line in ("参加企業：2社", "面談（実施）：3件", "二次面談：2件", "支援成立：1件（1社）", "マッチング率：50.0%"):
        assert line in body
    bank_body = next(m.body for m in mails if m.to == [expected["admin"].email])
    own = ("■ さくら信用金庫 がご紹介した企業の結果", "参加企業：1社", "面談（実施）：2件", "マッチング率：100.0%")
    for line in own:
        assert line in bank_body
    assert "参加企業：2社" not in bank_body
    notified = Notification.objects.filter(kind="followup_closed_summary")
    assert sorted(notified.values_list("user_id", flat=True)) == expected["recipients"]
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Event),
        object_pk=str(event.pk),
        additional_data__event="event.follow_up_closed_by_schedule",
    )
    assert entry.additional_data["days_after_event"] == 90


def test_close_by_coordinator_sends_summary_at_once_and_never_again(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    expected = summary_world(world)
    with django_capture_on_commit_callbacks(execute=True):
        event_close(event=world["event"], by=world["coordinator"])
    sent_at_close = len([m for m in mailoutbox if "フォローアップ終了" in m.subject])
    today = Event.objects.get(pk=world["event"].pk).status_changed_at.astimezone(TOKYO).date()

    created = [scan(today + dt.timedelta(days=n), django_capture_on_commit_callbacks) for n in (0, 1, 2)]

    assert (sent_at_close, created) == (len(expected["recipients"]), [0, 0, 0])
    assert len([m for m in mailoutbox if "フォローアップ終了" in m.subject]) == len(expected["recipients"])


def test_close_without_an_active_coordinator_leaves_follow_up_open(world, django_capture_on_commit_callbacks):
    Membership.objects.filter(user=world["coordinator"]).update(is_active=False)

    scan(EVENT_DATE + dt.timedelta(days=90), django_capture_on_commit_callbacks)

    assert Event.objects.get(pk=world["event"].pk).status == "follow_up"
    assert not Reminder.objects.filter(kind="followup_closed_summary").exists()


def test_close_held_event_not_in_follow_up_is_left_alone(world, django_capture_on_commit_callbacks):
    Event.objects.filter(pk=world["event"].pk).update(status="held")

    scan(EVENT_DATE + dt.timedelta(days=120), django_capture_on_commit_callbacks)

    assert Event.objects.get(pk=world["event"].pk).status == "held"


# --- survey invitations ---


def test_survey_invites_each_participant_once(django_capture_on_commit_callbacks, mailoutbox):
    w = survey_event(date=dt.date(2026, 3, 1))
    participants = sorted(
        [
            w["seniors"][0].user_id,
            w["seniors"][1].user_id,
            w["staff"]["a"].pk,
            w["staff"]["b"].pk,
            w["contacts"]["a"].pk,
            w["contacts"]["b"].pk,
        ]
    )

    created = [scan(dt.date(2026, 3, 2), django_capture_on_commit_callbacks) for _ in range(2)]
    later = scan(dt.date(2026, 3, 3), django_capture_on_commit_callbacks)

    invites = Reminder.objects.filter(kind="followup_survey_invite")
    assert (created, later) == ([6, 0], 0)
    assert sorted(invites.values_list("recipient_id", flat=True)) == participants
    assert set(invites.values_list("url", flat=True)) == {f"/timetables/event/{w['event'].pk}/survey/"}
    assert len(mailoutbox) == 6
    assert {m.subject for m in mailoutbox} == {
        "[SKS] 【アンケートのお願い】テスト新現役交流会 へのご参加ありがとうございました"
    }
    assert f"/timetables/event/{w['event'].pk}/survey/" in mailoutbox[0].body


def test_survey_invites_not_before_the_event_is_held(django_capture_on_commit_callbacks):
    w = survey_event(status="timetabling", date=dt.date(2026, 3, 1))

    assert scan(dt.date(2026, 3, 2), django_capture_on_commit_callbacks) == 0
    Event.objects.filter(pk=w["event"].pk).update(status="held")
    assert scan(dt.date(2026, 3, 2), django_capture_on_commit_callbacks) == 6


# --- the beat schedule ---


def test_beat_runs_the_followup_scan_every_15_minutes_from_0900_tokyo(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reminder-scans"]

    assert entry == {
        "task": "matching.tasks.task_scan_reminders",
        "schedule": crontab(minute="*/15", hour="9-20"),
    }
    assert settings.CELERY_TIMEZONE == "Asia/Tokyo"
