"""This app's panels on the dashboard (registered with participants.dashboard at start-up)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from participants.dashboard import Panel, register_dashboard_panel
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR

# Importing this registers the coordinator's panel (it lives with its views).
from .views import events as _events_views  # noqa: F401


@register_dashboard_panel
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


@register_dashboard_panel
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


@register_dashboard_panel
def company_hearing_panel(request: HttpRequest, user: Any) -> Panel | None:
    """A company contact: the hearing sheets waiting for its approval, and the way to its events."""
    if COMPANY not in user.roles:
        return None
    from .selectors.hearings import contact_enrolment_list

    rows = list(contact_enrolment_list(user=user))
    waiting = [e for e in rows if getattr(e, "hearing", None) is not None and e.hearing.status == "submitted"]
    return Panel(template="events/company_panel.html", context={"rows": rows, "waiting": waiting}, order=10)


@register_dashboard_panel
def staff_hearing_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Bank staff: hearing sheets of their institution still to write, fix or get approved."""
    if not user.roles & set(INSTITUTION_ROLES):
        return None
    from .selectors.hearings import staff_open_hearings

    rows = list(staff_open_hearings(user=user))
    if not rows:
        return None
    return Panel(template="events/staff_event_panel.html", context={"rows": rows}, order=25)
