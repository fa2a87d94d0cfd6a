"""This app's panels on the dashboard (registered with participants.dashboard by EventsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from participants.dashboard import Panel, register_dashboard_panel
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR, Role


def senior_applications_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Events a senior can apply to now, with their status; without the pledge only how many there are."""
    if SENIOR not in user.roles:
        return None
    from participants.models import SeniorProfile
    from participants.selectors import senior_has_current_pledge

    from .selectors.selection import senior_event_rows

    profile = SeniorProfile.objects.filter(user=user, anonymised_at__isnull=True).first()
    if profile is None:
        return None
    rows = [row for row in senior_event_rows(user=user, senior=profile) if row.accepting]
    if not rows:
        return None
    has_pledge = senior_has_current_pledge(profile)
    context = {"rows": rows if has_pledge else [], "count": len(rows), "has_pledge": has_pledge}
    return Panel(template="events/senior_applications_panel.html", context=context, order=20)


def staff_pending_decisions_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Bank staff: their institution's companies in selection, with how many applicants await an answer."""
    if not user.roles & set(INSTITUTION_ROLES):
        return None
    from .selectors.selection import staff_pending_decisions

    rows = staff_pending_decisions(user=user)
    if not rows:
        return None
    context = {"rows": rows, "pending": sum(row.pending for row in rows)}
    return Panel(template="events/staff_applicants_panel.html", context=context, order=30)


def company_hearing_panel(request: HttpRequest, user: Any) -> Panel | None:
    """A company contact: the hearing sheets waiting for its approval, and the way to its events."""
    if COMPANY not in user.roles:
        return None
    from .selectors.hearings import contact_enrolment_list

    rows = list(contact_enrolment_list(user=user))
    waiting = [e for e in rows if getattr(e, "hearing", None) is not None and e.hearing.status == "submitted"]
    return Panel(template="events/company_panel.html", context={"rows": rows, "waiting": waiting}, order=10)


def staff_hearing_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Bank staff: hearing sheets of their institution still to write, fix or get approved."""
    if not user.roles & set(INSTITUTION_ROLES):
        return None
    from .selectors.hearings import staff_open_hearings

    rows = list(staff_open_hearings(user=user))
    if not rows:
        return None
    return Panel(template="events/staff_event_panel.html", context={"rows": rows}, order=25)


# --- the coordinator's panel --------------------------------------------------------------------------------------

_OVERDUE_SHOWN = 10


def coordinator_preparation_panel(request: HttpRequest, user: Any) -> Panel | None:
    """For coordinators: the overdue checklist items across their events (made to stand out), and their
    upcoming events with their status."""
    if Role.COORDINATOR not in user.roles:
        return None
    from .selectors.events import checklist_overdue_for_coordinator, events_upcoming_for_coordinator

    overdue = list(checklist_overdue_for_coordinator(user=user)[: _OVERDUE_SHOWN + 1])
    count = len(overdue)
    if count > _OVERDUE_SHOWN:
        count = checklist_overdue_for_coordinator(user=user).count()
    context = {
        "overdue": overdue[:_OVERDUE_SHOWN],
        "overdue_count": count,
        "overdue_more": max(count - _OVERDUE_SHOWN, 0),
        "events": list(events_upcoming_for_coordinator(user=user)[:5]),
    }
    return Panel(template="events/panel_coordinator.html", context=context, order=10)


def register_panels() -> None:
    for panel in (
        coordinator_preparation_panel,
        senior_applications_panel,
        staff_pending_decisions_panel,
        company_hearing_panel,
        staff_hearing_panel,
    ):
        register_dashboard_panel(panel)
