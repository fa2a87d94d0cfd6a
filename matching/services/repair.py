"""Event day (repair): re-solve the published timetable after no-shows and walk-ins.

`timetable_repair` builds the event's problem without the no-shows and with the walk-ins
(`matching.problems.event_problem_for_repair`), every other published meeting fixed in its round, on a new
draft version `based_on` the published one, and enqueues the existing solve task: the engine fills the
freed seats (standby and walk-in seniors included), and the solve path marks the fixed meetings pinned.
The coordinator then compares and publishes the draft with the existing pages (steps 4-5).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from events.enums import EventStatus
from events.models import Event
from participants.models import User

from ..enums import TimetableStatus
from ..models import Timetable
from ..problems import event_problem_for_repair
from .build import TimetableStateError, check_time_limit, timetable_version_queue

__all__ = ["REPAIR_EVENT_STATUSES", "timetable_repair"]

# Event statuses in which the published timetable may be repaired (the day itself and just before it).
REPAIR_EVENT_STATUSES: frozenset[str] = frozenset({EventStatus.TIMETABLING, EventStatus.HELD})


@transaction.atomic
def timetable_repair(*, event: Event, by: User | None, time_limit: int = 20) -> Timetable:
    """A new draft version based on the published one, without the no-shows and with the walk-ins, queued
    for solving around every other published meeting (kept in place)."""
    # Locks the event row: two clicks at once still get distinct version numbers.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status not in REPAIR_EVENT_STATUSES:
        raise TimetableStateError(
            _("時間割を直せるのは「時間割作成中」または「開催済」の交流会だけです（現在は「%(status)s」です）。")
            % {"status": event.get_status_display()}
        )
    published = Timetable.objects.filter(event=event, status=TimetableStatus.PUBLISHED).first()
    if published is None:
        raise TimetableStateError(_("公開した時間割がないため、直すことができません。"))
    check_time_limit(time_limit)
    problem = event_problem_for_repair(event=event, published=published)
    return timetable_version_queue(
        event=event,
        problem=problem,
        time_limit=time_limit,
        based_on=published,
        by=by,
        action="timetable.repair_created",
        data={"requests": len(problem["requests"])},
    )
