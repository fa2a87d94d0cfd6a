from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import notification_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the header's お知らせ badge: cached, else one COUNT; nothing when signed out."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: notification_unread_count(user=user))}
