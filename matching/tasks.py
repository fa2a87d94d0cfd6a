"""Celery tasks of the matching app: thin, by id, one service each. Retry policy and enqueueing: sks.tasks."""

from __future__ import annotations

import logging

from sks.tasks import mail_task, scan_date, task

logger = logging.getLogger(__name__)


# --- build ---
@task
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
@mail_task
def task_send_personal_schedules(*, timetable_id: int) -> int:
    """Mail each participant of a published timetable their schedule and .ics, once (a retry skips those
    already told: matching.services.personal_schedule_send); returns how many were sent by this run."""
    from matching.services.publish import personal_schedules_send

    return personal_schedules_send(timetable_id=timetable_id)


# --- after the event (results, second interviews, agreements) ---
@mail_task
def task_send_second_interview_invitations(*, second_interview_id: int) -> int:
    """Mail the three parties of a confirmed second interview its date with an .ics, once each (a retry
    skips those already told: matching.services.followup.second_interview_invitations_send)."""
    from matching.services.followup import second_interview_invitations_send

    return second_interview_invitations_send(second_interview_id=second_interview_id)


# --- after the event (follow-up reminders, survey) ---


@task
def task_send_followup_reminders(as_of: str | None = None) -> int:
    """The follow-up scan alone (celery beat runs it with the event scan: task_scan_reminders): schedule the
    follow-up reminders due today (and close the
    follow-ups that are due). Each is enqueued as it is scheduled; one whose worker dies is sent again by
    participants.tasks.task_redeliver_reminders.

    `as_of` (an ISO date) replays a given day; by default it is today in Asia/Tokyo. Running it twice for
    one day sends nothing twice (each reminder's key is unique in the ledger).
    """
    from .services.followup_reminders import followup_reminders_scan

    today = scan_date(as_of)
    created = followup_reminders_scan(today=today)
    logger.info("follow-up reminders for %s: %s newly scheduled", today, created)
    return created


@task
def task_scan_reminders(as_of: str | None = None) -> dict[str, int]:
    """Every 15 minutes from 09:00 to 20:45 Asia/Tokyo (celery beat): the event scan and the follow-up scan,
    one after the other, each in its own transaction (should the second fail, the first's work stands; the
    next tick runs both again).

    Both are idempotent (the reminder ledger's unique keys) and catch up (a rule matches what is due and not
    yet sent, not one exact day), so running them often costs a few queries and bounds what a dead worker
    or a lost message delays to one tick. Returns how many reminders each scheduled anew."""
    from events.services.reminders import event_reminders_scan

    from .services.followup_reminders import followup_reminders_scan

    today = scan_date(as_of)
    created = {"events": event_reminders_scan(today=today), "followup": followup_reminders_scan(today=today)}
    if any(created.values()):
        logger.info("reminder scans for %s: %s newly scheduled", today, created)
    return created


# --- fit (あなたに合いそうな課題) ---
@task
def task_send_fit_mails(*, event_id: int) -> int:
    """When an event's issue list is published: split its fit mail into batches of seniors, one
    task_send_fit_mails_batch each (any number of workers share the scoring). Returns the number of batches."""
    from matching.services.fit import fit_mails_enqueue

    return fit_mails_enqueue(event_id=event_id)


@task
def task_send_fit_mails_batch(*, event_id: int, senior_ids: list[int]) -> int:
    """Record the fit mail of each senior of the batch with a good fit, once per event and senior (the
    reminder ledger's key: a retried or repeated batch records nothing twice; each mail is then delivered by
    task_deliver_reminder, which claims the row before sending). Returns how many were newly recorded."""
    from matching.services.fit import fit_mails_schedule

    return fit_mails_schedule(event_id=event_id, senior_ids=senior_ids)
