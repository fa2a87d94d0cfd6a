"""The publish-time mail 「あなたに合いそうな課題」 and its one-click opt-out.

When an event's issue list is published (matching.receivers), `fit_mails_schedule` finds every senior who
may be suggested (consent standing, pledge in force), has not opted out, and has at least one issue of the
event at or above FIT_THRESHOLD, and records one reminder per senior in participants' ledger (kind
FIT_MAIL_KIND, the event, the issue-list date, the senior's user). The ledger's unique key makes it once
per event and senior whatever runs twice; its delivery (participants.services.reminder_deliver) claims the
row before sending, so a retried or duplicated task sends nothing twice. At most MAIL_ISSUES issues, each
with its reasons, built from the published fields only (matching.selectors.fit).

The opt-out link carries a signed token of the senior's id (no login needed, nothing else in it). Opening
it shows one button; the POST (also the RFC 8058 one-click POST a mail client sends) records the opt-out.
A GET never changes anything: mail scanners open links.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from events.enums import EventStatus
from events.models import Event
from participants.models import SeniorProfile
from participants.services import reminder_schedule
from sks.exceptions import DomainError

from ..engine.fit import CATEGORY_EXPERTISE
from ..models import FitMailOptOut
from ..selectors.fit import (
    FIT_THRESHOLD,
    agreement_seniors_in,
    published_issues,
    senior_facts,
    suggestible_seniors,
    suggestions_from_fits,
)

__all__ = [
    "FIT_MAIL_KIND",
    "MAIL_ISSUES",
    "FitOptOutError",
    "fit_mail_candidates",
    "fit_mail_opt_out",
    "fit_mail_opt_out_token",
    "fit_mail_recipients",
    "fit_mails_enqueue",
    "fit_mails_schedule",
]

logger = logging.getLogger(__name__)

FIT_MAIL_KIND = "fit_issue_list"
MAIL_ISSUES = 5
BATCH = 2000
_SALT = "matching.fit-mail-opt-out"


class FitOptOutError(DomainError):
    pass


# --- opt-out -------------------------------------------------------------------------------------------------


def fit_mail_opt_out_token(senior: SeniorProfile) -> str:
    return signing.dumps(senior.pk, salt=_SALT)


def fit_mail_opt_out_senior(*, token: str) -> SeniorProfile:
    """The senior a token names; FitOptOutError for a broken or forged token or a deleted person."""
    try:
        pk = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise FitOptOutError(_("このリンクは正しくありません。メールのリンクをそのままお使いください。")) from None
    senior = SeniorProfile.objects.filter(pk=pk, anonymised_at__isnull=True).first() if isinstance(pk, int) else None
    if senior is None:
        raise FitOptOutError(_("このリンクは正しくありません。メールのリンクをそのままお使いください。"))
    return senior


@transaction.atomic
def fit_mail_opt_out(*, token: str) -> SeniorProfile:
    """Record that the senior of `token` wants no more fit mail (a second call changes nothing)."""
    senior = fit_mail_opt_out_senior(token=token)
    FitMailOptOut.objects.get_or_create(senior=senior)
    return senior


# --- the publish-time mail -----------------------------------------------------------------------------------


def fit_mail_candidates(*, event: Event) -> list[int]:
    """Ids of the seniors who may get the fit mail of `event`: suggestible, not opted out, and with an area
    one of its issues asks for (or a success in one of its categories). One query; the scoring is per batch."""
    facts = published_issues(event=event).facts
    if not facts:
        return []
    areas = set().union(*(f.wanted for f in facts)) | {
        CATEGORY_EXPERTISE[f.category] for f in facts if f.category in CATEGORY_EXPERTISE
    }
    succeeded = agreement_seniors_in({f.category for f in facts})
    with_area = SeniorProfile.expertise.through.objects.filter(expertisearea__code__in=areas)
    return list(
        suggestible_seniors()
        .exclude(pk__in=FitMailOptOut.objects.values("senior_id"))
        .filter(Q(pk__in=with_area.values("seniorprofile_id")) | Q(pk__in=succeeded))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def fit_mail_recipients(
    *, event: Event, senior_ids: Sequence[int] | None = None
) -> Iterator[tuple[SeniorProfile, list[dict[str, object]]]]:
    """Each senior to mail about `event` (of `senior_ids`, default all candidates), with their best issues (at
    most MAIL_ISSUES, at or above the threshold, one per company) as plain values for the mail. Seniors are
    read in batches of BATCH."""
    published = published_issues(event=event)
    ids = list(fit_mail_candidates(event=event) if senior_ids is None else senior_ids)
    for start in range(0, len(ids), BATCH):
        found = []
        for senior in senior_facts(ids[start : start + BATCH]):
            fits = published.index.fits(senior, threshold=FIT_THRESHOLD, related_only=True, limit=MAIL_ISSUES)
            if fits:
                found.append((senior.key, fits))
        # Profiles (with their users, for the mail) only of the recipients.
        profiles = SeniorProfile.objects.select_related("user").in_bulk([pk for pk, _fits in found])
        for pk, fits in found:
            issues: list[dict[str, object]] = [
                {"label": s.label, "title": s.title, "category": s.category, "reasons": s.reasons}
                for s in suggestions_from_fits(published, fits)
            ]
            yield profiles[pk], issues


def fit_mails_enqueue(*, event_id: int) -> int:
    """Split the event's fit mail into batches of BATCH seniors, one Celery task each, so that any number of
    workers share the scoring. Returns the
    number of batches."""
    from sks.tasks import enqueue_on_commit

    from ..tasks import task_send_fit_mails_batch

    event = Event.objects.filter(pk=event_id, status=EventStatus.PUBLISHED).first()
    if event is None:
        logger.info("event %s is gone or not publishing its issue list; no fit mail", event_id)
        return 0
    ids = fit_mail_candidates(event=event)
    batches = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
    for batch in batches:
        enqueue_on_commit(task_send_fit_mails_batch, event_id=event.pk, senior_ids=batch)
    return len(batches)


def fit_mails_schedule(*, event_id: int, senior_ids: Sequence[int] | None = None) -> int:
    """Record (and so send, once) the fit mail of every recipient of the event's issue list (among
    `senior_ids`, default all); returns how many were newly recorded. Only for an event whose issue list is
    published."""
    event = Event.objects.filter(pk=event_id, status=EventStatus.PUBLISHED).first()
    if event is None:
        logger.info("event %s is gone or not publishing its issue list; no fit mail", event_id)
        return 0
    url = reverse("matching:fit_senior_event", args=[event.pk])
    created = 0
    for profile, issues in fit_mail_recipients(event=event, senior_ids=senior_ids):
        _reminder, new = reminder_schedule(
            kind=FIT_MAIL_KIND,
            obj=event,
            due_date=event.issue_list_date,
            recipient=profile.user,
            context={
                "template": "fit/issue_list",
                "event_title": event.title,
                "event_date": event.date.isoformat(),
                "application_deadline": event.application_deadline.isoformat(),
                "issues": issues,
                "opt_out_url": settings.SITE_URL
                + reverse("matching:fit_mail_opt_out", args=[fit_mail_opt_out_token(profile)]),
            },
            url=url,
        )
        created += new
    return created
