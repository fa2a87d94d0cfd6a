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


# --- after the event (results, second interviews, agreements) ---
# Transient mail errors, as for the personal schedules: retried with backoff.
@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def task_send_second_interview_invitations(*, second_interview_id: int) -> int:
    """Mail the three parties of a confirmed second interview its date with an .ics, once each (a retry
    skips those already told: matching.services.followup.second_interview_invitations_send)."""
    from matching.services.followup import second_interview_invitations_send

    return second_interview_invitations_send(second_interview_id=second_interview_id)


# --- after the event (follow-up reminders, survey) ---


@shared_task
def task_send_followup_reminders(as_of: str | None = None) -> int:
    """Daily at 09:00 Asia/Tokyo (celery beat): schedule the follow-up reminders due today (and close the
    follow-ups that are due), then redeliver stragglers.

    `as_of` (an ISO date) replays a given day; by default it is today in Asia/Tokyo. Running it twice for
    one day sends nothing twice (each reminder's key is unique in the ledger).
    """
    import datetime as dt

    from django.utils import timezone

    from participants.services import reminders_redeliver_pending

    from .services.followup_reminders import followup_reminders_scan

    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    created = followup_reminders_scan(today=today)
    logger.info("follow-up reminders for %s: %s newly scheduled", today, created)
    reminders_redeliver_pending()
    return created


# --- fit (あなたに合いそうな課題) ---
@shared_task
def task_send_fit_mails(*, event_id: int) -> int:
    """When an event's issue list is published: split its fit mail into batches of seniors, one
    task_send_fit_mails_batch each (any number of workers share the scoring). Returns the number of batches."""
    from matching.services.fit import fit_mails_enqueue

    return fit_mails_enqueue(event_id=event_id)


@shared_task
def task_send_fit_mails_batch(*, event_id: int, senior_ids: list[int]) -> int:
    """Record the fit mail of each senior of the batch with a good fit, once per event and senior (the
    reminder ledger's key: a retried or repeated batch records nothing twice; each mail is then delivered by
    task_deliver_reminder, which claims the row before sending). Returns how many were newly recorded."""
    from matching.services.fit import fit_mails_schedule

    return fit_mails_schedule(event_id=event_id, senior_ids=senior_ids)
