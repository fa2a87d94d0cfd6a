from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from sks.roles import INSTITUTION_ROLES, SENIOR, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main menu, by role. Only links the user may open are shown."""
    user: Any = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        roles = user.roles
        items.append((reverse("dashboard"), _("ダッシュボード")))
        if SENIOR in roles:
            items.append((reverse("participants:senior_profile_edit"), _("プロフィール")))
        if roles & INSTITUTION_ROLES:
            items.append((reverse("participants:company_list"), _("取引先企業")))
        if roles & {Role.INSTITUTION_ADMIN, Role.COORDINATOR}:
            items.append((reverse("participants:invitation_list"), _("職員の招待")))
        if user.is_staff:
            items.append((reverse("admin:index"), _("管理サイト")))
    return {"nav_items": items}
