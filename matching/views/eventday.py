"""The event day's check-in pages (tablet): one tap per participant, live counts, no-shows, standby and
walk-ins.

Coordinators of the event's coordinator organisation only; everyone else gets 404. Every POST works as
a plain form (redirect back to the page, with a message) and with HTMX (answers the swapped row, and the
counts out of band).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.access import access_enrolment_for_coordinator, access_event_for_coordinator
from events.models import Event, EventCompany
from participants.models import SeniorProfile
from participants.selectors import senior_by_pk, senior_has_current_pledge
from sks.access import role_required, signed_in_user
from sks.exceptions import DomainError
from sks.roles import Role

from ..enums import AttendanceStatus
from ..forms.eventday import CheckinActionForm, WalkInForm
from ..selectors.eventday import (
    attendance_of,
    checkin_company_row,
    checkin_counts,
    checkin_rows,
    checkin_senior_row,
    event_has_published_timetable,
    standby_candidates,
    walkin_enrolments,
    walkin_search,
)
from ..services.eventday import (
    attendance_check_in,
    attendance_mark_no_show,
    attendance_set_rounds,
    attendance_set_standby,
    attendance_undo,
    walk_in_add,
)

COORDINATOR = Role.COORDINATOR


def _back(event: Event, q: str = "") -> HttpResponse:
    url = reverse("matching:checkin", args=[event.pk])
    return redirect(f"{url}?{urlencode({'q': q})}" if q else url)


@require_GET
@role_required(COORDINATOR)
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    q = request.GET.get("q", "")[:100]
    context = {
        "event": event,
        "has_timetable": event_has_published_timetable(event=event),
        "q": q,
        "rows": checkin_rows(user=user, event=event, q=q),
        "counts": checkin_counts(event=event),
        "standby_candidates": standby_candidates(event=event),
    }
    return render(request, "matching/checkin.html", context)


@require_GET
@role_required(COORDINATOR)
def checkin_counts_partial(request: HttpRequest, pk: int) -> HttpResponse:
    event = access_event_for_coordinator(user=signed_in_user(request), pk=pk)
    return render(request, "matching/checkin_counts.html", {"event": event, "counts": checkin_counts(event=event)})


def _act(request: HttpRequest, event: Event, *, senior: SeniorProfile | None, enrolment: EventCompany | None) -> str:
    """Apply the posted action; returns the message for the coordinator. Raises DomainError."""
    user = signed_in_user(request)
    form = CheckinActionForm(request.POST, rounds=event.rounds)
    if not form.is_valid():
        raise DomainError(_("操作がわかりませんでした。もう一度ボタンを押してください。"))
    action = form.cleaned_data["action"]
    if action == "check_in":
        attendance_check_in(event=event, by=user, senior=senior, enrolment=enrolment)
        return _("受付しました。")
    if action == "no_show":
        was = attendance_of(event=event, senior=senior, enrolment=enrolment)
        attendance_mark_no_show(event=event, by=user, senior=senior, enrolment=enrolment)
        if was is not None and was.status == AttendanceStatus.CHECKED_IN:
            return _("受付済でしたが、欠席に変更しました。時間割の組み直しが必要です。")
        return _("欠席にしました。時間割の組み直しが必要です。")
    if action == "undo":
        row = attendance_of(event=event, senior=senior, enrolment=enrolment)
        if row is not None:
            attendance_undo(attendance=row, by=user)
        return _("未到着に戻しました。")
    if action == "rounds":
        attendance_set_rounds(
            event=event,
            by=user,
            senior=senior,
            enrolment=enrolment,
            arrival_slot=form.cleaned_data["arrival_slot"],
            leaving_slot=form.cleaned_data["leaving_slot"],
        )
        return _("参加する時間を変更しました。時間割の組み直しで反映されます。")
    if senior is None:
        raise DomainError(_("空席待ちにできるのは新現役だけです。"))
    attendance_set_standby(event=event, by=user, senior=senior, standby=action == "standby_on")
    return _("空席待ちにしました。") if action == "standby_on" else _("空席待ちを解除しました。")


def _respond(request: HttpRequest, event: Event, row: object, message: str, ok: bool) -> HttpResponse:
    if not request.headers.get("HX-Request"):
        (messages.success if ok else messages.error)(request, message)
        return _back(event, request.POST.get("q", "")[:100])
    context = {"event": event, "row": row, "message": message, "ok": ok, "counts": checkin_counts(event=event)}
    return render(request, "matching/checkin_row.html", context)


@require_POST
@role_required(COORDINATOR)
def checkin_senior(request: HttpRequest, pk: int, senior_pk: int) -> HttpResponse:
    event = access_event_for_coordinator(user=signed_in_user(request), pk=pk)
    senior = senior_by_pk(senior_pk)
    if senior is None:
        raise Http404
    try:
        message, ok = _act(request, event, senior=senior, enrolment=None), True
    except DomainError as exc:
        message, ok = exc.message, False
    return _respond(request, event, checkin_senior_row(event=event, senior=senior), message, ok)


@require_POST
@role_required(COORDINATOR)
def checkin_company(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    enrolment = access_enrolment_for_coordinator(user=user, pk=enrolment_pk, event=event)
    try:
        message, ok = _act(request, event, senior=None, enrolment=enrolment), True
    except DomainError as exc:
        message, ok = exc.message, False
    return _respond(request, event, checkin_company_row(event=event, enrolment=enrolment), message, ok)


@role_required(COORDINATOR)
def walkin(request: HttpRequest, pk: int) -> HttpResponse:
    """GET ?q=: search a senior; GET ?senior=: pick their companies; POST: register the walk-in."""
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    enrolments = walkin_enrolments(user=user, event=event)
    q = request.GET.get("q", "")[:100]
    chosen: SeniorProfile | None = None
    status = 200
    if request.method == "POST":
        form = WalkInForm(request.POST, enrolments=enrolments)
        if form.is_valid():
            chosen = senior_by_pk(form.cleaned_data["senior"])
            if chosen is None:
                form.add_error("senior", _("この新現役は見つかりませんでした。もう一度検索してください。"))
            else:
                by_pk = {str(e.pk): e for _n, e in enrolments}
                try:
                    walk_in_add(
                        event=event,
                        by=user,
                        senior=chosen,
                        companies=[by_pk[c] for c in form.cleaned_data["companies"]],
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        _("当日参加の方を受付しました。面談に入れるには時間割を組み直してください。"),
                    )
                    return redirect("matching:walkin", pk=event.pk)
        status = 400
        if chosen is None and str(request.POST.get("senior", "")).isdigit():
            chosen = senior_by_pk(request.POST["senior"])
    else:
        senior_pk = request.GET.get("senior", "")
        if senior_pk.isdigit():
            chosen = senior_by_pk(senior_pk)
        form = WalkInForm(initial={"senior": chosen.pk if chosen else None}, enrolments=enrolments)
    context = {
        "event": event,
        "q": q,
        "results": walkin_search(q=q) if chosen is None else [],
        "chosen": chosen,
        "chosen_pledged": chosen is not None and senior_has_current_pledge(chosen),
        "form": form,
    }
    return render(request, "matching/walkin.html", context, status=status)
