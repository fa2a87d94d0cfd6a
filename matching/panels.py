"""This app's panels on the dashboard (registered with participants.dashboard by MatchingConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from participants.dashboard import Panel, register_dashboard_panel
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR

from .selectors.publish import user_has_published_schedule


def schedule_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Seniors, bank staff and company contacts: a link to their schedule once a timetable is published."""
    if not user.roles & {SENIOR, COMPANY, *INSTITUTION_ROLES}:
        return None
    if not user_has_published_schedule(user=user):
        return None
    return Panel(template="matching/schedule_panel.html", context={}, order=5)


# --- after the event (statistics) ---
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
def fit_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Seniors under the pledge in force: 「あなたに合いそうな課題」 of each event open for applications."""
    if SENIOR not in user.roles:
        return None
    from .selectors.fit import fit_panel_rows

    rows = fit_panel_rows(user=user)
    if not rows:
        return None
    return Panel(template="matching/fit/panel.html", context={"rows": rows}, order=4)


def register_panels() -> None:
    for panel in (schedule_panel, statistics_panel, followup_panel, fit_panel):
        register_dashboard_panel(panel)
