"""Notifications (the in-app inbox, every one also mailed) and the delivery of reminders.

Mail is rendered from `templates/emails/<template>_subject.txt` and `_body.txt` in the recipient's language
(`User.language`), and sent by a Celery task enqueued on commit (participants.tasks).

Reminders: exactly once, and never lost
----------------------------------------
Any app's periodic scan calls `reminder_schedule()` for each reminder that is due. The reminder's key
(kind, "app_label.model:pk", due date, recipient) is unique in the database, and the row is created with
`get_or_create` inside a savepoint, so a second beat tick, a retried scan or a concurrent scan finds the
row already there and enqueues nothing. Only a newly created row enqueues its delivery, on commit.

`reminder_deliver()` sends one reminder in three steps:

1. **Claim.** One conditional UPDATE (`sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < now -
   REMINDER_CLAIM_SECONDS)`) sets `claimed_at` and counts the attempt, and commits at once (this function is
   deliberately not atomic). The database applies concurrent UPDATEs of one row one after the other and
   re-checks the condition, so of two workers holding the same task (a retry, a redelivery, a second tick)
   exactly one gets the row; the other sees 0 rows and does nothing.
2. **Send** the mail, the whole send within MAIL_SEND_BUDGET_SECONDS (at most a quarter of the claim:
   participants.services.mail_ledger.mail_send_within_budget), so that a slow server cannot outlive the
   claim. On an error, or when the budget runs out, the claim is released (`claimed_at` cleared,
   `last_error` kept) and the error re-raised, so the task retries with exponential backoff.
3. **Record**, in one transaction, and only if `claimed_at` is still this call's own (its token): `sent_at`,
   and the in-app notification (plus the copies for the people who oversee the work, e.g. coordinators).
   Either all of it commits or none of it, so the inbox holds exactly one notification per sent reminder.
   Had another worker taken the claim over meanwhile, the row's `duplicates` counts the second copy.

Never lost: a worker killed before step 3 leaves the row unsent. Its claim expires after
REMINDER_CLAIM_SECONDS, and `reminders_redeliver_pending()` (every 15 minutes) enqueues the delivery again;
the broker may also hand the unacknowledged task (acks_late) to another worker after
CELERY_VISIBILITY_TIMEOUT. Either way the claim in step 1 lets exactly one of them send. (One bound: a
reminder that has failed REMINDER_MAX_ATTEMPTS times, e.g. an address the mail server refuses for good, is no
longer redelivered; it stays unsent with its `last_error` for an operator.)

Every other mail (notifications, personal schedules, second-interview invitations) goes through the send
ledger, participants.services.mail_ledger.mail_once: the same claim, budget and token-checked mark, on a
row of `MailDelivery`. A reminder's row is its own ledger row (one claim per mail, not two).

The one window that is not exactly-once, as measured by tests/test_celery_faults.py: a worker that dies
(or a database that is unreachable) after the mail server has accepted the message (its end of data) and
before step 3 commits leaves the row unsent, and the mail goes out a second time after the claim expires.
The window is the server's reply to the end of data, the QUIT exchange and one UPDATE: a few milliseconds
against a local server, and as long as the server takes to answer those two steps otherwise (hundreds of
milliseconds is common; the fault test's slowed server, 0.4 s per reply, makes it about 0.8 s, and a kill
there gave exactly one duplicate of 12 mails). No scheme can close it without the mail server taking part
in the transaction; a duplicate is the safe failure (a lost mail is not). A budget that runs out inside the
same window (the end of data sent, the reply not yet back) may likewise lead to a second copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from sks.tasks import enqueue_on_commit

from ..models import Notification, Reminder, User
from ..selectors.notifications import reminders_due_for_redelivery, unread_count_cache_key
from .mail_ledger import mail_once, mail_redeliver_pending, mail_send_within_budget

__all__ = [
    "notification_create",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_render",
    "notification_send_email",
    "notify",
    "reminder_deliver",
    "reminder_object_key",
    "reminder_schedule",
    "reminders_redeliver_pending",
    "user_language_set",
]

logger = logging.getLogger(__name__)

# Dates in mail: Japanese style by default, the usual English style for English readers.
DATE_FORMATS = {"ja": "Y年n月j日", "en": "F j, Y"}
REDELIVER_BATCH = 1000


# --- rendering --------------------------------------------------------------------------------------------


def _language(code: str | None) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _absolute(url: str) -> str:
    """A link for a mail: the site's own paths get SITE_URL in front."""
    return settings.SITE_URL + url if url.startswith("/") and not url.startswith("//") else url


def _template_context(context: dict[str, Any]) -> dict[str, Any]:
    """Dates and times travel as ISO text in the reminder's JSON context; templates get them back as
    dates (keys ending in deadline or _date) and datetimes (keys ending in _at), to format in the
    recipient's language."""
    result = dict(context)
    for key, value in context.items():
        if isinstance(value, str) and (key.endswith("deadline") or key.endswith("_date")):
            with contextlib.suppress(ValueError):  # not a date after all: left as text
                result[key] = dt.date.fromisoformat(value)
        elif isinstance(value, str) and key.endswith("_at"):
            with contextlib.suppress(ValueError):
                result[key] = dt.datetime.fromisoformat(value)
    return result


def notification_render(*, template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """The subject (one line) and body of `templates/emails/<template>_*.txt`, rendered in `language`."""
    language = _language(language)
    with translation.override(language):
        values = {**_template_context(context), "date_format": DATE_FORMATS.get(language, DATE_FORMATS["ja"])}
        subject = render_to_string(f"emails/{template}_subject.txt", values)
        body = render_to_string(f"emails/{template}_body.txt", values)
    return " ".join(subject.split())[:200], body.strip() + "\n"


def _send(*, subject: str, body: str, to: str) -> None:
    # The whole send has a time budget well below the claim, so a slow server cannot outlive the claim.
    mail_send_within_budget(EmailMessage(subject=settings.EMAIL_SUBJECT_PREFIX + subject, body=body, to=[to]))


# --- notifications ----------------------------------------------------------------------------------------


def _unread_count_changed(user_id: int) -> None:
    """Forget the cached badge count now, and again at commit (a page rendered meanwhile saw the old rows)."""
    key = unread_count_cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


@transaction.atomic
def notification_create(
    *,
    user: User,
    kind: str,
    title: str,
    body: str,
    url: str = "",
    is_copy: bool = False,
    reminder: Reminder | None = None,
) -> Notification:
    notification = Notification.objects.create(
        user=user, kind=kind, title=title[:200], body=body, url=url[:300], is_copy=is_copy, reminder=reminder
    )
    _unread_count_changed(user.pk)
    return notification


@transaction.atomic
def notify(
    *, user: User, kind: str, template: str, context: dict[str, Any], url: str = "", email: bool = True
) -> Notification:
    """Put a message in `user`'s inbox, rendered in their language, and (if `email`) mail it after commit."""
    values = {"recipient_name": user.get_short_name(), **context, "url": _absolute(url)}
    title, body = notification_render(template=template, context=values, language=user.language)
    notification = notification_create(user=user, kind=kind, title=title, body=body, url=url)
    if email:
        from ..tasks import task_send_notification_email

        enqueue_on_commit(task_send_notification_email, notification_id=notification.pk)
    return notification


def notification_send_email(*, notification_id: int) -> bool:
    """Mail a notification to its user (the task's work), once: through the send ledger (mail_ledger.mail_once;
    the notification is the mail's target, and it never changes), so two tasks for it, a retry or a
    redelivery send it once. Gone, or the account is closed: nothing is sent. True if this call sent it."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.is_active or not notification.user.email:
        logger.info("notification %s is gone or its user inactive; nothing to send", notification_id)
        return False
    user = notification.user
    return mail_once(
        kind=notification.kind[:64],
        target=notification,
        recipient=user,
        version="1",
        build=lambda: EmailMessage(
            subject=settings.EMAIL_SUBJECT_PREFIX + notification.title, body=notification.body, to=[user.email]
        ),
    )


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _unread_count_changed(notification.user_id)
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    _unread_count_changed(user.pk)
    return count


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Remember the language the user chose: their mail and notifications are written in it."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# --- reminders --------------------------------------------------------------------------------------------


def reminder_object_key(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


@transaction.atomic
def reminder_schedule(
    *,
    kind: str,
    obj: models.Model,
    due_date: dt.date,
    recipient: User,
    context: dict[str, Any],
    url: str,
) -> tuple[Reminder, bool]:
    """Record a due reminder under its unique key; only a new one is delivered (enqueued on commit).

    `context` holds plain JSON values only (ids, names, ISO dates): the mail is rendered at delivery in the
    recipient's language. Optional keys: "template" (default "reminders/<kind>"), "copy_to" (user ids who
    get an in-app copy, no mail) and "copy_url" (their link). Returns the reminder and whether it is new.
    """
    key = {"kind": kind, "object_key": reminder_object_key(obj), "due_date": due_date, "recipient": recipient}
    try:
        with transaction.atomic():
            reminder, created = Reminder.objects.get_or_create(**key, defaults={"context": context, "url": url})
    except IntegrityError:
        # A concurrent scan inserted the same key first: its row stands and it delivers.
        return Reminder.objects.get(**key), False
    if created:
        from ..tasks import task_deliver_reminder

        enqueue_on_commit(task_deliver_reminder, reminder_id=reminder.pk)
    return reminder, created


def _reminder_render(
    *, reminder: Reminder, language: str, is_copy: bool = False, url: str | None = None
) -> tuple[str, str]:
    context = dict(reminder.context)
    template = str(context.pop("template", f"reminders/{reminder.kind}"))
    context.update(
        recipient_name=reminder.recipient.get_short_name(),
        is_copy=is_copy,
        url=_absolute(reminder.url if url is None else url),
    )
    return notification_render(template=template, context=context, language=language)


def _reminder_copies(*, reminder: Reminder) -> None:
    """In-app copies (no mail) for the people who oversee the work, each in their own language."""
    copy_to = [int(pk) for pk in reminder.context.get("copy_to", []) if int(pk) != reminder.recipient_id]
    url = str(reminder.context.get("copy_url", ""))
    for user in User.objects.filter(pk__in=copy_to, is_active=True).order_by("pk"):
        title, body = _reminder_render(reminder=reminder, language=user.language, is_copy=True, url=url)
        notification_create(
            user=user, kind=reminder.kind, title=title, body=body, url=url, is_copy=True, reminder=reminder
        )


def reminder_deliver(*, reminder_id: int) -> bool:
    """Send one reminder and record it (the task's work). True if this call sent it.

    Deliberately not atomic: the claim must be committed before the mail goes out (module docstring).
    """
    now = timezone.now()
    expired = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_SECONDS)
    claimed = (
        Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        logger.info("reminder %s is sent, being sent, or gone; nothing to do", reminder_id)
        return False
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    recipient = reminder.recipient
    if not recipient.is_active or not recipient.email:
        # A closed account gets no mail; the row is closed too, so that it is not retried for ever.
        Reminder.objects.filter(pk=reminder_id).update(sent_at=timezone.now(), last_error="recipient inactive")
        return False
    try:
        subject, body = _reminder_render(reminder=reminder, language=recipient.language)
        _send(subject=subject, body=body, to=recipient.email)
    except Exception as exc:
        # Release our claim (not a newer one) so the retry, or the next redelivery, can take it at once.
        Reminder.objects.filter(pk=reminder_id, claimed_at=now, sent_at__isnull=True).update(
            claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    with transaction.atomic():
        # Only while the claim is still ours (`claimed_at` is this call's token): the budget keeps the send
        # inside the claim, and were it ever outlived, the second copy is counted, not hidden.
        marked = Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True, claimed_at=now).update(
            sent_at=timezone.now(), last_error=""
        )
        if marked:
            notification_create(
                user=recipient, kind=reminder.kind, title=subject, body=body, url=reminder.url, reminder=reminder
            )
            _reminder_copies(reminder=reminder)
    if not marked:
        Reminder.objects.filter(pk=reminder_id).update(duplicates=F("duplicates") + 1)
        logger.warning("reminder %s was sent although another worker had taken its claim: a duplicate", reminder_id)
    return bool(marked)


def reminders_redeliver_pending() -> int:
    """Enqueue delivery of every unsent reminder nobody is working on, and the task of every other unsent
    mail of the send ledger (participants.services.mail_ledger); returns how many were enqueued."""
    return _reminders_redeliver() + mail_redeliver_pending()


def _reminders_redeliver() -> int:
    from ..tasks import task_deliver_reminder

    ids = list(reminders_due_for_redelivery(now=timezone.now()).values_list("pk", flat=True)[:REDELIVER_BATCH])
    for reminder_id in ids:
        enqueue_on_commit(task_deliver_reminder, reminder_id=reminder_id)
    if ids:
        logger.info("redelivering %s unsent reminders", len(ids))
    return len(ids)
