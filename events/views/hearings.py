"""Enrolment and the pre-hearing (事前ヒアリング): bank staff, company contacts and coordinators.

* bank staff and institution admins of a host institution: their events, their own institution's
  enrolments (never another bank's, even in a joint event), the hearing sheet, recording the company's
  approval;
* a company contact (the company's own login): its enrolments, reading the sheet (without the bank's
  internal notes), approving it or sending it back;
* the event's coordinator: every host's sheets (without internal notes) and the anonymised summaries;
* the printable issue list (課題一覧): the coordinator, and the hosts' staff.

Everything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sks.access import role_required, signed_in_user
from sks.audit import audit_read
from sks.exceptions import DomainError
from sks.roles import COMPANY, INSTITUTION_ROLES, Role

from .. import access
from ..enums import HearingStatus
from ..forms.hearings import (
    CompanyApprovalForm,
    CompanyReturnForm,
    EnrolmentEditForm,
    EnrolmentForm,
    HearingSheetForm,
    HearingSummaryForm,
    RecordApprovalForm,
    RecordReturnForm,
    hearing_issue_formset,
)
from ..models import Event, EventCompany
from ..selectors import hearings as selectors
from ..selectors.selection import applicant_counts_for_enrolments
from ..services import hearings as services


def _post_data(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST must still be validated and refused.
    return request.POST if request.method == "POST" else None


# --- staff: events and enrolments -------------------------------------------------------------------------


@role_required(*INSTITUTION_ROLES)
def staff_event_list(request: HttpRequest) -> HttpResponse:
    events = list(selectors.staff_event_list(user=signed_in_user(request)))
    return render(request, "events/staff_event_list.html", {"events": events})


@role_required(*INSTITUTION_ROLES)
def staff_event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event = access.access_event_for_staff(user=user, pk=pk)
    enrolments = list(selectors.staff_event_enrolments(user=user, event=event))
    # Seniors apply once the issue list is published; before that there is nothing to count.
    counts = (
        applicant_counts_for_enrolments(enrolments) if enrolments and event.status in access.PUBLISHED_STATUSES else {}
    )
    rows = [{"enrolment": e, "sheet": getattr(e, "hearing", None), "applicants": counts.get(e.pk)} for e in enrolments]
    context = {
        "event": event,
        "hosts": list(event.hosts.order_by("name")),
        "rows": rows,
        "show_applicants": bool(counts),
        "closed_reason": selectors.enrolment_closed_reason(event=event),
    }
    return render(request, "events/staff_event_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*INSTITUTION_ROLES)
def enrolment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event = access.access_event_for_staff(user=user, pk=pk)
    closed_reason = selectors.enrolment_closed_reason(event=event)
    form = None
    if closed_reason is None:
        institutions = selectors.staff_institutions_hosting(user=user, event=event)
        staff = selectors.enrolment_attending_staff_choices(institution_ids=institutions)
        form = EnrolmentForm(
            _post_data(request),
            companies=selectors.enrolment_company_choices(user=user, event=event),
            staff=staff,
            event=event,
            initial={"attending_staff": user.pk},
        )
        if request.method == "POST" and form.is_valid():
            try:
                enrolment = services.enrolment_create(by=user, event=event, **form.cleaned_data)
            except services.EnrolmentError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("「%(name)s」を登録しました。続けて事前ヒアリングシートを入力してください。")
                    % {"name": enrolment.company.name},
                )
                return redirect("events:staff_event_detail", pk=event.pk)
    context = {"event": event, "form": form, "closed_reason": closed_reason}
    return render(request, "events/enrolment_form.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*INSTITUTION_ROLES)
def enrolment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    enrolment = access.access_enrolment_for_staff(user=user, pk=pk)
    staff = selectors.enrolment_attending_staff_choices(institution_ids=[enrolment.institution_id])
    form = EnrolmentEditForm(_post_data(request), enrolment=enrolment, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_update(enrolment=enrolment, by=user, **form.cleaned_data)
        except services.EnrolmentError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("登録内容を変更しました。"))
            return redirect("events:staff_event_detail", pk=enrolment.event_id)
    return render(request, "events/enrolment_edit.html", {"enrolment": enrolment, "form": form})


# --- staff: the hearing sheet ---------------------------------------------------------------------------


def _staff_sheet_context(enrolment: EventCompany) -> dict[str, Any]:
    sheet = selectors.hearing_sheet_of(enrolment=enrolment)
    if sheet.pk is not None:
        audit_read(obj=sheet)  # the staff pages show the internal notes
    return {"enrolment": enrolment, "event": enrolment.event, "company": enrolment.company, "sheet": sheet}


@role_required(*INSTITUTION_ROLES)
def hearing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = access.access_enrolment_for_staff(user=signed_in_user(request), pk=pk)
    context = _staff_sheet_context(enrolment)
    sheet = context["sheet"]
    context |= {
        "issues": selectors.hearing_issues_of(sheet=sheet),
        "editable": sheet.status in selectors.HEARING_EDITABLE_STATUSES,
        "contacts": selectors.company_contact_users(company=enrolment.company),
    }
    return render(request, "events/hearing_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*INSTITUTION_ROLES)
def hearing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    enrolment = access.access_enrolment_for_staff(user=user, pk=pk)
    context = _staff_sheet_context(enrolment)
    sheet = context["sheet"]
    if sheet.status not in selectors.HEARING_EDITABLE_STATUSES:
        messages.info(
            request,
            _("このヒアリングシートは「%(status)s」のため編集できません。") % {"status": sheet.get_status_display()},
        )
        return redirect("events:hearing_detail", pk=enrolment.pk)
    staff = selectors.enrolment_attending_staff_choices(institution_ids=[enrolment.institution_id])
    data = _post_data(request)
    form = HearingSheetForm(data, sheet=sheet, staff=staff)
    formset = hearing_issue_formset(issues=selectors.hearing_issues_of(sheet=sheet), data=data)
    error = None
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            services.hearing_sheet_update(enrolment=enrolment, by=user, issues=formset.issues(), **form.cleaned_data)
        except DomainError as exc:
            error = exc.message
        else:
            if request.POST.get("add_issue"):
                # Saved; back to the form, which always ends with an empty row for one more issue.
                messages.success(request, _("ヒアリングシートを保存しました。次の課題を入力してください。"))
                return redirect(reverse("events:hearing_edit", args=[enrolment.pk]) + "#issue-last")
            messages.success(request, _("ヒアリングシートを保存しました。"))
            return redirect("events:hearing_detail", pk=enrolment.pk)
    context |= {"form": form, "formset": formset, "error": error}
    return render(request, "events/hearing_form.html", context)


@require_POST
@role_required(*INSTITUTION_ROLES)
def hearing_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    enrolment = access.access_enrolment_for_staff(user=user, pk=pk)
    sheet = selectors.hearing_sheet_of(enrolment=enrolment)
    try:
        services.hearing_sheet_submit(sheet=sheet, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("events:hearing_detail", pk=enrolment.pk)
    contacts = selectors.company_contact_users(company=enrolment.company)
    if contacts:
        messages.success(
            request,
            _("企業に提出しました。%(names)s さんにメールでお知らせしました。企業の承認をお待ちください。")
            % {"names": "、".join(str(c) for c in contacts)},
        )
    else:
        messages.success(
            request,
            _(
                "企業に提出しました。この企業はログインを使っていないため、内容を企業に確認いただいたら「企業の承認を記録する」から記録してください。"
            ),
        )
    return redirect("events:hearing_detail", pk=enrolment.pk)


@require_http_methods(["GET", "POST"])
@role_required(*INSTITUTION_ROLES)
def hearing_record_approval(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff record the company's approval (or its request for changes) on the company's behalf."""
    user = signed_in_user(request)
    enrolment = access.access_enrolment_for_staff(user=user, pk=pk)
    context = _staff_sheet_context(enrolment)
    sheet = context["sheet"]
    if sheet.status != HearingStatus.SUBMITTED:
        messages.info(
            request,
            _("承認を記録できるのは「企業の承認待ち」のヒアリングシートだけです（いまは「%(status)s」）。")
            % {"status": sheet.get_status_display()},
        )
        return redirect("events:hearing_detail", pk=enrolment.pk)
    action = request.POST.get("action") if request.method == "POST" else None
    approval_form = RecordApprovalForm(
        request.POST if action == "approve" else None, prefix="approval", initial={"approved_on": timezone.localdate()}
    )
    return_form = RecordReturnForm(request.POST if action == "return" else None, prefix="return")
    try:
        if action == "approve" and approval_form.is_valid():
            data = approval_form.cleaned_data
            services.hearing_sheet_record_approval(
                sheet=sheet,
                by=user,
                approved_on=data["approved_on"],
                method=data["method"],
                name_disclosure_agreed=data["name_disclosure_agreed"] == "yes",
                note=data["note"],
            )
            messages.success(request, _("企業の承認を記録しました。コーディネーターが公開用の概要を作成します。"))
            return redirect("events:hearing_detail", pk=enrolment.pk)
        if action == "return" and return_form.is_valid():
            services.hearing_sheet_return(sheet=sheet, by=user, comment=return_form.cleaned_data["comment"])
            messages.success(request, _("企業からの修正依頼を記録しました。シートを直して、もう一度提出してください。"))
            return redirect("events:hearing_edit", pk=enrolment.pk)
    except DomainError as exc:
        (approval_form if action == "approve" else return_form).add_error(None, exc.message)
    context |= {
        "issues": selectors.hearing_issues_of(sheet=sheet),
        "approval_form": approval_form,
        "return_form": return_form,
    }
    return render(request, "events/hearing_record_approval.html", context)


# --- company contact ------------------------------------------------------------------------------------


@role_required(COMPANY)
def company_home(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.contact_enrolment_list(user=signed_in_user(request)))
    return render(request, "events/company_home.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(COMPANY)
def company_hearing(request: HttpRequest, pk: int) -> HttpResponse:
    """The company reads its sheet (never the bank's internal notes) and approves it or sends it back."""
    user = signed_in_user(request)
    enrolment = access.access_enrolment_for_contact(user=user, pk=pk)
    sheet = selectors.hearing_sheet_of(enrolment=enrolment)
    action = request.POST.get("action") if request.method == "POST" else None
    approve_form = CompanyApprovalForm(request.POST if action == "approve" else None, prefix="approve")
    return_form = CompanyReturnForm(request.POST if action == "return" else None, prefix="return")
    try:
        if action == "approve" and approve_form.is_valid():
            agreed = approve_form.cleaned_data["name_disclosure_agreed"] == "yes"
            services.hearing_sheet_approve(sheet=sheet, by=user, name_disclosure_agreed=agreed)
            messages.success(request, _("ヒアリングシートを承認しました。ありがとうございました。"))
            return redirect("events:company_hearing", pk=enrolment.pk)
        if action == "return" and return_form.is_valid():
            services.hearing_sheet_return(sheet=sheet, by=user, comment=return_form.cleaned_data["comment"])
            messages.success(request, _("金融機関の担当者に差し戻しました。修正されたら、もう一度お知らせします。"))
            return redirect("events:company_hearing", pk=enrolment.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("events:company_hearing", pk=enrolment.pk)
    visible = sheet.status != HearingStatus.DRAFT  # the bank's draft is not shown until it is submitted
    context = {
        "enrolment": enrolment,
        "event": enrolment.event,
        "company": enrolment.company,
        "sheet": sheet,
        "visible": visible,
        "issues": selectors.hearing_issues_of(sheet=sheet) if visible else [],
        "approve_form": approve_form,
        "return_form": return_form,
    }
    return render(request, "events/company_hearing.html", context)


# --- coordinator ----------------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def coordinator_hearing_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event = access.access_event_for_coordinator(user=user, pk=pk)
    labels = selectors.issue_list_labels(event=event)
    enrolments = list(selectors.coordinator_hearing_rows(user=user, event=event))
    sheets = [getattr(e, "hearing", None) for e in enrolments]
    rows = [
        {"enrolment": e, "sheet": sheet, "label": labels.get(e.pk, "")}
        for e, sheet in zip(enrolments, sheets, strict=True)
    ]
    context = {
        "event": event,
        "rows": rows,
        "approved": sum(1 for s in sheets if s is not None and s.status == HearingStatus.APPROVED),
        "ready": sum(1 for s in sheets if s is not None and s.is_publishable),
    }
    return render(request, "events/coordinator_hearing_list.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def coordinator_hearing(request: HttpRequest, pk: int) -> HttpResponse:
    """An approved sheet (without the bank's internal notes) and the anonymised summary written from it."""
    user = signed_in_user(request)
    enrolment = access.access_enrolment_for_coordinator(user=user, pk=pk)
    sheet = selectors.hearing_sheet_of(enrolment=enrolment)
    approved = sheet.status == HearingStatus.APPROVED
    form = HearingSummaryForm(_post_data(request) if approved else None, sheet=sheet)
    if approved and request.method == "POST" and form.is_valid():
        try:
            services.hearing_summary_update(sheet=sheet, by=user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("公開用の概要を保存しました。"))
            return redirect("events:coordinator_hearing_list", pk=enrolment.event_id)
    context = {
        "enrolment": enrolment,
        "event": enrolment.event,
        "company": enrolment.company,
        "sheet": sheet,
        "approved": approved,
        "issues": selectors.hearing_issues_of(sheet=sheet) if approved else [],
        "label": selectors.issue_list_labels(event=enrolment.event).get(enrolment.pk, ""),
        "form": form,
    }
    return render(request, "events/coordinator_hearing.html", context)


# --- the printable issue list -----------------------------------------------------------------------------


def _print_access(user: Any, pk: int) -> tuple[Event, list[int] | None]:
    """The event and whose entries to print: all for its coordinator and, once published, for its hosts;
    before publication a host's staff print only their own institution's companies."""
    if Role.COORDINATOR in user.roles:
        event = access.events_for_coordinator(user=user).filter(pk=pk).first()
        if event is not None:
            return event, None
    if not user.institution_ids:
        raise Http404
    event = access.access_event_for_staff(user=user, pk=pk)
    if event.status in access.PUBLISHED_STATUSES:
        return event, None
    return event, list(user.institution_ids)


@role_required(Role.COORDINATOR, *INSTITUTION_ROLES)
def issue_list_print(request: HttpRequest, pk: int) -> HttpResponse:
    event, institution_ids = _print_access(signed_in_user(request), pk)
    entries = selectors.issue_list_entries(event=event, institution_ids=institution_ids)
    context = {
        "event": event,
        "entries": entries,
        "own_only": institution_ids is not None,
        "published": event.status in access.PUBLISHED_STATUSES,
    }
    return render(request, "events/issue_list_print.html", context)
