"""Celery tasks of the events app: thin, take ids, load (log and return if gone), call one service.
Retry policy and enqueueing: sks.tasks."""

from __future__ import annotations

import logging

from sks.tasks import mail_task, scan_date, task

logger = logging.getLogger(__name__)


# --- hearing ---
# (hearing notifications are mailed by participants.tasks.task_send_notification_email)


# --- reminders ---
@task
def task_send_event_reminders(as_of: str | None = None) -> int:
    """The event scan alone (celery beat runs it with the follow-up scan: matching.tasks.task_scan_reminders):
    schedule the reminders due today and not yet sent. Each is enqueued as it is
    scheduled; one whose worker dies is sent again by participants.tasks.task_redeliver_reminders.

    `as_of` (an ISO date) replays a given day; by default it is today in Asia/Tokyo. Running it twice for
    one day sends nothing twice (each reminder's key is unique in the ledger).
    """
    from .services.reminders import event_reminders_scan

    today = scan_date(as_of)
    created = event_reminders_scan(today=today)
    logger.info("event reminders for %s: %s newly scheduled", today, created)
    return created


# --- selection ---
@mail_task
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
