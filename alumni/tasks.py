"""Thin Celery tasks of the alumni app: load by id, call one idempotent service. Retry policy and enqueueing:
sks.tasks."""

from __future__ import annotations

import datetime as dt

from sks.tasks import mail_task, scan_date, task


@mail_task
def task_mail_news(*, news_id: int) -> int:
    """Mail a news item to the network's members once (news_mail claims it by `mailed_at`)."""
    from .services import news_mail

    return news_mail(news_id=news_id)


@task
def task_mail_due_news() -> int:
    """Periodic (celery beat): scheduled news that has come due gets its mail."""
    from .services import news_mail_due

    return news_mail_due()


@mail_task
def task_send_member_digest(*, member_id: int, frequency: str, today: str) -> bool:
    """One member's digest of the period before `today` (ISO date), once (digest_deliver's ledger)."""
    from .services import digest_deliver

    return digest_deliver(member_id=member_id, frequency=frequency, today=dt.date.fromisoformat(today))


@task
def task_enqueue_digests(as_of: str | None = None) -> int:
    """Periodic (celery beat, daily): enqueue the digests of the periods that have just ended."""
    from .services import digests_enqueue

    return digests_enqueue(today=scan_date(as_of))


@task
def task_send_meetup_reminders() -> int:
    """Periodic (celery beat, daily): the day-before reminders of alumni meetups, once each."""
    from .services import meetup_reminders_scan

    return meetup_reminders_scan()
