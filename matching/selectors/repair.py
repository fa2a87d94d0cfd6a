"""Event day (repair): what the coordinator's repair page shows — the no-shows, walk-ins and standby
seniors of the event, its published timetable and the last repair draft with its diff.

The coordinator sees every host's companies of their own event: enrolments are read filtered by the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q

from events.access import enrolments_of_event
from events.models import Event
from participants.models import User

from ..enums import AttendanceStatus, TimetableStatus
from ..models import Attendance, Timetable
from .build import TimetableDiff, timetable_diff
from .publish import PersonalSchedule, personal_schedules

__all__ = [
    "RepairOverview",
    "ScheduleChanges",
    "last_repair_draft",
    "previous_published_version",
    "repair_overview",
    "schedule_changes",
]


@dataclass
class RepairOverview:
    event: Event
    published: Timetable | None
    no_show_seniors: list[Attendance] = field(default_factory=list)
    no_show_companies: list[Attendance] = field(default_factory=list)
    walk_ins: list[Attendance] = field(default_factory=list)
    standby: list[Attendance] = field(default_factory=list)
    draft: Timetable | None = None
    diff: TimetableDiff | None = None


def last_repair_draft(*, published: Timetable) -> Timetable | None:
    """The latest draft version based on the published one (the last repair, or a re-solve around it)."""
    return (
        Timetable.objects.filter(event_id=published.event_id, based_on=published, status=TimetableStatus.DRAFT)
        .order_by("-version")
        .first()
    )


def repair_overview(*, event: Event) -> RepairOverview:
    published = Timetable.objects.filter(event=event, status=TimetableStatus.PUBLISHED).first()
    attendances = list(
        Attendance.objects.filter(event=event)
        .select_related("senior__user", "enrolment__company", "enrolment__institution")
        # The walk-ins' wishes: this event's enrolments only (any host's, for the coordinator).
        .prefetch_related(
            Prefetch(
                "wanted",
                queryset=enrolments_of_event(event=event).select_related("company").order_by("pk"),
            )
        )
        .order_by("pk")
    )
    overview = RepairOverview(event=event, published=published)
    for a in attendances:
        if a.status == AttendanceStatus.NO_SHOW:
            (overview.no_show_seniors if a.senior_id else overview.no_show_companies).append(a)
        elif a.senior_id and a.walk_in:
            overview.walk_ins.append(a)
        elif a.senior_id and a.standby:
            overview.standby.append(a)
    if published is not None:
        overview.draft = last_repair_draft(published=published)
        if overview.draft is not None:
            overview.diff = timetable_diff(old=published, new=overview.draft)
    return overview


# --- only the changed schedules are told ---------------------------------------------


@dataclass
class ScheduleChanges:
    """Between two published versions: who gets the new schedule, and who lost every meeting."""

    changed: set[int] = field(default_factory=set)  # user ids whose schedule (slot/table/partner) changed
    removed: list[User] = field(default_factory=list)  # no meeting left and not a no-show themselves


def previous_published_version(*, timetable: Timetable) -> Timetable | None:
    """The version `timetable` superseded when it was published (None for the first publication).

    Only publishing supersedes a version, so every superseded version was published once."""
    candidates = (
        Timetable.objects.filter(event_id=timetable.event_id, status=TimetableStatus.SUPERSEDED)
        .exclude(pk=timetable.pk)
        .order_by(F("published_at").desc(nulls_last=True), "-version")
    )
    if timetable.published_at is not None:
        candidates = candidates.filter(Q(published_at__lte=timetable.published_at) | Q(published_at__isnull=True))
    return candidates.first()


def _signature(schedules: list[PersonalSchedule]) -> frozenset[tuple[object, ...]]:
    return frozenset(
        (s.role, item.slot, item.table, item.enrolment_id, tuple(senior_id for senior_id, _name in item.seniors))
        for s in schedules
        for item in s.items
    )


def _by_user(schedules: list[PersonalSchedule]) -> dict[int, list[PersonalSchedule]]:
    by_user: dict[int, list[PersonalSchedule]] = {}
    for s in schedules:
        by_user.setdefault(s.user.pk, []).append(s)
    return by_user


def schedule_changes(
    *, old: Timetable, new: Timetable, new_schedules: list[PersonalSchedule] | None = None
) -> ScheduleChanges:
    """Compare each participant's schedule in `old` and `new` (slot, table, partner, per role).

    A participant whose every meeting is gone is listed in `removed` unless they are the no-show
    themselves (a no-show senior, or the staff and contacts of a no-show company's table): they are not
    told anything.
    """
    before = _by_user(personal_schedules(timetable=old))
    after = _by_user(new_schedules if new_schedules is not None else personal_schedules(timetable=new))
    changes = ScheduleChanges()
    for user_id, schedules in after.items():
        if _signature(schedules) != _signature(before.get(user_id, [])):
            changes.changed.add(user_id)
    gone = [user_id for user_id in before if user_id not in after]
    if not gone:
        return changes
    absent = Attendance.objects.filter(event_id=new.event_id, status=AttendanceStatus.NO_SHOW)
    absent_senior_users = set(absent.filter(senior__isnull=False).values_list("senior__user_id", flat=True))
    absent_enrolments = set(absent.filter(enrolment__isnull=False).values_list("enrolment_id", flat=True))
    for user_id in gone:
        schedules = before[user_id]
        if user_id in absent_senior_users:
            continue
        if all(s.role != "senior" and all(i.enrolment_id in absent_enrolments for i in s.items) for s in schedules):
            continue
        changes.removed.append(schedules[0].user)
    return changes
