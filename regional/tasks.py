"""Celery tasks of the regional app: thin, call one idempotent service. Retry policy and enqueueing:
sks.tasks."""

from __future__ import annotations

import logging

from sks.tasks import scan_date, task

logger = logging.getLogger(__name__)


@task
def task_send_project_digests(as_of: str | None = None) -> int:
    """Daily at 08:00 Asia/Tokyo (celery beat): one digest per partner or follower of yesterday's project news.

    `as_of` (an ISO date) replays a given day. Running it twice for one day sends nothing twice (each digest's
    key is unique in participants' reminder ledger, which also retries and redelivers the mail).
    """
    from .services import project_digests_schedule

    day = scan_date(as_of)
    created = project_digests_schedule(day=day)
    logger.info("project digests for %s: %s newly scheduled", day, created)
    return created
