"""Writes of the mutual selection: a senior's application and its choices, the company's decision on each
choice, and the company's invitations to seniors who did not apply.

Status changes, one service each (STYLE.md rule 2): an application goes draft → submitted
(`senior_application_submit`), draft or submitted → withdrawn (`senior_application_withdraw`) and
withdrawn → draft (`senior_application_reopen`, which saving a withdrawn application calls); a choice's
decision changes only in `application_choice_decide`.

The pledge gate is checked here as well as in the views (fail closed): nothing a senior saves or submits
is accepted without the confidentiality pledge in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participants.models import Notification, SeniorProfile, User
from participants.selectors import senior_current_pledge_acceptance, senior_has_current_pledge
from participants.services import notification_create
from sks.audit import audit
from sks.tasks import enqueue_on_commit

from ..access import hearing_sheets_of_enrolment
from ..enums import ApplicationStatus, ChoiceDecision, EventStatus
from ..exceptions import SelectionError
from ..models import ApplicationChoice, Event, EventCompany, SeniorApplication, SeniorInvitation
from ..selectors.selection import (
    application_window_open,
    issue_entries_for_senior,
    live_choices,
    selection_window_open,
)

__all__ = [
    "INVITATION_NOTIFICATION_KIND",
    "PROPOSAL_MAX_LENGTH",
    "AttendanceWindow",
    "ChoiceInput",
    "application_choice_decide",
    "application_window_check",
    "senior_application_reopen",
    "senior_application_save",
    "senior_application_submit",
    "senior_application_withdraw",
    "senior_invitation_create",
    "senior_invitation_notify",
    "senior_invitation_withdraw",
]

PROPOSAL_MAX_LENGTH = 1000
INVITATION_NOTIFICATION_KIND = "events.selection_invitation"


@dataclass(frozen=True)
class ChoiceInput:
    enrolment_id: int
    proposal: str


@dataclass(frozen=True)
class AttendanceWindow:
    """When a participant can be there (0-based rounds, inclusive; None = from the first / to the last) and,
    for a senior, how many interviews they want at most (None = no limit). Fed into the timetable."""

    arrival_slot: int | None = None
    leaving_slot: int | None = None
    max_meetings: int | None = None


def attendance_check(*, event: Event, attendance: AttendanceWindow) -> None:
    """Raise SelectionError when the rounds are outside the event's grid or the departure precedes the arrival."""
    rounds = event.rounds
    for value in (attendance.arrival_slot, attendance.leaving_slot):
        if value is not None and not 0 <= value < rounds:
            raise SelectionError(_("到着・退出の回は、この交流会の面談の回から選んでください。"))
    if attendance.max_meetings is not None and not 1 <= attendance.max_meetings <= rounds:
        raise SelectionError(_("面談数の上限は1から%(rounds)dまでで選んでください。") % {"rounds": rounds})
    arrival, leaving = attendance.arrival_slot, attendance.leaving_slot
    if arrival is not None and leaving is not None and leaving < arrival:
        raise SelectionError(_("退出は、到着より後の回を選んでください。"))


# --- checks shared by the senior's services -------------------------------------------------------


def _check_pledge(senior: SeniorProfile) -> None:
    if not senior_has_current_pledge(senior):
        raise SelectionError(_("応募の前に、最新の守秘義務の誓約に同意してください。"))


def application_window_check(*, event: Event) -> None:
    """Raise SelectionError with the reason when the senior may not change their application now."""
    if event.status != EventStatus.PUBLISHED:
        raise SelectionError(_("この交流会は、現在応募を受け付けていません。"))
    if not application_window_open(event):
        raise SelectionError(
            _("応募の締切（%(date)s）を過ぎたため、変更できません。")
            % {"date": date_format(event.application_deadline, "DATE_FORMAT")}
        )


def _check_choices(event: Event, choices: Sequence[ChoiceInput]) -> None:
    if len(choices) > event.max_choices_per_senior:
        raise SelectionError(
            _("選べる企業は%(max)d社までです（%(count)d社選ばれています）。")
            % {"max": event.max_choices_per_senior, "count": len(choices)}
        )
    ids = [c.enrolment_id for c in choices]
    if len(set(ids)) != len(ids):
        raise SelectionError(_("同じ企業を2回選ぶことはできません。"))
    published = {entry.enrolment_id for entry in issue_entries_for_senior(event=event)}
    if not set(ids) <= published:
        raise SelectionError(_("課題一覧に載っていない企業は選べません。"))
    for choice in choices:
        proposal = choice.proposal.strip()
        if not proposal:
            raise SelectionError(_("選んだ企業ごとに、提案を入力してください。"))
        if len(proposal) > PROPOSAL_MAX_LENGTH:
            raise SelectionError(_("提案は%(max)d文字以内で入力してください。") % {"max": PROPOSAL_MAX_LENGTH})


def _locked(application: SeniorApplication) -> SeniorApplication:
    return SeniorApplication.objects.select_for_update().select_related("event", "senior").get(pk=application.pk)


# --- the senior's application ---------------------------------------------------------------------


@transaction.atomic
def senior_application_save(
    *,
    event: Event,
    senior: SeniorProfile,
    choices: Sequence[ChoiceInput],
    by: User,
    attendance: AttendanceWindow | None = None,
) -> SeniorApplication:
    """Create or update the senior's application with exactly `choices`, in this order.

    A new application is a draft that records the pledge acceptance in force; a submitted one stays
    submitted (its choices change); a withdrawn one becomes a draft again. The company's decision on a
    company the senior keeps is kept; a company dropped loses its choice.
    """
    _check_pledge(senior)
    application_window_check(event=event)
    _check_choices(event, choices)
    if attendance is not None:
        attendance_check(event=event, attendance=attendance)
    application, created = SeniorApplication.objects.select_for_update().get_or_create(
        event=event, senior=senior, defaults={"pledge": senior_current_pledge_acceptance(senior)}
    )
    if application.status == ApplicationStatus.WITHDRAWN:
        application = senior_application_reopen(application=application, by=by)
    if application.pledge_id is None:
        application.pledge = senior_current_pledge_acceptance(senior)
        application.save(update_fields=["pledge", "updated_at"])

    existing = {c.enrolment_id: c for c in application.choices.all()}
    wanted = {c.enrolment_id for c in choices}
    application.choices.exclude(enrolment_id__in=wanted).delete()
    for position, choice in enumerate(choices):
        proposal = choice.proposal.strip()
        current = existing.get(choice.enrolment_id)
        if current is None:
            ApplicationChoice.objects.create(
                application=application, enrolment_id=choice.enrolment_id, proposal=proposal, position=position
            )
        elif current.proposal != proposal or current.position != position:
            current.proposal = proposal
            current.position = position
            current.save(update_fields=["proposal", "position", "updated_at"])
    fields = ["updated_at"]
    if attendance is not None:
        application.arrival_slot = attendance.arrival_slot
        application.leaving_slot = attendance.leaving_slot
        application.max_meetings = attendance.max_meetings
        fields += ["arrival_slot", "leaving_slot", "max_meetings"]
    application.save(update_fields=fields)
    audit(
        obj=application,
        action="application.created" if created else "application.saved",
        user=by,
        data={
            "enrolments": [c.enrolment_id for c in choices],
            **(
                {
                    "arrival_slot": attendance.arrival_slot,
                    "leaving_slot": attendance.leaving_slot,
                    "max_meetings": attendance.max_meetings,
                }
                if attendance is not None
                else {}
            ),
        },
    )
    return application


@transaction.atomic
def senior_application_submit(*, application: SeniorApplication, by: User) -> SeniorApplication:
    application = _locked(application)
    _check_pledge(application.senior)
    application_window_check(event=application.event)
    if application.status == ApplicationStatus.SUBMITTED:
        raise SelectionError(_("この交流会には、すでに応募済みです。"))
    if application.status != ApplicationStatus.DRAFT:
        raise SelectionError(_("辞退した応募は、企業を選び直して保存してから応募してください。"))
    if not application.choices.exists():
        raise SelectionError(_("応募するには、企業を1社以上選んで提案を入力してください。"))
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.withdrawn_at = None
    application.save(update_fields=["status", "submitted_at", "withdrawn_at", "updated_at"])
    audit(obj=application, action="application.submitted", user=by)
    return application


@transaction.atomic
def senior_application_withdraw(*, application: SeniorApplication, by: User) -> SeniorApplication:
    """Withdraw from the event: the choices no longer count anywhere. Possible until the deadline."""
    application = _locked(application)
    _check_pledge(application.senior)
    application_window_check(event=application.event)
    if application.status == ApplicationStatus.WITHDRAWN:
        raise SelectionError(_("この応募は、すでに辞退しています。"))
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit(obj=application, action="application.withdrawn", user=by)
    return application


@transaction.atomic
def senior_application_reopen(*, application: SeniorApplication, by: User) -> SeniorApplication:
    """A withdrawn application becomes a draft again (the senior applies anew)."""
    application = _locked(application)
    _check_pledge(application.senior)
    application_window_check(event=application.event)
    if application.status != ApplicationStatus.WITHDRAWN:
        raise SelectionError(_("辞退していない応募は、やり直す必要がありません。"))
    application.status = ApplicationStatus.DRAFT
    application.submitted_at = None
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(obj=application, action="application.reopened", user=by)
    return application


# --- the company's side (bank staff) --------------------------------------------------------------


def _check_selection_window(event: Event) -> None:
    if not selection_window_open(event):
        raise SelectionError(_("選考の期間ではないため、変更できません。"))


@transaction.atomic
def application_choice_decide(*, choice: ApplicationChoice, decision: str, by: User) -> ApplicationChoice:
    """The company accepts or declines an applicant; it may change its mind until the selection deadline."""
    if decision not in (ChoiceDecision.ACCEPTED, ChoiceDecision.DECLINED):
        raise SelectionError(_("「面談を希望」か「見送り」を選んでください。"))
    choice = (
        ApplicationChoice.objects.select_for_update()
        .select_related("application", "enrolment__event")
        .get(pk=choice.pk)
    )
    _check_selection_window(choice.enrolment.event)
    if choice.application.status != ApplicationStatus.SUBMITTED:
        raise SelectionError(_("この新現役は応募を取り下げました。"))
    if choice.decision == decision:
        return choice
    previous = choice.decision
    choice.decision = decision
    choice.decided_at = timezone.now()
    choice.decided_by = by
    choice.save(update_fields=["decision", "decided_at", "decided_by", "updated_at"])
    audit(
        obj=choice.application,
        action="choice.decided",
        user=by,
        data={"choice": choice.pk, "from": previous, "to": decision},
    )
    return choice


@transaction.atomic
def senior_invitation_create(
    *, enrolment: EventCompany, senior: SeniorProfile, message: str, by: User
) -> SeniorInvitation:
    """Invite a senior who did not apply to this company; the senior is told by email and in the app.

    The caller has fetched `senior` among the profiles visible to institutions (standing consent).
    """
    event = enrolment.event
    _check_selection_window(event)
    if senior.anonymised_at is not None:
        raise SelectionError(_("この新現役は招待できません。"))
    # Only the authorised enrolment's own sheet is read, for publication.
    sheet = hearing_sheets_of_enrolment(enrolment=enrolment).first()
    if sheet is None or not sheet.is_publishable:
        raise SelectionError(_("課題一覧に載っていない企業からは招待できません。"))
    if live_choices().filter(enrolment=enrolment, application__senior=senior).exists():
        raise SelectionError(_("この新現役はすでにこの企業に応募しています。応募者の一覧から回答してください。"))
    message = message.strip()
    if len(message) > PROPOSAL_MAX_LENGTH:
        raise SelectionError(_("メッセージは%(max)d文字以内で入力してください。") % {"max": PROPOSAL_MAX_LENGTH})
    invitation = SeniorInvitation.objects.select_for_update().filter(enrolment=enrolment, senior=senior).first()
    if invitation is not None and invitation.withdrawn_at is None:
        raise SelectionError(_("この新現役はすでに招待しています。"))
    if invitation is None:
        invitation = SeniorInvitation.objects.create(enrolment=enrolment, senior=senior, message=message, invited_by=by)
    else:
        # Invited again after a withdrawal: the same row, as a new invitation.
        invitation.message = message
        invitation.invited_by = by
        invitation.withdrawn_at = None
        invitation.created_at = timezone.now()
        invitation.save(update_fields=["message", "invited_by", "withdrawn_at", "created_at"])
    audit(obj=invitation, action="invitation.sent", user=by, data={"enrolment": enrolment.pk, "senior": senior.pk})
    from ..tasks import task_send_selection_invitation

    enqueue_on_commit(task_send_selection_invitation, invitation_id=invitation.pk)
    return invitation


@transaction.atomic
def senior_invitation_withdraw(*, invitation: SeniorInvitation, by: User) -> SeniorInvitation:
    invitation = SeniorInvitation.objects.select_for_update().select_related("enrolment__event").get(pk=invitation.pk)
    if invitation.withdrawn_at is not None:
        raise SelectionError(_("この招待は、すでに取り消されています。"))
    _check_selection_window(invitation.enrolment.event)
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    audit(obj=invitation, action="invitation.withdrawn", user=by)
    return invitation


def senior_invitation_notify(*, invitation: SeniorInvitation) -> bool:
    """Tell the senior about the invitation by email and in the app, once (a retried task sends nothing twice).

    Neither says which company invited them: that is issue-list content, shown only behind the pledge gate.
    The in-app notification is written after the mail went out, and its presence marks the invitation as
    told, so an SMTP error (retried by the task) neither loses nor doubles either.
    """
    if invitation.withdrawn_at is not None or invitation.senior.anonymised_at is not None:
        return False
    user = invitation.senior.user
    event = invitation.enrolment.event
    url = reverse("events:senior_application", args=[event.pk])
    already = Notification.objects.filter(
        user=user, kind=INVITATION_NOTIFICATION_KIND, url=url, created_at__gte=invitation.created_at
    )
    if already.exists():
        return False
    context: dict[str, Any] = {"event": event, "user": user, "url": settings.SITE_URL + url}
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("events/emails/selection_invitation_subject.txt", context).strip()
        body = render_to_string("events/emails/selection_invitation.txt", context)
        send_mail(
            subject=settings.EMAIL_SUBJECT_PREFIX + subject,
            message=body,
            from_email=None,
            recipient_list=[user.email],
        )
        notification_create(user=user, kind=INVITATION_NOTIFICATION_KIND, title=subject[:200], body=body, url=url)
    return True
