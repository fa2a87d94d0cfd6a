"""This app's panel on the dashboard (registered with participants.dashboard by RegionalConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from participants.dashboard import Panel, register_dashboard_panel

from .access import meetings_for


def regional_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Members of a chapter: the next dialogue meetings of their chapters."""
    upcoming = list(
        meetings_for(user=user)
        .filter(starts_at__gte=timezone.now())
        .select_related("chapter")
        .order_by("starts_at")[:3]
    )
    if not upcoming:
        return None
    return Panel(template="regional/panel.html", context={"upcoming": upcoming}, order=30)


def register_panels() -> None:
    register_dashboard_panel(regional_panel)
