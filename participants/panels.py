"""This app's panels on the dashboard, registered with participants.dashboard by ParticipantsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors
from .dashboard import Panel, next_step, register_dashboard_panel


def notifications_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Unread notifications (the latest few) and, for coordinators, the unread copies of reminders."""
    panel = selectors.notification_panel_for(user=user)
    if not panel:
        return None
    step = None
    if panel.unread:
        latest = panel.unread[0]
        step = next_step(
            title=_("新しいお知らせを確認しましょう"),
            text=latest.title,
            url=latest.url or reverse("participants:notification_list"),
            label=_("お知らせを開く"),
        )
    # What the other panels ask comes first: a notification mostly points at one of them.
    return Panel(
        template="participants/notification_panel.html",
        context={"unread": panel.unread, "copies": panel.copies},
        order=10,
        step=step,
        step_order=1000,
    )


def register_panels() -> None:
    register_dashboard_panel(notifications_panel)
