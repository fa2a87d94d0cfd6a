"""The event day: check-in of seniors and company tables, no-shows, walk-ins and standby seniors.

An Attendance row is created on first use; a participant without one is expected. Every change is
audited. Repairing the timetable after a no-show or a walk-in is matching.services.repair's business:
these services only record who is there.

Who belongs to the event day: a company table is one of the event's enrolments; a senior is in the
event's published timetable, or already has an attendance row (walk-in, standby), or — for standby —
has a submitted application to the event.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.enums import ApplicationStatus
from events.models import Event, EventCompany, SeniorApplication
from events.services.selection import AttendanceWindow, attendance_check
from matching.enums import AttendanceStatus, TimetableStatus
from matching.models import Attendance, TimetableMeeting
from participants.models import SeniorProfile, User
from sks.audit import audit
from sks.exceptions import DomainError

__all__ = [
    "AttendanceError",
    "attendance_check_in",
    "attendance_mark_no_show",
    "attendance_set_rounds",
    "attendance_set_standby",
    "attendance_undo",
    "walk_in_add",
]


class AttendanceError(DomainError):
    """A check-in, no-show, walk-in or standby action that breaks the event day's rules."""


def _in_published_timetable(event: Event, senior: SeniorProfile) -> bool:
    return TimetableMeeting.objects.filter(
        timetable__event=event, timetable__status=TimetableStatus.PUBLISHED, senior=senior
    ).exists()


def _attendance_for(event: Event, senior: SeniorProfile | None, enrolment: EventCompany | None) -> Attendance:
    """The participant's row (locked), created as expected if missing; refuses strangers to the event."""
    if (senior is None) == (enrolment is None):
        raise AttendanceError(_("新現役か企業のどちらか一方を指定してください。"))
    if enrolment is not None:
        if enrolment.event_id != event.pk:
            raise AttendanceError(_("この交流会に参加する企業ではありません。"))
        row, _created = Attendance.objects.select_for_update().get_or_create(event=event, enrolment=enrolment)
        return row
    assert senior is not None
    existing = Attendance.objects.select_for_update().filter(event=event, senior=senior).first()
    if existing is not None:
        return existing
    if not _in_published_timetable(event, senior):
        raise AttendanceError(
            _("この方は公開中の時間割に入っていません。当日参加の方は「当日参加の受付」から登録してください。")
        )
    row, _created = Attendance.objects.get_or_create(event=event, senior=senior)
    return row


def _who(row: Attendance) -> dict[str, object]:
    return {"senior": row.senior_id, "enrolment": row.enrolment_id}


@transaction.atomic
def attendance_check_in(
    *, event: Event, by: User, senior: SeniorProfile | None = None, enrolment: EventCompany | None = None
) -> Attendance:
    """Mark the participant as arrived. Idempotent: checking in twice keeps the first time."""
    row = _attendance_for(event, senior, enrolment)
    if row.status == AttendanceStatus.CHECKED_IN:
        return row
    previous = row.status
    row.status = AttendanceStatus.CHECKED_IN
    row.checked_in_at = timezone.now()
    row.updated_by = by
    row.save(update_fields=["status", "checked_in_at", "updated_by"])
    audit(obj=row, action="attendance.checked_in", user=by, data={**_who(row), "from": previous})
    return row


@transaction.atomic
def attendance_undo(*, attendance: Attendance, by: User) -> Attendance:
    """Back to expected (a mistaken tap); the walk-in and standby flags stay."""
    row = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if row.status == AttendanceStatus.EXPECTED:
        return row
    previous = row.status
    row.status = AttendanceStatus.EXPECTED
    row.checked_in_at = None
    row.no_show_at = None
    row.updated_by = by
    row.save(update_fields=["status", "checked_in_at", "no_show_at", "updated_by"])
    audit(obj=row, action="attendance.undone", user=by, data={**_who(row), "from": previous})
    return row


@transaction.atomic
def attendance_mark_no_show(
    *, event: Event, by: User, senior: SeniorProfile | None = None, enrolment: EventCompany | None = None
) -> Attendance:
    """Mark the participant as absent. Allowed after a check-in too (someone who left); the audit entry
    keeps the previous status and the view tells the coordinator."""
    row = _attendance_for(event, senior, enrolment)
    if row.status == AttendanceStatus.NO_SHOW:
        return row
    previous = row.status
    row.status = AttendanceStatus.NO_SHOW
    row.no_show_at = timezone.now()
    row.updated_by = by
    row.save(update_fields=["status", "no_show_at", "updated_by"])
    audit(obj=row, action="attendance.no_show", user=by, data={**_who(row), "from": previous})
    return row


@transaction.atomic
def attendance_set_rounds(
    *,
    event: Event,
    by: User,
    arrival_slot: int | None,
    leaving_slot: int | None,
    senior: SeniorProfile | None = None,
    enrolment: EventCompany | None = None,
) -> Attendance:
    """Record on the day that the participant arrives late or leaves early (None: as planned). The next
    repair drops their meetings outside these rounds and fills the seats."""
    # The same rule, and message, as the arrival and leaving a senior chose on their application.
    try:
        attendance_check(event=event, attendance=AttendanceWindow(arrival_slot=arrival_slot, leaving_slot=leaving_slot))
    except DomainError as exc:
        raise AttendanceError(exc.message) from None
    row = _attendance_for(event, senior, enrolment)
    previous = {"arrival_slot": row.arrival_slot, "leaving_slot": row.leaving_slot}
    row.arrival_slot = arrival_slot
    row.leaving_slot = leaving_slot
    row.updated_by = by
    row.save(update_fields=["arrival_slot", "leaving_slot", "updated_by"])
    audit(
        obj=row,
        action="attendance.rounds_set",
        user=by,
        data={**_who(row), "from": previous, "to": {"arrival_slot": arrival_slot, "leaving_slot": leaving_slot}},
    )
    return row


@transaction.atomic
def walk_in_add(*, event: Event, by: User, senior: SeniorProfile, companies: list[EventCompany]) -> Attendance:
    """Register a senior who came without being in the timetable: checked in, with the companies they
    want to meet (this event's, at least one). Calling it again replaces the wishes."""
    if senior.anonymised_at is not None:
        raise AttendanceError(_("この新現役は登録が削除されています。"))
    if not companies:
        raise AttendanceError(_("面談を希望する企業を1社以上選んでください。"))
    if any(c.event_id != event.pk for c in companies):
        raise AttendanceError(_("この交流会に参加していない企業が含まれています。"))
    if _in_published_timetable(event, senior):
        raise AttendanceError(_("この方は公開中の時間割に入っています。受付の一覧から受付してください。"))
    row, _created = Attendance.objects.select_for_update().get_or_create(event=event, senior=senior)
    now = timezone.now()
    row.walk_in = True
    if row.status != AttendanceStatus.CHECKED_IN:
        row.status = AttendanceStatus.CHECKED_IN
        row.checked_in_at = now
    row.no_show_at = None
    row.updated_by = by
    row.save()
    # Replaced on the link table: under the coordinator's scope (no host institution) `wanted.set()` reads the
    # old wishes through the scoped EventCompany manager, finds none, and so would keep them beside the new ones.
    Attendance.wanted.through.objects.filter(attendance=row).exclude(eventcompany__in=companies).delete()
    row.wanted.add(*companies)
    audit(
        obj=row,
        action="attendance.walk_in",
        user=by,
        data={**_who(row), "wanted": sorted(c.pk for c in companies)},
    )
    return row


@transaction.atomic
def attendance_set_standby(*, event: Event, by: User, senior: SeniorProfile, standby: bool) -> Attendance:
    """Put an applicant of the event on (or take them off) the standby list for freed seats."""
    found = Attendance.objects.select_for_update().filter(event=event, senior=senior).first()
    if found is not None:
        row = found
    else:
        applied = SeniorApplication.objects.filter(
            event=event, senior=senior, status=ApplicationStatus.SUBMITTED
        ).exists()
        if not (applied or _in_published_timetable(event, senior)):
            raise AttendanceError(_("この交流会に応募していない方は空席待ちにできません。"))
        row, _created = Attendance.objects.get_or_create(event=event, senior=senior)
    if row.standby == standby:
        return row
    row.standby = standby
    row.updated_by = by
    row.save(update_fields=["standby", "updated_by"])
    audit(
        obj=row, action="attendance.standby_set" if standby else "attendance.standby_cleared", user=by, data=_who(row)
    )
    return row
