"""Reads of what follows the event: interview results, second interviews and support agreements.

Who sees what is decided in matching.access (the rules for each role, and the `access_<thing>` selectors);
the functions here shape what those return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from events.access import enrolments_for_staff
from events.enums import EventStatus
from events.models import Event, EventCompany
from events.selectors.hearings import issue_list_labels
from participants.models import SeniorProfile, User
from sks.clock import TOKYO

from .. import access
from ..enums import AgreementKind, SecondInterviewStatus, TimetableStatus
from ..models import AgreementVisit, InterviewResult, SecondInterview, SupportAgreement, TimetableMeeting
from .publish import PersonalSchedule, schedule_time_label

__all__ = [
    "INVITATION_KIND",
    "RECORDABLE_EVENT_STATUSES",
    "FollowupTodo",
    "TableRow",
    "agreement_visits",
    "agreements_for",
    "event_results",
    "followup_tables",
    "followup_todo",
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


# --- events and tables --------------------------------------------------------------------------------------


def _published_meetings(event_id: int) -> QuerySet[TimetableMeeting]:
    return TimetableMeeting.objects.filter(timetable__event_id=event_id, timetable__status=TimetableStatus.PUBLISHED)


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
        access.enrolments_for_followup(user=user, event=event, coordinator=coordinator)
        .select_related("company", "institution", "attending_staff")
        .order_by("pk")
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
        access.interview_results_of_enrolments(enrolment_ids=ids)
        .filter(event=event, company_recorded_at__isnull=False)
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
    # The enrolment is the one the caller has authorised.
    results = {r.senior_id: r for r in access.interview_results_of_enrolments(enrolment_ids=[enrolment.pk])}
    return [
        TableRow(
            slot=m.slot,
            time_label=_slot_label(enrolment.event, m.slot),
            senior=m.senior,
            result=results.get(m.senior_id),
        )
        for m in meetings.order_by("slot", "senior_id")
    ]


def event_results(*, user: User, event: Event) -> list[InterviewResult]:
    """Every result of the coordinator's event (read-only overview), table by table; none when `event` is
    not one of the user's."""
    return list(
        access.interview_results_for_coordinator(user=user)
        .filter(event=event)
        .select_related("enrolment__company", "enrolment__institution", "senior__user")
        .prefetch_related(
            Prefetch("second_interviews", queryset=access.second_interviews_for_prefetch().order_by("pk"))
        )
        .order_by("enrolment_id", "senior_id")
    )


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
    results = {
        r.enrolment_id: r
        for r in access.interview_results_for_senior(user=user).filter(
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
    return list(
        access.second_interviews_for_participant(user=user)
        .select_related("event", "enrolment__company", "senior__user", "staff")
        .order_by("scheduled_at", "pk")
    )


# --- second interviews --------------------------------------------------------------------------------------


def second_interviews_for(*, user: User, status: str = "", event_id: int | None = None) -> QuerySet[SecondInterview]:
    qs = access.second_interviews_visible_to(user=user).select_related(
        "event", "enrolment__company", "senior__user", "staff"
    )
    if status in SecondInterviewStatus.values:
        qs = qs.filter(status=status)
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    return qs.order_by("-event__date", "enrolment_id", "senior_id", "pk")


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
        access.agreements_visible_to(user=user)
        .select_related("event", "company", "senior__user", "responsible_staff")
        .annotate(visit_count=Count("visits"))
    )
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    return qs.order_by("-start_date", "pk")


def agreement_visits(*, agreement: SupportAgreement) -> list[AgreementVisit]:
    # The visits of an agreement the caller has authorised.
    return list(access.visits_of_agreement(agreement=agreement).select_related("recorded_by").order_by("date", "pk"))


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
    own institution only, as staff (events.access and matching.access say which rows those are)."""
    meetings = dict(
        TimetableMeeting.objects.filter(
            timetable__status=TimetableStatus.PUBLISHED,
            timetable__event__status__in=RECORDABLE_EVENT_STATUSES,
            enrolment__in=enrolments_for_staff(user=user).values("pk"),
        )
        .values_list("timetable__event_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    recorded = dict(
        access.interview_results_for_staff(user=user)
        .filter(event_id__in=list(meetings), company_recorded_at__isnull=False)
        .values_list("event_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    left = {event_id: n - recorded.get(event_id, 0) for event_id, n in meetings.items()}
    events = Event.objects.filter(pk__in=[pk for pk, n in left.items() if n > 0]).order_by("date", "pk")
    counts = access.second_interviews_for_staff(user=user).aggregate(
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
