"""Thin Celery tasks of the alumni app: load by id, call one idempotent service."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from .services import news_mail, news_mail_due

MAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=8)
def task_mail_news(*, news_id: int) -> int:
    """Mail a news item to the network's members once (news_mail claims it by `mailed_at`)."""
    return news_mail(news_id=news_id)


@shared_task
def task_mail_due_news() -> int:
    """Periodic (celery beat): scheduled news that has come due gets its mail."""
    return news_mail_due()
