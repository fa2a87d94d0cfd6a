"""Reads of the event day's check-in page: the company tables and the seniors with their attendance,
the live counts, the walk-in search and the standby candidates.

Coordinator of the event only (the views fetch the event through events.access). The event's
enrolments are read through the unscoped manager, always filtered by the event: the coordinator works
across every host institution of their own event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from events.access import enrolments_for_coordinator, enrolments_of_event
from events.enums import ApplicationStatus
from events.models import Event, EventCompany, SeniorApplication
from matching.enums import AttendanceStatus, TimetableStatus
from matching.models import Attendance, Timetable, TimetableMeeting
from participants.models import SeniorProfile, User

from .printing import table_numbers

__all__ = [
    "CheckinCompany",
    "CheckinCounts",
    "CheckinRows",
    "CheckinSenior",
    "attendance_of",
    "checkin_company_row",
    "checkin_counts",
    "checkin_rows",
    "checkin_senior_row",
    "checkin_seniors_qs",
    "event_has_published_timetable",
    "standby_candidates",
    "walkin_enrolments",
    "walkin_search",
]

SEARCH_LIMIT = 20


def attendance_of(*, event: Event, senior: SeniorProfile | None, enrolment: EventCompany | None) -> Attendance | None:
    """The attendance row of one participant of an event the caller has authorised (a senior or a table)."""
    return Attendance.objects.filter(event=event, senior=senior, enrolment=enrolment).first()


@dataclass
class CheckinCompany:
    enrolment: EventCompany
    number: int
    attendance: Attendance | None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else AttendanceStatus.EXPECTED

    @property
    def kind(self) -> str:
        return "company"

    @property
    def pk(self) -> int:
        return self.enrolment.pk


@dataclass
class CheckinSenior:
    senior: SeniorProfile
    attendance: Attendance | None
    meetings: int = 0

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else AttendanceStatus.EXPECTED

    @property
    def walk_in(self) -> bool:
        return bool(self.attendance and self.attendance.walk_in)

    @property
    def standby(self) -> bool:
        return bool(self.attendance and self.attendance.standby)

    @property
    def name(self) -> str:
        return self.senior.user.name or self.senior.user.email

    @property
    def kind(self) -> str:
        return "senior"

    @property
    def pk(self) -> int:
        return self.senior.pk


@dataclass
class CheckinRows:
    companies: list[CheckinCompany] = field(default_factory=list)
    seniors: list[CheckinSenior] = field(default_factory=list)


@dataclass(frozen=True)
class CheckinCounts:
    seniors_checked_in: int
    seniors_expected: int
    seniors_no_show: int
    companies_checked_in: int
    companies_expected: int
    companies_no_show: int


def event_has_published_timetable(*, event: Event) -> bool:
    """The check-in lists come from the published timetable: without one there is no one to check in."""
    return Timetable.objects.filter(event=event, status=TimetableStatus.PUBLISHED).exists()


def _published_meetings(event: Event) -> QuerySet[TimetableMeeting]:
    return TimetableMeeting.objects.filter(timetable__event=event, timetable__status=TimetableStatus.PUBLISHED)


def checkin_seniors_qs(*, event: Event) -> QuerySet[SeniorProfile]:
    """The seniors of the event day: in the published timetable, or with an attendance row (walk-ins,
    standby applicants, anyone already marked)."""
    in_timetable = _published_meetings(event).values("senior_id")
    marked = Attendance.objects.filter(event=event, senior__isnull=False).values("senior_id")
    return SeniorProfile.objects.filter(Q(pk__in=in_timetable) | Q(pk__in=marked))


def _name_filter(prefix: str, q: str) -> Q:
    return Q(**{f"{prefix}name__icontains": q}) | Q(**{f"{prefix}name_kana__icontains": q})


def checkin_rows(*, user: User, event: Event, q: str = "") -> CheckinRows:
    """Both lists of the check-in page, filtered by name when `q` is given; five queries whatever the size.
    No company when `event` is not one of the coordinator's."""
    q = q.strip()
    numbers = table_numbers(event=event)
    enrolments = (
        enrolments_for_coordinator(user=user)
        .filter(event=event)
        .select_related("company", "institution", "attending_staff")
    )
    if q:
        enrolments = enrolments.filter(
            Q(company__name__icontains=q) | Q(company__name_kana__icontains=q) | _name_filter("attending_staff__", q)
        )
    attendances = {
        (a.senior_id, a.enrolment_id): a for a in Attendance.objects.filter(event=event).order_by()
    }  # one row per participant: small
    companies = [CheckinCompany(e, numbers.get(e.pk, 0), attendances.get((None, e.pk))) for e in enrolments]
    companies.sort(key=lambda c: c.number)
    seniors_qs = checkin_seniors_qs(event=event).select_related("user")
    if q:
        seniors_qs = seniors_qs.filter(_name_filter("user__", q) | Q(user__email__icontains=q))
    meeting_counts = dict(
        _published_meetings(event).values("senior_id").annotate(n=Count("pk")).values_list("senior_id", "n")
    )
    seniors = [
        CheckinSenior(s, attendances.get((s.pk, None)), meeting_counts.get(s.pk, 0))
        for s in seniors_qs.order_by("user__name_kana", "user__name", "pk")
    ]
    return CheckinRows(companies=companies, seniors=seniors)


def checkin_company_row(*, event: Event, enrolment: EventCompany) -> CheckinCompany:
    return CheckinCompany(
        enrolment,
        table_numbers(event=event).get(enrolment.pk, 0),
        Attendance.objects.filter(event=event, enrolment=enrolment).first(),
    )


def checkin_senior_row(*, event: Event, senior: SeniorProfile) -> CheckinSenior:
    return CheckinSenior(
        senior,
        Attendance.objects.filter(event=event, senior=senior).first(),
        _published_meetings(event).filter(senior=senior).count(),
    )


def checkin_counts(*, event: Event) -> CheckinCounts:
    """受付済 / 未到着 / 欠席 of seniors and company tables, counted by the database (three queries)."""
    seniors_total = checkin_seniors_qs(event=event).count()
    companies_total = enrolments_of_event(event=event).count()
    marks = Attendance.objects.filter(event=event).aggregate(
        s_checked=Count("pk", filter=Q(senior__isnull=False, status=AttendanceStatus.CHECKED_IN)),
        s_absent=Count("pk", filter=Q(senior__isnull=False, status=AttendanceStatus.NO_SHOW)),
        c_checked=Count("pk", filter=Q(enrolment__isnull=False, status=AttendanceStatus.CHECKED_IN)),
        c_absent=Count("pk", filter=Q(enrolment__isnull=False, status=AttendanceStatus.NO_SHOW)),
    )
    return CheckinCounts(
        seniors_checked_in=marks["s_checked"],
        seniors_no_show=marks["s_absent"],
        seniors_expected=seniors_total - marks["s_checked"] - marks["s_absent"],
        companies_checked_in=marks["c_checked"],
        companies_no_show=marks["c_absent"],
        companies_expected=companies_total - marks["c_checked"] - marks["c_absent"],
    )


def walkin_enrolments(*, user: User, event: Event) -> list[tuple[int, EventCompany]]:
    """The coordinator's event's company tables for the walk-in form: (table number, enrolment), by number."""
    numbers = table_numbers(event=event)
    rows = enrolments_for_coordinator(user=user).filter(event=event).select_related("company", "institution")
    return sorted(((numbers.get(e.pk, 0), e) for e in rows), key=lambda t: t[0])


def walkin_search(*, q: str) -> list[SeniorProfile]:
    """Registered seniors (not anonymised) by name, kana or email; at most SEARCH_LIMIT."""
    q = q.strip()
    if not q:
        return []
    return list(
        SeniorProfile.objects.filter(anonymised_at__isnull=True, user__is_active=True)
        .filter(_name_filter("user__", q) | Q(user__email__icontains=q))
        .select_related("user")
        .order_by("user__name_kana", "user__name", "pk")[:SEARCH_LIMIT]
    )


def standby_candidates(*, event: Event) -> list[SeniorProfile]:
    """Applicants (submitted) who are neither in the published timetable nor on the check-in list yet."""
    applied = SeniorApplication.objects.filter(event=event, status=ApplicationStatus.SUBMITTED).values("senior_id")
    return list(
        SeniorProfile.objects.filter(pk__in=applied, anonymised_at__isnull=True)
        .exclude(pk__in=checkin_seniors_qs(event=event).values("pk"))
        .select_related("user")
        .order_by("user__name_kana", "user__name", "pk")
    )
