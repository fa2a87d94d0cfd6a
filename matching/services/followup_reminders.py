"""The daily follow-up scan (celery beat, 09:00 Asia/Tokyo: matching.tasks.task_send_followup_reminders).

Each reminder goes through the participants reminder ledger (`reminder_schedule`) under its unique key
(kind, object, due date, recipient), so a second beat tick the same day, a later day's scan or a retried scan
schedules nothing twice; delivery, retries with backoff and redelivery after a worker crash are
participants.services.notifications'. Candidates are found by database filters; days are Asia/Tokyo dates.

Where a reminder is due "n days after" something, the scan takes everything at least n days past and the
due date is the day it became due, so a day the beat missed is caught up the next day and still sent once.

* `followup_si_unscheduled_7`: a second interview still proposed or in scheduling 7 days after it was
  proposed, to its staff member (object: the second interview; due date: proposed date + 7);
* `followup_si_unscheduled_14`: the same after 14 days, escalated to each coordinator of the event's
  coordinator organisation (due date: proposed date + 14);
* `followup_si_tomorrow`: a confirmed second interview whose date (Asia/Tokyo) is tomorrow, to the staff
  member, the senior and the company's active contact users (due date: the interview's date). An interview
  at 00:30 on the 10th JST is "tomorrow" on the 9th JST although it is still the 9th in UTC;
* `followup_si_no_outcome_3`: a second interview held but without an outcome 3 days after it was recorded
  as held, to its staff member (due date: held date + 3);
* `followup_agreement_no_visit_30`: a support agreement with no visit for 30 days (since the last visit, or
  since its start when none is logged), its event not closed, to the responsible staff member (due date:
  last visit or start + 30, so each new 30-day silence is a new reminder);
* follow-up close: an event in follow-up whose date is 90 days ago or more is closed by the scan through
  `events.services.events.event_close`, in the name of its first active coordinator (the service needs a
  coordinator; the audit log adds an `event.follow_up_closed_by_schedule` entry that says it was the
  schedule). A scan with no coordinator to act for leaves the event open and logs a warning;
* `followup_closed_summary`: at the close itself (matching.receivers, on events' event_status_changed),
  and as a safety net for an event closed in the last SUMMARY_WINDOW_DAYS days, the event's numbers
  (companies, interviews held, second interviews, agreements, matching rate) to the institution admins of
  each host, the event's attending bank staff and its coordinators (object: the event; due date: the
  event's date; once per recipient). The numbers are event-wide totals, which every host may see (no
  company is named);
* `followup_survey_invite`: for an event held or in follow-up, the invitation to the post-event survey, to
  each participant (matching.selectors.survey.survey_participants; object: the event; due date: the
  event's date; once per person).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import DateField, F, Max, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from events.access import enrolments_of_event
from events.enums import EventStatus
from events.models import Event
from events.services.events import event_close
from participants.access import contacts_of_companies
from participants.models import Membership, Organization, Reminder, User
from participants.services import reminder_object_key, reminder_schedule
from sks.audit import audit
from sks.clock import TOKYO
from sks.exceptions import DomainError
from sks.roles import Role

from ..access import agreements_for_system_scan, interview_results_of_event, second_interviews_for_system_scan
from ..enums import SecondInterviewStatus
from ..models import SecondInterview
from ..selectors.statistics import StatRow, event_figures, event_wide_figures, statistics_scope_for
from ..selectors.survey import survey_participants

__all__ = [
    "FOLLOWUP_CLOSE_DAYS",
    "NO_OUTCOME_DAYS",
    "NO_VISIT_DAYS",
    "SUMMARY_WINDOW_DAYS",
    "UNSCHEDULED_DAYS",
    "event_followup_summary",
    "followup_closed_summary_schedule",
    "followup_reminders_scan",
]

logger = logging.getLogger(__name__)

UNSCHEDULED_DAYS = (7, 14)
NO_OUTCOME_DAYS = 3
NO_VISIT_DAYS = 30
FOLLOWUP_CLOSE_DAYS = 90
# A close (by hand or by the scan) is summarised by the next scans within this many days; older closes were
# before this feature, or were summarised already.
SUMMARY_WINDOW_DAYS = 7

# Second interviews and agreements of a closed event are no longer chased.
ACTIVE_EVENT_STATUSES = (EventStatus.HELD, EventStatus.FOLLOW_UP)
SURVEY_INVITE_STATUSES = (EventStatus.HELD, EventStatus.FOLLOW_UP)
UNSCHEDULED_STATUSES = (SecondInterviewStatus.PROPOSED, SecondInterviewStatus.SCHEDULING)

# The pages reminders link to (another area's); the dashboard should one of them be renamed or removed.
SECOND_INTERVIEW_PAGE = "matching:second_interview_detail"
AGREEMENT_PAGE = "matching:agreement_detail"
# The senior records their wish and sees their meetings there; company contacts have no second-interview page.
SENIOR_PAGE = "matching:my_schedule"


@transaction.atomic
def followup_reminders_scan(*, today: dt.date) -> int:
    """Schedule every follow-up reminder due on `today` (and close what is due); returns how many reminders
    were newly scheduled.

    Atomic: the deliveries are enqueued when the whole scan commits (a failed scan sends nothing, and the
    next tick starts over; what was recorded before is found by its key).
    """
    created = _unscheduled(today) + _tomorrow(today) + _no_outcome(today) + _no_visit(today) + _survey_invites(today)
    _close_due(today)
    return created + _closed_summaries(today)


# --- helpers ------------------------------------------------------------------------------------------------


def _path(name: str, *args: int) -> str:
    """The page a reminder links to; the dashboard if that page is not (or no longer) part of the site."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse("dashboard")


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Asia/Tokyo, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=TOKYO)


def _jst_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TOKYO).date()


def _event_context(event: Event) -> dict[str, Any]:
    # Plain JSON values only: the mail is rendered at delivery, in the recipient's language.
    return {"event_id": event.pk, "event_title": event.title, "event_date": event.date.isoformat()}


def _coordinators_by_org(org_ids: set[int]) -> dict[int, list[User]]:
    """Active coordinators of each coordinator organisation (one query)."""
    result: dict[int, list[User]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(
            organization_id__in=org_ids, role=Role.COORDINATOR, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        result[membership.organization_id].append(membership.user)
    return result


def _second_interviews(*statuses: str) -> Any:
    # A system scan across institutions: see second_interviews_for_system_scan.
    return (
        second_interviews_for_system_scan()
        .filter(status__in=statuses, event__status__in=ACTIVE_EVENT_STATUSES)
        .select_related("event", "enrolment__company", "senior__user", "staff")
        .order_by("pk")
    )


def _si_context(si: SecondInterview) -> dict[str, Any]:
    return {
        **_event_context(si.event),
        "company_name": si.enrolment.company.name,
        "senior_name": si.senior.user.get_full_name() if si.senior.anonymised_at is None else "",
        "status_label": str(si.get_status_display()),
    }


# --- second interviews --------------------------------------------------------------------------------------


def _unscheduled(today: dt.date) -> int:
    first, last = UNSCHEDULED_DAYS
    candidates = list(
        _second_interviews(*UNSCHEDULED_STATUSES).filter(
            # Staff who left are not filtered out: their second interviews are escalated all the more.
            proposed_at__lt=_day_start(today - dt.timedelta(days=first - 1))
        )
    )
    coordinators = _coordinators_by_org({si.event.coordinator_id for si in candidates})
    created = 0
    for si in candidates:
        proposed = _jst_date(si.proposed_at)
        context = {
            **_si_context(si),
            "template": "reminders/followup_si_unscheduled",
            "proposed_date": proposed.isoformat(),
        }
        url = _path(SECOND_INTERVIEW_PAGE, si.pk)
        if si.staff.is_active:
            _reminder, new = reminder_schedule(
                kind=f"followup_si_unscheduled_{first}",
                obj=si,
                due_date=proposed + dt.timedelta(days=first),
                recipient=si.staff,
                context={**context, "days": first, "escalated": False},
                url=url,
            )
            created += new
        if proposed + dt.timedelta(days=last) <= today:
            for coordinator in coordinators.get(si.event.coordinator_id, []):
                _reminder, new = reminder_schedule(
                    kind=f"followup_si_unscheduled_{last}",
                    obj=si,
                    due_date=proposed + dt.timedelta(days=last),
                    recipient=coordinator,
                    context={**context, "days": last, "escalated": True, "staff_name": si.staff.get_full_name()},
                    url=url,
                )
                created += new
    return created


def _si_recipients(si: SecondInterview, contacts: dict[int, list[User]]) -> list[User]:
    people = [si.staff]
    if si.senior.anonymised_at is None and si.senior.user.is_active:
        people.append(si.senior.user)
    people.extend(contacts.get(si.enrolment.company_id, []))
    unique: dict[int, User] = {}
    for person in people:
        if person.is_active:
            unique.setdefault(person.pk, person)
    return list(unique.values())


def _tomorrow(today: dt.date) -> int:
    tomorrow = today + dt.timedelta(days=1)
    candidates = list(
        _second_interviews(SecondInterviewStatus.CONFIRMED).filter(
            scheduled_at__gte=_day_start(tomorrow), scheduled_at__lt=_day_start(tomorrow + dt.timedelta(days=1))
        )
    )
    contacts: dict[int, list[User]] = defaultdict(list)
    rows = (
        contacts_of_companies(company_ids={si.enrolment.company_id for si in candidates})
        .select_related("user")
        .order_by("user_id")
    )
    for row in rows:
        contacts[row.company_id].append(row.user)
    created = 0
    for si in candidates:
        assert si.scheduled_at is not None  # filtered above
        local = si.scheduled_at.astimezone(TOKYO)
        urls = {si.staff_id: _path(SECOND_INTERVIEW_PAGE, si.pk), si.senior.user_id: _path(SENIOR_PAGE)}
        for person in _si_recipients(si, contacts):
            _reminder, new = reminder_schedule(
                kind="followup_si_tomorrow",
                obj=si,
                due_date=tomorrow,
                recipient=person,
                context={
                    **_si_context(si),
                    "template": "reminders/followup_si_tomorrow",
                    "interview_date": tomorrow.isoformat(),
                    "interview_time": f"{local:%H:%M}",
                    "duration_minutes": si.duration_minutes,
                    "place": si.place,
                    "online_url": si.online_url,
                    "staff_name": si.staff.get_full_name(),
                },
                url=urls.get(person.pk, reverse("dashboard")),
            )
            created += new
    return created


def _no_outcome(today: dt.date) -> int:
    candidates = _second_interviews(SecondInterviewStatus.HELD).filter(
        held_at__lt=_day_start(today - dt.timedelta(days=NO_OUTCOME_DAYS - 1)), staff__is_active=True
    )
    created = 0
    for si in candidates:
        assert si.held_at is not None  # filtered above
        held = _jst_date(si.held_at)
        _reminder, new = reminder_schedule(
            kind=f"followup_si_no_outcome_{NO_OUTCOME_DAYS}",
            obj=si,
            due_date=held + dt.timedelta(days=NO_OUTCOME_DAYS),
            recipient=si.staff,
            context={
                **_si_context(si),
                "template": "reminders/followup_si_no_outcome",
                "held_date": held.isoformat(),
                "days": NO_OUTCOME_DAYS,
            },
            url=_path(SECOND_INTERVIEW_PAGE, si.pk),
        )
        created += new
    return created


# --- agreements ---------------------------------------------------------------------------------------------


def _no_visit(today: dt.date) -> int:
    # A system scan across institutions: see agreements_for_system_scan.
    agreements = (
        agreements_for_system_scan()
        .exclude(event__status=EventStatus.CLOSED)
        .filter(responsible_staff__is_active=True)
        .annotate(last_visit=Max("visits__date"))
        .annotate(quiet_since=Coalesce(F("last_visit"), F("start_date"), output_field=DateField()))
        .filter(quiet_since__lte=today - dt.timedelta(days=NO_VISIT_DAYS))
        .select_related("event", "company", "senior__user", "responsible_staff")
        .order_by("pk")
    )
    created = 0
    for agreement in agreements:
        quiet_since: dt.date = agreement.quiet_since  # type: ignore[attr-defined]  # annotated above
        _reminder, new = reminder_schedule(
            kind=f"followup_agreement_no_visit_{NO_VISIT_DAYS}",
            obj=agreement,
            due_date=quiet_since + dt.timedelta(days=NO_VISIT_DAYS),
            recipient=agreement.responsible_staff,
            context={
                **_event_context(agreement.event),
                "template": "reminders/followup_agreement_no_visit",
                "company_name": agreement.company.name,
                "senior_name": agreement.senior.user.get_full_name() if agreement.senior.anonymised_at is None else "",
                "kind_label": str(agreement.get_kind_display()),
                "since_date": quiet_since.isoformat(),
                "has_visits": agreement.last_visit is not None,  # type: ignore[attr-defined]  # annotated above
                "days": NO_VISIT_DAYS,
            },
            url=_path(AGREEMENT_PAGE, agreement.pk),
        )
        created += new
    return created


# --- survey -------------------------------------------------------------------------------------------------


def _survey_invites(today: dt.date) -> int:
    events = Event.objects.filter(status__in=SURVEY_INVITE_STATUSES, date__lte=today).order_by("pk")
    created = 0
    for event in events:
        key = reminder_object_key(event)
        # Skips the ledger's get_or_create for those already invited (the ledger still guarantees once).
        invited = set(
            Reminder.objects.filter(kind="followup_survey_invite", object_key=key, due_date=event.date).values_list(
                "recipient_id", flat=True
            )
        )
        for user, role in survey_participants(event=event):
            if user.pk in invited:
                continue
            _reminder, new = reminder_schedule(
                kind="followup_survey_invite",
                obj=event,
                due_date=event.date,
                recipient=user,
                context={**_event_context(event), "template": "reminders/followup_survey_invite", "role": role},
                url=reverse("matching:survey", args=[event.pk]),
            )
            created += new
    return created


# --- follow-up close and its summary ------------------------------------------------------------------------


def _close_due(today: dt.date) -> int:
    events = list(
        Event.objects.filter(
            status=EventStatus.FOLLOW_UP, date__lte=today - dt.timedelta(days=FOLLOWUP_CLOSE_DAYS)
        ).order_by("pk")
    )
    coordinators = _coordinators_by_org({event.coordinator_id for event in events})
    closed = 0
    for event in events:
        acting = coordinators.get(event.coordinator_id, [])
        if not acting:
            logger.warning("event %s is due to close its follow-up but has no active coordinator", event.pk)
            continue
        try:
            event_close(event=event, by=acting[0])
        except DomainError as exc:  # e.g. closed by hand meanwhile: the next scan sees it closed
            logger.warning("event %s: the scheduled close was refused: %s", event.pk, exc.message)
            continue
        audit(
            obj=event,
            action="event.follow_up_closed_by_schedule",
            data={"days_after_event": (today - event.date).days, "in_the_name_of": acting[0].pk},
        )
        closed += 1
    return closed


def _figures(row: StatRow) -> dict[str, Any]:
    return {
        "companies": row.enrolments,
        "supported_companies": row.supported,
        "second_interviews": row.second_interviews,
        "agreements": row.agreements,
        # One decimal, as organisers publish it (57.0%); None when no company took part.
        "matching_rate": round(100 * row.rate, 1) if row.rate is not None else None,
    }


def event_followup_summary(*, event: Event, user: User) -> dict[str, Any] | None:
    """The close summary's figures for one recipient, under the statistics page's rule
    (matching.selectors.statistics): the coordinator gets the whole event; a bank's staff get their own
    institution's companies, plus the whole event only when the other companies come from at least
    MIN_OTHER_INSTITUTIONS other institutions (in a joint event of two banks, never: bank B could subtract
    its own figures and read bank A's). None for someone with no statistics (no figures are sent).

    Keys: the recipient's figures (companies, supported_companies, interviews held, second_interviews,
    agreements, matching_rate), `scope_name` (their institution(s); "" for the coordinator) and `event_wide`
    (the same figures of the whole event, or None when withheld)."""
    try:
        scope = statistics_scope_for(user=user)
    except Http404:
        return None
    if scope.kind == "region":
        return None  # local governments are not summary recipients; their statistics page is their report
    own = _figures(event_figures(event=event, scope=scope))
    # Counted for the recipient's own institutions only (or event-wide for the coordinator).
    held = interview_results_of_event(event=event).filter(held=True)
    if scope.kind == "institution":
        held = held.filter(institution_id__in=scope.institution_ids)
    own["interviews"] = held.count()
    whole = event_wide_figures(event=event, scope=scope)
    event_wide = None
    if scope.kind == "institution" and not whole.suppressed:
        event_wide = _figures(whole)
    names = ""
    if scope.kind == "institution":
        names = "、".join(
            Organization.objects.filter(pk__in=scope.institution_ids).order_by("pk").values_list("name", flat=True)
        )
    return {**own, "scope_name": names, "event_wide": event_wide}


def _summary_recipients(event: Event) -> list[User]:
    """The institution admins of each host, the event's attending bank staff and its coordinators: each
    active person once, in id order."""
    memberships = Membership.objects.filter(is_active=True).filter(
        Q(organization__in=event.hosts.all(), role=Role.INSTITUTION_ADMIN)
        | Q(organization_id=event.coordinator_id, role=Role.COORDINATOR)
    )
    ids = set(memberships.values_list("user_id", flat=True))
    # The event's own enrolments (every host's), for their attending staff.
    ids |= set(enrolments_of_event(event=event).values_list("attending_staff_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def followup_closed_summary_schedule(*, event: Event) -> int:
    """Send `event`'s close summary to its hosts once (the ledger's key: kind, event, event date, recipient).

    Called by the scan for every recently closed event; callable right after a close as well (it sends
    nothing twice). Returns how many were newly scheduled.
    """
    if event.status != EventStatus.CLOSED:
        return 0
    closed_on = _jst_date(event.status_changed_at) if event.status_changed_at else None
    created = 0
    for user in _summary_recipients(event):
        # Each recipient's own figures: what leaves the platform follows the statistics page's rule.
        summary = event_followup_summary(event=event, user=user)
        if summary is None:
            continue
        _reminder, new = reminder_schedule(
            kind="followup_closed_summary",
            obj=event,
            due_date=event.date,
            recipient=user,
            context={
                **_event_context(event),
                **summary,
                "template": "reminders/followup_closed_summary",
                "closed_date": closed_on.isoformat() if closed_on else "",
            },
            url=reverse("dashboard"),
        )
        created += new
    return created


def _closed_summaries(today: dt.date) -> int:
    since = _day_start(today - dt.timedelta(days=SUMMARY_WINDOW_DAYS))
    events = Event.objects.filter(status=EventStatus.CLOSED, status_changed_at__gte=since).order_by("pk")
    return sum(followup_closed_summary_schedule(event=event) for event in events)
