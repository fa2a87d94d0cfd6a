"""After the event: interview results (per table, tablet-friendly; the senior's own wish), second interviews
(二次面談) step by step, and support agreements (支援成立) with their visit log.

Bank staff see their own institution's tables and rows, the event's coordinator sees all of the event's;
everyone else gets 404 (matching.selectors.followup). Every POST works as a plain form (redirect with a
message) and the result rows also with HTMX (the row is swapped in place).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events.models import EventCompany
from participants.selectors import institution_staff, senior_by_pk
from sks.access import role_required, signed_in_user
from sks.exceptions import DomainError
from sks.roles import SENIOR, Role

from .. import access
from ..enums import SECOND_INTERVIEW_OPEN, AgreementKind, SecondInterviewStatus
from ..forms.followup import (
    AgreementForm,
    CancelForm,
    ChangeKindForm,
    CompanyResultForm,
    NotAgreedForm,
    ScheduleForm,
    SeniorWishForm,
    VisitForm,
)
from ..models import SecondInterview, SupportAgreement
from ..selectors import followup as selectors
from ..selectors.publish import personal_schedule_for
from ..services import followup as services

FOLLOWUP_ROLES = (Role.BANK_STAFF, Role.INSTITUTION_ADMIN, Role.COORDINATOR)


# --- interview results --------------------------------------------------------------------------------------


@require_GET
@role_required(*FOLLOWUP_ROLES)
def followup_tables(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event, coordinator = access.access_followup_event(user=user, pk=pk)
    context = {
        "event": event,
        "coordinator": coordinator,
        "tables": selectors.followup_tables(event=event, user=user, coordinator=coordinator),
        "open": event.status in selectors.RECORDABLE_EVENT_STATUSES,
    }
    return render(request, "matching/followup/tables.html", context)


def _row_form(row: selectors.TableRow, coordinator: bool, data: QueryDict | None = None) -> CompanyResultForm:
    """The row's form; the coordinator's has no memo field, as the memo is the bank's internal note."""
    result = row.result
    initial = {}
    if result is not None and result.company_recorded_at is not None:
        initial = {"wish": result.company_wish, "not_held": not result.held}
        if not coordinator:
            initial["notes"] = result.company_notes
    return CompanyResultForm(data, prefix=f"r{row.senior.pk}", initial=initial, with_notes=not coordinator)


def _table_context(enrolment: EventCompany, coordinator: bool, rows: list[selectors.TableRow]) -> dict[str, Any]:
    event = enrolment.event
    return {
        "event": event,
        "enrolment": enrolment,
        "coordinator": coordinator,
        "rows": [(row, _row_form(row, coordinator)) for row in rows],
        "open": event.status in selectors.RECORDABLE_EVENT_STATUSES,
    }


@require_GET
@role_required(*FOLLOWUP_ROLES)
def result_table(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment, coordinator = access.access_table(user=signed_in_user(request), pk=pk)
    rows = selectors.table_rows(enrolment=enrolment)
    return render(request, "matching/followup/table.html", _table_context(enrolment, coordinator, rows))


@require_POST
@role_required(*FOLLOWUP_ROLES)
def result_record(request: HttpRequest, pk: int, senior_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    enrolment, coordinator = access.access_table(user=user, pk=pk)
    senior = senior_by_pk(senior_pk, include_anonymised=True)
    rows = selectors.table_rows(enrolment=enrolment, only_senior=senior) if senior is not None else []
    if not rows:
        raise Http404
    row = rows[0]
    form = _row_form(row, coordinator, request.POST)
    saved = False
    if form.is_valid():
        try:
            row.result = services.interview_result_record_company(
                enrolment=enrolment,
                senior=row.senior,
                by=user,
                held=not form.cleaned_data["not_held"],
                wish=form.cleaned_data["wish"],
                notes=None if coordinator else form.cleaned_data["notes"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            saved = True
    if request.headers.get("HX-Request"):
        context = {
            "event": enrolment.event,
            "enrolment": enrolment,
            "row": row,
            "form": _row_form(row, coordinator) if saved else form,
            "saved": saved,
            "open": True,
        }
        return render(request, "matching/followup/result_row.html", context)
    if saved:
        messages.success(request, _("%(name)s さんとの面談結果を保存しました。") % {"name": row.senior_name})
        return redirect("matching:result_table", pk=enrolment.pk)
    page = _table_context(enrolment, coordinator, selectors.table_rows(enrolment=enrolment))
    page["rows"] = [(r, form if r.senior.pk == row.senior.pk else f) for r, f in page["rows"]]
    return render(request, "matching/followup/table.html", page, status=400)


@require_GET
@role_required(Role.COORDINATOR)
def event_results(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event, coordinator = access.access_followup_event(user=user, pk=pk)
    if not coordinator:
        raise Http404
    context = {
        "event": event,
        "results": selectors.event_results(user=user, event=event),
        "open": event.status in selectors.RECORDABLE_EVENT_STATUSES,
    }
    return render(request, "matching/followup/results.html", context)


@require_POST
@role_required(Role.COORDINATOR)
def second_interviews_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event, coordinator = access.access_followup_event(user=user, pk=pk)
    if not coordinator:
        raise Http404
    try:
        created = services.second_interviews_propose(event=event, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("双方が「また会いたい」の組み合わせから、二次面談を%(n)s件提案しました。") % {"n": created}
        )
    return redirect("matching:event_results", pk=event.pk)


@require_POST
@role_required(Role.COORDINATOR)
def second_interview_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    result = access.access_result_for_coordinator(user=user, pk=pk)
    try:
        services.second_interview_propose(result=result, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("コーディネーターの判断で、二次面談を提案しました。"))
    return redirect("matching:event_results", pk=result.event_id)


# --- the senior's own wish ----------------------------------------------------------------------------------


@role_required(SENIOR)
@require_http_methods(["GET", "POST"])
def senior_wish(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    profile, enrolment = access.access_senior_meeting(user=user, enrolment_pk=enrolment_pk)
    # What the senior may call the company (its label unless the name is shown), from their own schedule.
    timetable = enrolment.event.timetables.filter(status="published").first()
    items = [
        item
        for schedule in (personal_schedule_for(timetable=timetable, user=user) if timetable else [])
        if schedule.role == "senior"
        for item in schedule.items
        if item.enrolment_id == enrolment.pk
    ]
    if not items:
        raise Http404
    rows = selectors.table_rows(enrolment=enrolment, only_senior=profile)
    result = rows[0].result if rows else None
    initial = {"wish": result.senior_wish, "notes": result.senior_notes} if result and result.senior_wish else {}
    form = SeniorWishForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.interview_result_record_senior(
                    senior=profile,
                    enrolment=enrolment,
                    by=user,
                    wish=form.cleaned_data["wish"],
                    notes=form.cleaned_data["notes"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("面談のふりかえりを保存しました。ありがとうございました。"))
                return redirect("matching:my_schedule")
        status = 400
    context = {
        "event": enrolment.event,
        "item": items[0],
        "form": form,
        "open": enrolment.event.status in selectors.RECORDABLE_EVENT_STATUSES,
    }
    return render(request, "matching/followup/senior_wish.html", context, status=status)


# --- second interviews --------------------------------------------------------------------------------------


@require_GET
@role_required(*FOLLOWUP_ROLES)
def second_interview_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status = request.GET.get("status", "")
    event = request.GET.get("event", "")
    rows = list(
        selectors.second_interviews_for(user=user, status=status, event_id=int(event) if event.isdigit() else None)
    )
    context = {
        "rows": rows,
        "status": status if status in SecondInterviewStatus.values else "",
        "statuses": SecondInterviewStatus.choices,
        "event_id": event if event.isdigit() else "",
    }
    return render(request, "matching/followup/si_list.html", context)


def _si_forms(si: SecondInterview, data: QueryDict | None = None, step: str = "") -> dict[str, Any]:
    staff = list(institution_staff(institution_ids=[si.institution_id]))
    initial_schedule: dict[str, object] = {}
    if si.scheduled_at:
        local = timezone.localtime(si.scheduled_at)
        initial_schedule = {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": si.duration_minutes,
            "place": si.place,
            "online_url": si.online_url,
        }
    agreement_initial = {"responsible_staff": si.staff_id, "kind": AgreementKind.SUBSIDISED, "subsidised_visits": 3}
    return {
        "schedule_form": ScheduleForm(
            data if step == "schedule" else None, initial=initial_schedule, prefix="schedule"
        ),
        "agreement_form": AgreementForm(
            data if step == "agree" else None, staff=staff, prefix="agree", initial=agreement_initial
        ),
        "not_agreed_form": NotAgreedForm(data if step == "not-agreed" else None, prefix="notagreed"),
        "cancel_form": CancelForm(data if step == "cancel" else None, prefix="cancel"),
    }


def _si_detail(request: HttpRequest, si: SecondInterview, forms: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {"si": si, "open": si.status in SECOND_INTERVIEW_OPEN, "statuses": SecondInterviewStatus, **forms}
    return render(request, "matching/followup/si_detail.html", context, status=status)


@require_GET
@role_required(*FOLLOWUP_ROLES)
def second_interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    si = access.access_second_interview(user=signed_in_user(request), pk=pk)
    return _si_detail(request, si, _si_forms(si))


SI_STEPS = ("start-scheduling", "schedule", "held", "agree", "not-agreed", "cancel")


@require_POST
@role_required(*FOLLOWUP_ROLES)
def second_interview_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user = signed_in_user(request)
    si = access.access_second_interview(user=user, pk=pk)
    if step not in SI_STEPS:
        raise Http404
    forms = _si_forms(si, request.POST, step)
    try:
        if step == "start-scheduling":
            services.second_interview_start_scheduling(si=si, by=user)
            message = _("日程調整を始めました。")
        elif step == "held":
            services.second_interview_mark_held(si=si, by=user)
            message = _("二次面談を実施済にしました。結果（支援成立・不成立）を記録してください。")
        elif step == "schedule":
            form = forms["schedule_form"]
            if not form.is_valid():
                return _si_detail(request, si, forms, status=400)
            services.second_interview_schedule(
                si=si,
                by=user,
                scheduled_at=form.scheduled_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                place=form.cleaned_data["place"],
                online_url=form.cleaned_data["online_url"],
            )
            message = _("日程を確定しました。企業・新現役・担当職員に、予定表（.ics）付きでお知らせします。")
        elif step == "agree":
            form = forms["agreement_form"]
            if not form.is_valid():
                return _si_detail(request, si, forms, status=400)
            data = form.cleaned_data
            agreement = services.second_interview_record_agreement(
                si=si,
                by=user,
                kind=data["kind"],
                start_date=data["start_date"],
                subsidised_visits=data["subsidised_visits"],
                fee=data["fee"],
                responsible_staff=data["responsible_staff"],
                note=data["note"],
            )
            messages.success(request, _("支援成立を記録しました。訪問を記録していきましょう。"))
            return redirect("matching:agreement_detail", pk=agreement.pk)
        elif step == "not-agreed":
            form = forms["not_agreed_form"]
            if not form.is_valid():
                return _si_detail(request, si, forms, status=400)
            services.second_interview_record_not_agreed(
                si=si,
                by=user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            message = _("不成立を記録しました。")
        else:
            form = forms["cancel_form"]
            form.is_valid()
            services.second_interview_cancel(si=si, by=user, note=form.cleaned_data.get("note", ""))
            message = _("二次面談を中止にしました。")
    except DomainError as exc:
        messages.error(request, exc.message)
        si = access.access_second_interview(user=user, pk=pk)
        return _si_detail(request, si, forms, status=400)
    messages.success(request, message)
    return redirect("matching:second_interview_detail", pk=si.pk)


# --- support agreements -------------------------------------------------------------------------------------


@require_GET
@role_required(*FOLLOWUP_ROLES)
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    event = request.GET.get("event", "")
    agreements = selectors.agreements_for(user=user, event_id=int(event) if event.isdigit() else None)
    # visit_count is annotated by agreements_for (one query for the whole list).
    rows = [(a, a.visit_count, selectors.visits_remaining(a, a.visit_count)) for a in agreements]  # type: ignore[attr-defined]  # visit_count is annotated by agreements_for
    return render(request, "matching/followup/agreement_list.html", {"rows": rows})


def _agreement_page(
    request: HttpRequest,
    agreement: SupportAgreement,
    visit_form: VisitForm | None = None,
    kind_form: ChangeKindForm | None = None,
    status: int = 200,
) -> HttpResponse:
    visits = selectors.agreement_visits(agreement=agreement)
    context = {
        "agreement": agreement,
        "visits": visits,
        "remaining": selectors.visits_remaining(agreement, len(visits)),
        "visit_form": visit_form or VisitForm(prefix="visit"),
        "kind_form": kind_form or ChangeKindForm(prefix="kind"),
    }
    return render(request, "matching/followup/agreement_detail.html", context, status=status)


@role_required(*FOLLOWUP_ROLES)
@require_http_methods(["GET", "POST"])
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement, its visits and (POST) a new visit."""
    user = signed_in_user(request)
    agreement = access.access_agreement(user=user, pk=pk)
    if request.method != "POST":
        return _agreement_page(request, agreement)
    form = VisitForm(request.POST, prefix="visit")
    if form.is_valid():
        try:
            services.agreement_visit_log(
                agreement=agreement,
                by=user,
                date=form.cleaned_data["date"],
                hours=form.cleaned_data["hours"],
                summary=form.cleaned_data["summary"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("訪問を記録しました。"))
            return redirect("matching:agreement_detail", pk=agreement.pk)
    return _agreement_page(request, agreement, visit_form=form, status=400)


@require_POST
@role_required(*FOLLOWUP_ROLES)
def agreement_change_kind(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    agreement = access.access_agreement(user=user, pk=pk)
    form = ChangeKindForm(request.POST, prefix="kind")
    if form.is_valid():
        try:
            services.agreement_change_kind(
                agreement=agreement, by=user, kind=form.cleaned_data["kind"], confirm=form.cleaned_data["confirm"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("支援の形を変更しました。"))
            return redirect("matching:agreement_detail", pk=agreement.pk)
    return _agreement_page(request, agreement, kind_form=form, status=400)
