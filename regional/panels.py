"""This app's panel on the dashboard (registered with participants.dashboard by RegionalConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.dashboard import Panel, next_step, register_dashboard_panel

from .access import chapter_roles_for, meetings_of_chapters, pending_requests_of_chapters
from .enums import ChapterRole


def regional_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Members of a chapter: the next dialogue meetings of their chapters. Organisers are first asked to
    answer the requests to join their chapters."""
    # One narrow read of the user's active chapters first: most users of the dashboard have none, and the
    # panel then costs that one query instead of two built around EXISTS subqueries.
    chapters = chapter_roles_for(user=user)
    if not chapters:
        return None
    organised = [chapter_id for chapter_id, role in chapters.items() if role == ChapterRole.ORGANISER]
    upcoming = list(
        meetings_of_chapters(chapter_ids=list(chapters))
        .filter(starts_at__gte=timezone.now())
        .select_related("chapter")
        .order_by("starts_at")[:3]
    )
    pending = list(pending_requests_of_chapters(chapter_ids=organised)) if organised else []
    if not upcoming and not pending:
        return None
    step = None
    if pending:
        step = next_step(
            title=_("支部への参加申込を確認しましょう"),
            text=ngettext(
                "%(chapter)sなどに、承認を待っている参加申込が %(n)d件 あります。",
                "%(chapter)sなどに、承認を待っている参加申込が %(n)d件 あります。",
                len(pending),
            )
            % {"chapter": pending[0].chapter.name, "n": len(pending)},
            url=reverse("regional:chapter_members", args=[pending[0].chapter_id]),
            label=_("参加申込を確認する"),
        )
    else:
        meeting = upcoming[0]
        organiser = meeting.chapter_id in organised
        step = next_step(
            title=_("次の対話会の準備をしましょう") if organiser else _("次の対話会に出欠を知らせましょう"),
            text=_("%(when)s「%(title)s」（%(chapter)s）")
            % {
                "when": date_format(timezone.localtime(meeting.starts_at), "n月j日 H:i"),
                "title": meeting.title,
                "chapter": meeting.chapter.name,
            },
            url=reverse("regional:meeting_detail", args=[meeting.pk]),
            label=_("対話会を開く"),
        )
    return Panel(template="regional/panel.html", context={"upcoming": upcoming}, order=30, step=step)


def register_panels() -> None:
    register_dashboard_panel(regional_panel)
