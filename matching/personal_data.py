"""What matching holds about a person, declared to the personal-data registry (sks.personal_data).

A senior's personal schedules, event-day attendance, interview results, second interviews, support
agreements with their visits, and survey answers.

What the export leaves out, deliberately (DESIGN.md: a bank's internal notes are that bank's): the text
the institution's staff write about the interview and what followed (the bank's interview memo and the
company's wish, the second interview's outcome note and reason, the agreement's note, the visit
summaries). Erasure blanks all of them all the same: they are free text about the person.

Companies are named as the senior saw them: on the schedule and with the interview results as on the
schedule page (the published display name under the pledge in force, else the anonymous label); from the
second interview on by their real name, which the senior is told in the second interview's invitation.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.selectors.hearings import companies_as_seen_by_senior
from participants.personal_data import STAFF_ACTOR, local
from sks.personal_data import Person, PersonalData, Rows, register

from .access import (
    agreement_visits_of_senior,
    agreements_of_senior,
    interview_results_of_senior,
    second_interviews_of_senior,
)
from .enums import TimetableStatus
from .models import (
    AgreementVisit,
    Attendance,
    FitMailOptOut,
    InterviewResult,
    MeetingFigure,
    SecondInterview,
    SupportAgreement,
    SurveyResponse,
    Timetable,
    TimetableMeeting,
)
from .selectors.publish import ROLE_SENIOR, personal_schedules

__all__ = ["register_personal_data"]


def _meetings(person: Person) -> QuerySet[TimetableMeeting]:
    if person.senior is None:
        return TimetableMeeting.objects.none()
    return TimetableMeeting.objects.filter(senior=person.senior)


def _attendances(person: Person) -> QuerySet[Attendance]:
    if person.senior is None:
        return Attendance.objects.none()
    return Attendance.objects.filter(senior=person.senior)


def _fit_mail_opt_outs(person: Person) -> QuerySet[FitMailOptOut]:
    if person.senior is None:
        return FitMailOptOut.objects.none()
    return FitMailOptOut.objects.filter(senior=person.senior)


def _export_fit_mail_opt_outs(person: Person) -> Rows:
    return [{"created_at": local(o.created_at)} for o in _fit_mail_opt_outs(person)]


def _results(person: Person) -> QuerySet[InterviewResult]:
    if person.senior is None:
        return InterviewResult.objects.none()
    return interview_results_of_senior(person.senior)


def _second_interviews(person: Person) -> QuerySet[SecondInterview]:
    if person.senior is None:
        return SecondInterview.objects.none()
    return second_interviews_of_senior(person.senior)


def _agreements(person: Person) -> QuerySet[SupportAgreement]:
    if person.senior is None:
        return SupportAgreement.objects.none()
    return agreements_of_senior(person.senior)


def _visits(person: Person) -> QuerySet[AgreementVisit]:
    if person.senior is None:
        return AgreementVisit.objects.none()
    return agreement_visits_of_senior(person.senior)


def _survey_responses(person: Person) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(user=person.user)


# --- export -------------------------------------------------------------------------------------------------


def _export_schedules(person: Person) -> Rows:
    """The senior's meetings in published timetables, exactly as their schedule page shows them (a draft is
    the coordinator's working copy, never shown to the senior)."""
    timetables = (
        Timetable.objects.filter(status=TimetableStatus.PUBLISHED, pk__in=_meetings(person).values("timetable_id"))
        .select_related("event")
        .order_by("event__date", "pk")
    )
    rows: Rows = []
    for timetable in timetables:
        for schedule in personal_schedules(timetable=timetable, only_user=person.user):
            if schedule.role != ROLE_SENIOR:
                continue
            for item in schedule.items:
                rows.append(
                    {
                        "event": timetable.event.title,
                        "venue": timetable.event.venue,
                        "time": item.time_label_ja,
                        "round": item.slot + 1,
                        "table": item.table,
                        "company": item.company,
                        "title": item.title,
                    }
                )
    return rows


def _export_attendances(person: Person) -> Rows:
    return [
        {
            "event": a.event.title,
            "status": str(a.get_status_display()),
            "checked_in_at": local(a.checked_in_at),
            "walk_in": a.walk_in,
            "standby": a.standby,
        }
        for a in _attendances(person).select_related("event").order_by("event__date", "pk")
    ]


def _export_results(person: Person) -> Rows:
    names: dict[int, dict[int, str]] = {}
    rows: Rows = []
    for r in _results(person).select_related("event").order_by("event__date", "enrolment_id"):
        event: Event = r.event
        if event.pk not in names and person.senior is not None:
            names[event.pk] = companies_as_seen_by_senior(event=event, senior=person.senior)
        rows.append(
            {
                "event": event.title,
                "company": names.get(event.pk, {}).get(r.enrolment_id, ""),
                "held": r.held,
                "senior_wish": str(r.get_senior_wish_display()) if r.senior_wish else "",
                "senior_notes": r.senior_notes,
                "senior_recorded_at": local(r.senior_recorded_at),
            }
        )
    return rows


def _export_second_interviews(person: Person) -> Rows:
    return [
        {
            "event": si.event.title,
            "company": si.enrolment.company.name,
            "status": str(si.get_status_display()),
            "scheduled_at": local(si.scheduled_at),
            "duration_minutes": si.duration_minutes,
            "place": si.place,
            "online_url": si.online_url,
            "staff": si.staff.get_full_name(),
            "held_at": local(si.held_at),
            "outcome_at": local(si.outcome_at),
        }
        for si in _second_interviews(person).select_related("event", "enrolment__company", "staff").order_by("pk")
    ]


def _export_agreements(person: Person) -> Rows:
    return [
        {
            "event": a.event.title,
            "company": a.company.name,
            "kind": str(a.get_kind_display()),
            "start_date": a.start_date,
            "subsidised_visits": a.subsidised_visits,
            "fee": a.fee,
        }
        for a in _agreements(person).select_related("event", "company").order_by("start_date", "pk")
    ]


def _export_visits(person: Person) -> Rows:
    return [
        {"company": v.agreement.company.name, "date": v.date, "hours": str(v.hours)}
        for v in _visits(person).select_related("agreement__company").order_by("date", "pk")
    ]


def _export_survey_responses(person: Person) -> Rows:
    return [
        {
            "event": s.event.title,
            "role": str(s.get_role_display()),
            "satisfaction": s.satisfaction,
            "comment": s.comment,
            "submitted_at": local(s.submitted_at),
        }
        for s in _survey_responses(person).select_related("event").order_by("submitted_at", "pk")
    ]


def register_personal_data() -> None:
    """Called from MatchingConfig.ready()."""
    register(
        PersonalData(
            model=Timetable,
            label=_("時間割"),
            actors={"created_by": STAFF_ACTOR, "published_by": STAFF_ACTOR},
            kept="kept: a timetable refers to people only as the coordinators who built and published it",
        )
    )
    register(
        PersonalData(
            model=TimetableMeeting,
            label=_("時間割（あなたの面談）"),
            person=("senior",),
            rows=_meetings,
            export=_export_schedules,
            key="schedules",
            columns={
                "event": _("交流会"),
                "time": _("日時"),
                "table": _("テーブル"),
                "company": _("企業"),
                "title": _("課題の見出し"),
            },
            kept="kept: the meetings count the interviews held (statistics); no free text",
        )
    )
    register(
        PersonalData(
            model=MeetingFigure,
            label=_("面談の集計"),
            person=("senior",),
            kept="kept: the statistics' summary of the meetings above (which are kept), counts only; no free text",
        )
    )
    register(
        PersonalData(
            model=Attendance,
            label=_("当日の出欠"),
            person=("senior",),
            actors={"updated_by": STAFF_ACTOR},
            rows=_attendances,
            export=_export_attendances,
            key="attendances",
            columns={"event": _("交流会"), "status": _("状態"), "checked_in_at": _("受付日時")},
            kept="kept: the event day's attendance counts the person (no free text)",
        )
    )
    register(
        PersonalData(
            model=InterviewResult,
            label=_("面談のふりかえり"),
            person=("senior",),
            actors={"company_recorded_by": STAFF_ACTOR},
            text_fields=("senior_notes", "company_notes"),
            rows=_results,
            export=_export_results,
            key="interview_results",
            columns={
                "event": _("交流会"),
                "company": _("企業"),
                "senior_wish": _("あなたの再面談の希望"),
                "senior_notes": _("あなたのコメント"),
            },
            kept="kept: held and both wishes (they count interviews and second-interview proposals); notes blanked",
        )
    )
    register(
        PersonalData(
            model=SecondInterview,
            label=_("二次面談"),
            person=("senior",),
            actors={"staff": STAFF_ACTOR},
            text_fields=("outcome_note",),
            rows=_second_interviews,
            export=_export_second_interviews,
            key="second_interviews",
            columns={
                "event": _("交流会"),
                "company": _("企業"),
                "status": _("状態"),
                "scheduled_at": _("日時"),
                "place": _("場所"),
            },
            kept="kept: status, dates, reason code, place and link (the bank's arrangements); the note is blanked",
        )
    )
    register(
        PersonalData(
            model=SupportAgreement,
            label=_("支援成立"),
            person=("senior",),
            actors={"responsible_staff": STAFF_ACTOR, "created_by": STAFF_ACTOR},
            text_fields=("note",),
            rows=_agreements,
            export=_export_agreements,
            key="agreements",
            columns={
                "event": _("交流会"),
                "company": _("企業"),
                "kind": _("支援の形"),
                "start_date": _("開始日"),
                "fee": _("謝金・報酬（円）"),
            },
            kept="kept: the agreement, its kind, dates and fee (the matching rate counts it); the note is blanked",
        )
    )
    register(
        PersonalData(
            model=AgreementVisit,
            label=_("訪問記録"),
            person=("agreement__senior",),
            actors={"recorded_by": STAFF_ACTOR},
            text_fields=("summary",),
            rows=_visits,
            export=_export_visits,
            key="agreement_visits",
            columns={"company": _("企業"), "date": _("訪問日"), "hours": _("時間")},
            kept="kept: date and hours of each visit (they count the subsidised visits); the summary is blanked",
        )
    )
    register(
        PersonalData(
            model=SurveyResponse,
            label=_("アンケートの回答"),
            person=("user",),
            text_fields=("comment",),
            rows=_survey_responses,
            export=_export_survey_responses,
            key="survey_answers",
            columns={
                "event": _("交流会"),
                "satisfaction": _("満足度"),
                "comment": _("ご意見・ご感想"),
                "submitted_at": _("回答日時"),
            },
            kept="kept: the role and satisfaction (the mean on the statistics page); the comment is blanked",
        )
    )
    register(
        PersonalData(
            model=FitMailOptOut,
            label=_("おすすめ課題メールの配信停止"),
            person=("senior",),
            rows=_fit_mail_opt_outs,
            export=_export_fit_mail_opt_outs,
            key="fit_mail_opt_out",
            columns={"created_at": _("配信停止の日時")},
            kept="kept: the wish not to be mailed (no free text), so that an erased person is not mailed again",
        )
    )
