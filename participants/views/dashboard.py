"""The role dashboard: what each user should do next, in the order they should do it."""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sks.roles import SENIOR, Role

from ..dashboard import dashboard_panels
from ..selectors import senior_has_current_pledge, senior_profile_completeness, senior_standing_consent


def _next_steps(user: Any) -> list[dict[str, str]]:
    """What each role should do next, in the order they should do it."""
    steps: list[dict[str, str]] = []
    roles = user.roles
    if SENIOR in roles:
        steps += _senior_steps(user.senior_profile)
    if roles & {Role.BANK_STAFF, Role.INSTITUTION_ADMIN}:
        steps.append(
            {
                "title": _("取引先企業を登録しましょう"),
                "text": _("1社ずつ登録するか、Excel や CSV のファイルからまとめて取り込めます。"),
                "url": reverse("participants:company_import"),
                "label": _("ファイルから一括取込"),
            }
        )
        steps.append(
            {
                "title": _("取引先企業を確認しましょう"),
                "text": _("自機関が登録した企業だけが表示されます。他の金融機関からは見えません。"),
                "url": reverse("participants:company_list"),
                "label": _("取引先企業の一覧へ"),
            }
        )
    if roles & {Role.BANK_STAFF, Role.INSTITUTION_ADMIN, Role.COORDINATOR}:
        steps.append(
            {
                "title": _("新現役を探しましょう"),
                "text": _("専門分野・業種・資格・地域などで、公開に同意した新現役を探せます。"),
                "url": reverse("participants:senior_search"),
                "label": _("新現役を探す"),
            }
        )
    if Role.INSTITUTION_ADMIN in roles:
        steps.append(
            {
                "title": _("職員と支店を管理しましょう"),
                "text": _("職員の招待・役割の変更・利用停止、支店の登録ができます。"),
                "url": reverse("participants:staff_list"),
                "label": _("職員の管理へ"),
            }
        )
    if Role.COORDINATOR in roles:
        steps.append(
            {
                "title": _("職員を招待しましょう"),
                "text": _("招待リンクは、招待したメールアドレスで一度だけ、有効期限内に使えます。"),
                "url": reverse("participants:invitation_list"),
                "label": _("職員の招待へ"),
            }
        )
    return steps


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
