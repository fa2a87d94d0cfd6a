"""The reminder scan for events (celery beat every 15 minutes in the day, Asia/Tokyo:
events.tasks.task_send_event_reminders).

Each reminder is recorded in the participants reminder ledger (`reminder_schedule`) under its unique key
(kind, object, due date, recipient), so every later tick schedules nothing new and nothing is mailed twice;
delivery, retries and redelivery after a crash are participants.services.notifications'.

A rule matches what is due and not yet sent, not one exact day: a reminder is due from its day for
REMINDER_CATCH_UP_DAYS more days (settings), so a tick that did not run (a worker killed during the scan,
whose transaction rolled back; a message Redis lost) is made up by the next one, at most 15 minutes later in
the day. A reminder sent on or after its deadline says so (本日締切 / 締切を過ぎています: `days_left` ≤ 0).

Kinds carry the number of days left where one deadline is chased more than once (the key would otherwise
be the same for the −3 and −1 reminders):

* `hearing_due_7`, `hearing_due_3`, `hearing_due_1`: a hearing sheet still in draft or sent back, 7, 3 and
  1 days before the hearing deadline, to the enrolment's attending staff, with an in-app copy for each
  coordinator of the event's coordinator organisation (object: the sheet; due date: the hearing deadline);
* `hearing_approval_pending_3`, `_1`: a submitted sheet the company has not approved yet, 3 and 1 days before
  the hearing deadline, to the attending staff;
* `application_not_submitted_3`, `_1`: a senior's application still a draft (with or without chosen
  companies), 3 and 1 days before the application deadline, to the senior (object: the application);
* `choices_pending_closed` (the day after applications close) and `choices_pending_1` (the day before the
  selection deadline): submitted applicants a company has not answered yet, to the attending staff, once per
  enrolment (object: the enrolment; due date: the selection deadline);
* `checklist_due`: a checklist item due tomorrow, not done, to its owner (due date: the item's).

(The days are when each reminder is first due; each stays due for the catch-up window after it.)

Only events in the matching statuses are scanned; candidates are found by database filters.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from participants.models import Membership
from participants.services import reminder_schedule
from sks.roles import Role

from ..access import enrolments_for_system_scan, hearing_sheets_for_system_scan
from ..enums import EVENT_STATUS_ORDER, ApplicationStatus, ChoiceDecision, EventStatus, HearingStatus
from ..models import ChecklistItem, Event, HearingSheet, SeniorApplication

__all__ = [
    "APPLICATION_REMINDER_DAYS",
    "HEARING_APPROVAL_REMINDER_DAYS",
    "HEARING_DUE_REMINDER_DAYS",
    "event_reminders_scan",
]

HEARING_DUE_REMINDER_DAYS = (7, 3, 1)
HEARING_APPROVAL_REMINDER_DAYS = (3, 1)
APPLICATION_REMINDER_DAYS = (3, 1)

HEARING_STATUSES = (EventStatus.RECRUITING, EventStatus.HEARING)
APPLICATION_STATUSES = (EventStatus.PUBLISHED,)
CHOICE_STATUSES = (EventStatus.PUBLISHED, EventStatus.SELECTION)
CHECKLIST_STATUSES = tuple(EVENT_STATUS_ORDER[: EVENT_STATUS_ORDER.index(EventStatus.HELD)])


@transaction.atomic
def event_reminders_scan(*, today: dt.date) -> int:
    """Schedule every event reminder due on `today`; returns how many were newly scheduled.

    Atomic: the deliveries are enqueued when the whole scan commits (a failed scan sends nothing, and the
    next tick starts over; what was recorded before is found by its key).
    """
    return (
        _hearing_due(today)
        + _hearing_approval_pending(today)
        + _applications_not_submitted(today)
        + _choices_pending(today)
        + _checklist_due(today)
    )


def _path(name: str, *args: int) -> str:
    """The page a reminder links to; the dashboard if that page is not (yet) part of the site."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse("dashboard")


def _event_context(event: Event, deadline: dt.date, today: dt.date) -> dict[str, Any]:
    # Plain JSON values only: the mail is rendered at delivery, in the recipient's language.
    return {
        "event_id": event.pk,
        "event_title": event.title,
        "event_date": event.date.isoformat(),
        "deadline": deadline.isoformat(),
        "days_left": (deadline - today).days,
    }


def _catch_up_days() -> int:
    return max(0, int(settings.REMINDER_CATCH_UP_DAYS))


def _deadlines(today: dt.date, days: tuple[int, ...]) -> dict[dt.date, int]:
    """The deadlines with a reminder due today, each with its reminder's number of days (the kind's suffix).

    The reminder `n` days before a deadline is due from that day for REMINDER_CATCH_UP_DAYS more days: a scan
    that did not run (a dead worker, a lost beat tick) is made up by the next one. Where two are due at once,
    only the nearer one is sent (the 3-day one, not also the 7-day one). Which were sent already is the
    ledger's to know: a reminder's key holds its kind, so each is sent once however often the scan runs.
    """
    window = _catch_up_days()
    result: dict[dt.date, int] = {}
    for n in sorted(days, reverse=True):  # nearer reminders overwrite further ones
        for late in range(window + 1):
            result[today + dt.timedelta(days=n - late)] = n
    return result


def _coordinators_by_org(org_ids: set[int]) -> dict[int, list[int]]:
    """Active coordinators' user ids for each coordinator organisation (one query)."""
    result: dict[int, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.filter(
            organization_id__in=org_ids, role=Role.COORDINATOR, is_active=True, user__is_active=True
        )
        .order_by("user_id")
        .values_list("organization_id", "user_id")
    )
    for org_id, user_id in rows:
        result[org_id].append(user_id)
    return result


def _sheets(*, statuses: tuple[str, ...], deadlines: dict[dt.date, int]) -> list[HearingSheet]:
    # A system scan across institutions: see hearing_sheets_for_system_scan.
    return list(
        hearing_sheets_for_system_scan()
        .filter(
            status__in=statuses,
            enrolment__event__status__in=HEARING_STATUSES,
            enrolment__event__hearing_deadline__in=list(deadlines),
            enrolment__attending_staff__is_active=True,
        )
        .select_related("enrolment__event", "enrolment__company", "enrolment__attending_staff")
        .order_by("pk")
    )


def _hearing_due(today: dt.date) -> int:
    deadlines = _deadlines(today, HEARING_DUE_REMINDER_DAYS)
    sheets = _sheets(statuses=(HearingStatus.DRAFT, HearingStatus.RETURNED), deadlines=deadlines)
    coordinators = _coordinators_by_org({sheet.enrolment.event.coordinator_id for sheet in sheets})
    created = 0
    for sheet in sheets:
        enrolment, event = sheet.enrolment, sheet.enrolment.event
        _reminder, new = reminder_schedule(
            kind=f"hearing_due_{deadlines[event.hearing_deadline]}",
            obj=sheet,
            due_date=event.hearing_deadline,
            recipient=enrolment.attending_staff,
            context={
                **_event_context(event, event.hearing_deadline, today),
                "template": "reminders/hearing_due",
                "company_name": enrolment.company.name,
                "returned": sheet.status == HearingStatus.RETURNED,
                "copy_to": coordinators.get(event.coordinator_id, []),
                "copy_url": _path("events:coordinator_hearing_list", event.pk),
            },
            url=_path("events:hearing_edit", enrolment.pk),
        )
        created += new
    return created


def _hearing_approval_pending(today: dt.date) -> int:
    deadlines = _deadlines(today, HEARING_APPROVAL_REMINDER_DAYS)
    created = 0
    for sheet in _sheets(statuses=(HearingStatus.SUBMITTED,), deadlines=deadlines):
        enrolment, event = sheet.enrolment, sheet.enrolment.event
        _reminder, new = reminder_schedule(
            kind=f"hearing_approval_pending_{deadlines[event.hearing_deadline]}",
            obj=sheet,
            due_date=event.hearing_deadline,
            recipient=enrolment.attending_staff,
            context={
                **_event_context(event, event.hearing_deadline, today),
                "template": "reminders/hearing_approval_pending",
                "company_name": enrolment.company.name,
            },
            url=_path("events:hearing_detail", enrolment.pk),
        )
        created += new
    return created


def _applications_not_submitted(today: dt.date) -> int:
    deadlines = _deadlines(today, APPLICATION_REMINDER_DAYS)
    applications = (
        SeniorApplication.objects.filter(
            status=ApplicationStatus.DRAFT,
            event__status__in=APPLICATION_STATUSES,
            event__application_deadline__in=list(deadlines),
            senior__user__is_active=True,
            senior__anonymised_at__isnull=True,
        )
        .annotate(choice_count=Count("choices"))
        .select_related("event", "senior__user")
        .order_by("pk")
    )
    created = 0
    for application in applications:
        event = application.event
        _reminder, new = reminder_schedule(
            kind=f"application_not_submitted_{deadlines[event.application_deadline]}",
            obj=application,
            due_date=event.application_deadline,
            recipient=application.senior.user,
            context={
                **_event_context(event, event.application_deadline, today),
                "template": "reminders/application_not_submitted",
                "choice_count": application.choice_count,  # type: ignore[attr-defined]  # annotated above
            },
            url=_path("events:senior_application", event.pk),
        )
        created += new
    return created


def _choices_pending(today: dt.date) -> int:
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    late = dt.timedelta(days=_catch_up_days())
    pending = Q(choices__decision=ChoiceDecision.PENDING, choices__application__status=ApplicationStatus.SUBMITTED)
    # A system scan across institutions: see enrolments_for_system_scan.
    enrolments = (
        enrolments_for_system_scan()
        .filter(
            # The day after applications close (unless the selection deadline's eve has come), and the eve;
            # each also on the days of the catch-up window after it, for a scan that did not run.
            (
                Q(event__application_deadline__range=(yesterday - late, yesterday))
                & ~Q(event__selection_deadline__range=(tomorrow - late, tomorrow))
            )
            | Q(event__selection_deadline__range=(tomorrow - late, tomorrow)),
            event__status__in=CHOICE_STATUSES,
            attending_staff__is_active=True,
        )
        .annotate(pending_count=Count("choices", filter=pending))
        .filter(pending_count__gt=0)
        .select_related("event", "company", "attending_staff")
        .order_by("pk")
    )
    created = 0
    for enrolment in enrolments:
        event = enrolment.event
        _reminder, new = reminder_schedule(
            kind="choices_pending_1" if event.selection_deadline <= tomorrow else "choices_pending_closed",
            obj=enrolment,
            due_date=event.selection_deadline,
            recipient=enrolment.attending_staff,
            context={
                **_event_context(event, event.selection_deadline, today),
                "template": "reminders/choices_pending",
                "company_name": enrolment.company.name,
                "pending_count": enrolment.pending_count,  # type: ignore[attr-defined]  # annotated above
            },
            url=_path("events:staff_applicants", enrolment.pk),
        )
        created += new
    return created


def _checklist_due(today: dt.date) -> int:
    items = (
        ChecklistItem.objects.filter(
            # Due tomorrow, or made up for a scan that did not run (within the catch-up window).
            due_date__range=(today + dt.timedelta(days=1 - _catch_up_days()), today + dt.timedelta(days=1)),
            done_at__isnull=True,
            owner__isnull=False,
            owner__is_active=True,
            event__status__in=CHECKLIST_STATUSES,
        )
        .select_related("event", "owner")
        .order_by("pk")
    )
    created = 0
    for item in items:
        assert item.owner is not None  # filtered above
        _reminder, new = reminder_schedule(
            kind="checklist_due",
            obj=item,
            due_date=item.due_date,
            recipient=item.owner,
            context={
                **_event_context(item.event, item.due_date, today),
                "template": "reminders/checklist_due",
                "item_title": item.title,
            },
            url=_path("events:checklist", item.event_id),
        )
        created += new
    return created
