"""This app's panels on the dashboard (registered with participants.dashboard at start-up)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from participants.dashboard import Panel, register_dashboard_panel
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR

from .selectors.publish import user_has_published_schedule


@register_dashboard_panel
def schedule_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Seniors, bank staff and company contacts: a link to their schedule once a timetable is published."""
    if not user.roles & {SENIOR, COMPANY, *INSTITUTION_ROLES}:
        return None
    if not user_has_published_schedule(user=user):
        return None
    return Panel(template="matching/schedule_panel.html", context={}, order=5)


# --- after the event (statistics) ---
@register_dashboard_panel
def statistics_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Coordinators, bank staff and local governments: the matching rate of their scope, and the way to
    the statistics page."""
    from django.http import Http404

    from .selectors.statistics import StatFilters, statistics_scope_for, totals, user_may_see_statistics

    if not user_may_see_statistics(user):
        return None
    try:
        scope = statistics_scope_for(user=user)
    except Http404:
        return None
    return Panel(
        template="matching/statistics/panel.html",
        context={"scope": scope, "totals": totals(scope=scope, filters=StatFilters(), parts="enrolments")},
        order=40,
    )


# --- after the event (results, second interviews) ---
@register_dashboard_panel
def followup_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Bank staff and institution admins: interviews to record and second interviews to move on."""
    if not user.roles & INSTITUTION_ROLES:
        return None
    from .selectors.followup import followup_todo

    todo = followup_todo(user=user)
    if todo.empty:
        return None
    return Panel(template="matching/followup/panel.html", context={"todo": todo}, order=6)


# --- fit ---
FIT_PANEL_EVENTS = 3
FIT_PANEL_ISSUES = 3


@register_dashboard_panel
def fit_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Seniors under the pledge in force: 「あなたに合いそうな課題」 of each event open for applications."""
    if SENIOR not in user.roles:
        return None
    from django.http import Http404
    from django.utils import timezone

    from events.access import events_for_senior, senior_profile_of
    from events.enums import EventStatus
    from participants.selectors import senior_has_current_pledge

    from .selectors.fit import fit_issues_for_senior

    try:
        profile = senior_profile_of(user)
    except Http404:
        return None
    if not senior_has_current_pledge(profile):
        return None
    events = events_for_senior(user=user).filter(
        status=EventStatus.PUBLISHED, application_deadline__gte=timezone.localdate()
    )
    rows = []
    for event in events.order_by("date", "pk")[:FIT_PANEL_EVENTS]:
        suggestions = fit_issues_for_senior(event=event, senior=profile, limit=FIT_PANEL_ISSUES)
        if suggestions:
            rows.append({"event": event, "suggestions": suggestions})
    if not rows:
        return None
    return Panel(template="matching/fit/panel.html", context={"rows": rows}, order=4)
