"""Publishing a timetable, and mailing every participant their personal schedule with an .ics attached.

    draft (solved or hand-made) ──publish──▶ published ──(a newer version is published)──▶ superseded

At most one timetable of an event is published (a database constraint); publishing a new version
supersedes the previous one in the same transaction. The event moves from 選考中 to 時間割作成中 through
the events service `event_start_timetabling`; in 時間割作成中 and 開催済 (a no-show repair on the day) its
status is left alone, and in any other status publishing is refused (`timetable_publish_blocker`).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from events.enums import EventStatus
from events.models import Event
from events.services.events import event_start_timetabling
from participants.models import User
from participants.services.mail_ledger import mail_once
from participants.services.notifications import notification_create
from sks.audit import audit
from sks.exceptions import DomainError
from sks.export import download_name
from sks.tasks import enqueue_on_commit

from ..enums import TimetableStatus
from ..models import Timetable
from ..selectors.publish import (
    NOTIFICATION_KIND,
    PersonalSchedule,
    personal_schedules,
    schedule_ics,
    schedule_notification_url,
    timetable_publish_blocker,
)
from ..selectors.repair import previous_published_version, schedule_changes
from .figures import meeting_figures_refresh

__all__ = [
    "TimetablePublishError",
    "personal_schedule_send",
    "personal_schedules_send",
    "timetable_publish",
]

logger = logging.getLogger(__name__)


class TimetablePublishError(DomainError):
    """A timetable that cannot be published now."""


@transaction.atomic
def timetable_publish(*, timetable: Timetable, by: User) -> Timetable:
    """Publish a solved (or hand-made) draft: the event's published version becomes superseded, and every
    participant is mailed their schedule after commit. The caller has authorised `by` as the coordinator."""
    # Locked in a fixed order (event, then the timetable): two coordinators publishing at once queue here.
    event = Event.objects.select_for_update().get(pk=timetable.event_id)
    current = Timetable.objects.select_for_update().select_related("event").get(pk=timetable.pk)
    blocker = timetable_publish_blocker(timetable=current)
    if blocker is not None:
        raise TimetablePublishError(blocker)
    now = timezone.now()
    previous = list(
        Timetable.objects.select_for_update()
        .filter(event=event, status=TimetableStatus.PUBLISHED)
        .exclude(pk=current.pk)
    )
    for old in previous:
        old.status = TimetableStatus.SUPERSEDED
        old.save(update_fields=["status"])
        audit(obj=old, action="timetable.superseded", user=by, data={"by_version": current.version})
    current.status = TimetableStatus.PUBLISHED
    current.published_at = now
    current.published_by = by
    current.save(update_fields=["status", "published_at", "published_by"])
    if event.status == EventStatus.SELECTION:
        event_start_timetabling(event=event, by=by)
    # The statistics count the published version's meetings from their stored summary.
    meeting_figures_refresh(event=event)
    audit(
        obj=current,
        action="timetable.published",
        user=by,
        data={"version": current.version, "superseded": [old.pk for old in previous]},
    )
    from ..tasks import task_send_personal_schedules

    enqueue_on_commit(task_send_personal_schedules, timetable_id=current.pk)
    # The caller's instance shows the new state as well.
    timetable.status, timetable.published_at, timetable.published_by = current.status, now, by
    return current


def _ics_filename(schedule: PersonalSchedule) -> str:
    event = schedule.event
    return download_name(event.title, f"{event.date:%Y%m%d}", gettext("面談予定"), extension="ics")


def personal_schedule_send(
    *, timetable: Timetable, user: User, schedules: list[PersonalSchedule], changed: bool = False
) -> bool:
    """Mail one participant their schedule (all their roles in one mail) with the .ics, with the in-app
    notification, once (participants.services.mail_ledger.mail_once: the published timetable row never changes,
    so it is the mail's target and its version is whether it is a change notice). A retried or redelivered
    task, or two at once, send nothing twice; an SMTP error (raised, the task retries) records nothing.
    True if this call sent it.

    `changed`: a re-published version (a repair on the day); the mail says the schedule has changed.
    `schedules` empty (with `changed`): every meeting of the user is gone; the mail says so, without .ics."""
    url = schedule_notification_url(timetable)

    def build() -> EmailMessage:
        language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        context = {
            "user": user,
            "event": timetable.event,
            "timetable": timetable,
            "schedules": [
                {"role": s.role, "items": [(item, item.time_label(language)) for item in s.items]} for s in schedules
            ],
            "language": language,
            "url": settings.SITE_URL + url,
        }
        prefix = "schedule_changed" if changed else "schedule"
        with translation.override(language):
            subject = " ".join(render_to_string(f"matching/emails/{prefix}_subject.txt", context).split())[:200]
            body = render_to_string(f"matching/emails/{prefix}_body.txt", context).strip() + "\n"
            ics = schedule_ics(schedules) if schedules else b""
            ics_filename = _ics_filename(schedules[0]) if schedules else ""
        message = EmailMessage(subject=settings.EMAIL_SUBJECT_PREFIX + subject, body=body, to=[user.email])
        if schedules:
            message.attach(ics_filename, ics, "text/calendar")
        return message

    def record(message: EmailMessage) -> None:
        title = str(message.subject).removeprefix(settings.EMAIL_SUBJECT_PREFIX)
        notification_create(user=user, kind=NOTIFICATION_KIND, title=title, body=str(message.body), url=url)

    return mail_once(
        kind=NOTIFICATION_KIND,
        target=timetable,
        recipient=user,
        version="changed" if changed else "first",
        build=build,
        record=record,
    )


def personal_schedules_send(*, timetable_id: int) -> int:
    """Mail every participant of a published timetable their schedule (the task's work); how many were sent.
    When it superseded a published version, only the participants whose schedule changed are mailed.

    A timetable that is gone or no longer published (superseded meanwhile) sends nothing: its successor's
    own task tells everyone.
    """
    timetable = Timetable.objects.select_related("event").filter(pk=timetable_id).first()
    if timetable is None or timetable.status != TimetableStatus.PUBLISHED:
        logger.info("timetable %s is gone or not published; no schedules sent", timetable_id)
        return 0
    by_user: dict[int, list[PersonalSchedule]] = {}
    users: dict[int, User] = {}
    for schedule in personal_schedules(timetable=timetable):
        by_user.setdefault(schedule.user.pk, []).append(schedule)
        users[schedule.user.pk] = schedule.user
    sent = 0
    # A re-published version (e.g. repaired after no-shows): only those whose schedule changed are told,
    # plus those who lost every meeting (but not the no-shows themselves). The first publication tells all.
    previous = previous_published_version(timetable=timetable)
    if previous is not None:
        changes = schedule_changes(
            old=previous, new=timetable, new_schedules=[s for ss in by_user.values() for s in ss]
        )
        for user_id in sorted(changes.changed):
            if personal_schedule_send(
                timetable=timetable, user=users[user_id], schedules=by_user[user_id], changed=True
            ):
                sent += 1
        for user in changes.removed:
            if personal_schedule_send(timetable=timetable, user=user, schedules=[], changed=True):
                sent += 1
        return sent
    for user_id, schedules in by_user.items():
        if personal_schedule_send(timetable=timetable, user=users[user_id], schedules=schedules):
            sent += 1
    return sent
