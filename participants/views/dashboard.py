"""The role dashboard: what each user should do next, in the order they should do it."""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sks.pages import steps_for
from sks.roles import SENIOR

from ..dashboard import dashboard_panels
from ..selectors import senior_has_current_pledge, senior_profile_completeness, senior_standing_consent


def _next_steps(user: Any) -> list[dict[str, str]]:
    """What each role should do next, in the order they should do it: a senior's own steps first (they
    follow the profile), then the steps every app registered for the user's roles (sks.pages)."""
    steps: list[dict[str, str]] = []
    if SENIOR in user.roles:
        steps += _senior_steps(user.senior_profile)
    return steps + steps_for(user)


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
    if not steps:
        steps.append(
            {
                "title": _("準備はできています"),
                "text": _("プロフィール・誓約・同意がそろっています。内容が変わったときは更新してください。"),
                "url": reverse("participants:senior_profile_edit"),
                "label": _("プロフィールを見る"),
            }
        )
    return steps


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    context = {
        "memberships": user.active_memberships,
        "is_senior": SENIOR in user.roles,
        "steps": _next_steps(user),
        "mfa_enabled": is_mfa_enabled(user, types=["totp"]),
        "panels": dashboard_panels(request, user),
    }
    return render(request, "dashboard.html", context)
