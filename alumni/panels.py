"""This app's panel on the dashboard (registered with participants.dashboard by AlumniConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.dashboard import Panel, next_step, register_dashboard_panel


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
    step: dict[str, str] | None = None
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
            step = step or _office_step(viewer, pending=row["pending"], open_feedback=row["open_feedback"])
        rows.append(row)
    return Panel(template="alumni/panel.html", context={"rows": rows}, order=15, step=step)


def _office_step(viewer: Any, *, pending: int, open_feedback: int) -> dict[str, str] | None:
    """The office's next step: the signups waiting for approval first, then the feedback still open."""
    network = viewer.network
    if pending:
        return next_step(
            title=_("入会の申請を確認しましょう"),
            text=ngettext(
                "%(network)sに、承認を待っている申請が %(n)d件 あります。",
                "%(network)sに、承認を待っている申請が %(n)d件 あります。",
                pending,
            )
            % {"network": network.name, "n": pending},
            url=reverse("alumni:office_approvals", args=[network.pk]),
            label=_("申請を確認する"),
        )
    if open_feedback:
        return next_step(
            title=_("ご意見に回答しましょう"),
            text=ngettext(
                "%(network)sに、対応が済んでいないご意見が %(n)d件 あります。",
                "%(network)sに、対応が済んでいないご意見が %(n)d件 あります。",
                open_feedback,
            )
            % {"network": network.name, "n": open_feedback},
            url=reverse("alumni:office_feedback", args=[network.pk]),
            label=_("ご意見を見る"),
        )
    return None


def register_panels() -> None:
    register_dashboard_panel(alumni_panel)
