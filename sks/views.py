from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from sks.roles import SENIOR, Role


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


def _next_steps(user: Any) -> list[dict[str, str]]:
    """What each role should do next, in the order they should do it."""
    from django.urls import reverse

    steps: list[dict[str, str]] = []
    roles = user.roles
    if SENIOR in roles:
        profile = user.senior_profile
        if not (user.name_kana and profile.birth_year and profile.prefecture):
            steps.append(
                {
                    "title": _("プロフィールを入力しましょう"),
                    "text": _("生まれ年とお住まいの都道府県を入力すると、交流会の案内が届きやすくなります。"),
                    "url": reverse("participants:senior_profile_edit"),
                    "label": _("プロフィールを入力する"),
                }
            )
        else:
            steps.append(
                {
                    "title": _("プロフィールは入力済みです"),
                    "text": _("内容が変わったときは、いつでも更新できます。"),
                    "url": reverse("participants:senior_profile_edit"),
                    "label": _("プロフィールを見直す"),
                }
            )
    if roles & {Role.BANK_STAFF, Role.INSTITUTION_ADMIN}:
        steps.append(
            {
                "title": _("取引先企業を確認しましょう"),
                "text": _("自機関が登録した企業だけが表示されます。他の金融機関からは見えません。"),
                "url": reverse("participants:company_list"),
                "label": _("取引先企業の一覧へ"),
            }
        )
    if roles & {Role.INSTITUTION_ADMIN, Role.COORDINATOR}:
        steps.append(
            {
                "title": _("職員を招待しましょう"),
                "text": _("招待リンクは、招待したメールアドレスで一度だけ、有効期限内に使えます。"),
                "url": reverse("participants:invitation_list"),
                "label": _("職員の招待へ"),
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
    }
    return render(request, "dashboard.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose: answers 200 only if the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
