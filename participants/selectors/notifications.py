"""Reads of the in-app inbox and of the reminder ledger (see participants.models.notifications)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet

from sks.access import get_or_404
from sks.roles import Role

from ..models import Notification, Reminder, User

__all__ = [
    "REMINDER_MAX_ATTEMPTS",
    "NotificationPanel",
    "access_notification",
    "notification_list_for",
    "notification_panel_for",
    "notification_unread_count",
    "reminders_due_for_redelivery",
    "unread_count_cache_key",
]

# A reminder that failed this many times is left unsent, with its last error, for an operator to look at
# (an address the mail server refuses for good must not be retried forever).
REMINDER_MAX_ATTEMPTS = 30
PANEL_SIZE = 5
# The header shows the unread count on every page; it is cached this long (the services clear it on change).
UNREAD_COUNT_CACHE_SECONDS = 60


def notification_list_for(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first (the model's ordering)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count_cache_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def notification_unread_count(*, user: User) -> int:
    """The number of unread notifications: from the cache, or one COUNT (the header badge on every page)."""
    key = unread_count_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_COUNT_CACHE_SECONDS)
    return int(count)


def access_notification(*, user: User, pk: int) -> Notification:
    """One of the user's own notifications; anyone else's answers 404 like a missing one."""
    return get_or_404(Notification.objects.filter(user=user), pk=pk)


@dataclass
class NotificationPanel:
    unread: list[Notification] = field(default_factory=list)
    # Copies of the reminders sent to the people who must act (coordinators oversee the hearings).
    copies: list[Notification] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.unread or self.copies)


# A coordinator's unread notifications and copies are read together, this many at most; a kind left short by
# a full read (many of the other kind) is read again on its own.
PANEL_READ_TOGETHER = 50


def notification_panel_for(*, user: User) -> NotificationPanel:
    """The latest unread notifications for the dashboard and, for coordinators, the unread reminder copies.

    Nothing is read when the header's unread count (cached; every service that adds or reads a notification
    clears it) is zero, as it mostly is; a coordinator's two lists come from one query."""
    if notification_unread_count(user=user) == 0:
        return NotificationPanel()
    unread = notification_list_for(user=user).filter(read_at__isnull=True)
    if Role.COORDINATOR not in user.roles:
        return NotificationPanel(unread=list(unread.filter(is_copy=False)[:PANEL_SIZE]))
    rows = list(unread[:PANEL_READ_TOGETHER])
    panel = NotificationPanel(
        unread=[n for n in rows if not n.is_copy][:PANEL_SIZE], copies=[n for n in rows if n.is_copy][:PANEL_SIZE]
    )
    if len(rows) == PANEL_READ_TOGETHER:
        if len(panel.unread) < PANEL_SIZE:
            panel.unread = list(unread.filter(is_copy=False)[:PANEL_SIZE])
        if len(panel.copies) < PANEL_SIZE:
            panel.copies = list(unread.filter(is_copy=True)[:PANEL_SIZE])
    return panel


def reminders_due_for_redelivery(*, now: dt.datetime) -> QuerySet[Reminder]:
    """Unsent reminders nobody is working on: the claim has expired, or there never was one.

    A reminder created moments ago has its delivery task on the way already (enqueued on commit), so an
    unclaimed one counts only once it is older than a claim would be.
    """
    expired = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_SECONDS)
    return (
        Reminder.objects.filter(sent_at__isnull=True, attempts__lt=REMINDER_MAX_ATTEMPTS)
        .filter(Q(claimed_at__isnull=True, created_at__lt=expired) | Q(claimed_at__lt=expired))
        .order_by("created_at", "pk")
    )
