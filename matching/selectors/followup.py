"""Reads of what follows the event: interview results, second interviews and support agreements.

Who sees what (DESIGN.md, confidentiality):

* bank staff and institution admins: their own institution's tables, results, second interviews and
  agreements (the scoped `objects` managers), even in a joint event of many banks;
* the coordinator of the event's coordinator organisation: everything of the event (read through the
  `unscoped` managers, filtered by the coordinator's events first);
* a senior: their own interviews of published timetables, and their own wish.

`access_<thing>(*, user, pk)` fetch and authorise in one step; missing and forbidden both raise Http404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from events.access import coordinator_org_ids, senior_profile_of
from events.enums import EventStatus
from events.models import Event, EventCompany
from events.selectors.hearings import issue_list_labels
from participants.models import SeniorProfile, User
from sks.access import get_or_404
from sks.clock import TOKYO
from sks.roles import INSTITUTION_ROLES

from ..enums import AgreementKind, SecondInterviewStatus, TimetableStatus
from ..models import AgreementVisit, InterviewResult, SecondInterview, SupportAgreement, TimetableMeeting
from .publish import PersonalSchedule, schedule_time_label

__all__ = [
    "INVITATION_KIND",
    "RECORDABLE_EVENT_STATUSES",
    "FollowupTodo",
    "TableRow",
    "access_agreement",
    "access_followup_event",
    "access_result_for_coordinator",
    "access_second_interview",
    "access_senior_meeting",
    "access_table",
    "agreement_visits",
    "agreements_for",
    "event_results",
    "followup_tables",
    "followup_todo",
    "is_event_coordinator",
    "my_second_interviews",
    "second_interview_ics",
    "second_interview_invitation_urls",
    "second_interview_parties",
    "second_interviews_for",
    "senior_wish_rows",
    "table_rows",
    "visits_remaining",
]

# Results may be recorded once the event is held, until its follow-up closes.
RECORDABLE_EVENT_STATUSES: frozenset[str] = frozenset({EventStatus.HELD, EventStatus.FOLLOW_UP})
INVITATION_KIND = "second_interview_confirmed"


def is_event_coordinator(user: User, event: Event) -> bool:
    return event.coordinator_id in coordinator_org_ids(user)


def _is_staff(user: User) -> bool:
    return bool(user.roles & set(INSTITUTION_ROLES))


# --- events and tables --------------------------------------------------------------------------------------


def access_followup_event(*, user: User, pk: object) -> tuple[Event, bool]:
    """The event and whether `user` is its coordinator (else: staff of one of its host institutions)."""
    event = Event.objects.filter(pk=int(str(pk))).select_related("coordinator").first() if str(pk).isdigit() else None
    if event is None:
        raise Http404
    if is_event_coordinator(user, event):
        return event, True
    if _is_staff(user) and event.event_hosts.filter(institution_id__in=user.institution_ids).exists():
        return event, False
    raise Http404


def _published_meetings(event_id: int) -> QuerySet[TimetableMeeting]:
    return TimetableMeeting.objects.filter(timetable__event_id=event_id, timetable__status=TimetableStatus.PUBLISHED)


def _enrolments(event: Event, user: User, coordinator: bool) -> QuerySet[EventCompany]:
    if coordinator:
        # The coordinator's own event: every host's tables, filtered by the event.
        return EventCompany.unscoped.filter(event=event)
    return EventCompany.objects.filter(event=event, institution_id__in=user.institution_ids)


@dataclass(frozen=True)
class TableProgress:
    enrolment: EventCompany
    table: int
    meetings: int
    recorded: int


def followup_tables(*, event: Event, user: User, coordinator: bool) -> list[TableProgress]:
    """The tables (enrolments) the user records for, with the number of interviews recorded of the total.
    Four queries, however many tables."""
    tables = {pk: i + 1 for i, pk in enumerate(issue_list_labels(event=event))}
    enrolments = list(
        _enrolments(event, user, coordinator).select_related("company", "institution", "attending_staff").order_by("pk")
    )
    ids = [e.pk for e in enrolments]
    meetings = dict(
        _published_meetings(event.pk)
        .filter(enrolment_id__in=ids)
        .values_list("enrolment_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    recorded = dict(
        InterviewResult.unscoped.filter(event=event, enrolment_id__in=ids, company_recorded_at__isnull=False)
        .values_list("enrolment_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        TableProgress(
            enrolment=e, table=tables.get(e.pk, 0), meetings=meetings.get(e.pk, 0), recorded=recorded.get(e.pk, 0)
        )
        for e in enrolments
        if meetings.get(e.pk)
    ]


def access_table(*, user: User, pk: object) -> tuple[EventCompany, bool]:
    """One table (enrolment) to record results for: the staff of its institution or the event's
    coordinator; with whether the user is the coordinator."""
    enrolment = (
        EventCompany.unscoped.filter(pk=int(str(pk)))
        .select_related("event", "company", "institution", "attending_staff")
        .first()
        if str(pk).isdigit()
        else None
    )
    if enrolment is None:
        raise Http404
    if is_event_coordinator(user, enrolment.event):
        return enrolment, True
    if _is_staff(user) and enrolment.institution_id in user.institution_ids:
        return enrolment, False
    raise Http404


@dataclass
class TableRow:
    slot: int
    time_label: str
    senior: SeniorProfile
    result: InterviewResult | None

    @property
    def senior_name(self) -> str:
        return self.senior.user.get_full_name() if self.senior.anonymised_at is None else _("（退会済み）")


def _slot_label(event: Event, slot: int) -> str:
    times = event.slot_times()
    if slot >= len(times):
        return ""
    start, end = times[slot]
    return schedule_time_label(
        dt.datetime.combine(event.date, start, tzinfo=TOKYO), dt.datetime.combine(event.date, end, tzinfo=TOKYO)
    )


def table_rows(*, enrolment: EventCompany, only_senior: SeniorProfile | None = None) -> list[TableRow]:
    """The interviews of one table in the published timetable, in slot order, with their results."""
    meetings = _published_meetings(enrolment.event_id).filter(enrolment=enrolment).select_related("senior__user")
    if only_senior is not None:
        meetings = meetings.filter(senior=only_senior)
    # Unscoped: filtered by the enrolment the caller has authorised.
    results = {r.senior_id: r for r in InterviewResult.unscoped.filter(enrolment=enrolment)}
    return [
        TableRow(
            slot=m.slot,
            time_label=_slot_label(enrolment.event, m.slot),
            senior=m.senior,
            result=results.get(m.senior_id),
        )
        for m in meetings.order_by("slot", "senior_id")
    ]


def event_results(*, event: Event) -> list[InterviewResult]:
    """Every result of the coordinator's event (read-only overview), table by table."""
    # Unscoped: the coordinator's own event, filtered by it.
    return list(
        InterviewResult.unscoped.filter(event=event)
        .select_related("enrolment__company", "enrolment__institution", "senior__user")
        # Unscoped too: the reverse manager would use the scoped default manager (the request's institutions).
        .prefetch_related(Prefetch("second_interviews", queryset=SecondInterview.unscoped.order_by("pk")))
        .order_by("enrolment_id", "senior_id")
    )


def access_result_for_coordinator(*, user: User, pk: object) -> InterviewResult:
    qs = InterviewResult.unscoped.filter(event__coordinator_id__in=coordinator_org_ids(user)).select_related("event")
    return get_or_404(qs, pk=pk)


# --- the senior's own wish ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeniorWishRow:
    event: Event
    enrolment_id: int
    table: int
    company: str
    title: str
    time_label: str
    result: InterviewResult | None
    open: bool  # may still be recorded (event held or in follow-up)


def senior_wish_rows(*, user: User, schedules: list[PersonalSchedule]) -> list[SeniorWishRow]:
    """The senior's interviews of events already held, from their schedules, with their wish if recorded.
    One query on top of the schedules."""
    own = [s for s in schedules if s.role == "senior" and s.event.status in {*RECORDABLE_EVENT_STATUSES, "closed"}]
    if not own:
        return []
    profile = SeniorProfile.objects.filter(user=user, anonymised_at__isnull=True).first()
    if profile is None:
        return []
    # Unscoped: the senior's own results only (filtered by their profile).
    results = {
        r.enrolment_id: r
        for r in InterviewResult.unscoped.filter(
            senior=profile, enrolment_id__in=[i.enrolment_id for s in own for i in s.items]
        )
    }
    rows = []
    for schedule in own:
        for item in schedule.items:
            rows.append(
                SeniorWishRow(
                    event=schedule.event,
                    enrolment_id=item.enrolment_id,
                    table=item.table,
                    company=item.company,
                    title=item.title,
                    time_label=item.time_label_ja,
                    result=results.get(item.enrolment_id),
                    open=schedule.event.status in RECORDABLE_EVENT_STATUSES,
                )
            )
    return rows


def my_second_interviews(*, user: User) -> list[SecondInterview]:
    """The confirmed second interviews the user takes part in as the senior or as a company contact
    (their date, place and link), the soonest first."""
    # Unscoped: filtered by the person (their own senior profile, or their own company's contacts).
    condition = Q(senior__user=user, senior__anonymised_at__isnull=True) | Q(
        enrolment__company__contacts__user=user, enrolment__company__contacts__is_active=True
    )
    return list(
        SecondInterview.unscoped.filter(condition, status=SecondInterviewStatus.CONFIRMED)
        .select_related("event", "enrolment__company", "senior__user", "staff")
        .distinct()
        .order_by("scheduled_at", "pk")
    )


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


# --- second interviews --------------------------------------------------------------------------------------


def _visible(model: Any, user: User, event_path: str = "event") -> QuerySet[Any]:
    """Rows of an institution-owned follow-up model the user may see."""
    coordinator_orgs = coordinator_org_ids(user)
    if coordinator_orgs:
        # Coordinators: their own events' rows (filtered by event), plus their institutions' if any.
        condition = Q(**{f"{event_path}__coordinator_id__in": coordinator_orgs})
        if user.institution_ids:
            condition |= Q(institution_id__in=user.institution_ids)
        return model.unscoped.filter(condition)
    if _is_staff(user):
        return model.objects.filter(institution_id__in=user.institution_ids)
    return model.unscoped.none()


def second_interviews_for(*, user: User, status: str = "", event_id: int | None = None) -> QuerySet[SecondInterview]:
    qs = _visible(SecondInterview, user).select_related("event", "enrolment__company", "senior__user", "staff")
    if status in SecondInterviewStatus.values:
        qs = qs.filter(status=status)
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    return qs.order_by("-event__date", "enrolment_id", "senior_id", "pk")


def access_second_interview(*, user: User, pk: object) -> SecondInterview:
    qs = _visible(SecondInterview, user).select_related(
        "event", "enrolment__company", "enrolment__institution", "senior__user", "staff", "result"
    )
    return get_or_404(qs, pk=pk)


def second_interview_parties(si: SecondInterview) -> list[tuple[User, str]]:
    """Who is told of a confirmed second interview: the staff member, the senior, the company's contacts."""
    parties: list[tuple[User, str]] = [(si.staff, "staff")]
    if si.senior.anonymised_at is None:
        parties.append((si.senior.user, "senior"))
    contacts = User.objects.filter(
        company_contacts__company_id=si.enrolment.company_id, company_contacts__is_active=True, is_active=True
    ).distinct()
    parties.extend((user, "company") for user in contacts.order_by("pk"))
    seen: set[int] = set()
    unique = []
    for user, role in parties:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append((user, role))
    return unique


def second_interview_invitation_urls(si: SecondInterview) -> dict[str, str]:
    """The link of each party's notification; the confirmed date in it keys the delivery (a re-schedule
    is a new one)."""
    stamp = f"{si.scheduled_at:%Y%m%dT%H%M}" if si.scheduled_at else "none"
    schedule = reverse("matching:my_schedule")
    return {
        "staff": f"{reverse('matching:second_interview_detail', args=[si.pk])}#confirmed-{stamp}",
        "senior": f"{schedule}#second-interview-{si.pk}-{stamp}",
        "company": f"{schedule}#second-interview-{si.pk}-{stamp}",
    }


def second_interview_ics(si: SecondInterview) -> bytes:
    """A VCALENDAR with the second interview (Asia/Tokyo). The UID is stable; SEQUENCE grows with each
    re-schedule (minutes since the epoch of the last change) so calendars update the entry."""
    assert si.scheduled_at is not None
    calendar = Calendar()
    calendar.add("prodid", "-//SKS//second interview//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    start = si.scheduled_at.astimezone(TOKYO)
    vevent = VEvent()
    vevent.add("uid", f"second-interview-{si.pk}@sks")
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", start)
    vevent.add("dtend", start + dt.timedelta(minutes=si.duration_minutes))
    changed = si.status_changed_at or timezone.now()
    vevent.add("sequence", int(changed.timestamp() // 60))
    senior = si.senior.user.get_full_name() if si.senior.anonymised_at is None else ""
    vevent.add(
        "summary", _("二次面談：%(company)s／%(senior)s") % {"company": si.enrolment.company.name, "senior": senior}
    )
    vevent.add("location", si.place or si.online_url)
    description = si.event.title
    if si.online_url:
        description += "\n" + si.online_url
    vevent.add("description", description)
    calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- agreements ---------------------------------------------------------------------------------------------


def agreements_for(*, user: User, event_id: int | None = None) -> QuerySet[SupportAgreement]:
    qs = (
        _visible(SupportAgreement, user)
        .select_related("event", "company", "senior__user", "responsible_staff")
        .annotate(visit_count=Count("visits"))
    )
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    return qs.order_by("-start_date", "pk")


def access_agreement(*, user: User, pk: object) -> SupportAgreement:
    qs = _visible(SupportAgreement, user).select_related(
        "event", "company", "institution", "senior__user", "responsible_staff", "second_interview"
    )
    return get_or_404(qs, pk=pk)


def agreement_visits(*, agreement: SupportAgreement) -> list[AgreementVisit]:
    # Unscoped: the visits of an agreement the caller has authorised.
    return list(
        AgreementVisit.unscoped.filter(agreement=agreement).select_related("recorded_by").order_by("date", "pk")
    )


def visits_remaining(agreement: SupportAgreement, count: int) -> int | None:
    """Subsidised visits still available (None when the agreement is not subsidised)."""
    if agreement.kind != AgreementKind.SUBSIDISED:
        return None
    return max(0, agreement.subsidised_visits - count)


# --- the bank staff's dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowupTodo:
    """What is waiting for the user's institution after its events: interviews whose result is not recorded
    yet (per event), second interviews without a date, and held ones without an outcome."""

    unrecorded: list[tuple[Event, int]]
    unscheduled: int
    without_outcome: int

    @property
    def empty(self) -> bool:
        return not self.unrecorded and not self.unscheduled and not self.without_outcome


def followup_todo(*, user: User) -> FollowupTodo:
    """Counts from database aggregation (four queries, however many events, after the user's institutions);
    own institution only."""
    ids = list(user.institution_ids)
    meetings = dict(
        TimetableMeeting.objects.filter(
            timetable__status=TimetableStatus.PUBLISHED,
            timetable__event__status__in=RECORDABLE_EVENT_STATUSES,
            enrolment__institution_id__in=ids,
        )
        .values_list("timetable__event_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    recorded = dict(
        InterviewResult.objects.filter(
            institution_id__in=ids, event_id__in=list(meetings), company_recorded_at__isnull=False
        )
        .values_list("event_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    left = {event_id: n - recorded.get(event_id, 0) for event_id, n in meetings.items()}
    events = Event.objects.filter(pk__in=[pk for pk, n in left.items() if n > 0]).order_by("date", "pk")
    counts = SecondInterview.objects.filter(institution_id__in=ids).aggregate(
        unscheduled=Count(
            "pk", filter=Q(status__in=[SecondInterviewStatus.PROPOSED, SecondInterviewStatus.SCHEDULING])
        ),
        without_outcome=Count("pk", filter=Q(status=SecondInterviewStatus.HELD)),
    )
    return FollowupTodo(
        unrecorded=[(event, left[event.pk]) for event in events],
        unscheduled=counts["unscheduled"],
        without_outcome=counts["without_outcome"],
    )
