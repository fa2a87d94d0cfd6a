"""Celery tasks of the participants app: thin, take ids, load (log and return if gone), call one service.
Retry policy and enqueueing: sks.tasks."""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse

from sks.tasks import mail_task, task

from .access import company_contact_for_task
from .models import StaffInvitation
from .services import (
    company_contact_send_invite,
    invitation_send_email,
    notification_send_email,
    reminder_deliver,
    reminders_redeliver_pending,
)

logger = logging.getLogger(__name__)


@mail_task
def task_send_invitation_email(*, invitation_id: int, token: str) -> bool:
    """Mail the invitation link. The token travels only here: the database keeps its hash."""
    invitation = StaffInvitation.objects.select_related("organization").filter(pk=invitation_id).first()
    if invitation is None:
        logger.info("invitation %s is gone; nothing to send", invitation_id)
        return False
    url = settings.SITE_URL + reverse("participants:invitation_accept", kwargs={"token": token})
    return invitation_send_email(invitation=invitation, url=url)


@mail_task
def task_send_company_contact_invite(*, contact_id: int) -> bool:
    """Mail a contact's invitation; the set-password key is made here, from the account as it is now."""
    contact = company_contact_for_task(pk=contact_id)
    if contact is None:
        logger.info("company contact %s is gone; nothing to send", contact_id)
        return False
    return company_contact_send_invite(contact=contact)


# --- notifications ---


@mail_task
def task_send_notification_email(notification_id: int) -> bool:
    """Mail an in-app notification to its user (participants.services.notify enqueues it on commit)."""
    return notification_send_email(notification_id=notification_id)


@mail_task
def task_deliver_reminder(reminder_id: int) -> bool:
    """Send one reminder exactly once (the claim in reminder_deliver makes a duplicate task a no-op)."""
    return reminder_deliver(reminder_id=reminder_id)


@task
def task_redeliver_reminders() -> int:
    """Every 15 minutes (celery beat): re-enqueue reminders whose worker died before recording them, or
    that were never enqueued. The only redelivery: the daily scans of events and matching leave it here."""
    return reminders_redeliver_pending()
