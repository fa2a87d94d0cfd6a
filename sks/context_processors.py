from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from sks.pages import menu_for, page_url


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main menu: the dashboard, then every page the apps registered (sks.pages) that the user's roles
    open, then the admin site for staff accounts. Only links the user may open are shown."""
    user: Any = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        items.append((page_url("dashboard"), _("ダッシュボード")))
        items += menu_for(user)
        if user.is_staff:
            items.append((page_url("admin:index"), _("管理サイト")))
    return {"nav_items": items}
