"""Writes of enrolments and hearing sheets (事前ヒアリング), each status change in exactly one function.

The sheet's lifecycle:

    draft ──submit──▶ submitted ──approve (company login) / record_approval (staff)──▶ approved
      ▲                   │
      └──edit── returned ◀┘ return (company, or staff recording the company's request)

Callers authorise first (events.access); the functions here re-read the row under a lock with
the `unscoped` manager, because the same functions serve bank staff, coordinators and company contacts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.access import is_active_contact_of
from participants.models import Company, ExpertiseArea, Notification, User
from participants.selectors import is_active_staff_of
from participants.services.notifications import notification_create
from sks.audit import audit
from sks.tasks import enqueue_on_commit

from ..access import (
    coordinator_org_ids,
    enrolment_exists,
    enrolment_for_update,
    hearing_issues_of_sheet,
    hearing_sheet_for_update,
)
from ..enums import ApprovalMethod, EventStatus, HearingStatus, IssueCategory, PaymentCapacity, SupportForm
from ..exceptions import HearingError
from ..models import Event, EventCompany, EventHost, HearingIssue, HearingSheet
from ..selectors.hearings import HEARING_EDITABLE_STATUSES, company_contact_users, enrolment_closed_reason
from ..signals import hearing_issues_replaced

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: annotations only

__all__ = [
    "MAX_HEARING_ISSUES",
    "STAFF_APPROVAL_METHODS",
    "EnrolmentError",
    "HearingIssueInput",
    "enrolment_create",
    "enrolment_update",
    "hearing_sheet_approve",
    "hearing_sheet_record_approval",
    "hearing_sheet_return",
    "hearing_sheet_submit",
    "hearing_sheet_update",
    "hearing_summary_update",
]

MAX_HEARING_ISSUES = 10
MAX_MIN_INTERVIEWS = 30
# How staff may have confirmed the company's approval; a login approval is the company's own.
STAFF_APPROVAL_METHODS: tuple[str, ...] = tuple(m for m in ApprovalMethod.values if m != ApprovalMethod.COMPANY_LOGIN)
# The attending staff and the floor may change until the event has been held.
_ENROLMENT_EDITABLE_UNTIL = frozenset({EventStatus.HELD, EventStatus.FOLLOW_UP, EventStatus.CLOSED})


class EnrolmentError(HearingError):
    """An enrolment that breaks the rules; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class HearingIssueInput:
    category: str
    description: str
    expertise: list[ExpertiseArea] = field(default_factory=list)
    expertise_note: str = ""


# --- enrolment --------------------------------------------------------------------------------------------


def _check_floor(min_interviews: int | None) -> None:
    if min_interviews is not None and not 0 <= min_interviews <= MAX_MIN_INTERVIEWS:
        raise EnrolmentError(
            _("最低面談数は0〜%(max)s回の範囲で入力してください。") % {"max": MAX_MIN_INTERVIEWS}, "min_interviews"
        )


def _check_rounds(event: Event, arrival_slot: int | None, leaving_slot: int | None) -> None:
    for value, name in ((arrival_slot, "arrival_slot"), (leaving_slot, "leaving_slot")):
        if value is not None and not 0 <= value < event.rounds:
            raise EnrolmentError(_("参加開始・終了は、この交流会の面談の回から選んでください。"), name)
    if arrival_slot is not None and leaving_slot is not None and leaving_slot < arrival_slot:
        raise EnrolmentError(_("参加終了は、参加開始より後の回を選んでください。"), "leaving_slot")


@transaction.atomic
def enrolment_create(
    *,
    event: Event,
    company: Company,
    attending_staff: User,
    by: User,
    min_interviews: int | None = None,
    arrival_slot: int | None = None,
    leaving_slot: int | None = None,
    today: dt.date | None = None,
) -> EventCompany:
    """Enrol one of the user's own clients in an event their institution hosts, with an empty hearing sheet."""
    # Locked so that a status change of the event cannot slip between the check and the insert.
    event = Event.objects.select_for_update().get(pk=event.pk)
    reason = enrolment_closed_reason(event=event, today=today)
    if reason is not None:
        raise EnrolmentError(reason)
    if company.institution_id not in by.institution_ids:
        raise EnrolmentError(_("登録できるのは自機関の取引先企業だけです。"), "company")
    if not EventHost.objects.filter(event=event, institution_id=company.institution_id).exists():
        raise EnrolmentError(_("この企業の金融機関は、この交流会の主催ではありません。"), "company")
    if not is_active_staff_of(attending_staff, company.institution_id):
        raise EnrolmentError(_("同席する職員は、この企業の金融機関の職員から選んでください。"), "attending_staff")
    _check_floor(min_interviews)
    _check_rounds(event, arrival_slot, leaving_slot)
    duplicate_error = EnrolmentError(
        _("「%(name)s」はすでにこの交流会に登録されています。") % {"name": company.name}, "company"
    )
    if enrolment_exists(event=event, company=company):
        raise duplicate_error
    try:
        with transaction.atomic():  # a concurrent enrolment of the same company hits the unique constraint
            # The scoped manager's create() needs no scope (django-scopes guards reads only).
            enrolment = EventCompany.objects.create(
                event=event,
                company=company,
                institution_id=company.institution_id,
                attending_staff=attending_staff,
                enrolled_by=by,
                min_interviews=min_interviews,
                arrival_slot=arrival_slot,
                leaving_slot=leaving_slot,
            )
    except IntegrityError:
        raise duplicate_error from None
    HearingSheet.objects.create(enrolment=enrolment)
    audit(obj=enrolment, action="enrolment.created", user=by, data={"event_id": event.pk, "company_id": company.pk})
    return enrolment


@transaction.atomic
def enrolment_update(
    *,
    enrolment: EventCompany,
    by: User,
    attending_staff: User,
    min_interviews: int | None,
    arrival_slot: int | None = None,
    leaving_slot: int | None = None,
) -> EventCompany:
    """Change who attends for the bank, the company's floor of interviews and the rounds its table is staffed."""
    enrolment = enrolment_for_update(pk=enrolment.pk)
    if enrolment.event.status in _ENROLMENT_EDITABLE_UNTIL:
        raise EnrolmentError(_("開催後の交流会の登録内容は変更できません。"))
    if not is_active_staff_of(attending_staff, enrolment.institution_id):
        raise EnrolmentError(_("同席する職員は、この企業の金融機関の職員から選んでください。"), "attending_staff")
    _check_floor(min_interviews)
    _check_rounds(enrolment.event, arrival_slot, leaving_slot)
    fields = ("attending_staff_id", "min_interviews", "arrival_slot", "leaving_slot")
    before = {f: getattr(enrolment, f) for f in fields}
    enrolment.attending_staff = attending_staff
    enrolment.min_interviews = min_interviews
    enrolment.arrival_slot = arrival_slot
    enrolment.leaving_slot = leaving_slot
    enrolment.save(update_fields=["attending_staff", "min_interviews", "arrival_slot", "leaving_slot", "updated_at"])
    after = {f: getattr(enrolment, f) for f in fields}
    if before != after:
        audit(obj=enrolment, action="enrolment.updated", user=by, data={"before": before, "after": after})
    return enrolment


# --- the hearing sheet ------------------------------------------------------------------------------------


def _locked_sheet(sheet_or_enrolment: HearingSheet | EventCompany) -> HearingSheet:
    """The sheet re-read under a row lock (the caller has authorised it), created empty if missing."""
    if isinstance(sheet_or_enrolment, EventCompany):
        enrolment_id = sheet_or_enrolment.pk
    else:
        enrolment_id = sheet_or_enrolment.enrolment_id
    return hearing_sheet_for_update(enrolment_id=enrolment_id)


def _issue_count(sheet: HearingSheet) -> int:
    return hearing_issues_of_sheet(sheet=sheet).count()


@transaction.atomic
def hearing_sheet_update(
    *,
    enrolment: EventCompany,
    by: User,
    support_form: str,
    payment_capacity: str,
    payment_note: str = "",
    interviewer: User | None = None,
    interviewed_on: dt.date | None = None,
    internal_notes: str = "",
    issues: list[HearingIssueInput],
) -> HearingSheet:
    """Save the bank's draft of the sheet and replace its issues (in the order given)."""
    sheet = _locked_sheet(enrolment)
    if sheet.status not in HEARING_EDITABLE_STATUSES:
        raise HearingError(
            _("「%(status)s」のヒアリングシートは編集できません。") % {"status": sheet.get_status_display()}
        )
    if support_form and support_form not in SupportForm.values:
        raise HearingError(_("希望する支援の形を一覧から選んでください。"))
    if payment_capacity and payment_capacity not in PaymentCapacity.values:
        raise HearingError(_("支払える謝金の目安を一覧から選んでください。"))
    if interviewer is not None and not is_active_staff_of(interviewer, sheet.enrolment.institution_id):
        raise HearingError(_("ヒアリング担当者は、この企業の金融機関の職員から選んでください。"))
    if len(issues) > MAX_HEARING_ISSUES:
        raise HearingError(_("経営課題は%(max)s件まで登録できます。") % {"max": MAX_HEARING_ISSUES})
    for issue in issues:
        if issue.category not in IssueCategory.values:
            raise HearingError(_("課題の分類を一覧から選んでください。"))
        if not issue.description.strip():
            raise HearingError(_("課題の内容を入力してください。"))

    sheet.support_form = support_form
    sheet.payment_capacity = payment_capacity
    sheet.payment_note = payment_note
    sheet.interviewer = interviewer
    sheet.interviewed_on = interviewed_on
    sheet.internal_notes = internal_notes
    sheet.save(
        update_fields=[
            "support_form",
            "payment_capacity",
            "payment_note",
            "interviewer",
            "interviewed_on",
            "internal_notes",
            "updated_at",
        ]
    )
    hearing_issues_of_sheet(sheet=sheet).delete()
    for position, issue in enumerate(issues):
        row = HearingIssue.objects.create(
            sheet=sheet,
            category=issue.category,
            description=issue.description.strip(),
            expertise_note=issue.expertise_note.strip(),
            position=position,
        )
        if issue.expertise:
            row.expertise.set(issue.expertise)
    hearing_issues_replaced.send(sender=HearingSheet, enrolment=sheet.enrolment, by=by)
    audit(obj=sheet, action="hearing.updated", user=by, data={"issues": len(issues)})
    return sheet


@transaction.atomic
def hearing_sheet_submit(*, sheet: HearingSheet, by: User) -> HearingSheet:
    """The bank hands the sheet to the company for approval; its active contacts are told."""
    sheet = _locked_sheet(sheet)
    if sheet.status not in HEARING_EDITABLE_STATUSES:
        raise HearingError(
            _("「%(status)s」のヒアリングシートは提出できません。") % {"status": sheet.get_status_display()}
        )
    if _issue_count(sheet) == 0:
        raise HearingError(_("経営課題を1件以上入力してから提出してください。"))
    if not sheet.support_form:
        raise HearingError(_("希望する支援の形を選んでから提出してください。"))
    sheet.status = HearingStatus.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.submitted_by = by
    sheet.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit(obj=sheet, action="hearing.submitted", user=by)
    _notify(
        recipients=company_contact_users(company=sheet.enrolment.company),
        kind="hearing_submitted",
        url=reverse("events:company_hearing", args=[sheet.enrolment_id]),
        sheet=sheet,
    )
    return sheet


def _staff_recipients(sheet: HearingSheet) -> list[User]:
    people = [sheet.enrolment.attending_staff]
    if sheet.submitted_by_id and sheet.submitted_by_id != sheet.enrolment.attending_staff_id:
        people.append(sheet.submitted_by)  # type: ignore[arg-type]  # the id is set, so the row is
    return [p for p in people if p is not None and p.is_active]


def _check_contact(sheet: HearingSheet, by: User) -> None:
    if not is_active_contact_of(user=by, company_id=sheet.enrolment.company_id):
        raise HearingError(_("この企業の担当者として登録されていないため、操作できません。"))


def _check_submitted(sheet: HearingSheet) -> None:
    if sheet.status != HearingStatus.SUBMITTED:
        raise HearingError(
            _("このヒアリングシートは「%(status)s」のため、承認も差し戻しもできません。")
            % {"status": sheet.get_status_display()}
        )


def _approve(
    sheet: HearingSheet, *, by: User, method: str, approved_at: dt.datetime, note: str, name_disclosure_agreed: bool
) -> HearingSheet:
    sheet.status = HearingStatus.APPROVED
    sheet.approved_at = approved_at
    sheet.approval_method = method
    sheet.approved_by = by
    sheet.approval_note = note
    sheet.name_disclosure_agreed = name_disclosure_agreed
    # Without the company's agreement its name is never shown, whatever was chosen before.
    sheet.show_name = sheet.show_name and name_disclosure_agreed
    sheet.save(
        update_fields=[
            "status",
            "approved_at",
            "approval_method",
            "approved_by",
            "approval_note",
            "name_disclosure_agreed",
            "show_name",
            "updated_at",
        ]
    )
    audit(
        obj=sheet,
        action="hearing.approved",
        user=by,
        data={"method": method, "name_disclosure_agreed": name_disclosure_agreed},
    )
    return sheet


@transaction.atomic
def hearing_sheet_approve(*, sheet: HearingSheet, by: User, name_disclosure_agreed: bool) -> HearingSheet:
    """The company approves the sheet through its own login (a CompanyContact); the bank is told."""
    sheet = _locked_sheet(sheet)
    _check_contact(sheet, by)
    _check_submitted(sheet)
    _approve(
        sheet,
        by=by,
        method=ApprovalMethod.COMPANY_LOGIN,
        approved_at=timezone.now(),
        note="",
        name_disclosure_agreed=name_disclosure_agreed,
    )
    _notify(
        recipients=_staff_recipients(sheet),
        kind="hearing_approved",
        url=reverse("events:hearing_detail", args=[sheet.enrolment_id]),
        sheet=sheet,
    )
    return sheet


@transaction.atomic
def hearing_sheet_record_approval(
    *,
    sheet: HearingSheet,
    by: User,
    approved_on: dt.date,
    method: str,
    name_disclosure_agreed: bool,
    note: str = "",
    today: dt.date | None = None,
) -> HearingSheet:
    """Bank staff record that the company approved the sheet (by visit, phone, email or on paper)."""
    sheet = _locked_sheet(sheet)
    if not is_active_staff_of(by, sheet.enrolment.institution_id):
        raise HearingError(_("この企業の金融機関の職員だけが承認を記録できます。"))
    _check_submitted(sheet)
    if method not in STAFF_APPROVAL_METHODS:
        raise HearingError(_("承認を確認した方法を一覧から選んでください。"))
    today = today or timezone.localdate()
    if approved_on > today:
        raise HearingError(_("承認を受けた日に未来の日付は入力できません。"))
    if approved_on == today:
        approved_at = timezone.now()
    else:
        approved_at = timezone.make_aware(dt.datetime.combine(approved_on, dt.time()))
    return _approve(
        sheet,
        by=by,
        method=method,
        approved_at=approved_at,
        note=note.strip(),
        name_disclosure_agreed=name_disclosure_agreed,
    )


@transaction.atomic
def hearing_sheet_return(*, sheet: HearingSheet, by: User, comment: str) -> HearingSheet:
    """The company sends the sheet back with what to change (or staff record the company's request)."""
    sheet = _locked_sheet(sheet)
    on_behalf = is_active_staff_of(by, sheet.enrolment.institution_id)
    if not on_behalf:
        _check_contact(sheet, by)
    _check_submitted(sheet)
    comment = comment.strip()
    if not comment:
        raise HearingError(_("直してほしい点をコメントに書いてください。"))
    sheet.status = HearingStatus.RETURNED
    sheet.returned_at = timezone.now()
    sheet.return_comment = comment
    sheet.save(update_fields=["status", "returned_at", "return_comment", "updated_at"])
    audit(obj=sheet, action="hearing.returned", user=by, data={"on_behalf": on_behalf})
    if not on_behalf:
        _notify(
            recipients=_staff_recipients(sheet),
            kind="hearing_returned",
            url=reverse("events:hearing_edit", args=[sheet.enrolment_id]),
            sheet=sheet,
        )
    return sheet


@transaction.atomic
def hearing_summary_update(
    *, sheet: HearingSheet, by: User, public_title: str, public_summary: str, show_name: bool
) -> HearingSheet:
    """The coordinator's anonymised summary: all a senior sees of the company before selection."""
    sheet = _locked_sheet(sheet)
    if sheet.enrolment.event.coordinator_id not in coordinator_org_ids(by):
        raise HearingError(_("この交流会のコーディネーターだけが概要を編集できます。"))
    if sheet.status != HearingStatus.APPROVED:
        raise HearingError(_("企業の承認が済んでから、公開用の概要を書けます。"))
    if show_name and not sheet.name_disclosure_agreed:
        raise HearingError(_("企業が企業名の公開に同意していないため、企業名は表示できません。"))
    sheet.public_title = public_title.strip()
    sheet.public_summary = public_summary.strip()
    sheet.show_name = show_name
    sheet.summary_updated_at = timezone.now()
    sheet.summary_updated_by = by
    sheet.save(
        update_fields=[
            "public_title",
            "public_summary",
            "show_name",
            "summary_updated_at",
            "summary_updated_by",
            "updated_at",
        ]
    )
    audit(obj=sheet, action="hearing.summary_updated", user=by, data={"show_name": show_name})
    return sheet


# --- notifications ----------------------------------------------------------------------------------------

_SUBJECTS: dict[str, StrOrPromise] = {
    "hearing_submitted": gettext_lazy("事前ヒアリングシートの確認をお願いします"),
    "hearing_approved": gettext_lazy("企業が事前ヒアリングシートを承認しました"),
    "hearing_returned": gettext_lazy("企業が事前ヒアリングシートを差し戻しました"),
}


def _notify(*, recipients: Iterable[User], kind: str, url: str, sheet: HearingSheet) -> list[Notification]:
    """An in-app notification per recipient, written in their language, each also mailed after commit."""
    from participants.tasks import task_send_notification_email

    enrolment = sheet.enrolment
    created = []
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        context: dict[str, Any] = {
            "user": user,
            "event": enrolment.event,
            "company": enrolment.company,
            "sheet": sheet,
            "url": settings.SITE_URL + url,
        }
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title = str(_SUBJECTS[kind])
            body = render_to_string(f"events/emails/{kind}.txt", context).strip() + "\n"
        notification = notification_create(user=user, kind=kind, title=title, body=body, url=url)
        enqueue_on_commit(task_send_notification_email, notification_id=notification.pk)
        created.append(notification)
    return created
