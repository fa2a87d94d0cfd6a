"""This app's panels on the dashboard, registered with participants.dashboard by ParticipantsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import selectors
from .dashboard import Panel, register_dashboard_panel


def notifications_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Unread notifications (the latest few) and, for coordinators, the unread copies of reminders."""
    panel = selectors.notification_panel_for(user=user)
    if not panel:
        return None
    return Panel(
        template="participants/notification_panel.html",
        context={"unread": panel.unread, "copies": panel.copies},
        order=10,
    )


def register_panels() -> None:
    register_dashboard_panel(notifications_panel)
