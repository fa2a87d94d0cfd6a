"""Second interviews (二次面談): proposals, every step of the ladder allowed and refused, the invitations
with an .ics to all three parties, and who may see them."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from matching.models import SecondInterview, SupportAgreement
from matching.services import followup as services
from matching.services.followup import AgreementError, InterviewResultError, SecondInterviewError
from participants.models import MailDelivery, Notification
from tests.access import arranging, every
from tests.conftest import need
from tests.factories import (
    SeniorProfileFactory,
    followup_world,
    make_result,
    make_second_interview,
    pledged_senior,
    three_bank_event,
)

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
WHEN = dt.datetime(2030, 5, 20, 14, 0, tzinfo=TOKYO)


@pytest.fixture
def world():
    with arranging():
        return followup_world()


@pytest.fixture
def si(world):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    return make_second_interview(a, s1, result=make_result(a, s1, company_wish="yes", senior_wish="yes"))


def _to(si, status: str, **fields):
    with arranging():
        SecondInterview.objects.filter(pk=si.pk).update(status=status, **fields)
    return every(SecondInterview).get(pk=si.pk)


# --- proposals ------------------------------------------------------------------------------------------------


def test_propose_all_creates_one_per_mutual_pair_idempotently(world):
    a, b = world["enrolments"]["a"], world["enrolments"]["b"]
    s1, s2 = world["seniors"]
    make_result(a, s1, company_wish="yes", senior_wish="yes")
    make_result(a, s2, company_wish="yes", senior_wish="maybe")
    make_result(b, s1, company_wish="yes", senior_wish="yes")

    first = services.second_interviews_propose(event=world["event"], by=world["coordinator"])
    second = services.second_interviews_propose(event=world["event"], by=world["coordinator"])

    assert (first, second) == (2, 0)
    assert sorted(every(SecondInterview).values_list("enrolment_id", "senior_id", "by_coordinator")) == sorted(
        [(a.pk, s1.pk, False), (b.pk, s1.pk, False)]
    )


def test_propose_all_after_a_cancellation_proposes_again(world):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    make_result(a, s1, company_wish="yes", senior_wish="yes")
    make_second_interview(a, s1, status="cancelled")

    assert services.second_interviews_propose(event=world["event"], by=world["coordinator"]) == 1


def test_propose_all_refused_before_the_event():
    world = followup_world(status="timetabling")

    with pytest.raises(InterviewResultError):
        services.second_interviews_propose(event=world["event"], by=world["coordinator"])


def test_coordinator_proposes_a_maybe_pair(world):
    a, s2 = world["enrolments"]["a"], world["seniors"][1]
    result = make_result(a, s2, company_wish="maybe", senior_wish="yes")

    si = services.second_interview_propose(result=result, by=world["coordinator"])

    assert (si.status, si.by_coordinator, si.result_id) == ("proposed", True, result.pk)


@pytest.mark.parametrize(
    ("company", "senior", "message"),
    [
        ("no", "yes", "どちらかが「希望しない」と答えた組み合わせは、二次面談を提案できません。"),
        ("maybe", "no", "どちらかが「希望しない」と答えた組み合わせは、二次面談を提案できません。"),
        ("", "yes", "企業の希望がまだ記録されていません。先に面談結果を記録してください。"),
    ],
)
def test_coordinator_propose_refused(world, company, senior, message):
    result = make_result(world["enrolments"]["a"], world["seniors"][1], company_wish=company, senior_wish=senior)

    with pytest.raises(SecondInterviewError) as exc:
        services.second_interview_propose(result=result, by=world["coordinator"])

    assert exc.value.message == message


def test_coordinator_propose_refused_when_one_is_live(world, si):
    with pytest.raises(SecondInterviewError):
        services.second_interview_propose(result=si.result, by=world["coordinator"])


def test_propose_views_coordinator_only(world, login_as):
    result = make_result(world["enrolments"]["a"], world["seniors"][1], company_wish="maybe", senior_wish="maybe")
    url = reverse("matching:second_interview_propose", args=[result.pk])

    assert login_as(world["staff"]["a"]).post(url).status_code == 404
    assert login_as(world["other_coordinator"]).post(url).status_code == 404
    assert login_as(world["coordinator"]).post(url).status_code == 302
    assert every(SecondInterview).get().by_coordinator is True


# --- the ladder -----------------------------------------------------------------------------------------------


def test_start_scheduling_from_proposed(world, si):
    services.second_interview_start_scheduling(si=si, by=world["staff"]["a"])

    si.refresh_from_db()
    assert si.status == "scheduling"
    assert si.status_changed_at is not None
    assert LogEntry.objects.filter(additional_data__event="second_interview.scheduling").count() == 1


@pytest.mark.parametrize("status", ["scheduling", "confirmed", "held", "agreed", "not_agreed", "cancelled"])
def test_start_scheduling_refused(world, si, status):
    si = _to(si, status)

    with pytest.raises(SecondInterviewError):
        services.second_interview_start_scheduling(si=si, by=world["staff"]["a"])


@pytest.mark.parametrize("status", ["scheduling", "confirmed"])
def test_schedule_confirms_and_reschedules(world, si, status):
    si = _to(si, status, scheduled_at=WHEN - dt.timedelta(days=1), place="旧会場")

    services.second_interview_schedule(
        si=si, by=world["staff"]["a"], scheduled_at=WHEN, duration_minutes=90, place="本店 会議室"
    )

    si.refresh_from_db()
    assert (si.status, si.scheduled_at, si.duration_minutes, si.place) == ("confirmed", WHEN, 90, "本店 会議室")
    action = "second_interview.rescheduled" if status == "confirmed" else "second_interview.confirmed"
    assert LogEntry.objects.filter(additional_data__event=action).count() == 1


@pytest.mark.parametrize("status", ["proposed", "held", "agreed", "not_agreed", "cancelled"])
def test_schedule_refused_from_wrong_step(world, si, status):
    si = _to(si, status)

    with pytest.raises(SecondInterviewError):
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=WHEN, place="本店")


def test_schedule_needs_a_place_or_url(world, si):
    si = _to(si, "scheduling")

    with pytest.raises(SecondInterviewError) as exc:
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=WHEN)

    assert exc.value.message == "場所かオンライン会議のURLのどちらかを入力してください。"


def test_schedule_needs_a_date(world, si):
    si = _to(si, "scheduling")

    with pytest.raises(SecondInterviewError):
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=None, place="本店")


def test_mark_held_after_the_time(world, si):
    si = _to(si, "confirmed", scheduled_at=WHEN)

    with time_machine.travel(WHEN + dt.timedelta(minutes=1), tick=False):
        services.second_interview_mark_held(si=si, by=world["staff"]["a"])

    si.refresh_from_db()
    assert (si.status, si.held_at) == ("held", WHEN + dt.timedelta(minutes=1))


def test_mark_held_refused_before_the_time(world, si):
    si = _to(si, "confirmed", scheduled_at=WHEN)

    with time_machine.travel(WHEN - dt.timedelta(minutes=1), tick=False), pytest.raises(SecondInterviewError) as exc:
        services.second_interview_mark_held(si=si, by=world["staff"]["a"])

    assert "より前に、実施済にすることはできません" in exc.value.message


@pytest.mark.parametrize("status", ["proposed", "scheduling", "held", "agreed", "not_agreed", "cancelled"])
def test_mark_held_refused_from_wrong_step(world, si, status):
    si = _to(si, status, scheduled_at=WHEN - dt.timedelta(days=400))

    with pytest.raises(SecondInterviewError):
        services.second_interview_mark_held(si=si, by=world["staff"]["a"])


def test_record_agreement_creates_the_agreement(world, si):
    si = _to(si, "held")

    agreement = services.second_interview_record_agreement(
        si=si, by=world["staff"]["a"], kind="subsidised", start_date=dt.date(2030, 6, 1), subsidised_visits=5
    )

    si.refresh_from_db()
    assert si.status == "agreed"
    assert (agreement.kind, agreement.subsidised_visits, agreement.company_id, agreement.second_interview_id) == (
        "subsidised",
        5,
        world["companies"]["a"].pk,
        si.pk,
    )
    assert agreement.responsible_staff == world["staff"]["a"]


def test_record_agreement_refuses_staff_of_another_institution(world, si):
    si = _to(si, "held")

    with pytest.raises(AgreementError):
        services.second_interview_record_agreement(
            si=si,
            by=world["staff"]["a"],
            kind="private",
            start_date=dt.date(2030, 6, 1),
            responsible_staff=world["staff"]["b"],
        )
    assert every(SupportAgreement).count() == 0


@pytest.mark.parametrize("status", ["proposed", "scheduling", "confirmed", "agreed", "not_agreed", "cancelled"])
def test_record_agreement_refused_from_wrong_step(world, si, status):
    si = _to(si, status)

    with pytest.raises(SecondInterviewError):
        services.second_interview_record_agreement(
            si=si, by=world["staff"]["a"], kind="subsidised", start_date=dt.date(2030, 6, 1)
        )
    assert every(SupportAgreement).count() == 0


def test_record_not_agreed_with_reason(world, si):
    si = _to(si, "held")

    services.second_interview_record_not_agreed(si=si, by=world["staff"]["a"], reason="fee")

    si.refresh_from_db()
    assert (si.status, si.not_agreed_reason) == ("not_agreed", "fee")


def test_record_not_agreed_other_needs_a_note(world, si):
    si = _to(si, "held")

    with pytest.raises(SecondInterviewError) as exc:
        services.second_interview_record_not_agreed(si=si, by=world["staff"]["a"], reason="other", note=" ")

    assert exc.value.message == "理由が「その他」のときは、メモに具体的な理由を書いてください。"
    services.second_interview_record_not_agreed(si=si, by=world["staff"]["a"], reason="other", note="社内事情")
    si.refresh_from_db()
    assert (si.status, si.outcome_note) == ("not_agreed", "社内事情")


@pytest.mark.parametrize("status", ["proposed", "scheduling", "confirmed", "agreed", "not_agreed", "cancelled"])
def test_record_not_agreed_refused_from_wrong_step(world, si, status):
    si = _to(si, status)

    with pytest.raises(SecondInterviewError):
        services.second_interview_record_not_agreed(si=si, by=world["staff"]["a"], reason="fee")


@pytest.mark.parametrize("status", ["proposed", "scheduling", "confirmed", "held"])
def test_cancel_from_any_open_step(world, si, status):
    si = _to(si, status)

    services.second_interview_cancel(si=si, by=world["staff"]["a"], note="企業の都合")

    si.refresh_from_db()
    assert (si.status, si.outcome_note) == ("cancelled", "企業の都合")


@pytest.mark.parametrize("status", ["agreed", "not_agreed", "cancelled"])
def test_cancel_refused_when_finished(world, si, status):
    si = _to(si, status)

    with pytest.raises(SecondInterviewError):
        services.second_interview_cancel(si=si, by=world["staff"]["a"])


# --- the invitations ------------------------------------------------------------------------------------------


def test_confirmation_notifies_three_parties_with_a_parsing_ics(world, si, django_capture_on_commit_callbacks):
    contact = world["contacts"]["a"]
    si = _to(si, "scheduling")

    with django_capture_on_commit_callbacks(execute=True):
        services.second_interview_schedule(
            si=si, by=world["staff"]["a"], scheduled_at=WHEN, place="本店 会議室", online_url=""
        )

    senior_user = world["seniors"][0].user
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world["staff"]["a"].email, senior_user.email, contact.email])
    for message in mail.outbox:
        assert "二次面談の日程が決まりました" in message.subject
        assert "本店 会議室" in message.body
        (name, content, mimetype) = message.attachments[0]
        assert (name, mimetype) == (f"{si.event.title}_二次面談_{WHEN:%Y%m%d}.ics", "text/calendar")
        vevent = Calendar.from_ical(content).walk("VEVENT")[0]
        assert vevent.decoded("dtstart") == WHEN
        assert vevent.decoded("dtend") == WHEN + dt.timedelta(minutes=60)
        assert str(vevent["location"]) == "本店 会議室"
    assert Notification.objects.filter(kind="second_interview_confirmed").count() == 3


def test_invitations_sent_once_and_again_after_a_reschedule(world, si, django_capture_on_commit_callbacks):
    si = _to(si, "scheduling")
    with django_capture_on_commit_callbacks(execute=True):
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=WHEN, place="本店")

    assert services.second_interview_invitations_send(second_interview_id=si.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.second_interview_schedule(
            si=si,
            by=world["staff"]["a"],
            scheduled_at=WHEN + dt.timedelta(days=1),
            online_url="https://meet.example.jp/x",
        )

    assert len(mail.outbox) == 6  # the staff member, the senior and the company's contact, twice


def test_invitations_skip_a_cancelled_interview(world, si):
    si = _to(si, "cancelled", scheduled_at=WHEN)

    assert services.second_interview_invitations_send(second_interview_id=si.pk) == 0
    assert mail.outbox == []


# --- pages ----------------------------------------------------------------------------------------------------


def test_detail_page_other_institution_gets_404(world, si, login_as):
    url = reverse("matching:second_interview_detail", args=[si.pk])

    assert login_as(world["staff"]["a"]).get(url).status_code == 200
    assert login_as(world["admin_a"]).get(url).status_code == 200
    assert login_as(world["coordinator"]).get(url).status_code == 200
    assert login_as(world["staff"]["b"]).get(url).status_code == 404
    assert login_as(world["other_coordinator"]).get(url).status_code == 404
    assert login_as(world["seniors"][0].user).get(url).status_code == 404


def test_step_view_other_institution_gets_404(world, si, login_as):
    response = login_as(world["staff"]["b"]).post(reverse("matching:second_interview_step", args=[si.pk, "cancel"]))

    assert response.status_code == 404
    si.refresh_from_db()
    assert si.status == "proposed"


def test_step_views_walk_the_ladder(world, si, login_as, django_capture_on_commit_callbacks):
    client = login_as(world["staff"]["a"])

    def step(name: str, data: dict[str, str] | None = None):
        return client.post(reverse("matching:second_interview_step", args=[si.pk, name]), data or {})

    assert step("start-scheduling").status_code == 302
    # Tomorrow at 14:00 (Asia/Tokyo); the day after, it is marked held and its outcome recorded.
    day = timezone.localdate() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = step(
            "schedule",
            {
                "schedule-date": day.isoformat(),
                "schedule-time": "14:00",
                "schedule-duration_minutes": "60",
                "schedule-place": "本店",
            },
        )
    assert response.url == reverse("matching:second_interview_detail", args=[si.pk])
    si.refresh_from_db()
    assert (si.status, si.scheduled_at) == ("confirmed", dt.datetime.combine(day, dt.time(14), tzinfo=TOKYO))
    with time_machine.travel(dt.datetime.combine(day, dt.time(16), tzinfo=TOKYO), tick=False):
        assert step("held").url == reverse("matching:second_interview_detail", args=[si.pk])
        response = step(
            "agree",
            {
                "agree-kind": "subsidised",
                "agree-subsidised_visits": "3",
                "agree-start_date": "2030-06-01",
                "agree-responsible_staff": str(world["staff"]["a"].pk),
            },
        )
    assert response.status_code == 302, response.content.decode()
    agreement = every(SupportAgreement).get()
    assert response.url == reverse("matching:agreement_detail", args=[agreement.pk])
    si.refresh_from_db()
    assert si.status == "agreed"


def test_step_view_refused_step_shows_the_message(world, si, login_as):
    response = login_as(world["staff"]["a"]).post(reverse("matching:second_interview_step", args=[si.pk, "held"]))

    assert response.status_code == 400
    assert "いま「提案」の二次面談は、実施済にすることはできません。" in response.content.decode()


def test_step_view_schedule_form_errors_in_japanese(world, si, login_as):
    si = _to(si, "scheduling")

    response = login_as(world["staff"]["a"]).post(
        reverse("matching:second_interview_step", args=[si.pk, "schedule"]), {"schedule-date": "2030-05-20"}
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "開始時刻を入力してください。" in content
    assert "場所かオンライン会議のURLのどちらかを入力してください。" in content


def test_list_filters_by_status_and_isolates_institutions(world, si, login_as):
    b_si = make_second_interview(world["enrolments"]["b"], world["seniors"][0], status="scheduling")

    mine = login_as(world["staff"]["a"]).get(reverse("matching:second_interview_list"))
    theirs = login_as(world["staff"]["b"]).get(reverse("matching:second_interview_list") + "?status=proposed")
    coordinator = login_as(world["coordinator"]).get(reverse("matching:second_interview_list"))

    assert [r.pk for r in mine.context["rows"]] == [si.pk]
    assert [r.pk for r in theirs.context["rows"]] == []
    assert sorted(r.pk for r in coordinator.context["rows"]) == sorted([si.pk, b_si.pk])


def test_list_constant_queries(world, si, login_as, django_assert_num_queries):
    client = login_as(world["staff"]["a"])
    url = reverse("matching:second_interview_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(9):
        make_second_interview(world["enrolments"]["a"], pledged_senior())

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 10


def test_my_schedule_shows_a_confirmed_second_interview_to_its_senior_and_company(world, si, login_as):
    _to(si, "confirmed", scheduled_at=WHEN, place="本店 応接室")

    senior = login_as(world["seniors"][0].user).get(reverse("matching:my_schedule"))
    contact = login_as(world["contacts"]["a"]).get(reverse("matching:my_schedule"))
    other_contact = login_as(world["contacts"]["b"]).get(reverse("matching:my_schedule"))
    other_senior = login_as(world["seniors"][1].user).get(reverse("matching:my_schedule"))

    assert [s.pk for s in senior.context["second_interviews"]] == [si.pk]
    assert "本店 応接室" in senior.content.decode()
    assert [s.pk for s in contact.context["second_interviews"]] == [si.pk]
    assert other_contact.context["second_interviews"] == []
    assert other_senior.context["second_interviews"] == []


def test_coordinator_moves_a_step_through_the_page(world, si, login_as):
    response = login_as(world["coordinator"]).post(
        reverse("matching:second_interview_step", args=[si.pk, "start-scheduling"])
    )

    assert response.status_code == 302
    si.refresh_from_db()
    assert si.status == "scheduling"


def test_invitation_task_retries_on_smtp_errors():
    from matching.tasks import task_send_second_interview_invitations

    assert set(task_send_second_interview_invitations.autoretry_for) >= {
        smtplib.SMTPException,
        ConnectionError,
        TimeoutError,
    }
    assert task_send_second_interview_invitations.retry_backoff is True


def test_smtp_error_midway_then_rerun_tells_each_party_once(world, si):
    si = _to(si, "confirmed", scheduled_at=WHEN, place="本店")
    original = EmailMessage.send
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise smtplib.SMTPServerDisconnected("gone")
        return original(self, *args, **kwargs)

    with mock.patch.object(EmailMessage, "send", flaky), pytest.raises(smtplib.SMTPServerDisconnected):
        services.second_interview_invitations_send(second_interview_id=si.pk)
    sent_again = services.second_interview_invitations_send(second_interview_id=si.pk)

    assert (len(mail.outbox), sent_again) == (3, 2)
    assert len({m.to[0] for m in mail.outbox}) == 3
    assert Notification.objects.filter(kind="second_interview_confirmed").count() == 3


# --- dates in the past -----------------------------------------------------------------------------


def test_schedule_for_a_past_date_is_refused_and_nobody_is_invited(world, si, django_capture_on_commit_callbacks):
    si = _to(si, "scheduling")
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SecondInterviewError) as exc:
        services.second_interview_schedule(
            si=si, by=world["staff"]["a"], scheduled_at=dt.datetime(2020, 1, 1, 14, 0, tzinfo=TOKYO), place="本店"
        )

    day = world["event"].date
    assert (exc.value.field, exc.value.message) == (
        "date",
        f"二次面談の日付は、交流会の開催日（{day.year}年{day.month}月{day.day}日）か、それより後の日付にしてください。",
    )
    yesterday = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(14), tzinfo=TOKYO)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SecondInterviewError) as exc:
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=yesterday, place="本店")
    assert exc.value.field == "date"
    assert exc.value.message.startswith("過ぎた日（")
    si.refresh_from_db()
    assert (si.status, si.scheduled_at, len(mail.outbox)) == ("scheduling", None, 0)


def test_schedule_for_an_hour_already_gone_today_is_refused(world, si):
    si = _to(si, "scheduling")
    afternoon = dt.datetime.combine(timezone.localdate(), dt.time(15), tzinfo=TOKYO)

    with time_machine.travel(afternoon, tick=False), pytest.raises(SecondInterviewError) as exc:
        services.second_interview_schedule(
            si=si, by=world["staff"]["a"], scheduled_at=afternoon.replace(hour=10), place="本店"
        )

    assert (exc.value.field, exc.value.message) == (
        "time",
        "今日の10:00はもう過ぎています。これから先の時刻にしてください。",
    )


def test_schedule_before_the_event_day_is_refused(world, si):
    si = _to(si, "scheduling")
    event_day = world["event"].date

    # Seen from the week before the event: the day before it is still to come, but precedes the event.
    week_before = dt.datetime.combine(event_day - dt.timedelta(days=7), dt.time(9), tzinfo=TOKYO)
    day_before = dt.datetime.combine(event_day - dt.timedelta(days=1), dt.time(14), tzinfo=TOKYO)
    with time_machine.travel(week_before), pytest.raises(SecondInterviewError) as exc:
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=day_before, place="本店")

    assert exc.value.field == "date"
    assert exc.value.message.startswith("二次面談の日付は、交流会の開催日（")


def test_step_view_past_date_error_in_japanese_beside_the_date(world, si, login_as):
    si = _to(si, "scheduling")

    response = login_as(world["staff"]["a"]).post(
        reverse("matching:second_interview_step", args=[si.pk, "schedule"]),
        {
            "schedule-date": "2020-01-01",
            "schedule-time": "14:00",
            "schedule-duration_minutes": "60",
            "schedule-place": "本店",
        },
    )

    assert response.status_code == 400
    errors = response.context["schedule_form"].errors
    assert list(errors) == ["date"]
    assert errors["date"][0].startswith("二次面談の日付は、交流会の開催日（")
    assert 'id="id_schedule-date-errors"' in response.content.decode()
    si.refresh_from_db()
    assert si.status == "scheduling"


def test_record_agreement_starting_before_the_second_interview_is_refused(world, si):
    si = _to(si, "held", scheduled_at=WHEN)

    with pytest.raises(AgreementError) as exc:
        services.second_interview_record_agreement(
            si=si, by=world["staff"]["a"], kind="subsidised", start_date=dt.date(2030, 5, 19)
        )

    assert (exc.value.field, exc.value.message) == (
        "start_date",
        "支援の開始日は、二次面談の日（2030年5月20日）か、それより後の日付にしてください。",
    )
    assert every(SupportAgreement).count() == 0
    agreement = services.second_interview_record_agreement(
        si=si, by=world["staff"]["a"], kind="subsidised", start_date=dt.date(2030, 5, 20)
    )
    assert agreement.start_date == dt.date(2030, 5, 20)


def test_step_view_agreement_start_date_error_beside_the_field(world, si, login_as):
    si = _to(si, "held", scheduled_at=WHEN)

    response = login_as(world["staff"]["a"]).post(
        reverse("matching:second_interview_step", args=[si.pk, "agree"]),
        {
            "agree-kind": "subsidised",
            "agree-subsidised_visits": "3",
            "agree-start_date": "2020-01-01",
            "agree-responsible_staff": str(world["staff"]["a"].pk),
        },
    )

    assert response.status_code == 400
    assert response.context["agreement_form"].errors["start_date"] == [
        "支援の開始日は、二次面談の日（2030年5月20日）か、それより後の日付にしてください。"
    ]
    assert every(SupportAgreement).count() == 0


# --- exactly once: re-confirmations and confirmations at once ---------------------------------------------------


def test_identical_reconfirmation_is_a_no_op(world, si, django_capture_on_commit_callbacks):
    si = _to(si, "scheduling")
    with django_capture_on_commit_callbacks(execute=True):
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=WHEN, place="本店")
    entries = LogEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=WHEN, place=" 本店 ")

    assert (callbacks, LogEntry.objects.count(), len(mail.outbox)) == ([], entries, 3)
    assert Notification.objects.filter(kind="second_interview_confirmed").count() == 3


def test_change_of_place_alone_is_a_new_version_sent_once(world, si, django_capture_on_commit_callbacks):
    si = _to(si, "scheduling")
    with django_capture_on_commit_callbacks(execute=True):
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=WHEN, place="本店")
    with django_capture_on_commit_callbacks(execute=True):
        services.second_interview_schedule(si=si, by=world["staff"]["a"], scheduled_at=WHEN, place="支店 2階")

    assert services.second_interview_invitations_send(second_interview_id=si.pk) == 0  # a repeated task
    assert [("支店 2階" in m.body) for m in mail.outbox] == [False] * 3 + [True] * 3
    assert MailDelivery.objects.filter(status="sent").count() == 6


def test_two_invitation_tasks_for_one_confirmation_send_once(world, si):
    si = _to(si, "confirmed", scheduled_at=WHEN, place="本店")

    assert [services.second_interview_invitations_send(second_interview_id=si.pk) for _ in range(2)] == [3, 0]
    assert len(mail.outbox) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_confirmations_give_one_invitation_per_party():
    need(connection.vendor == "postgresql", "concurrent row locks need PostgreSQL (set DATABASE_URL)")
    with arranging():
        world = three_bank_event(status="follow_up", date=timezone.localdate() - dt.timedelta(days=60))
        a = world["enrolments"]["a"]
        si = make_second_interview(a, SeniorProfileFactory(), status="scheduling")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def confirm() -> None:
        try:
            with arranging():
                barrier.wait()
                # Each presses 確定 with the same date and place; the invitations go out at commit, each task
                # in the committing thread, so that both tasks run at once as two workers would.
                with mock.patch(
                    "matching.services.followup.enqueue_on_commit",
                    side_effect=lambda task, **kw: transaction.on_commit(lambda: task.apply(kwargs=kw)),
                ):
                    services.second_interview_schedule(
                        si=every(SecondInterview).get(pk=si.pk),
                        by=world["staff"]["a"],
                        scheduled_at=WHEN,
                        place="本店",
                    )
        except BaseException as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with arranging():
        parties = sorted([world["staff"]["a"].email, si.senior.user.email, world["contacts"]["a"].email])
        assert errors == []
        assert sorted(m.to[0] for m in mail.outbox) == parties
        assert Notification.objects.filter(kind="second_interview_confirmed").count() == 3
        assert LogEntry.objects.filter(additional_data__event="second_interview.confirmed").count() == 1
        assert LogEntry.objects.filter(additional_data__event="second_interview.rescheduled").count() == 0
