"""The coordinator's timetable pages: the versions of an event, the grid with its hand edits, the solve
progress (polled by HTMX), re-solving around pins and the comparison of two versions.

Coordinators of the event's coordinator organisation only; everyone else gets 404. Every POST answers
with a Japanese message; a refused edit changes nothing (the services check before they write).
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.access import access_enrolment_for_coordinator, access_event_for_coordinator
from events.models import EventCompany
from participants.selectors import senior_by_pk
from sks.access import role_required, signed_in_user
from sks.exceptions import DomainError
from sks.roles import Role

from ..enums import SolveStatus, TimetableStatus
from ..forms.build import MeetingAddForm, MeetingEditForm, TimetableCreateForm
from ..models import Timetable, TimetableMeeting
from ..selectors.build import (
    TimetableGrid,
    access_meeting_for_coordinator,
    access_timetable_for_coordinator,
    grid_figures,
    senior_display_name,
    timetable_compare_target,
    timetable_diff,
    timetable_figures,
    timetable_grid,
    timetables_for_event,
)
from ..services.build import (
    TIMETABLE_BUILD_STATUSES,
    timetable_create,
    timetable_meeting_add,
    timetable_meeting_move,
    timetable_meeting_pin,
    timetable_meeting_remove,
    timetable_meeting_swap,
)

COORDINATOR = Role.COORDINATOR
SOLVING = (SolveStatus.QUEUED, SolveStatus.RUNNING)


@role_required(COORDINATOR)
def timetable_list(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the versions. POST: create a new version (solved in the background)."""
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    form = TimetableCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                timetable = timetable_create(event=event, by=user, time_limit=form.cleaned_data["time_limit"])
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                _solve_message(
                    request,
                    timetable,
                    pending=_("時間割（第%(version)s版）の計算を始めました。終わるまでこの画面でお待ちください。"),
                )
                return redirect("matching:timetable_detail", pk=timetable.pk)
        else:
            messages.error(request, _("入力内容を確認してください。"))
    timetables = list(timetables_for_event(event=event))
    figures = timetable_figures(timetables=timetables)
    context = {
        "event": event,
        "timetables": [(t, figures[t.pk]) for t in timetables],
        "has_published": any(t.status == TimetableStatus.PUBLISHED for t in timetables),
        "form": form,
        "can_build": event.status in TIMETABLE_BUILD_STATUSES,
    }
    return render(request, "matching/timetable_list.html", context, status=400 if form.errors else 200)


def _solve_message(request: HttpRequest, timetable: Timetable, *, pending: str) -> None:
    """Tell the coordinator where the new version's solve stands. Without a broker the task has already run
    in-process by now (eager mode), so "please wait" is said only while it is really queued or running."""
    timetable.refresh_from_db(fields=["solve_status", "solve_error"])
    version = {"version": timetable.version}
    if timetable.solve_status in SOLVING:
        messages.success(request, pending % version)
    elif timetable.solve_status == SolveStatus.FAILED:
        messages.error(request, _("時間割（第%(version)s版）を作れませんでした。") % version)
    else:
        messages.success(request, _("時間割（第%(version)s版）ができました。") % version)


def _swap_options(grid: TimetableGrid) -> None:
    """Give each meeting the meetings it may swap rounds with: the same table's or the same senior's,
    in another round (labelled for the select)."""
    companies = {row.enrolment.pk: row.enrolment.company.name for row in grid.rows}
    by_table: dict[int, list[TimetableMeeting]] = defaultdict(list)
    by_senior: dict[int, list[TimetableMeeting]] = defaultdict(list)
    for m in grid.meetings:
        by_table[m.enrolment_id].append(m)
        by_senior[m.senior_id].append(m)
    for m in grid.meetings:
        options: list[tuple[int, str]] = []
        for o in [*by_table[m.enrolment_id], *by_senior[m.senior_id]]:
            if o.slot != m.slot and o.pk not in {pk for pk, _label in options}:
                label = _("第%(n)s回 %(company)s・%(senior)s") % {
                    "n": o.slot + 1,
                    "company": companies.get(o.enrolment_id, ""),
                    "senior": senior_display_name(o.senior),
                }
                options.append((o.pk, label))
        m.swap_options = options  # type: ignore[attr-defined]  # an attribute the template reads, set on the meeting for this page only


def _detail_context(timetable: Timetable) -> dict[str, object]:
    grid = timetable_grid(timetable=timetable)
    _swap_options(grid)
    return {
        "event": timetable.event,
        "timetable": timetable,
        "grid": grid,
        "figures": grid_figures(timetable=timetable, grid=grid),
        "solving": timetable.solve_status in SOLVING,
        "editable": timetable.status == TimetableStatus.DRAFT
        and timetable.solve_status in (SolveStatus.DONE, SolveStatus.MANUAL),
        "can_build": timetable.event.status in TIMETABLE_BUILD_STATUSES,
        "pinned_count": sum(1 for m in grid.meetings if m.pinned),
        "add_form": MeetingAddForm(slots=len(grid.slots)),
    }


@role_required(COORDINATOR)
def timetable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    timetable = access_timetable_for_coordinator(user=signed_in_user(request), pk=pk)
    return render(request, "matching/timetable_detail.html", _detail_context(timetable))


@role_required(COORDINATOR)
def timetable_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar (HTMX partial). Once the solve has ended, tells the page to reload."""
    timetable = access_timetable_for_coordinator(user=signed_in_user(request), pk=pk)
    response = render(
        request,
        "matching/timetable_progress.html",
        {"timetable": timetable, "solving": timetable.solve_status in SOLVING},
    )
    if request.headers.get("HX-Request") and timetable.solve_status not in SOLVING:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@role_required(COORDINATOR)
def timetable_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the event's timetable, solved again around this version's pinned meetings."""
    user = signed_in_user(request)
    timetable = access_timetable_for_coordinator(user=user, pk=pk)
    form = TimetableCreateForm(request.POST or {"time_limit": timetable.time_limit})
    if not form.is_valid():
        messages.error(
            request, _("制限時間は%(low)s秒から%(high)s秒の間で指定してください。") % {"low": 1, "high": 600}
        )
        return redirect("matching:timetable_detail", pk=timetable.pk)
    try:
        new = timetable_create(
            event=timetable.event, by=user, time_limit=form.cleaned_data["time_limit"], based_on=timetable
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("matching:timetable_detail", pk=timetable.pk)
    _solve_message(request, new, pending=_("固定した面談を残して、第%(version)s版の計算を始めました。"))
    return redirect("matching:timetable_detail", pk=new.pk)


@require_POST
@role_required(COORDINATOR)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    meeting = access_meeting_for_coordinator(user=user, pk=pk)
    timetable = meeting.timetable
    slots = int(timetable.problem.get("slots", timetable.event.rounds))
    form = MeetingEditForm(request.POST, slots=slots)
    back = redirect("matching:timetable_detail", pk=timetable.pk)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(
            request,
            errors[0]
            if form.errors.get("slot") or form.errors.get("other")
            else _("操作がわかりませんでした。もう一度ボタンを押してください。"),
        )
        return back
    action = form.cleaned_data["action"]
    try:
        if action == "move":
            timetable_meeting_move(meeting=meeting, slot=form.cleaned_data["slot"] - 1, by=user)
            messages.success(request, _("面談を第%(n)s回に移動しました。") % {"n": form.cleaned_data["slot"]})
        elif action == "swap":
            other = timetable.meetings.filter(pk=form.cleaned_data["other"]).first()
            if other is None:
                messages.error(request, _("入れ替える面談が見つかりませんでした。"))
                return back
            timetable_meeting_swap(a=meeting, b=other, by=user)
            messages.success(request, _("2つの面談の回を入れ替えました。"))
        elif action == "remove":
            timetable_meeting_remove(meeting=meeting, by=user)
            messages.success(request, _("面談を時間割から外しました。"))
        else:
            pinned = action == "pin"
            timetable_meeting_pin(meeting=meeting, pinned=pinned, by=user)
            messages.success(
                request,
                _("面談を固定しました。作り直してもこの回のまま残ります。")
                if pinned
                else _("面談の固定を外しました。"),
            )
    except DomainError as exc:
        messages.error(request, _("変更できませんでした：%(reason)s") % {"reason": exc.message})
    return back


@require_POST
@role_required(COORDINATOR)
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    timetable = access_timetable_for_coordinator(user=user, pk=pk)
    form = MeetingAddForm(request.POST, slots=int(timetable.problem.get("slots", timetable.event.rounds)))
    back = redirect("matching:timetable_detail", pk=timetable.pk)
    if not form.is_valid():
        messages.error(request, next(str(e) for errs in form.errors.values() for e in errs))
        return back
    enrolment_id, senior_id = form.ids()
    try:
        enrolment: EventCompany | None = access_enrolment_for_coordinator(
            user=user, pk=enrolment_id, event=timetable.event
        )
    except Http404:
        enrolment = None  # answered as a combination that cannot be added, below
    senior = senior_by_pk(senior_id, include_anonymised=True)
    if enrolment is None or senior is None:
        messages.error(
            request, _("変更できませんでした：%(reason)s") % {"reason": _("この組み合わせは応募・招待がありません。")}
        )
        return back
    try:
        timetable_meeting_add(
            timetable=timetable, enrolment=enrolment, senior=senior, slot=form.cleaned_data["slot"] - 1, by=user
        )
    except DomainError as exc:
        messages.error(request, _("変更できませんでした：%(reason)s") % {"reason": exc.message})
    else:
        messages.success(request, _("面談を第%(n)s回に追加しました。") % {"n": form.cleaned_data["slot"]})
    return back


@role_required(COORDINATOR)
def timetable_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """This version against the published one (or, without one, the version before it)."""
    timetable = access_timetable_for_coordinator(user=signed_in_user(request), pk=pk)
    other = timetable_compare_target(timetable=timetable)
    if other is not None and other.event_id != timetable.event_id:  # pragma: no cover - same event by query
        raise Http404
    context = {
        "event": timetable.event,
        "timetable": timetable,
        "other": other,
        "diff": timetable_diff(old=other, new=timetable) if other is not None else None,
    }
    return render(request, "matching/timetable_compare.html", context)
