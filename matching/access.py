"""The matching app's one access module: who may read which interview result, second interview, support
agreement and visit, and the only module of the app that reads them around the institution scope.

The rules (DESIGN.md, confidentiality), written once here on top of events.access:

* bank staff and institution admins: their own institution's tables, results, second interviews and
  agreements (the scoped `objects` managers), even in a joint event of many banks;
* the coordinator of the event's coordinator organisation: everything of the event (events.access
  decides which events and enrolments are the coordinator's);
* a senior: their own results; a senior or a company contact: their own confirmed second interviews.

Role functions take the `user` and apply the rule themselves; `access_<thing>(*, user, pk)` fetch and
authorise in one step (missing and forbidden both raise Http404). System functions (`*_of_*`,
`*_for_update`, `*_for_task`, `*_for_system_scan`, `*_for_statistics`, `*_for_prefetch`) serve callers that
have already authorised the row, or that serve no reader; each says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from events.access import (
    coordinator_org_ids,
    enrolments_for_coordinator,
    enrolments_for_staff,
    events_for_coordinator,
    events_for_staff,
    senior_profile_of,
)
from events.models import Event, EventCompany
from participants.models import SeniorProfile, User
from sks.access import get_or_404
from sks.roles import INSTITUTION_ROLES

from .enums import SecondInterviewStatus, TimetableStatus
from .models import (
    AgreementVisit,
    InterviewResult,
    MeetingFigure,
    SecondInterview,
    SupportAgreement,
    TimetableMeeting,
)

__all__ = [
    "access_agreement",
    "access_followup_event",
    "access_result_for_coordinator",
    "access_second_interview",
    "access_senior_meeting",
    "access_table",
    "agreement_category_counts",
    "agreement_for_update",
    "agreement_visits_of_senior",
    "agreements_for_statistics",
    "agreements_for_system_scan",
    "agreements_of_senior",
    "agreements_visible_to",
    "enrolments_for_followup",
    "interview_result_for_update",
    "interview_result_locked",
    "interview_results_for_coordinator",
    "interview_results_for_senior",
    "interview_results_for_staff",
    "interview_results_of_enrolments",
    "interview_results_of_event",
    "interview_results_of_senior",
    "is_event_coordinator",
    "is_institution_staff",
    "meeting_figures_for_statistics",
    "meeting_figures_of_companies",
    "meeting_figures_of_event",
    "second_interview_for_task",
    "second_interview_for_update",
    "second_interviews_for_participant",
    "second_interviews_for_prefetch",
    "second_interviews_for_staff",
    "second_interviews_for_statistics",
    "second_interviews_for_system_scan",
    "second_interviews_of_pair",
    "second_interviews_of_senior",
    "second_interviews_visible_to",
    "visits_of_agreement",
]


def is_event_coordinator(user: User, event: Event) -> bool:
    return event.coordinator_id in coordinator_org_ids(user)


def is_institution_staff(user: User) -> bool:
    return bool(user.roles & set(INSTITUTION_ROLES))


# --- events and tables --------------------------------------------------------------------------------------


def access_followup_event(*, user: User, pk: object) -> tuple[Event, bool]:
    """The event and whether `user` is its coordinator (else: staff of one of its host institutions)."""
    if not str(pk).isdigit():
        raise Http404
    event = events_for_coordinator(user=user).filter(pk=int(str(pk))).select_related("coordinator").first()
    if event is not None:
        return event, True
    if is_institution_staff(user):
        event = events_for_staff(user=user).filter(pk=int(str(pk))).select_related("coordinator").first()
        if event is not None:
            return event, False
    raise Http404


def enrolments_for_followup(*, user: User, event: Event, coordinator: bool) -> QuerySet[EventCompany]:
    """The tables of `event` the user records for: every host's for its coordinator, else their own
    institution's."""
    if coordinator:
        return enrolments_for_coordinator(user=user).filter(event=event)
    return enrolments_for_staff(user=user).filter(event=event)


def access_table(*, user: User, pk: object) -> tuple[EventCompany, bool]:
    """One table (enrolment) to record results for: the event's coordinator or the staff of its institution;
    with whether the user is the coordinator."""
    if not str(pk).isdigit():
        raise Http404
    pk = int(str(pk))
    related = ("event", "company", "institution", "attending_staff")
    enrolment = enrolments_for_coordinator(user=user).select_related(*related).filter(pk=pk).first()
    if enrolment is not None:
        return enrolment, True
    if is_institution_staff(user):
        enrolment = enrolments_for_staff(user=user).select_related(*related).filter(pk=pk).first()
        if enrolment is not None:
            return enrolment, False
    raise Http404


def access_senior_meeting(*, user: User, enrolment_pk: object) -> tuple[SeniorProfile, EventCompany]:
    """The signed-in senior's own interview at the table `enrolment_pk` in a published timetable."""
    profile = senior_profile_of(user)
    meeting = (
        _published_meetings_of_senior(profile)
        .filter(enrolment_id=int(str(enrolment_pk)) if str(enrolment_pk).isdigit() else -1)
        .select_related("enrolment__event", "enrolment__company")
        .first()
    )
    if meeting is None:
        raise Http404
    return profile, meeting.enrolment


def _published_meetings_of_senior(profile: SeniorProfile) -> QuerySet[TimetableMeeting]:
    return TimetableMeeting.objects.filter(senior=profile, timetable__status=TimetableStatus.PUBLISHED)


# --- interview results --------------------------------------------------------------------------------------


def interview_results_for_coordinator(*, user: User) -> QuerySet[InterviewResult]:
    """Every host's results in the events of the user's coordinator organisations.

    Unscoped: a coordinator belongs to no host institution, yet oversees all hosts of their own events.
    """
    return InterviewResult.unscoped.filter(event__coordinator_id__in=coordinator_org_ids(user))


def access_result_for_coordinator(*, user: User, pk: object) -> InterviewResult:
    return get_or_404(interview_results_for_coordinator(user=user).select_related("event"), pk=pk)


def interview_results_for_senior(*, user: User) -> QuerySet[InterviewResult]:
    """The signed-in senior's own results (none once their profile is anonymised).

    Unscoped: a senior belongs to no institution; filtered by their own profile.
    """
    return InterviewResult.unscoped.filter(senior__user=user, senior__anonymised_at__isnull=True)


def interview_results_of_enrolments(*, enrolment_ids: list[int]) -> QuerySet[InterviewResult]:
    """The results of these tables.

    After authorisation, unscoped: the caller has fetched the enrolments for the reader (access_table,
    enrolments_for_followup).
    """
    return InterviewResult.unscoped.filter(enrolment_id__in=enrolment_ids)


def interview_results_of_event(*, event: Event) -> QuerySet[InterviewResult]:
    """Every host's results of `event`.

    System/after authorisation, unscoped: for services acting on an event the caller has authorised (the
    coordinator's proposals) and for event-wide counts that leave no row.
    """
    return InterviewResult.unscoped.filter(event=event)


def interview_result_for_update(*, enrolment: EventCompany, senior: SeniorProfile) -> InterviewResult:
    """The result of one interview under a row lock, made empty if missing.

    After authorisation, unscoped: the recording services run once the caller has authorised the table.
    """
    result, _created = InterviewResult.unscoped.select_for_update().get_or_create(
        enrolment=enrolment,
        senior=senior,
        defaults={"event_id": enrolment.event_id, "institution_id": enrolment.institution_id},
    )
    return result


def interview_result_locked(*, pk: int) -> InterviewResult:
    """After authorisation, unscoped: a result the caller has fetched, re-read under a row lock."""
    return InterviewResult.unscoped.select_for_update().get(pk=pk)


# --- second interviews and agreements, per role -------------------------------------------------------------


def _visible(model: Any, user: User, event_path: str = "event") -> QuerySet[Any]:
    """Rows of an institution-owned follow-up model the user may see: coordinators their own events' rows
    (plus their institutions' if any), staff their institutions', nobody else anything.

    Unscoped for coordinators: they belong to no host institution, yet oversee all hosts of their events.
    """
    coordinator_orgs = coordinator_org_ids(user)
    if coordinator_orgs:
        condition = Q(**{f"{event_path}__coordinator_id__in": coordinator_orgs})
        if user.institution_ids:
            condition |= Q(institution_id__in=user.institution_ids)
        return model.unscoped.filter(condition)
    return _own_institutions(model, user)


def _own_institutions(model: Any, user: User) -> QuerySet[Any]:
    """The staff rule alone: rows of the user's own institutions (the scoped manager limits to them too).
    `institution_ids` holds only the institutions where the user is bank staff or institution admin."""
    if user.institution_ids:
        return model.objects.filter(institution_id__in=user.institution_ids)
    return model.unscoped.none()


def interview_results_for_staff(*, user: User) -> QuerySet[InterviewResult]:
    """Results of the user's own institutions' tables (bank staff, institution admins), as staff only."""
    return _own_institutions(InterviewResult, user)


def second_interviews_for_staff(*, user: User) -> QuerySet[SecondInterview]:
    """Second interviews of the user's own institutions, as staff only (not as a coordinator)."""
    return _own_institutions(SecondInterview, user)


def second_interviews_visible_to(*, user: User) -> QuerySet[SecondInterview]:
    return _visible(SecondInterview, user)


def access_second_interview(*, user: User, pk: object) -> SecondInterview:
    qs = second_interviews_visible_to(user=user).select_related(
        "event", "enrolment__company", "enrolment__institution", "senior__user", "staff", "result"
    )
    return get_or_404(qs, pk=pk)


def agreements_visible_to(*, user: User) -> QuerySet[SupportAgreement]:
    return _visible(SupportAgreement, user)


def access_agreement(*, user: User, pk: object) -> SupportAgreement:
    qs = agreements_visible_to(user=user).select_related(
        "event", "company", "institution", "senior__user", "responsible_staff", "second_interview"
    )
    return get_or_404(qs, pk=pk)


def second_interviews_for_participant(*, user: User) -> QuerySet[SecondInterview]:
    """The confirmed second interviews the user takes part in as the senior or as a company contact.

    Unscoped: seniors and company contacts belong to no institution; filtered by the person (their own
    senior profile, or their own company's contacts).
    """
    condition = Q(senior__user=user, senior__anonymised_at__isnull=True) | Q(
        enrolment__company__contacts__user=user, enrolment__company__contacts__is_active=True
    )
    return SecondInterview.unscoped.filter(condition, status=SecondInterviewStatus.CONFIRMED).distinct()


# --- system and after-authorisation reads -------------------------------------------------------------------


def second_interviews_for_prefetch() -> QuerySet[SecondInterview]:
    """Second interviews, only as the queryset of a Prefetch from results the caller has already limited.

    Unscoped: the reverse manager would use the scoped default (the request's institutions), which is empty
    for a coordinator; the prefetch itself filters the rows to the authorised results.
    """
    return SecondInterview.unscoped.all()


def second_interviews_of_pair(*, enrolment_id: int, senior_id: int) -> QuerySet[SecondInterview]:
    """After authorisation, unscoped: the second interviews of one company and senior whose result the
    calling service has authorised (to find a live one)."""
    return SecondInterview.unscoped.filter(enrolment_id=enrolment_id, senior_id=senior_id)


def second_interview_for_update(*, pk: int) -> SecondInterview:
    """After authorisation, unscoped: a second interview the caller has fetched, re-read under a row lock."""
    return SecondInterview.unscoped.select_for_update().get(pk=pk)


def second_interview_for_task(*, pk: int) -> SecondInterview | None:
    """System path, unscoped: a Celery task serves no request; the id is the one its own service enqueued."""
    return (
        SecondInterview.unscoped.select_related("event", "enrolment__company", "senior__user", "staff")
        .filter(pk=pk)
        .first()
    )


def second_interviews_for_system_scan() -> QuerySet[SecondInterview]:
    """System path, unscoped: reminder scans serve no request; each reminder goes only to the people of that
    second interview (its staff, its senior, its company) or to the event's own coordinators."""
    return SecondInterview.unscoped.all()


def agreements_for_system_scan() -> QuerySet[SupportAgreement]:
    """System path, unscoped: reminder scans serve no request; each reminder goes to the agreement's own
    responsible staff."""
    return SupportAgreement.unscoped.all()


def agreement_for_update(*, pk: int) -> SupportAgreement:
    """After authorisation, unscoped: an agreement the caller has fetched, re-read under a row lock."""
    return SupportAgreement.unscoped.select_for_update().get(pk=pk)


def visits_of_agreement(*, agreement: SupportAgreement) -> QuerySet[AgreementVisit]:
    """After authorisation, unscoped: the visits of an agreement the caller has authorised."""
    return AgreementVisit.unscoped.filter(agreement=agreement)


def second_interviews_for_statistics() -> QuerySet[SecondInterview]:
    """System path, unscoped: matching.selectors.statistics applies its own institution rule (own figures;
    national totals only with enough other institutions) before anything is shown."""
    return SecondInterview.unscoped.all()


def agreements_for_statistics() -> QuerySet[SupportAgreement]:
    """System path, unscoped: as second_interviews_for_statistics."""
    return SupportAgreement.unscoped.all()


def meeting_figures_for_statistics() -> QuerySet[MeetingFigure]:
    """System path, unscoped: as second_interviews_for_statistics."""
    return MeetingFigure.unscoped.all()


def meeting_figures_of_event(*, event: Event) -> QuerySet[MeetingFigure]:
    """System path, unscoped: matching.services.figures rebuilds the whole event's summary (every
    institution's meetings), which no reader sees until the statistics selectors have filtered it."""
    return MeetingFigure.unscoped.filter(event=event)


def meeting_figures_of_companies(*, company_ids: list[int]) -> QuerySet[MeetingFigure]:
    """System path, unscoped: matching.services.figures copies the companies' new branch into every row of
    theirs (whoever changed the companies may see them; the rows leave only through the statistics)."""
    return MeetingFigure.unscoped.filter(company_id__in=company_ids)


def agreement_category_counts(*, senior_ids: Iterable[int] | None) -> dict[int, dict[str, int]]:
    """How many support agreements each senior reached, per issue category of the company's hearing sheet
    (every senior when `senior_ids` is None).

    System path, unscoped: only counts per senior and category leave this function (no company, institution
    or agreement), shown as 「この分類で支援成立 N 件」 beside a senior who consented to being shown to
    institutions (matching.selectors.fit); a bank thereby learns that a senior succeeded elsewhere, never
    where or with whom.
    """
    rows = SupportAgreement.unscoped.filter(enrolment__hearing__issues__isnull=False)
    if senior_ids is not None:
        rows = rows.filter(senior_id__in=list(senior_ids))
    counts: dict[int, dict[str, int]] = {}
    for senior_id, category, n in (
        rows.order_by()
        .values_list("senior_id", "enrolment__hearing__issues__category")
        .annotate(n=Count("pk", distinct=True))
    ):
        counts.setdefault(senior_id, {})[category] = n
    return counts


# --- personal data: export and erasure ---


def interview_results_of_senior(senior: SeniorProfile) -> QuerySet[InterviewResult]:
    """Unscoped: one person's results, at the tables of every institution they met (export, erasure)."""
    return InterviewResult.unscoped.filter(senior=senior)


def second_interviews_of_senior(senior: SeniorProfile) -> QuerySet[SecondInterview]:
    """Unscoped: one person's second interviews, with companies of any institution (export, erasure)."""
    return SecondInterview.unscoped.filter(senior=senior)


def agreements_of_senior(senior: SeniorProfile) -> QuerySet[SupportAgreement]:
    """Unscoped: one person's support agreements, with companies of any institution (export, erasure)."""
    return SupportAgreement.unscoped.filter(senior=senior)


def agreement_visits_of_senior(senior: SeniorProfile) -> QuerySet[AgreementVisit]:
    """Unscoped: the visits of one person's agreements, with companies of any institution (export, erasure)."""
    return AgreementVisit.unscoped.filter(agreement__senior=senior)
