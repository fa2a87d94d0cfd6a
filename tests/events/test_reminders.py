"""The daily reminder scan for events and the delivery of its reminders (tasks run in-process here).

The clock: the scan takes the day (`today` / `as_of`), and the one test of the default day freezes time
with time-machine. The mail server is the only thing mocked (to fail once).
"""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPException, SMTPServerDisconnected

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from events.models import ApplicationChoice, ChecklistItem, HearingSheet, SeniorApplication
from events.services import event_reminders_scan
from events.tasks import task_send_event_reminders
from participants.models import Membership, Notification, Reminder
from participants.services import reminder_deliver, reminders_redeliver_pending
from sks.celery import app
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    CoordinatorOrgFactory,
    OrganizationFactory,
    enrol_company,
    make_event,
    senior_user,
    staff_user,
)

pytestmark = pytest.mark.django_db

HEARING_DEADLINE = dt.date(2026, 3, 16)
APPLICATION_DEADLINE = dt.date(2026, 4, 10)
SELECTION_DEADLINE = dt.date(2026, 4, 20)
EVENT_DATE = dt.date(2026, 5, 15)


def days_before(date: dt.date, n: int) -> dt.date:
    return date - dt.timedelta(days=n)


@pytest.fixture
def coord_org():
    return CoordinatorOrgFactory(name="新現役交流会事務局")


@pytest.fixture
def coordinator(coord_org):
    return staff_user(Role.COORDINATOR, coord_org, name="調整 花子")


@pytest.fixture
def bank():
    return OrganizationFactory(name="さくら信用金庫")


@pytest.fixture
def staff(bank):
    return staff_user(Role.BANK_STAFF, bank, name="銀行 一郎")


def event_in(status: str, coord_org, bank, **fields):
    values = {
        "title": "春の新現役交流会",
        "enrolment_deadline": days_before(HEARING_DEADLINE, 20),
        "hearing_deadline": HEARING_DEADLINE,
        "issue_list_date": days_before(APPLICATION_DEADLINE, 15),
        "application_deadline": APPLICATION_DEADLINE,
        "selection_deadline": SELECTION_DEADLINE,
        **fields,
    }
    return make_event(coordinator_org=coord_org, hosts=[bank], status=status, date=EVENT_DATE, **values)


@pytest.fixture
def hearing_event(coord_org, bank, coordinator):
    return event_in("hearing", coord_org, bank)


def set_sheet_status(enrolment, status: str) -> None:
    with arranging():
        HearingSheet.objects.filter(enrolment=enrolment).update(status=status)


def scan(today: dt.date, capture) -> int:
    """One beat tick's scan, committed: the deliveries enqueued on commit run (in-process)."""
    with capture(execute=True):
        return event_reminders_scan(today=today)


def fired_days(first: dt.date, last: dt.date, capture) -> dict[dt.date, list[str]]:
    """Scan every day from `first` to `last`; the kinds newly scheduled on each day that had any."""
    fired: dict[dt.date, list[str]] = {}
    day = first
    while day <= last:
        before = set(Reminder.objects.values_list("pk", flat=True))
        if scan(day, capture):
            fired[day] = sorted(Reminder.objects.exclude(pk__in=before).values_list("kind", flat=True))
        day += dt.timedelta(days=1)
    return fired


# --- hearing sheets not submitted ---


def test_hearing_due_fires_7_3_and_1_days_before_the_deadline_only(
    hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrol_company(hearing_event, staff=staff)

    fired = fired_days(days_before(HEARING_DEADLINE, 10), HEARING_DEADLINE, django_capture_on_commit_callbacks)

    assert fired == {
        dt.date(2026, 3, 9): ["hearing_due_7"],
        dt.date(2026, 3, 13): ["hearing_due_3"],
        dt.date(2026, 3, 15): ["hearing_due_1"],
    }
    assert [m.to for m in mailoutbox] == [[staff.email]] * 3
    assert [m.subject for m in mailoutbox] == [
        "[SKS] 【あと7日】事前ヒアリングシートを提出してください（春の新現役交流会）",
        "[SKS] 【あと3日】事前ヒアリングシートを提出してください（春の新現役交流会）",
        "[SKS] 【あと1日】事前ヒアリングシートを提出してください（春の新現役交流会）",
    ]


def test_missed_day_reminder_is_sent_on_the_next_scan(
    hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrol_company(hearing_event, staff=staff)

    # The scans of 7 and 3 days before did not run (a dead worker): the next day's scans make them up, the
    # nearer one only, once, and later ticks of the same day find it sent.
    counts = [
        scan(days_before(HEARING_DEADLINE, 6), django_capture_on_commit_callbacks),
        scan(days_before(HEARING_DEADLINE, 6), django_capture_on_commit_callbacks),
        scan(days_before(HEARING_DEADLINE, 2), django_capture_on_commit_callbacks),
        scan(days_before(HEARING_DEADLINE, 2), django_capture_on_commit_callbacks),
    ]

    assert counts == [1, 0, 1, 0]
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == ["hearing_due_3", "hearing_due_7"]
    assert [m.subject for m in mailoutbox] == [
        "[SKS] 【あと6日】事前ヒアリングシートを提出してください（春の新現役交流会）",
        "[SKS] 【あと2日】事前ヒアリングシートを提出してください（春の新現役交流会）",
    ]


@pytest.mark.parametrize(
    ("late", "subject", "line"),
    [
        (0, "【本日締切】", "提出の締切：2026年3月16日（本日締切）"),
        (1, "【締切を過ぎています】", "提出の締切：2026年3月16日（締切を過ぎています）"),
    ],
)
def test_missed_last_reminder_says_the_deadline_is_today_or_past(
    late, subject, line, hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrol_company(hearing_event, staff=staff)

    assert scan(HEARING_DEADLINE + dt.timedelta(days=late), django_capture_on_commit_callbacks) == 1

    (message,) = mailoutbox
    assert message.subject == f"[SKS] {subject}事前ヒアリングシートを提出してください（春の新現役交流会）"
    assert line in message.body


def test_missed_reminder_past_the_catch_up_window_is_not_sent(
    hearing_event, staff, django_capture_on_commit_callbacks, settings
):
    enrol_company(hearing_event, staff=staff)

    assert (
        scan(HEARING_DEADLINE + dt.timedelta(days=settings.REMINDER_CATCH_UP_DAYS), django_capture_on_commit_callbacks)
        == 0
    )


def test_hearing_due_mail_names_event_company_deadline_and_absolute_link(
    hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrolment = enrol_company(hearing_event, staff=staff)

    scan(days_before(HEARING_DEADLINE, 7), django_capture_on_commit_callbacks)

    body = mailoutbox[0].body
    reminder = Reminder.objects.get()
    assert "銀行 一郎 様" in body
    assert f"「春の新現役交流会」の {enrolment.company.name} の事前ヒアリングシートが、まだ提出されていません。" in body
    assert "提出の締切：2026年3月16日（あと7日）" in body
    assert "交流会の開催日：2026年5月15日" in body
    assert settings.SITE_URL + reminder.url in body
    assert reminder.url == reverse("events:hearing_edit", args=[enrolment.pk])


def test_hearing_due_sent_exactly_once_across_two_beat_ticks(
    hearing_event, staff, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    enrol_company(hearing_event, staff=staff)
    as_of = days_before(HEARING_DEADLINE, 3).isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        first = task_send_event_reminders.delay(as_of=as_of).get()
    with django_capture_on_commit_callbacks(execute=True):
        second = task_send_event_reminders.delay(as_of=as_of).get()

    reminder = Reminder.objects.get()
    assert (first, second) == (1, 0)
    assert len(mailoutbox) == 1
    assert (reminder.kind, reminder.due_date, reminder.recipient, reminder.attempts) == (
        "hearing_due_3",
        HEARING_DEADLINE,
        staff,
        1,
    )
    assert reminder.sent_at is not None
    assert Notification.objects.filter(user=staff, reminder=reminder, is_copy=False).count() == 1


def test_default_day_is_today_in_tokyo(hearing_event, staff, django_capture_on_commit_callbacks):
    enrol_company(hearing_event, staff=staff)

    # 15:30 UTC on 8 March is 00:30 on 9 March in Tokyo: seven days before the deadline there.
    utc = dt.datetime(2026, 3, 8, 15, 30, tzinfo=dt.UTC)
    with time_machine.travel(utc, tick=False), django_capture_on_commit_callbacks(execute=True):
        created = task_send_event_reminders.delay().get()

    assert (created, list(Reminder.objects.values_list("kind", flat=True))) == (1, ["hearing_due_7"])


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_hearing_due_not_sent_for_a_submitted_sheet(
    status, hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrolment = enrol_company(hearing_event, staff=staff)
    set_sheet_status(enrolment, status)

    scan(days_before(HEARING_DEADLINE, 7), django_capture_on_commit_callbacks)

    assert (Reminder.objects.count(), mailoutbox) == (0, [])


def test_hearing_due_sent_for_a_sheet_the_company_returned(
    hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrolment = enrol_company(hearing_event, staff=staff)
    set_sheet_status(enrolment, "returned")

    scan(days_before(HEARING_DEADLINE, 1), django_capture_on_commit_callbacks)

    assert list(Reminder.objects.values_list("kind", flat=True)) == ["hearing_due_1"]
    assert "企業から差し戻されたままです" in mailoutbox[0].body


@pytest.mark.parametrize("status", ["preparing", "published", "selection", "held", "closed"])
def test_hearing_due_only_while_recruiting_or_hearing(
    status, coord_org, bank, staff, django_capture_on_commit_callbacks
):
    enrol_company(event_in(status, coord_org, bank), staff=staff)

    created = scan(days_before(HEARING_DEADLINE, 7), django_capture_on_commit_callbacks)

    assert (created, Reminder.objects.count()) == (0, 0)


def test_hearing_due_while_recruiting(coord_org, bank, staff, django_capture_on_commit_callbacks):
    enrol_company(event_in("recruiting", coord_org, bank), staff=staff)

    assert scan(days_before(HEARING_DEADLINE, 7), django_capture_on_commit_callbacks) == 1


def test_coordinator_copy_appears_once_in_app_and_is_not_mailed(
    hearing_event, staff, coordinator, coord_org, django_capture_on_commit_callbacks, mailoutbox
):
    second_coordinator = staff_user(Role.COORDINATOR, coord_org)
    former = staff_user(Role.COORDINATOR, coord_org)
    Membership.objects.filter(user=former).update(is_active=False)
    outsider = staff_user(Role.COORDINATOR)  # another coordinator organisation
    enrol_company(hearing_event, staff=staff)
    day = days_before(HEARING_DEADLINE, 7)

    scan(day, django_capture_on_commit_callbacks)
    scan(day, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_redeliver_pending()

    reminder = Reminder.objects.get()
    copies = Notification.objects.filter(is_copy=True).order_by("user_id")
    assert [(c.user, c.reminder, c.kind) for c in copies] == [
        (coordinator, reminder, "hearing_due_7"),
        (second_coordinator, reminder, "hearing_due_7"),
    ]
    assert copies[0].title == "【写し】【あと7日】事前ヒアリングシートを提出してください（春の新現役交流会）"
    assert "（写し）銀行 一郎 さんに、次のリマインダーをお送りしました。" in copies[0].body
    assert copies[0].url == reverse("events:coordinator_hearing_list", args=[hearing_event.pk])
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert Notification.objects.filter(user__in=[former, outsider]).count() == 0


# --- approval pending with the company ---


def test_approval_pending_fires_3_and_1_days_before_the_deadline_only(
    hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrolment = enrol_company(hearing_event, staff=staff)
    set_sheet_status(enrolment, "submitted")

    fired = fired_days(days_before(HEARING_DEADLINE, 10), HEARING_DEADLINE, django_capture_on_commit_callbacks)

    assert fired == {
        dt.date(2026, 3, 13): ["hearing_approval_pending_3"],
        dt.date(2026, 3, 15): ["hearing_approval_pending_1"],
    }
    assert [m.to for m in mailoutbox] == [[staff.email]] * 2
    assert mailoutbox[0].subject == "[SKS] 【あと3日】事前ヒアリングシートが企業の承認待ちです（春の新現役交流会）"
    assert Notification.objects.filter(is_copy=True).count() == 0


# --- applications started but not submitted ---


@pytest.fixture
def published_event(coord_org, bank):
    return event_in("published", coord_org, bank)


def application(event, status: str = "draft", *, user=None):
    senior = (user or senior_user()).senior_profile
    return SeniorApplication.objects.create(event=event, senior=senior, status=status)


def test_application_not_submitted_fires_3_and_1_days_before_the_deadline_only(
    published_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    empty = application(published_event, user=senior_user(name="新現役 太郎"))
    with_choice = application(published_event)
    ApplicationChoice.objects.create(
        application=with_choice,
        enrolment=enrol_company(published_event, staff=staff),
        proposal="販路の開拓を支援できます",
    )
    application(published_event, "submitted")
    application(published_event, "withdrawn")

    fired = fired_days(days_before(APPLICATION_DEADLINE, 6), APPLICATION_DEADLINE, django_capture_on_commit_callbacks)

    assert fired == {
        dt.date(2026, 4, 7): ["application_not_submitted_3"] * 2,
        dt.date(2026, 4, 9): ["application_not_submitted_1"] * 2,
    }
    assert set(Reminder.objects.values_list("recipient", flat=True)) == {
        empty.senior.user_id,
        with_choice.senior.user_id,
    }
    to_empty = next(m for m in mailoutbox if m.to == [empty.senior.user.email])
    assert to_empty.subject == "[SKS] 【あと3日】交流会への応募がまだ完了していません（春の新現役交流会）"
    assert "まだ企業を選んでいません。" in to_empty.body
    assert "応募の締切：2026年4月10日（あと3日）" in to_empty.body


def test_application_reminder_only_while_published(coord_org, bank, django_capture_on_commit_callbacks):
    application(event_in("selection", coord_org, bank))

    assert scan(days_before(APPLICATION_DEADLINE, 3), django_capture_on_commit_callbacks) == 0


# --- choices pending after applications close ---


def test_choices_pending_fires_after_close_and_on_the_eve_of_selection_once_per_enrolment(
    published_event, staff, bank, django_capture_on_commit_callbacks, mailoutbox
):
    pending = enrol_company(published_event, staff=staff)
    answered = enrol_company(published_event, institution=bank)
    for _ in range(2):  # two applicants waiting: still one reminder for the enrolment
        app_ = application(published_event, "submitted")
        ApplicationChoice.objects.create(application=app_, enrolment=pending, proposal="提案")
        ApplicationChoice.objects.create(application=app_, enrolment=answered, proposal="提案", decision="accepted")
    draft = application(published_event, "draft")  # not submitted: not waiting for an answer
    ApplicationChoice.objects.create(application=draft, enrolment=answered, proposal="提案")

    fired = fired_days(APPLICATION_DEADLINE, SELECTION_DEADLINE, django_capture_on_commit_callbacks)

    # (The draft's own reminder, due the day before, was never scanned for: the first scan makes it up.)
    assert fired == {
        dt.date(2026, 4, 10): ["application_not_submitted_1"],
        dt.date(2026, 4, 11): ["choices_pending_closed"],
        dt.date(2026, 4, 19): ["choices_pending_1"],
    }
    assert set(Reminder.objects.filter(kind__startswith="choices").values_list("object_key", "recipient")) == {
        (f"events.eventcompany:{pending.pk}", staff.pk)
    }
    to_staff = [m for m in mailoutbox if m.to == [staff.email]]
    assert len(to_staff) == 2
    assert "2人への回答がまだです" in to_staff[0].body
    assert "選考の締切：2026年4月20日（あと9日）" in to_staff[0].body


def test_choices_pending_while_selection(coord_org, bank, staff, django_capture_on_commit_callbacks):
    event = event_in("selection", coord_org, bank)
    choice_app = application(event, "submitted")
    ApplicationChoice.objects.create(
        application=choice_app, enrolment=enrol_company(event, staff=staff), proposal="提案"
    )

    assert scan(days_before(SELECTION_DEADLINE, 1), django_capture_on_commit_callbacks) == 1


def test_choices_pending_when_close_is_the_eve_of_selection_sends_one(
    coord_org, bank, staff, django_capture_on_commit_callbacks, mailoutbox
):
    event = event_in("selection", coord_org, bank, selection_deadline=APPLICATION_DEADLINE + dt.timedelta(days=2))
    choice_app = application(event, "submitted")
    ApplicationChoice.objects.create(
        application=choice_app, enrolment=enrol_company(event, staff=staff), proposal="提案"
    )

    scan(APPLICATION_DEADLINE + dt.timedelta(days=1), django_capture_on_commit_callbacks)

    assert list(Reminder.objects.values_list("kind", flat=True)) == ["choices_pending_1"]
    assert len(mailoutbox) == 1


# --- checklist items due tomorrow ---


def test_checklist_due_fires_the_day_before_for_open_items_with_an_owner(
    coord_org, bank, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    event = event_in("preparing", coord_org, bank)
    due = dt.date(2026, 2, 2)
    item = ChecklistItem.objects.create(event=event, kind="venue", title="会場の確保", due_date=due, owner=coordinator)
    ChecklistItem.objects.create(event=event, kind="printing", title="印刷", due_date=due)  # no owner
    ChecklistItem.objects.create(
        event=event, kind="custom", title="済み", due_date=due, owner=coordinator, done_at=timezone.now()
    )

    fired = fired_days(days_before(due, 5), due, django_capture_on_commit_callbacks)

    assert fired == {dt.date(2026, 2, 1): ["checklist_due"]}
    reminder = Reminder.objects.get()
    assert (reminder.object_key, reminder.due_date, reminder.recipient) == (
        f"events.checklistitem:{item.pk}",
        due,
        coordinator,
    )
    assert mailoutbox[0].subject == "[SKS] 【明日が期限】会場の確保（春の新現役交流会）"
    assert "期限は、明日（2026年2月2日）です。" in mailoutbox[0].body


@pytest.mark.parametrize(("status", "expected"), [("timetabling", 1), ("held", 0), ("closed", 0)])
def test_checklist_due_only_before_the_event_is_held(
    status, expected, coord_org, bank, coordinator, django_capture_on_commit_callbacks
):
    event = event_in(status, coord_org, bank)
    ChecklistItem.objects.create(event=event, kind="venue", title="会場", due_date=EVENT_DATE, owner=coordinator)

    assert scan(days_before(EVENT_DATE, 1), django_capture_on_commit_callbacks) == expected


# --- the recipient's language ---


@pytest.mark.parametrize(
    ("language", "deadline_text", "footer"),
    [
        ("ja", "2026年3月16日", "SKS 新現役交流会プラットフォーム"),
        ("en", "March 16, 2026", "SKS senior expert matching platform"),
    ],
)
def test_reminder_rendered_in_the_recipients_language(
    language,
    deadline_text,
    footer,
    hearing_event,
    staff,
    coordinator,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    staff.language = language
    staff.save(update_fields=["language"])
    coordinator.language = "en" if language == "ja" else "ja"  # the copy follows the coordinator's language
    coordinator.save(update_fields=["language"])
    enrol_company(hearing_event, staff=staff)

    scan(days_before(HEARING_DEADLINE, 7), django_capture_on_commit_callbacks)

    body = mailoutbox[0].body
    copy = Notification.objects.get(is_copy=True)
    assert (deadline_text in body, footer in body) == (True, True)
    assert Notification.objects.get(user=staff).body == body
    assert (deadline_text in copy.body, footer in copy.body) == (False, False)


# --- delivery: on commit, retried, exactly once ---


def test_reminders_enqueued_on_commit(hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox):
    enrol_company(hearing_event, staff=staff)

    with django_capture_on_commit_callbacks(execute=True):
        event_reminders_scan(today=days_before(HEARING_DEADLINE, 7))
        sent_before_commit = len(mailoutbox)

    assert (sent_before_commit, len(mailoutbox)) == (0, 1)


def test_nothing_sent_when_the_scan_rolls_back(hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox):
    enrol_company(hearing_event, staff=staff)

    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        event_reminders_scan(today=days_before(HEARING_DEADLINE, 7))
        raise RuntimeError("the tick failed")

    assert (callbacks, mailoutbox, Reminder.objects.count()) == ([], [], 0)


def test_smtp_error_is_retried_and_the_reminder_sent_once(
    hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    enrol_company(hearing_event, staff=staff)
    send_messages = EmailBackend.send_messages
    failures = []

    def fail_once(self, messages):
        if not failures:
            failures.append(1)
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fail_once)
    # In-process, Celery retries only when it does not propagate the error (a worker never does).
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        scan(days_before(HEARING_DEADLINE, 7), django_capture_on_commit_callbacks)
    finally:
        app.conf.task_eager_propagates = propagates

    reminder = Reminder.objects.get()
    assert (failures, len(mailoutbox), reminder.attempts, reminder.last_error) == ([1], 1, 2, "")
    assert reminder.sent_at is not None
    assert Notification.objects.filter(reminder=reminder, is_copy=False).count() == 1


def test_delivery_task_retries_mail_errors_with_backoff():
    from participants.tasks import task_deliver_reminder

    assert (
        task_deliver_reminder.autoretry_for,
        task_deliver_reminder.retry_backoff,
        task_deliver_reminder.max_retries,
    ) == ((SMTPException, ConnectionError, TimeoutError), True, 8)


def test_smtp_error_releases_the_claim_and_records_the_error(
    hearing_event, staff, django_capture_on_commit_callbacks, monkeypatch
):
    enrol_company(hearing_event, staff=staff)
    with django_capture_on_commit_callbacks(execute=False):
        event_reminders_scan(today=days_before(HEARING_DEADLINE, 7))
    reminder = Reminder.objects.get()

    def refuse(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)

    with pytest.raises(SMTPServerDisconnected):
        reminder_deliver(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert (reminder.claimed_at, reminder.sent_at, reminder.attempts) == (None, None, 1)
    assert reminder.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert Notification.objects.count() == 0


def test_deliver_twice_sends_once(hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox):
    enrol_company(hearing_event, staff=staff)
    with django_capture_on_commit_callbacks(execute=False):
        event_reminders_scan(today=days_before(HEARING_DEADLINE, 7))
    reminder = Reminder.objects.get()

    results = [reminder_deliver(reminder_id=reminder.pk), reminder_deliver(reminder_id=reminder.pk)]

    assert (results, len(mailoutbox), Notification.objects.filter(user=staff).count()) == ([True, False], 1, 1)


def test_a_claimed_reminder_is_not_delivered_by_another_worker(
    hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrol_company(hearing_event, staff=staff)
    with django_capture_on_commit_callbacks(execute=False):
        event_reminders_scan(today=days_before(HEARING_DEADLINE, 7))
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=timezone.now(), attempts=1)  # a worker is sending

    with django_capture_on_commit_callbacks(execute=True):
        redelivered = reminders_redeliver_pending()
    delivered = reminder_deliver(reminder_id=reminder.pk)

    assert (redelivered, delivered, mailoutbox) == (0, False, [])


def test_a_reminder_whose_worker_died_is_redelivered_once_its_claim_expires(
    hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrol_company(hearing_event, staff=staff)
    with django_capture_on_commit_callbacks(execute=False):
        event_reminders_scan(today=days_before(HEARING_DEADLINE, 7))
    reminder = Reminder.objects.get()
    claimed = timezone.now() - dt.timedelta(seconds=settings.REMINDER_CLAIM_SECONDS + 1)
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=claimed, attempts=1)  # the worker was killed

    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_redeliver_pending()
    with django_capture_on_commit_callbacks(execute=True):
        second = reminders_redeliver_pending()

    reminder.refresh_from_db()
    assert (first, second, len(mailoutbox), reminder.attempts) == (1, 0, 1, 2)
    assert reminder.sent_at is not None


def test_a_reminder_never_enqueued_is_redelivered_later(
    hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox
):
    enrol_company(hearing_event, staff=staff)
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the task
        event_reminders_scan(today=days_before(HEARING_DEADLINE, 7))

    with django_capture_on_commit_callbacks(execute=True):
        at_once = reminders_redeliver_pending()  # just created: its task may still be on the way
    later = timezone.now() + dt.timedelta(seconds=settings.REMINDER_CLAIM_SECONDS + 1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        after_a_while = reminders_redeliver_pending()

    assert (at_once, after_a_while, len(mailoutbox)) == (0, 1, 1)


def test_inactive_recipient_gets_no_mail(hearing_event, staff, django_capture_on_commit_callbacks, mailoutbox):
    enrol_company(hearing_event, staff=staff)
    with django_capture_on_commit_callbacks(execute=False):
        event_reminders_scan(today=days_before(HEARING_DEADLINE, 7))
    staff.is_active = False
    staff.save(update_fields=["is_active"])

    delivered = reminder_deliver(reminder_id=Reminder.objects.get().pk)

    assert (delivered, mailoutbox, Notification.objects.count()) == (False, [], 0)
    assert Reminder.objects.get().sent_at is not None  # closed, so it is not retried for ever


# --- the schedule ---


def test_beat_runs_the_scan_every_15_minutes_from_nine_in_tokyo():
    from celery.schedules import crontab

    import matching.tasks  # noqa: F401 (the merged scan's task lives with the follow-up scan; a worker imports it)

    entry = settings.CELERY_BEAT_SCHEDULE["reminder-scans"]

    assert (entry["task"], entry["schedule"], settings.CELERY_TIMEZONE) == (
        "matching.tasks.task_scan_reminders",
        crontab(minute="*/15", hour="9-20"),
        "Asia/Tokyo",
    )
    assert entry["task"] in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["reminders-redeliver"]["task"] in app.tasks


def test_mail_outbox_is_the_test_backend():
    # The tests above mock the mail server by patching the in-memory backend pytest-django installs.
    assert mail.get_connection().__class__ is EmailBackend
