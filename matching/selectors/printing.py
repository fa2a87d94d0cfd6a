"""What the printed timetable sheets show: the master grid, a rotation sheet per table, an itinerary per
senior and a route sheet per bank staff member.

Table numbers: an enrolment's table is its 1-based position among the event's enrolments ordered by pk
(`table_numbers`), the same order as the anonymous labels of the issue list ("A社" is table 1). Every page
that shows a table number uses this rule.

Who prints what (`access_timetable_for_print`): the event's coordinator every sheet of every version; the
staff (and institution admins) of a host institution the published timetable only, and only their own
institution's tables and staff routes. Everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from events import access
from events.models import Event
from events.selectors.hearings import issue_list_labels
from participants.models import ExpertiseArea, User
from sks.roles import Role

from ..enums import TimetableStatus
from ..models import Timetable, TimetableMeeting

__all__ = [
    "STAFF_PRINTABLE_STATUSES",
    "ItineraryEntry",
    "PrintSenior",
    "PrintTable",
    "RotationEntry",
    "RouteEntry",
    "SeniorSheet",
    "StaffSheet",
    "TableSheet",
    "TimetablePrint",
    "access_timetable_for_print",
    "table_numbers",
    "timetable_print_data",
]

# A host's staff print only the timetable everyone works from; drafts stay with the coordinator.
STAFF_PRINTABLE_STATUSES: frozenset[str] = frozenset({TimetableStatus.PUBLISHED})


def access_timetable_for_print(user: User, pk: object) -> tuple[Timetable, list[int] | None]:
    """The timetable and whose tables the user may print: None (all) for the event's coordinator, else the
    user's institutions (a host's staff, published timetable only). Missing and forbidden raise Http404."""
    if Role.COORDINATOR in user.roles:
        timetable = (
            Timetable.objects.filter(event__in=access.events_for_coordinator(user=user), pk=pk)
            .select_related("event")
            .first()
        )
        if timetable is not None:
            return timetable, None
    if not user.institution_ids:
        raise Http404
    timetable = (
        Timetable.objects.filter(
            event__in=access.events_for_staff(user=user), pk=pk, status__in=STAFF_PRINTABLE_STATUSES
        )
        .select_related("event")
        .first()
    )
    if timetable is None:
        raise Http404
    return timetable, sorted(user.institution_ids)


def table_numbers(*, event: Event) -> dict[int, int]:
    """Each enrolment's table number: its 1-based position among the event's enrolments ordered by pk."""
    # Only ids, of every host (the numbering must not depend on the reader's scope).
    ids = access.enrolments_of_event(event=event).order_by("pk").values_list("pk", flat=True)
    return {pk: i for i, pk in enumerate(ids, start=1)}


@dataclass(frozen=True)
class PrintTable:
    number: int
    enrolment_id: int
    institution_id: int
    company_name: str
    institution_name: str
    staff_id: int
    staff_name: str
    label: str  # the anonymous label of the issue list ("A社")
    display_name: str  # what a senior may see: the real name when disclosed, else the label
    title: str  # the published title of the company's issue ("" before approval)


@dataclass(frozen=True)
class PrintSenior:
    senior_id: int
    name: str
    profile_line: str  # expertise and prefecture, one short line for the table's staff
    kana: str = ""  # for ordering the itineraries


@dataclass(frozen=True)
class RotationEntry:
    slot: int
    start: dt.time
    end: dt.time
    seniors: list[PrintSenior]


@dataclass(frozen=True)
class TableSheet:
    table: PrintTable
    entries: list[RotationEntry]


@dataclass(frozen=True)
class ItineraryEntry:
    slot: int
    start: dt.time
    end: dt.time
    tables: list[PrintTable]  # empty: a free round; more than one only in a broken draft


@dataclass(frozen=True)
class SeniorSheet:
    senior: PrintSenior
    entries: list[ItineraryEntry]


@dataclass(frozen=True)
class RouteEntry:
    slot: int
    start: dt.time
    end: dt.time
    tables: list[tuple[PrintTable, list[PrintSenior]]]


@dataclass(frozen=True)
class StaffSheet:
    staff_id: int
    staff_name: str
    institution_name: str
    entries: list[RouteEntry]


@dataclass
class TimetablePrint:
    """Everything the sheets of one timetable show, limited to `institution_ids`' tables when given."""

    timetable: Timetable
    event: Event
    slot_times: list[tuple[dt.time, dt.time]]
    tables: list[PrintTable]
    # (enrolment id, slot) -> seniors at that table in that round
    cells: dict[tuple[int, int], list[PrintSenior]] = field(default_factory=dict)
    seniors: list[PrintSenior] = field(default_factory=list)

    @property
    def is_published(self) -> bool:
        return self.timetable.status == TimetableStatus.PUBLISHED

    def grid_rows(self) -> list[tuple[PrintTable, list[list[PrintSenior]]]]:
        return [
            (table, [self.cells.get((table.enrolment_id, slot), []) for slot in range(len(self.slot_times))])
            for table in self.tables
        ]

    def table_sheets(self) -> list[TableSheet]:
        return [
            TableSheet(
                table=table,
                entries=[
                    RotationEntry(slot=slot, start=start, end=end, seniors=seniors)
                    for slot, ((start, end), seniors) in enumerate(zip(self.slot_times, row, strict=True))
                ],
            )
            for table, row in self.grid_rows()
        ]

    def senior_sheets(self) -> list[SeniorSheet]:
        by_senior: dict[tuple[int, int], list[PrintTable]] = defaultdict(list)
        for table in self.tables:
            for slot in range(len(self.slot_times)):
                for senior in self.cells.get((table.enrolment_id, slot), []):
                    by_senior[(senior.senior_id, slot)].append(table)
        return [
            SeniorSheet(
                senior=senior,
                entries=[
                    ItineraryEntry(slot=slot, start=start, end=end, tables=by_senior.get((senior.senior_id, slot), []))
                    for slot, (start, end) in enumerate(self.slot_times)
                ],
            )
            for senior in self.seniors
        ]

    def staff_sheets(self) -> list[StaffSheet]:
        staff_tables: dict[int, list[PrintTable]] = defaultdict(list)
        for table in self.tables:
            staff_tables[table.staff_id].append(table)
        sheets = []
        for tables in staff_tables.values():
            first = tables[0]
            entries = [
                RouteEntry(
                    slot=slot,
                    start=start,
                    end=end,
                    tables=[(t, self.cells.get((t.enrolment_id, slot), [])) for t in tables],
                )
                for slot, (start, end) in enumerate(self.slot_times)
            ]
            sheets.append(
                StaffSheet(
                    staff_id=first.staff_id,
                    staff_name=first.staff_name,
                    institution_name=first.institution_name,
                    entries=entries,
                )
            )
        return sorted(sheets, key=lambda s: (s.institution_name, s.staff_name, s.staff_id))


def _profile_line(profile: object) -> str:
    expertise = [area.label for area in profile.expertise.all()]  # type: ignore[attr-defined]  # profile is a SeniorProfile; typed object to keep printing free of participants' models
    parts = ["・".join(expertise[:3])] if expertise else []
    prefecture = profile.get_prefecture_display() if profile.prefecture else ""  # type: ignore[attr-defined]  # as above
    if prefecture:
        parts.append(str(prefecture))
    return "／".join(parts)


def timetable_print_data(*, timetable: Timetable, institution_ids: list[int] | None = None) -> TimetablePrint:
    """The sheets' data of `timetable`, all tables (None) or only those of `institution_ids`' companies.

    Five queries, however many tables, seniors and meetings.
    """
    event = timetable.event
    labels = issue_list_labels(event=event)
    # Every host's tables of the timetable's event, then limited to the reader's institutions below; the
    # coordinator prints them all.
    enrolments = list(
        access.enrolments_of_event(event=event)
        .select_related("company", "institution", "attending_staff")
        .order_by("pk")
    )
    # The same for the sheets; only the published title and the disclosure choice are read.
    sheets = {
        s.enrolment_id: s
        for s in access.hearing_sheets_of_event(event=event).only(
            "enrolment_id", "status", "public_title", "public_summary", "show_name", "name_disclosure_agreed"
        )
    }
    wanted = set(institution_ids) if institution_ids is not None else None
    tables = []
    for number, enrolment in enumerate(enrolments, start=1):
        if wanted is not None and enrolment.institution_id not in wanted:
            continue
        sheet = sheets.get(enrolment.pk)
        publishable = sheet is not None and sheet.is_publishable
        label = labels.get(enrolment.pk, "")
        show_name = publishable and sheet is not None and sheet.show_name and sheet.name_disclosure_agreed
        tables.append(
            PrintTable(
                number=number,
                enrolment_id=enrolment.pk,
                institution_id=enrolment.institution_id,
                company_name=enrolment.company.name,
                institution_name=enrolment.institution.name,
                staff_id=enrolment.attending_staff_id,
                staff_name=str(enrolment.attending_staff),
                label=label,
                display_name=enrolment.company.name if show_name else label,
                title=sheet.public_title if publishable and sheet is not None else "",
            )
        )
    shown = {t.enrolment_id for t in tables}
    meetings = (
        TimetableMeeting.objects.filter(timetable=timetable, enrolment_id__in=shown)
        .select_related("senior__user")
        .prefetch_related(Prefetch("senior__expertise", queryset=ExpertiseArea.objects.order_by("pk")))
        .order_by("slot", "enrolment_id", "senior_id")
    )
    slot_times = event.slot_times()
    cells: dict[tuple[int, int], list[PrintSenior]] = defaultdict(list)
    seniors: dict[int, PrintSenior] = {}
    for meeting in meetings:
        if meeting.slot >= len(slot_times):
            continue  # outside the event's grid (a broken hand edit): nowhere to print it
        senior = seniors.get(meeting.senior_id)
        if senior is None:
            profile = meeting.senior
            senior = PrintSenior(
                senior_id=profile.pk,
                name=str(profile.user),
                profile_line=_profile_line(profile),
                kana=profile.user.name_kana,
            )
            seniors[senior.senior_id] = senior
        cells[(meeting.enrolment_id, meeting.slot)].append(senior)
    return TimetablePrint(
        timetable=timetable,
        event=event,
        slot_times=slot_times,
        tables=tables,
        cells=dict(cells),
        seniors=sorted(seniors.values(), key=lambda s: (s.kana or s.name, s.senior_id)),
    )
