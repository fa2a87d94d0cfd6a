"""The statistics' stored summary of the interviews (matching.models.MeetingFigure), rebuilt per event.

`meeting_figures_refresh(event=…)` replaces the event's rows with those of its published timetable's
meetings. It runs wherever the stored inputs change: publishing a timetable (matching.services.publish),
replacing a hearing sheet's issues (the signal events.signals.hearing_issues_replaced, answered in
matching.receivers), and `manage.py refresh_statistics` for every event (after a restore or a bulk load).
`meeting_figures_update_branches` copies companies' branches again when they change (the signal
participants.signals.company_branches_changed). Everything else the statistics group or filter by (the
event's status, date, coordinator and prefecture) is joined when read, so that no other write has to keep
the summary up to date.
"""

from __future__ import annotations

from django.db import transaction

from events.access import enrolments_for_statistics
from events.models import Event

from ..access import meeting_figures_for_statistics, meeting_figures_of_companies, meeting_figures_of_event
from ..enums import TimetableStatus
from ..models import MeetingFigure, Timetable, TimetableMeeting

__all__ = [
    "meeting_figure_rows",
    "meeting_figures_refresh",
    "meeting_figures_refresh_all",
    "meeting_figures_update_branches",
]

BATCH_EVENTS = 200


def meeting_figure_rows(*, event_ids: list[int]) -> list[MeetingFigure]:
    """The summary rows of the published timetables' meetings of `event_ids` (unsaved)."""
    categories: dict[int, list[str | None]] = {}
    for enrolment_id, issue_category in (
        enrolments_for_statistics()
        .filter(event_id__in=event_ids)
        .values_list("pk", "hearing__issues__category")
        .order_by("pk", "hearing__issues__category")
    ):
        found = categories.setdefault(enrolment_id, [])
        if issue_category not in found:  # a category named twice on one sheet counts once
            found.append(issue_category)
    rows = []
    for meeting_id, event_id, enrolment_id, institution_id, company_id, branch_id, senior_id in (
        TimetableMeeting.objects.filter(timetable__event_id__in=event_ids, timetable__status=TimetableStatus.PUBLISHED)
        .values_list(
            "pk",
            "timetable__event_id",
            "enrolment_id",
            "enrolment__institution_id",
            "enrolment__company_id",
            "enrolment__company__branch_id",
            "senior_id",
        )
        .order_by("pk")
    ):
        for position, category in enumerate(categories.get(enrolment_id) or [None]):
            rows.append(
                MeetingFigure(
                    meeting_id=meeting_id,
                    event_id=event_id,
                    institution_id=institution_id,
                    company_id=company_id,
                    branch_id=branch_id,
                    senior_id=senior_id,
                    category=category,
                    first=position == 0,
                )
            )
    return rows


@transaction.atomic
def meeting_figures_refresh(*, event: Event) -> int:
    """Rebuild `event`'s summary rows from its published timetable; the number of rows written."""
    meeting_figures_of_event(event=event).delete()
    rows = MeetingFigure.objects.bulk_create(meeting_figure_rows(event_ids=[event.pk]), batch_size=2000)
    return len(rows)


@transaction.atomic
def meeting_figures_refresh_all() -> int:
    """Rebuild every event's summary rows (`manage.py refresh_statistics`), a batch of events at a time;
    the number of rows written."""
    meeting_figures_for_statistics().delete()
    event_ids = sorted(
        set(Timetable.objects.filter(status=TimetableStatus.PUBLISHED).values_list("event_id", flat=True))
    )
    written = 0
    for start in range(0, len(event_ids), BATCH_EVENTS):
        rows = meeting_figure_rows(event_ids=event_ids[start : start + BATCH_EVENTS])
        written += len(MeetingFigure.objects.bulk_create(rows, batch_size=5000))
    return written


@transaction.atomic
def meeting_figures_update_branches(*, company_ids: list[int]) -> int:
    """Copy the current branch of `company_ids` into their summary rows; the number of rows changed."""
    branches: dict[int | None, set[int]] = {}
    for company_id, branch_id in (
        enrolments_for_statistics().filter(company_id__in=company_ids).values_list("company_id", "company__branch_id")
    ):
        branches.setdefault(branch_id, set()).add(company_id)
    changed = 0
    for branch, ids in branches.items():
        stale = meeting_figures_of_companies(company_ids=sorted(ids))
        stale = stale.exclude(branch__isnull=True) if branch is None else stale.exclude(branch_id=branch)
        changed += stale.update(branch_id=branch)
    return changed
