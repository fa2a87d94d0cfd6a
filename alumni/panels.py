"""This app's panel on the dashboard (registered with participants.dashboard by AlumniConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from participants.dashboard import Panel, register_dashboard_panel


def alumni_panel(request: HttpRequest, user: Any) -> Panel | None:
    """The networks the user belongs to (or runs), with what is new: upcoming meetups, latest news, and for
    the office the signups waiting for approval and the open feedback."""
    from django.utils import timezone

    from . import access
    from .enums import FeedbackStatus, MemberStatus

    viewers = access.networks_of(user)
    if not viewers:
        return None
    rows = []
    now = timezone.now()
    for viewer in viewers:
        row: dict[str, Any] = {
            "viewer": viewer,
            "news": list(access.news_for(viewer)[:3]),
            "meetups": list(access.meetups_for(viewer).filter(starts_at__gte=now)[:2]),
        }
        if viewer.is_office:
            counts = access.feedback_counts(viewer)
            row["pending"] = access.approval_queue(viewer).filter(status=MemberStatus.PENDING).count()
            row["open_feedback"] = counts.get(FeedbackStatus.RECEIVED, 0) + counts.get(FeedbackStatus.CONSIDERING, 0)
        rows.append(row)
    return Panel(template="alumni/panel.html", context={"rows": rows}, order=15)


def register_panels() -> None:
    register_dashboard_panel(alumni_panel)
