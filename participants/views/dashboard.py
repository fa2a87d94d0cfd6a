"""The role dashboard: what each user should do next, in the order they should do it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sks.pages import steps_for
from sks.roles import COMPANY, SENIOR, STAFF_ROLES, Role

from ..dashboard import Panel, dashboard_panels, panel_steps
from ..selectors import (
    own_senior_profile,
    senior_has_current_pledge,
    senior_profile_completeness,
    senior_standing_consent,
)


def _next_steps(user: Any, panels: list[Panel]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """What the user should do next, in order (the first is the one the dashboard puts forward), and the
    registered steps alone. A senior's missing profile, pledge or consent comes first (nothing else works
    without them), then what the panels ask for now, then the steps every app registered for the user's
    roles (sks.pages)."""
    profile = own_senior_profile(user) if SENIOR in user.roles else None
    own = _senior_steps(profile) if profile is not None else []
    registered = steps_for(user)
    steps = own + panel_steps(panels) + registered
    if SENIOR in user.roles and not steps:
        steps.append(
            {
                "title": _("準備はできています"),
                "text": _("プロフィール・誓約・同意がそろっています。内容が変わったときは更新してください。"),
                "url": reverse("participants:senior_profile_edit"),
                "label": _("プロフィールを見る"),
            }
        )
    return steps, own + registered


def _nothing_to_do(user: Any) -> str:
    """When nothing is asked of the user: say so, and who will tell them when something is (in their words)."""
    roles = user.roles
    if COMPANY in roles:
        return _(
            "いまお願いしていることはありません。交流会や事前ヒアリングシートのことは、担当の金融機関からご案内します。"
        )
    if Role.ALUMNI_OFFICE in roles:
        return _("いまお願いしていることはありません。入会の申請やご意見が届くと、ここでお知らせします。")
    if Role.LOCAL_GOVERNMENT in roles:
        return _("いまお願いしていることはありません。共催する交流会や対話会の予定が決まると、ここでお知らせします。")
    if SENIOR in roles or not roles & set(STAFF_ROLES):
        return _("いまお願いしていることはありません。お知らせがあると、ここに表示します。")
    return _("いまお願いしていることはありません。")


def _senior_steps(profile: Any) -> list[dict[str, str]]:
    steps: list[dict[str, str]] = []
    completeness = senior_profile_completeness(profile)
    if not completeness.is_complete:
        steps.append(
            {
                "title": _("プロフィールを入力しましょう（%(percent)s%%）") % {"percent": completeness.percent},
                "text": _("途中で保存して、あとから続きを入力できます。"),
                "url": reverse("participants:senior_profile_edit"),
                "label": _("プロフィールの入力を続ける"),
            }
        )
    if not senior_has_current_pledge(profile):
        steps.append(
            {
                "title": _("守秘義務の誓約をお願いします"),
                "text": _("交流会の課題一覧を見る前に、企業の情報を守ることをお約束いただきます。"),
                "url": reverse("participants:senior_pledge"),
                "label": _("誓約の内容を読む"),
            }
        )
    if senior_standing_consent(profile) is None:
        steps.append(
            {
                "title": _("プロフィールの公開に同意しましょう"),
                "text": _("同意すると、金融機関と企業がマッチングのためにあなたのプロフィールを見られます。"),
                "url": reverse("participants:senior_consent"),
                "label": _("同意の内容を読む"),
            }
        )
    return steps


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    panels = dashboard_panels(request, user)
    steps, registered = _next_steps(user, panels)
    context = {
        "memberships": user.active_memberships,
        "is_senior": SENIOR in user.roles,
        "steps": registered,
        "next_step": steps[0] if steps else None,
        "more_steps": steps[1:],
        "nothing_to_do": "" if steps else _nothing_to_do(user),
        "mfa_enabled": user.has_totp,
        "panels": panels,
    }
    return render(request, "dashboard.html", context)
