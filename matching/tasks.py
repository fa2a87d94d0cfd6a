"""Celery tasks of the matching app: thin, by id, one service each."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task

logger = logging.getLogger(__name__)


# --- build ---
@shared_task
def task_solve_timetable(*, timetable_id: int) -> str | None:
    """Solve a queued timetable version (its progress is saved as the engine goes); returns the status."""
    from matching.models import Timetable
    from matching.services.build import timetable_solve

    timetable = Timetable.objects.filter(pk=timetable_id).first()
    if timetable is None:
        logger.info("timetable %s is gone; nothing to solve", timetable_id)
        return None
    return str(timetable_solve(timetable=timetable).solve_status)


# --- publish ---
# Transient mail errors: the server refused for now, the connection dropped, or it timed out.
@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def task_send_personal_schedules(*, timetable_id: int) -> int:
    """Mail each participant of a published timetable their schedule and .ics, once (a retry skips those
    already told: matching.services.personal_schedule_send); returns how many were sent by this run."""
    from matching.services.publish import personal_schedules_send

    return personal_schedules_send(timetable_id=timetable_id)
