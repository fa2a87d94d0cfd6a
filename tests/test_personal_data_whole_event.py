"""A senior who went through a whole event (applied, chose, met, second interview, agreement, survey): the
export shows all of it as the senior may see it, and erasure leaves none of the free text anywhere in the
database, the audit log included, while the statistics still count the person."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from auditlog.models import LogEntry
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from events.models import ApplicationChoice, SeniorApplication, SeniorInvitation
from matching.models import (
    AgreementVisit,
    Attendance,
    InterviewResult,
    SecondInterview,
    SupportAgreement,
    SurveyResponse,
    TimetableMeeting,
)
from matching.selectors.statistics import StatisticsScope, event_figures
from matching.services.followup import (
    agreement_visit_log,
    interview_result_record_company,
    interview_result_record_senior,
    second_interview_cancel,
    second_interview_mark_held,
    second_interview_propose,
    second_interview_record_agreement,
    second_interview_schedule,
    second_interview_start_scheduling,
)
from matching.services.survey import survey_response_submit
from participants.models import PledgeVersion, Reminder, SeniorProfile
from participants.services import (
    CareerInput,
    notification_create,
    senior_careers_replace,
    senior_introduction_update,
)
from sks.personal_data import entries
from tests.access import every
from tests.factories import approved_hearing, followup_world, make_application, make_attendance, make_invitation

pytestmark = pytest.mark.django_db

# ASCII markers, so that they are found in JSON columns too (Django writes JSON with ensure_ascii).
MARKERS = {
    "proposal": "MARK-PROPOSAL-7731",
    "invitation": "MARK-INVITATION-7732",
    "bank_memo": "MARK-BANKMEMO-7733",
    "bank_memo_b": "MARK-BANKMEMO-B-7734",
    "senior_notes": "MARK-SENIORNOTE-7735",
    "senior_notes_b": "MARK-SENIORNOTE-B-7736",
    "cancel_note": "MARK-CANCELNOTE-7737",
    "agreement_note": "MARK-AGREEMENT-7738",
    "visit": "MARK-VISIT-7739",
    "survey": "MARK-SURVEY-7740",
    "introduction": "MARK-INTRO-7741",
    "career": "MARK-CAREER-7742",
    "notification": "MARK-NOTICE-7743",
    "reminder": "MARK-REMINDER-7744",
}
# Written by the institution's staff: theirs, never in the senior's export (DESIGN.md), but erased with them.
BANK_TEXT = ("bank_memo", "bank_memo_b", "cancel_note", "agreement_note", "visit")
OTHER_SENIOR_NOTE = "KEEP-OTHER-SENIOR-7790"


@pytest.fixture
def journey() -> dict[str, Any]:
    """Senior 1 of the follow-up world: met A (round 1) and B (round 2) in the published timetable."""
    world = followup_world(status="follow_up")
    event = world["event"]
    senior, other = world["seniors"]
    a, b, c = (world["enrolments"][k] for k in "abc")
    staff_a, staff_b = world["staff"]["a"], world["staff"]["b"]
    for enrolment, title in ((a, "精密加工の販路開拓"), (b, "食品の新商品開発"), (c, "繊維の海外展開")):
        approved_hearing(enrolment, title=title)

    senior_introduction_update(profile=senior, self_introduction=f"自己紹介 {MARKERS['introduction']}")
    senior_careers_replace(profile=senior, careers=[CareerInput(employer=f"勤務先 {MARKERS['career']}")])
    make_application(senior, [a, b], proposal=f"提案 {MARKERS['proposal']}")
    make_invitation(c, senior, message=f"招待 {MARKERS['invitation']}")
    make_attendance(event, senior=senior, status="checked_in", checked_in_at=timezone.now())

    interview_result_record_company(
        enrolment=a, senior=senior, by=staff_a, held=True, wish="yes", notes=f"メモ {MARKERS['bank_memo']}"
    )
    result = interview_result_record_senior(
        senior=senior, enrolment=a, by=senior.user, wish="yes", notes=f"感想 {MARKERS['senior_notes']}"
    )
    interview_result_record_company(
        enrolment=b, senior=senior, by=staff_b, held=True, wish="maybe", notes=f"メモ {MARKERS['bank_memo_b']}"
    )
    interview_result_record_senior(
        senior=senior, enrolment=b, by=senior.user, wish="no", notes=f"感想 {MARKERS['senior_notes_b']}"
    )
    interview_result_record_company(enrolment=a, senior=other, by=staff_a, held=True, wish="no", notes="他の人")
    interview_result_record_senior(senior=other, enrolment=a, by=other.user, wish="no", notes=OTHER_SENIOR_NOTE)

    # Both said yes: proposed at once. That one is cancelled, the coordinator proposes again, and it ends in
    # an agreement with a visit.
    first = every(SecondInterview).get(senior=senior, enrolment=a)
    second_interview_cancel(si=first, by=staff_a, note=f"中止 {MARKERS['cancel_note']}")
    si = second_interview_propose(result=result, by=world["coordinator"])
    second_interview_start_scheduling(si=si, by=staff_a)
    # Confirmed 21 days ago for the next day (a second interview is never confirmed for a past date).
    met_at = timezone.now() - dt.timedelta(days=20)
    with time_machine.travel(met_at - dt.timedelta(days=1), tick=False):
        second_interview_schedule(si=si, by=staff_a, scheduled_at=met_at, place="A本店")
    second_interview_mark_held(si=si, by=staff_a)
    met_on = timezone.localdate(met_at)
    agreement = second_interview_record_agreement(
        si=si, by=staff_a, kind="subsidised", start_date=met_on, note=f"成立 {MARKERS['agreement_note']}"
    )
    agreement_visit_log(
        agreement=agreement,
        by=staff_a,
        date=met_on + dt.timedelta(days=7),
        hours=Decimal("2.5"),
        summary=f"訪問 {MARKERS['visit']}",
    )
    survey_response_submit(event=event, user=senior.user, satisfaction=4, comment=f"感想 {MARKERS['survey']}")
    notification_create(user=senior.user, kind="test", title="お知らせ", body=f"本文 {MARKERS['notification']}")
    Reminder.objects.create(
        kind="test",
        object_key=f"participants.seniorprofile:{senior.pk}",
        due_date=event.date,
        recipient=senior.user,
        context={"note": MARKERS["reminder"]},
        last_error=MARKERS["reminder"],
    )
    return {**world, "senior": senior, "other": other, "agreement": agreement}


def text_columns(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.JSONField))
    ]


def where_found(marker: str) -> list[str]:
    """Every table.column (of every model of every app, the audit log included) whose value contains `marker`."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for name in text_columns(model):
            rows = model._base_manager.annotate(_text=Cast(name, models.TextField())).filter(_text__contains=marker)
            if rows.exists():
                found.append(f"{model._meta.db_table}.{name}")
    return found


def counted_rows(senior: SeniorProfile) -> dict[str, int]:
    return {
        "applications": SeniorApplication.objects.filter(senior=senior).count(),
        "choices": ApplicationChoice.objects.filter(application__senior=senior).count(),
        "invitations": SeniorInvitation.objects.filter(senior=senior).count(),
        "meetings": TimetableMeeting.objects.filter(senior=senior).count(),
        "attendances": Attendance.objects.filter(senior=senior).count(),
        "results": every(InterviewResult).filter(senior=senior, held=True).count(),
        "wishes": every(InterviewResult).filter(senior=senior, senior_wish="yes", company_wish="yes").count(),
        "second_interviews": every(SecondInterview).filter(senior=senior).count(),
        "agreed": every(SecondInterview).filter(senior=senior, status="agreed").count(),
        "agreements": every(SupportAgreement).filter(senior=senior).count(),
        "visits": every(AgreementVisit).filter(agreement__senior=senior).count(),
        "survey": SurveyResponse.objects.filter(user=senior.user, satisfaction=4).count(),
    }


# --- erasure ------------------------------------------------------------------------------------------------


def test_every_marker_is_somewhere_before_erasure(journey):
    # The search below works: before erasure each marker is found, most of them in the audit log too.
    found = {key: where_found(marker) for key, marker in MARKERS.items()}

    assert [key for key, places in found.items() if not places] == []
    assert "auditlog_logentry.additional_data" in found["bank_memo"]
    assert "auditlog_logentry.additional_data" in found["senior_notes"]
    assert "auditlog_logentry.additional_data" in found["cancel_note"]
    assert "auditlog_logentry.changes" in found["introduction"]


def test_erasure_leaves_no_free_text_anywhere(journey, login_as):
    client = login_as(journey["senior"].user)

    response = client.post(reverse("participants:senior_delete"), {"confirm": "on"})

    assert response.status_code == 302
    assert {key: where_found(marker) for key, marker in MARKERS.items()} == {key: [] for key in MARKERS}


WHOLE_EVENT = StatisticsScope(kind="coordinator")


def test_erasure_keeps_what_the_statistics_count(journey, login_as):
    senior, event = journey["senior"], journey["event"]
    figures, rows = event_figures(event=event, scope=WHOLE_EVENT), counted_rows(senior)
    audit_rows = LogEntry.objects.count()

    login_as(senior.user).post(reverse("participants:senior_delete"), {"confirm": "on"})

    assert SeniorProfile.objects.get(pk=senior.pk).anonymised_at is not None
    assert event_figures(event=event, scope=WHOLE_EVENT) == figures
    assert figures.interviews == 3 and figures.agreements == 1 and figures.second_interviews >= 1
    assert counted_rows(senior) == rows
    assert rows == {
        "applications": 1,
        "choices": 2,
        "invitations": 1,
        "meetings": 2,
        "attendances": 1,
        "results": 2,
        "wishes": 1,
        "second_interviews": 2,
        "agreed": 1,
        "agreements": 1,
        "visits": 1,
        "survey": 1,
    }
    # Rows are kept (one more: the entry recording the deletion itself, and the data_viewed ones do not apply).
    assert LogEntry.objects.count() >= audit_rows


def test_erasure_leaves_other_seniors_text(journey):
    from participants.services import senior_anonymise

    senior_anonymise(profile=journey["senior"])

    assert sorted(where_found(OTHER_SENIOR_NOTE)) == [
        "auditlog_logentry.additional_data",
        "matching_interviewresult.senior_notes",
    ]


# --- export -------------------------------------------------------------------------------------------------


def test_export_json_has_every_registered_section_and_the_seniors_text(journey, login_as):
    client = login_as(journey["senior"].user)

    response = client.get(reverse("participants:senior_data_export_json"))

    data = json.loads(response.content.decode())
    body = response.content.decode()
    assert response.status_code == 200
    assert {e.key for e in entries() if e.export is not None} <= set(data)
    for key in ("proposal", "invitation", "senior_notes", "senior_notes_b", "survey", "introduction", "career"):
        assert MARKERS[key] in body, key
    assert [key for key in BANK_TEXT if MARKERS[key] in body] == []
    assert [(c["company"], c["position"]) for c in data["event_choices"]] == [("A社", 1), ("B社", 2)]
    assert [(s["round"], s["table"], s["company"], s["title"]) for s in data["schedules"]] == [
        (1, 1, "A社", "精密加工の販路開拓"),
        (2, 2, "B社", "食品の新商品開発"),
    ]
    assert [(r["company"], r["senior_wish"]) for r in data["interview_results"]] == [
        ("A社", "また会いたい"),
        ("B社", "希望しない"),
    ]
    assert [(s["company"], s["status"]) for s in data["second_interviews"]] == [
        ("株式会社秘密の精密A", "中止"),
        ("株式会社秘密の精密A", "支援成立"),
    ]
    assert [(a["company"], a["start_date"]) for a in data["agreements"]] == [
        ("株式会社秘密の精密A", journey["agreement"].start_date.isoformat())
    ]
    assert data["agreement_visits"] == [
        {
            "company": "株式会社秘密の精密A",
            "date": (journey["agreement"].start_date + dt.timedelta(days=7)).isoformat(),
            "hours": "2.5",
        }
    ]
    assert [(s["satisfaction"], s["comment"]) for s in data["survey_answers"]] == [(4, f"感想 {MARKERS['survey']}")]
    assert [i["message"] for i in data["event_invitations"]] == [f"招待 {MARKERS['invitation']}"]
    assert [a["status"] for a in data["attendances"]] == ["受付済"]
    # Companies the senior only met at a table (B) or was invited by (C) keep their anonymity.
    assert ("株式会社秘密の食品B" in body, "株式会社秘密の繊維C" in body) == (False, False)


def test_export_page_shows_the_new_sections(journey, login_as):
    client = login_as(journey["senior"].user)

    html = client.get(reverse("participants:senior_data_export")).content.decode()

    for heading in (
        "交流会への応募",
        "応募先の企業と提案",
        "企業からの招待",
        "時間割（あなたの面談）",
        "面談のふりかえり",
    ):
        assert heading in html
    for heading in ("二次面談", "支援成立", "訪問記録", "アンケートの回答", "当日の出欠"):
        assert heading in html
    for key in ("proposal", "invitation", "senior_notes", "survey", "notification"):
        assert MARKERS[key] in html, key
    assert [key for key in BANK_TEXT if MARKERS[key] in html] == []
    assert "精密加工の販路開拓" in html


def test_export_without_the_pledge_in_force_shows_labels_only(journey, login_as):
    # A newer pledge the senior has not accepted: like their schedule page, the export shows the tables and
    # the anonymous labels, not the published titles.
    PledgeVersion.objects.create(version="99", text="改訂された誓約書", effective_from=timezone.now())
    client = login_as(journey["senior"].user)

    data = json.loads(client.get(reverse("participants:senior_data_export_json")).content.decode())

    assert [(s["table"], s["company"], s["title"]) for s in data["schedules"]] == [(1, "A社", ""), (2, "B社", "")]
    assert [r["company"] for r in data["interview_results"]] == ["A社", "B社"]
    assert "精密加工の販路開拓" not in json.dumps(data, ensure_ascii=False)


def test_export_page_in_english_has_translated_headings(journey, login_as):
    client = login_as(journey["senior"].user)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("participants:senior_data_export")})

    html = client.get(reverse("participants:senior_data_export")).content.decode()

    for heading in ("Companies chosen and proposals", "Timetable (your interviews)", "Your comment", "Survey answers"):
        assert heading in html
