from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from .models import StaffInvitation
from .services import invitation_send_email

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def task_send_invitation_email(*, invitation_id: int, token: str) -> bool:
    """Mail the invitation link. The token travels only here: the database keeps its hash."""
    invitation = StaffInvitation.objects.select_related("organization").filter(pk=invitation_id).first()
    if invitation is None:
        logger.info("invitation %s is gone; nothing to send", invitation_id)
        return False
    url = settings.SITE_URL + reverse("participants:invitation_accept", kwargs={"token": token})
    return invitation_send_email(invitation=invitation, url=url)
