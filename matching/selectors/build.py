"""The coordinator's reads of an event's timetables: access, the version list, the grid and the diff.

Only the coordinators of the event's coordinator organisation get here (events.access);
everything else answers 404. Coordinators work across every host institution of their events, so the
enrolments of the event are read through the unscoped manager, always filtered by the event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from events.access import coordinator_org_ids, enrolments_of_event
from events.enums import RequestKind
from events.models import Event, EventCompany
from matching.enums import TimetableStatus
from matching.models import Timetable, TimetableMeeting
from matching.problems import company_key, senior_key
from participants.models import SeniorProfile, User
from sks.access import get_or_404

__all__ = [
    "GridRow",
    "TimetableFigures",
    "TimetableGrid",
    "access_meeting_for_coordinator",
    "access_timetable_for_coordinator",
    "grid_figures",
    "senior_display_name",
    "timetable_compare_target",
    "timetable_diff",
    "timetable_figures",
    "timetable_grid",
    "timetables_for_event",
]


def senior_display_name(senior: SeniorProfile) -> str:
    return senior.user.name or senior.user.email


def access_timetable_for_coordinator(*, user: User, pk: object) -> Timetable:
    qs = Timetable.objects.filter(event__coordinator_id__in=coordinator_org_ids(user)).select_related("event")
    return get_or_404(qs, pk=pk)


def access_meeting_for_coordinator(*, user: User, pk: object) -> TimetableMeeting:
    qs = TimetableMeeting.objects.filter(timetable__event__coordinator_id__in=coordinator_org_ids(user)).select_related(
        "timetable__event"
    )
    return get_or_404(qs, pk=pk)


def timetables_for_event(*, event: Event) -> QuerySet[Timetable]:
    return Timetable.objects.filter(event=event).select_related("created_by").order_by("-version")


def _enrolments(event: Event) -> list[EventCompany]:
    # The coordinator sees every host's companies of their own event (authorised with the timetable).
    return list(
        enrolments_of_event(event=event)
        .select_related("company", "institution", "attending_staff")
        .order_by("institution__name", "company__name", "pk")
    )


@dataclass
class GridRow:
    enrolment: EventCompany
    cells: list[list[TimetableMeeting]]
    total: int
    floor: int

    @property
    def below_floor(self) -> bool:
        return self.total < self.floor


@dataclass
class TimetableGrid:
    slots: list[dict[str, Any]]
    rows: list[GridRow]
    meetings: list[TimetableMeeting]
    below_floor: list[GridRow]
    seniors_without: list[SeniorProfile]
    # Requested pairs not on the timetable: (enrolment, senior, kind), for the add form.
    unplaced: list[tuple[EventCompany, SeniorProfile, str]] = field(default_factory=list)


def timetable_grid(*, timetable: Timetable) -> TimetableGrid:
    """Rows = the event's company tables, columns = rounds; a constant number of queries."""
    event = timetable.event
    times: list[tuple[dt.time, dt.time]] = event.slot_times()
    slots_n = int(timetable.problem.get("slots", event.rounds))
    slots = [
        {
            "index": i,
            "number": i + 1,
            "start": times[i][0] if i < len(times) else None,
            "end": times[i][1] if i < len(times) else None,
        }
        for i in range(slots_n)
    ]
    enrolments = _enrolments(event)
    meetings = list(timetable.meetings.select_related("senior__user").order_by("slot", "senior__user__name", "pk"))
    floors = {c["id"]: int(c.get("min_meetings", 0)) for c in timetable.problem.get("companies", [])}
    by_enrolment: dict[int, list[list[TimetableMeeting]]] = defaultdict(lambda: [[] for _ in range(slots_n)])
    for m in meetings:
        if 0 <= m.slot < slots_n:
            by_enrolment[m.enrolment_id][m.slot].append(m)
    rows = []
    for e in enrolments:
        cells = by_enrolment[e.pk]
        rows.append(
            GridRow(enrolment=e, cells=cells, total=sum(len(c) for c in cells), floor=floors.get(company_key(e.pk), 0))
        )
    requested = {(r["company"], r["senior"]): r["kind"] for r in timetable.problem.get("requests", [])}
    senior_ids = sorted({int(s["id"][1:]) for s in timetable.problem.get("seniors", [])})
    seniors = {
        s.pk: s
        for s in SeniorProfile.objects.filter(pk__in=senior_ids).select_related("user").order_by("user__name", "pk")
    }
    met = {m.senior_id for m in meetings}
    placed = {(company_key(m.enrolment_id), senior_key(m.senior_id)) for m in meetings}
    enrolment_by_key = {company_key(e.pk): e for e in enrolments}
    senior_by_key = {senior_key(pk): s for pk, s in seniors.items()}
    unplaced = [
        (enrolment_by_key[c], senior_by_key[s], kind)
        for (c, s), kind in requested.items()
        if (c, s) not in placed and c in enrolment_by_key and s in senior_by_key
    ]
    unplaced.sort(key=lambda t: (t[0].company.name, senior_display_name(t[1])))
    return TimetableGrid(
        slots=slots,
        rows=rows,
        meetings=meetings,
        below_floor=[r for r in rows if r.below_floor],
        seniors_without=[s for pk, s in seniors.items() if pk not in met],
        unplaced=unplaced,
    )


@dataclass(frozen=True)
class TimetableFigures:
    """What a coordinator judges a version by, in their own words: interviews scheduled, how many of them
    both sides asked for, companies left below their floor, and the waiting slots between interviews."""

    meetings: int
    mutual: int
    below_floor: int
    waiting: int | None


def _floors(timetable: Timetable) -> dict[int, int]:
    """Each company table's floor (minimum meetings), by enrolment id, from the problem the version solved."""
    return {
        int(c["id"][1:]): int(c.get("min_meetings", 0))
        for c in timetable.problem.get("companies", [])
        if str(c.get("id", "")).startswith("E") and str(c["id"][1:]).isdigit()
    }


def grid_figures(*, timetable: Timetable, grid: TimetableGrid) -> TimetableFigures:
    """The figures of the version shown as `grid` (no query)."""
    return TimetableFigures(
        meetings=len(grid.meetings),
        mutual=sum(1 for m in grid.meetings if m.kind == RequestKind.MUTUAL),
        below_floor=len(grid.below_floor),
        waiting=timetable.gaps,
    )


def timetable_figures(*, timetables: list[Timetable]) -> dict[int, TimetableFigures]:
    """The figures of each version, by timetable id: one query however many versions and meetings."""
    per_table: dict[int, dict[int, int]] = defaultdict(dict)
    mutual: dict[int, int] = defaultdict(int)
    rows = (
        TimetableMeeting.objects.filter(timetable__in=[t.pk for t in timetables])
        .values("timetable_id", "enrolment_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts = per_table[row["timetable_id"]]
        counts[row["enrolment_id"]] = counts.get(row["enrolment_id"], 0) + row["n"]
        if row["kind"] == RequestKind.MUTUAL:
            mutual[row["timetable_id"]] += row["n"]
    figures = {}
    for t in timetables:
        counts = per_table.get(t.pk, {})
        figures[t.pk] = TimetableFigures(
            meetings=sum(counts.values()),
            mutual=mutual.get(t.pk, 0),
            below_floor=sum(1 for pk, floor in _floors(t).items() if counts.get(pk, 0) < floor),
            waiting=t.gaps,
        )
    return figures


def timetable_compare_target(*, timetable: Timetable) -> Timetable | None:
    """What to compare a version with: the event's published version, else the version before it."""
    published = (
        Timetable.objects.filter(event_id=timetable.event_id, status=TimetableStatus.PUBLISHED)
        .exclude(pk=timetable.pk)
        .first()
    )
    if published is not None:
        return published
    return (
        Timetable.objects.filter(event_id=timetable.event_id, version__lt=timetable.version)
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class DiffRow:
    company: str
    institution: str
    senior: str
    old_slot: int | None  # 1-based round numbers for display
    new_slot: int | None


@dataclass
class TimetableDiff:
    added: list[DiffRow]
    removed: list[DiffRow]
    moved: list[DiffRow]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.moved)


def timetable_diff(*, old: Timetable, new: Timetable) -> TimetableDiff:
    """Meetings added, removed and moved (to another round) from `old` to `new`, matched by pair."""
    rows = list(
        TimetableMeeting.objects.filter(timetable__in=[old, new]).select_related(
            "enrolment__company", "enrolment__institution", "senior__user"
        )
    )
    before = {(m.enrolment_id, m.senior_id): m for m in rows if m.timetable_id == old.pk}
    after = {(m.enrolment_id, m.senior_id): m for m in rows if m.timetable_id == new.pk}

    def row(m: TimetableMeeting, old_slot: int | None, new_slot: int | None) -> DiffRow:
        return DiffRow(
            company=m.enrolment.company.name,
            institution=m.enrolment.institution.name,
            senior=senior_display_name(m.senior),
            old_slot=None if old_slot is None else old_slot + 1,
            new_slot=None if new_slot is None else new_slot + 1,
        )

    def order(r: DiffRow) -> tuple[Any, ...]:
        return (r.company, r.senior)

    added = sorted((row(m, None, m.slot) for p, m in after.items() if p not in before), key=order)
    removed = sorted((row(m, m.slot, None) for p, m in before.items() if p not in after), key=order)
    moved = sorted(
        (row(m, before[p].slot, m.slot) for p, m in after.items() if p in before and before[p].slot != m.slot),
        key=order,
    )
    return TimetableDiff(added=added, removed=removed, moved=moved)
