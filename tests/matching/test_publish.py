"""Publishing a timetable and mailing the personal schedules (.ics attached)."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from matching.models import Timetable
from matching.services import TimetablePublishError, personal_schedules_send, timetable_publish
from matching.tasks import task_send_personal_schedules
from participants.models import Notification, User
from tests.access import arranging
from tests.factories import approved_hearing, company_contact, make_timetable, pledged_senior, three_bank_event

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def setup() -> dict[str, Any]:
    with arranging():
        world = three_bank_event(status="selection", date=dt.date(2027, 1, 23))
        e = world["enrolments"]
        approved_hearing(e["a"], title="精密加工の販路", show_name=False)
        approved_hearing(e["b"], title="食品の海外展開", show_name=True)
        s1, s2 = pledged_senior(), pledged_senior()
        User.objects.filter(pk=s1.user_id).update(name="山田太郎")
        User.objects.filter(pk=s2.user_id).update(name="佐藤花子")
        s1.refresh_from_db()
        s2.refresh_from_db()
        timetable = make_timetable(
            world["event"],
            [
                (e["a"], s1, 0, "mutual"),
                (e["b"], s1, 1, "mutual"),
                (e["a"], s2, 1, "applied"),
                (e["b"], s2, 0, "invited"),
            ],
        )
        return {**world, "s1": s1, "s2": s2, "timetable": timetable}


@pytest.fixture
def publish(setup, django_capture_on_commit_callbacks):
    """Publish (the mail task runs on commit, eagerly in tests)."""

    def _publish(timetable=None):
        with django_capture_on_commit_callbacks(execute=True):
            return timetable_publish(timetable=timetable or setup["timetable"], by=setup["coordinator"])

    return _publish


def _mail_to(mailoutbox, user):
    return [m for m in mailoutbox if m.to == [user.email]]


def _ics(message) -> Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "text/calendar"
    assert name.endswith(".ics")
    return Calendar.from_ical(content)


def test_publish_draft_becomes_published_and_event_moves_to_timetabling(setup, publish, mailoutbox):
    timetable = publish()

    timetable.refresh_from_db()
    setup["event"].refresh_from_db()
    assert (timetable.status, timetable.published_by) == ("published", setup["coordinator"])
    assert timetable.published_at is not None
    assert setup["event"].status == "timetabling"


def test_publish_supersedes_the_previous_published_version(setup, publish, mailoutbox):
    publish()
    second = make_timetable(setup["event"], [(setup["enrolments"]["a"], setup["s1"], 2, "mutual")])

    publish(second)

    statuses = dict(Timetable.objects.filter(event=setup["event"]).values_list("version", "status"))
    assert statuses == {1: "superseded", 2: "published"}


@pytest.mark.parametrize("status", ["published", "superseded"])
def test_publish_refuses_a_non_draft(setup, status):
    timetable = make_timetable(setup["event"], status=status)

    with pytest.raises(TimetablePublishError):
        timetable_publish(timetable=timetable, by=setup["coordinator"])


def test_publish_refuses_an_unsolved_draft(setup, publish):
    Timetable.objects.filter(pk=setup["timetable"].pk).update(solve_status="running")
    setup["timetable"].refresh_from_db()

    with pytest.raises(TimetablePublishError):
        publish()


def test_publish_accepts_a_manual_draft(setup, publish, mailoutbox):
    Timetable.objects.filter(pk=setup["timetable"].pk).update(solve_status="manual")
    setup["timetable"].refresh_from_db()

    publish()

    assert Timetable.objects.get(pk=setup["timetable"].pk).status == "published"


def test_publish_mails_each_participant_once(setup, publish, mailoutbox):
    publish()

    recipients = sorted(m.to[0] for m in mailoutbox)
    expected = sorted(
        u.email
        for u in (
            setup["s1"].user,
            setup["s2"].user,
            setup["staff"]["a"],
            setup["staff"]["b"],
            setup["contacts"]["a"],
            setup["contacts"]["b"],
        )
    )
    assert recipients == expected


def test_senior_mail_has_times_and_ics_in_tokyo(setup, publish, mailoutbox):
    publish()

    (message,) = _mail_to(mailoutbox, setup["s1"].user)
    assert "2027年1月23日（土）13:00〜13:20" in message.body
    assert "2027年1月23日（土）13:20〜13:40" in message.body
    calendar = _ics(message)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts == [dt.datetime(2027, 1, 23, 13, 0, tzinfo=TOKYO), dt.datetime(2027, 1, 23, 13, 20, tzinfo=TOKYO)]
    assert events[0]["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert "テスト会館" in str(events[0]["location"])


def test_senior_sees_only_disclosed_names_and_no_internal_notes(setup, publish, mailoutbox):
    publish()

    (message,) = _mail_to(mailoutbox, setup["s1"].user)
    ics_text = message.attachments[0][1]
    ics_text = ics_text.decode() if isinstance(ics_text, bytes) else ics_text
    for text in (message.body, ics_text):
        assert "株式会社秘密の精密A" not in text  # A's name was not disclosed
        assert "株式会社秘密の食品B" in text  # B's was
        assert "内部メモ" not in text
        assert "佐藤花子" not in text  # another senior


def test_staff_mail_shows_company_names_and_only_their_tables(setup, publish, mailoutbox):
    publish()

    (message,) = _mail_to(mailoutbox, setup["staff"]["b"])
    assert "株式会社秘密の食品B" in message.body
    assert "株式会社秘密の精密A" not in message.body
    assert "山田太郎" in message.body and "佐藤花子" in message.body
    assert len(_ics(message).walk("VEVENT")) == 2


def test_company_contact_mail_lists_seniors_and_times(setup, publish, mailoutbox):
    publish()

    (message,) = _mail_to(mailoutbox, setup["contacts"]["a"])
    assert "山田太郎" in message.body and "佐藤花子" in message.body
    assert "2027年1月23日（土）13:00〜13:20" in message.body
    assert "株式会社秘密の食品B" not in message.body


def test_mail_in_english_for_an_english_reader(setup, publish, mailoutbox):
    user = setup["s1"].user
    user.language = "en"
    user.save(update_fields=["language"])

    publish()

    (message,) = _mail_to(mailoutbox, user)
    assert "Sat, January 23, 2027 13:00–13:20" in message.body
    assert "2027年1月23日" not in message.body


def test_notification_created_per_participant(setup, publish, mailoutbox):
    publish()

    assert Notification.objects.filter(kind="timetable_published").count() == 6


def test_second_task_run_sends_nothing(setup, publish, mailoutbox):
    publish()
    mailoutbox.clear()

    sent = task_send_personal_schedules.apply(kwargs={"timetable_id": setup["timetable"].pk}).get()

    assert (sent, len(mailoutbox)) == (0, 0)
    assert Notification.objects.filter(kind="timetable_published").count() == 6


def test_task_retries_on_smtp_errors():
    assert set(task_send_personal_schedules.autoretry_for) >= {smtplib.SMTPException, ConnectionError, TimeoutError}
    assert task_send_personal_schedules.retry_backoff is True


def test_smtp_error_midway_then_rerun_sends_each_once(setup, mailoutbox):
    from django.core.mail import EmailMessage

    Timetable.objects.filter(pk=setup["timetable"].pk).update(status="published")
    original = EmailMessage.send
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise smtplib.SMTPServerDisconnected("gone")
        return original(self, *args, **kwargs)

    with mock.patch.object(EmailMessage, "send", flaky), pytest.raises(smtplib.SMTPServerDisconnected):
        personal_schedules_send(timetable_id=setup["timetable"].pk)
    sent_again = personal_schedules_send(timetable_id=setup["timetable"].pk)

    assert (len(mailoutbox), sent_again) == (6, 4)
    assert len({m.to[0] for m in mailoutbox}) == 6


def test_superseded_timetable_task_sends_nothing(setup, publish, mailoutbox):
    Timetable.objects.filter(pk=setup["timetable"].pk).update(status="superseded")

    assert task_send_personal_schedules.apply(kwargs={"timetable_id": setup["timetable"].pk}).get() == 0


def test_inactive_contact_gets_no_mail(setup, publish, mailoutbox):
    extra = company_contact(setup["companies"]["a"])
    extra.is_active = False
    extra.save()

    publish()

    assert _mail_to(mailoutbox, extra) == []
