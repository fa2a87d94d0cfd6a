"""The follow-up demo of `seed_demo`: a past event in follow-up, with a published timetable, results for
every interview, second interviews at every step and a realistic matching rate; seeding twice changes
nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Event, EventCompany
from matching.demo import PAST_TITLE
from matching.models import (
    AgreementVisit,
    InterviewResult,
    SecondInterview,
    SupportAgreement,
    SurveyResponse,
    Timetable,
    TimetableMeeting,
)
from participants.models import Company, SeniorProfile, User
from tests.access import every

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "events": Event.objects.count(),
        "companies": every(Company).count(),
        "seniors": SeniorProfile.objects.count(),
        "timetables": Timetable.objects.count(),
        "meetings": TimetableMeeting.objects.count(),
        "results": every(InterviewResult).count(),
        "second_interviews": every(SecondInterview).count(),
        "agreements": every(SupportAgreement).count(),
        "visits": every(AgreementVisit).count(),
    }


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    first = _counts()

    call_command("seed_demo")

    assert _counts() == first


def test_past_event_has_a_published_timetable_results_and_a_realistic_rate():
    call_command("seed_demo")

    event = Event.objects.get(title=PAST_TITLE)
    timetable = Timetable.objects.get(event=event)
    meetings = TimetableMeeting.objects.filter(timetable=timetable)
    companies = every(EventCompany).filter(event=event).count()
    supported = every(SupportAgreement).filter(event=event).values("company").distinct().count()
    assert (event.status, timetable.status) == ("follow_up", "published")
    assert (companies, meetings.values("senior").distinct().count(), meetings.count()) == (6, 16, 28)
    assert every(InterviewResult).filter(event=event).count() == 28
    assert (supported, round(100 * supported / companies)) == (3, 50)
    assert set(every(SecondInterview).filter(event=event).values_list("status", flat=True)) == {
        "proposed",
        "scheduling",
        "confirmed",
        "agreed",
        "not_agreed",
    }
    assert every(AgreementVisit).filter(agreement__event=event).count() == 6
    responses = SurveyResponse.objects.filter(event=event)
    assert (responses.count(), set(responses.values_list("role", flat=True))) == (12, {"senior"})


def test_demo_pages_show_the_past_event(client):
    call_command("seed_demo")
    event = Event.objects.get(title=PAST_TITLE)

    client.force_login(User.objects.get(email="staff1@demo.sks.example.jp"))
    tables = client.get(reverse("matching:followup_tables", args=[event.pk]))
    client.force_login(User.objects.get(email="senior@demo.sks.example.jp"))
    schedule = client.get(reverse("matching:my_schedule"))

    assert [(t.recorded, t.meetings) for t in tables.context["tables"]] == [(5, 5), (5, 5)]
    assert [bool(row.result.senior_wish) for row in schedule.context["wish_rows"]] == [True, False]
