"""Celery tasks of the events app: thin, take ids, load (log and return if gone), call one service."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task

logger = logging.getLogger(__name__)


# --- hearing ---
# (hearing notifications are mailed by participants.tasks.task_send_notification_email)


# --- reminders ---
@shared_task
def task_send_event_reminders(as_of: str | None = None) -> int:
    """Daily at 09:00 Asia/Tokyo (celery beat): schedule the reminders due today, then redeliver stragglers.

    `as_of` (an ISO date) replays a given day; by default it is today in Asia/Tokyo. Running it twice for
    one day sends nothing twice (each reminder's key is unique in the ledger).
    """
    import datetime as dt

    from django.utils import timezone

    from participants.services import reminders_redeliver_pending

    from .services.reminders import event_reminders_scan

    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    created = event_reminders_scan(today=today)
    logger.info("event reminders for %s: %s newly scheduled", today, created)
    reminders_redeliver_pending()
    return created


# --- selection ---
@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def task_send_selection_invitation(*, invitation_id: int) -> bool:
    """Tell a senior that a company invited them (email and in-app notification, once)."""
    from .models import SeniorInvitation
    from .services.selection import senior_invitation_notify

    invitation = (
        SeniorInvitation.objects.select_related("senior__user", "enrolment__event").filter(pk=invitation_id).first()
    )
    if invitation is None:
        logger.info("invitation %s is gone; nothing to send", invitation_id)
        return False
    return senior_invitation_notify(invitation=invitation)
