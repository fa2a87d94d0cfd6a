"""The post-event survey: one answer per participant and event, changeable until the follow-up closes.

The invitations are sent by the daily follow-up scan (matching.services.followup_reminders, kind
`followup_survey_invite`); who is a participant is matching.selectors.survey's.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from events.models import Event
from participants.models import User
from sks.audit import audit
from sks.exceptions import DomainError

from ..models import SurveyResponse
from ..selectors.survey import SATISFACTION_VALUES, SURVEY_OPEN_STATUSES, survey_role_for

__all__ = ["COMMENT_MAX_LENGTH", "SurveyError", "survey_response_submit"]

COMMENT_MAX_LENGTH = 2000


class SurveyError(DomainError):
    """The answer cannot be taken as given (not a participant, closed, or out of range)."""


@transaction.atomic
def survey_response_submit(*, event: Event, user: User, satisfaction: int, comment: str = "") -> SurveyResponse:
    """Record `user`'s answer to `event`'s survey, or change the one they gave; the role is derived."""
    role = survey_role_for(event=event, user=user)
    if role is None:
        raise SurveyError(_("この交流会のアンケートには、参加した方だけが回答できます。"))
    current_status = Event.objects.filter(pk=event.pk).values_list("status", flat=True).first()
    if current_status not in SURVEY_OPEN_STATUSES:
        raise SurveyError(_("この交流会のアンケートは締め切りました。"))
    if satisfaction not in SATISFACTION_VALUES:
        raise SurveyError(_("満足度を1〜5から選んでください。"))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise SurveyError(_("ご意見・ご感想は%(max)s文字以内でお願いします。") % {"max": COMMENT_MAX_LENGTH})
    values = {"role": role, "satisfaction": satisfaction, "comment": comment}
    response = SurveyResponse.objects.select_for_update().filter(event=event, user=user).first()
    if response is None:
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(event=event, user=user, **values)
        except IntegrityError:
            # The same person submitted twice at once (two tabs): the first answer stands, this one updates it.
            response = SurveyResponse.objects.select_for_update().get(event=event, user=user)
        else:
            audit(obj=response, action="survey.submitted", user=user, data={"satisfaction": satisfaction})
            return response
    changed = [name for name, value in values.items() if getattr(response, name) != value]
    if changed:
        for name in changed:
            setattr(response, name, values[name])
        response.save(update_fields=changed)
        audit(
            obj=response,
            action="survey.changed",
            user=user,
            data={"satisfaction": satisfaction, "fields": changed},
        )
    return response
