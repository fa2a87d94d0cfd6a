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
