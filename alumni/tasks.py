"""Thin Celery tasks of the alumni app: load by id, call one idempotent service."""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPException

from celery import shared_task

from .services import digest_deliver, digests_enqueue, meetup_reminders_scan, news_mail, news_mail_due

MAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=8)
def task_mail_news(*, news_id: int) -> int:
    """Mail a news item to the network's members once (news_mail claims it by `mailed_at`)."""
    return news_mail(news_id=news_id)


@shared_task
def task_mail_due_news() -> int:
    """Periodic (celery beat): scheduled news that has come due gets its mail."""
    return news_mail_due()


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=8)
def task_send_member_digest(*, member_id: int, frequency: str, today: str) -> bool:
    """One member's digest of the period before `today` (ISO date), once (digest_deliver's ledger)."""
    return digest_deliver(member_id=member_id, frequency=frequency, today=dt.date.fromisoformat(today))


@shared_task
def task_enqueue_digests() -> int:
    """Periodic (celery beat, daily): enqueue the digests of the periods that have just ended."""
    return digests_enqueue()


@shared_task
def task_send_meetup_reminders() -> int:
    """Periodic (celery beat, daily): the day-before reminders of alumni meetups, once each."""
    return meetup_reminders_scan()
