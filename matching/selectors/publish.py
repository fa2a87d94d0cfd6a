"""Personal schedules of a published timetable: what each participant may see of it, and its .ics.

Three views of the same meetings, each showing only what its reader may know (DESIGN.md, confidentiality):

* a senior: their own meetings only, with the table number, the company's anonymous label and the
  published summary's title; the company's real name only when its disclosure was agreed and chosen
  (`issue_list_entries` gives exactly the published fields, never the bank's internal notes);
* a bank staff member: their route, i.e. the tables they attend (their own institution's companies only,
  even in a joint event), with the real company name and the seniors met in each slot;
* a company contact: their own company's meetings, with the seniors' names and the times.

The table number is the enrolment's position among the event's enrolments (1-based, by enrolment order),
the same order as the anonymous labels, so it never changes when another company joins or leaves a draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from events.access import enrolments_for_contact
from events.models import Event
from events.selectors.hearings import issue_list_entries, issue_list_labels
from participants.models import User
from participants.selectors import seniors_with_current_pledge
from sks.clock import TOKYO
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR

from ..enums import SolveStatus, TimetableStatus
from ..models import Timetable, TimetableMeeting

__all__ = [
    "NOTIFICATION_KIND",
    "PersonalSchedule",
    "ScheduleItem",
    "access_own_schedule",
    "my_schedules",
    "personal_schedule_for",
    "personal_schedules",
    "published_timetable_besides",
    "schedule_ics",
    "schedule_notification_url",
    "schedule_time_label",
    "timetable_publish_blocker",
    "user_has_published_schedule",
]

NOTIFICATION_KIND = "timetable_published"
ROLE_SENIOR, ROLE_STAFF, ROLE_COMPANY = "senior", "staff", "company"
_WEEKDAYS_JA = "月火水木金土日"
PUBLISHABLE_EVENT_STATUSES = frozenset({"selection", "timetabling", "held"})


def published_timetable_besides(*, timetable: Timetable) -> Timetable | None:
    """The event's version already published, if it is another one (publishing then replaces it)."""
    return (
        Timetable.objects.filter(event_id=timetable.event_id, status=TimetableStatus.PUBLISHED)
        .exclude(pk=timetable.pk)
        .first()
    )


def timetable_publish_blocker(*, timetable: Timetable) -> str | None:
    """Why `timetable` cannot be published now, or None (the service refuses with exactly this message)."""
    if timetable.status != TimetableStatus.DRAFT:
        return _("公開できるのは下書きの時間割だけです。この時間割はいま「%(status)s」です。") % {
            "status": timetable.get_status_display()
        }
    if timetable.solve_status not in (SolveStatus.DONE, SolveStatus.MANUAL):
        return _("計算が終わっていない時間割は公開できません（いま「%(status)s」）。") % {
            "status": timetable.get_solve_status_display()
        }
    if timetable.event.status not in PUBLISHABLE_EVENT_STATUSES:
        return _(
            "時間割を公開できるのは、選考中・時間割作成中・開催済の交流会だけです。この交流会はいま「%(status)s」です。"
        ) % {"status": timetable.event.get_status_display()}
    return None


# --- times ------------------------------------------------------------------------------------------------


def _slot_datetimes(event: Event) -> list[tuple[dt.datetime, dt.datetime]]:
    """Each round's start and end as aware datetimes in Asia/Tokyo on the event's date."""
    return [
        (dt.datetime.combine(event.date, start, tzinfo=TOKYO), dt.datetime.combine(event.date, end, tzinfo=TOKYO))
        for start, end in event.slot_times()
    ]


def schedule_time_label(start: dt.datetime, end: dt.datetime, language: str = "ja") -> str:
    """「2027年1月23日（土）13:00〜13:20」 in Japanese; "Sat, January 23, 2027 13:00–13:20" in English."""
    start, end = start.astimezone(TOKYO), end.astimezone(TOKYO)
    if language == "en":
        return f"{start:%a, %B} {start.day}, {start.year} {start:%H:%M}–{end:%H:%M}"
    day = f"{start.year}年{start.month}月{start.day}日（{_WEEKDAYS_JA[start.weekday()]}）"
    return f"{day}{start:%H:%M}〜{end:%H:%M}"


# --- the schedules ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleItem:
    """One slot of a personal schedule: one table at one time, and whom the reader meets there."""

    slot: int  # 0-based round
    start: dt.datetime
    end: dt.datetime
    table: int
    enrolment_id: int
    company: str  # what the reader may call the company: a senior sees the label unless the name is shown
    title: str = ""  # the published summary's title (seniors)
    summary: str = ""  # the published summary (seniors' page)
    seniors: tuple[tuple[int, str], ...] = ()  # (senior profile id, name) met there (staff, companies)

    def time_label(self, language: str = "ja") -> str:
        return schedule_time_label(self.start, self.end, language)

    @property
    def time_label_ja(self) -> str:
        return schedule_time_label(self.start, self.end, "ja")


@dataclass
class PersonalSchedule:
    timetable: Timetable
    user: User
    role: str  # "senior", "staff" or "company"
    items: list[ScheduleItem] = field(default_factory=list)

    @property
    def event(self) -> Event:
        return self.timetable.event


def _meetings(timetable: Timetable) -> QuerySet[TimetableMeeting]:
    return TimetableMeeting.objects.filter(timetable=timetable).select_related(
        "enrolment__company", "enrolment__attending_staff", "senior__user"
    )


def _tables(event: Event) -> dict[int, int]:
    return {pk: i + 1 for i, pk in enumerate(issue_list_labels(event=event))}


def personal_schedules(*, timetable: Timetable, only_user: User | None = None) -> list[PersonalSchedule]:
    """Every participant's schedule in `timetable` (or only `only_user`'s, in the roles they hold): seniors
    first, then staff, then company contacts; each ordered by time.

    For one user the number of queries does not depend on the number of meetings. For everyone (the mail
    task) there is one more query per company with meetings (its contacts) and per attending staff member.
    """
    event = timetable.event
    meetings = list(_meetings(timetable))
    if not meetings:
        return []
    times = _slot_datetimes(event)
    tables = _tables(event)
    labels = issue_list_labels(event=event)
    roles = _allowed_roles(only_user) if only_user is not None else {ROLE_SENIOR, ROLE_STAFF, ROLE_COMPANY}
    entries = {entry.enrolment_id: entry for entry in issue_list_entries(event=event)} if ROLE_SENIOR in roles else {}
    own_contact_enrolments: set[int] = set()
    if only_user is not None and ROLE_COMPANY in roles:
        own_contact_enrolments = set(
            enrolments_for_contact(user=only_user).filter(event=event).values_list("pk", flat=True)
        )
    schedules: dict[tuple[str, int], PersonalSchedule] = {}

    def wanted(user: User) -> bool:
        return only_user is None or user.pk == only_user.pk

    def schedule(role: str, user: User) -> PersonalSchedule:
        key = (role, user.pk)
        if key not in schedules:
            schedules[key] = PersonalSchedule(timetable=timetable, user=user, role=role)
        return schedules[key]

    def slot_times(slot: int) -> tuple[dt.datetime, dt.datetime]:
        if 0 <= slot < len(times):
            return times[slot]
        # A slot outside the grid (a hand edit gone wrong) still gets a time rather than an error.
        start = times[-1][1] if times else dt.datetime.combine(event.date, event.start_time, tzinfo=TOKYO)
        return start, start + dt.timedelta(minutes=event.slot_minutes)

    # Seniors: one item per meeting of their own, with only the published fields of the company, and those
    # only under the pledge in force (the gate of the issue list holds here too: a walk-in, an invited
    # senior or one who has not accepted a new version sees the table and the label 「A社」 only).
    if ROLE_SENIOR in roles:
        pledged = seniors_with_current_pledge({m.senior_id for m in meetings})
        for m in meetings:
            if m.senior.anonymised_at is not None or not wanted(m.senior.user):
                continue
            entry = entries.get(m.enrolment_id) if m.senior_id in pledged else None
            start, end = slot_times(m.slot)
            schedule(ROLE_SENIOR, m.senior.user).items.append(
                ScheduleItem(
                    slot=m.slot,
                    start=start,
                    end=end,
                    table=tables.get(m.enrolment_id, 0),
                    enrolment_id=m.enrolment_id,
                    company=entry.display_name if entry is not None else labels.get(m.enrolment_id, ""),
                    title=entry.title if entry is not None else "",
                    summary=entry.summary if entry is not None else "",
                )
            )

    # Tables: the seniors met per (enrolment, slot), for the attending staff and the company's contacts.
    by_table: dict[tuple[int, int], list[TimetableMeeting]] = {}
    for m in meetings:
        by_table.setdefault((m.enrolment_id, m.slot), []).append(m)
    contacts: dict[int, list[User]] = {}
    staff_institutions: dict[int, list[int]] = {only_user.pk: only_user.institution_ids} if only_user else {}
    for (enrolment_id, slot), group in by_table.items():
        enrolment = group[0].enrolment
        staff = enrolment.attending_staff
        show_staff = ROLE_STAFF in roles and staff.is_active and wanted(staff)
        show_contacts = ROLE_COMPANY in roles and (only_user is None or enrolment_id in own_contact_enrolments)
        if not show_staff and not show_contacts:
            continue
        start, end = slot_times(slot)
        item = ScheduleItem(
            slot=slot,
            start=start,
            end=end,
            table=tables.get(enrolment_id, 0),
            enrolment_id=enrolment_id,
            company=enrolment.company.name,
            seniors=tuple(
                (m.senior_id, m.senior.user.get_full_name() if m.senior.anonymised_at is None else _("（退会済み）"))
                for m in sorted(group, key=lambda m: m.senior_id)
            ),
        )
        # Bank staff: only the tables of their own institution (even if attending another bank's by mistake).
        if show_staff and staff.pk not in staff_institutions:
            staff_institutions[staff.pk] = staff.institution_ids
        if show_staff and enrolment.institution_id in staff_institutions[staff.pk]:
            schedule(ROLE_STAFF, staff).items.append(item)
        if show_contacts:
            if only_user is not None:
                schedule(ROLE_COMPANY, only_user).items.append(item)
            else:
                if enrolment.company_id not in contacts:
                    contacts[enrolment.company_id] = _company_contacts(enrolment.company_id)
                for contact in contacts[enrolment.company_id]:
                    schedule(ROLE_COMPANY, contact).items.append(item)

    order = {ROLE_SENIOR: 0, ROLE_STAFF: 1, ROLE_COMPANY: 2}
    result = sorted(schedules.values(), key=lambda s: (order[s.role], s.user.pk))
    for s in result:
        s.items.sort(key=lambda i: (i.slot, i.table))
    return result


def _company_contacts(company_id: int) -> list[User]:
    return list(
        User.objects.filter(company_contacts__company_id=company_id, company_contacts__is_active=True, is_active=True)
        .distinct()
        .order_by("pk")
    )


def _allowed_roles(user: User) -> set[str]:
    roles = set()
    if SENIOR in user.roles:
        roles.add(ROLE_SENIOR)
    if user.roles & set(INSTITUTION_ROLES):
        roles.add(ROLE_STAFF)
    if COMPANY in user.roles:
        roles.add(ROLE_COMPANY)
    return roles


def _published_meetings_for(user: User) -> QuerySet[TimetableMeeting]:
    """The meetings of published timetables the user takes part in, in whichever role they hold."""
    condition = Q(pk__in=[])
    if SENIOR in user.roles:
        condition |= Q(senior__user=user, senior__anonymised_at__isnull=True)
    if user.roles & set(INSTITUTION_ROLES):
        # Only the tables they attend, and only their own institution's (never another bank's).
        condition |= Q(enrolment__attending_staff=user, enrolment__institution_id__in=user.institution_ids)
    if COMPANY in user.roles:
        condition |= Q(enrolment__in=enrolments_for_contact(user=user).values("pk"))
    return TimetableMeeting.objects.filter(condition, timetable__status=TimetableStatus.PUBLISHED)


def access_own_schedule(*, user: User, pk: object) -> tuple[Timetable, list[PersonalSchedule]]:
    """A published timetable in which `user` has a schedule, with their schedules; else 404 (a draft, a
    timetable they take no part in, and a missing one look the same)."""
    if not str(pk).isdigit():
        raise Http404
    timetable = (
        Timetable.objects.select_related("event").filter(pk=int(str(pk)), status=TimetableStatus.PUBLISHED).first()
    )
    schedules = personal_schedule_for(timetable=timetable, user=user) if timetable is not None else []
    if timetable is None or not schedules:
        raise Http404
    return timetable, schedules


def personal_schedule_for(*, timetable: Timetable, user: User) -> list[PersonalSchedule]:
    """The user's schedules in a published `timetable` (normally one; a person may hold two roles)."""
    if timetable.status != TimetableStatus.PUBLISHED:
        return []
    return [s for s in personal_schedules(timetable=timetable, only_user=user) if s.items]


def my_schedules(*, user: User) -> list[PersonalSchedule]:
    """The user's schedules in every published timetable they take part in, the latest event first."""
    timetable_ids = _published_meetings_for(user).values("timetable_id")
    timetables = Timetable.objects.filter(pk__in=timetable_ids).select_related("event").order_by("-event__date", "-pk")
    result: list[PersonalSchedule] = []
    for timetable in timetables:
        result.extend(personal_schedule_for(timetable=timetable, user=user))
    return result


def user_has_published_schedule(*, user: User, since: dt.date | None = None) -> bool:
    """Whether the user has a meeting in a published timetable of an event on or after `since` (today)."""
    since = since or timezone.localdate()
    return _published_meetings_for(user).filter(timetable__event__date__gte=since).exists()


def schedule_notification_url(timetable: Timetable) -> str:
    """The link in the schedule's notification; also the key that makes its delivery idempotent."""
    return f"{reverse('matching:my_schedule')}#timetable-{timetable.pk}"


# --- the .ics ---------------------------------------------------------------------------------------------


def _summary(schedule: PersonalSchedule, item: ScheduleItem, senior_name: str = "") -> str:
    if schedule.role == ROLE_SENIOR:
        return _("面談：%(company)s（テーブル%(table)s）") % {"company": item.company, "table": item.table}
    return _("面談：%(company)s／%(senior)s（テーブル%(table)s）") % {
        "company": item.company,
        "senior": senior_name,
        "table": item.table,
    }


def schedule_ics(schedules: Iterable[PersonalSchedule]) -> bytes:
    """One VCALENDAR with a VEVENT per meeting (Asia/Tokyo, with its VTIMEZONE).

    Each meeting's UID is stable across versions of the event's timetable (event, company, senior), and
    SEQUENCE is the timetable's version, so a re-published schedule updates the calendar entries.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//SKS//timetable//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    stamp = timezone.now()
    for schedule in schedules:
        event = schedule.event
        location = " ".join(part for part in (event.venue, event.address) if part)
        for item in schedule.items:
            people = item.seniors if schedule.role != ROLE_SENIOR else ((0, ""),)
            for senior_id, senior_name in people:
                vevent = VEvent()
                owner = senior_id if schedule.role != ROLE_SENIOR else schedule.user.pk
                vevent.add("uid", f"meeting-{event.pk}-{item.enrolment_id}-{schedule.role}{owner}@sks")
                vevent.add("dtstamp", stamp)
                vevent.add("dtstart", item.start)
                vevent.add("dtend", item.end)
                vevent.add("sequence", schedule.timetable.version)
                vevent.add("summary", _summary(schedule, item, senior_name))
                vevent.add("location", location)
                description = f"{event.title}"
                if item.title:
                    description += f"\n{item.title}"
                vevent.add("description", description)
                calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()
