"""Dialogue meetings: RSVP, check-in, group formation, group tables, table cards and itineraries.

Members of the meeting's chapter see the meeting, the attendees, and (once formed) their own itinerary;
the chapter's organisers create and edit meetings, check people in, form the groups and print. In flat mode
every list and print shows name and sector only (regional.selectors.member_card).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sks.access import signed_in_user
from sks.export import attach_file_name, download_name

from .. import access
from ..enums import RsvpStatus
from ..forms import CheckInForm, GroupsFormForm, MeetingForm, WalkInForm
from ..models import DialogueMeeting
from ..printing import PRINT_SHEETS, meeting_print_pdf
from ..selectors import meeting_attendees, meeting_itineraries, meeting_rounds, met_at_meeting
from ..services import (
    RegionalError,
    dialogue_groups_form,
    meeting_check_in,
    meeting_create,
    meeting_rsvp,
    meeting_update,
    meeting_walk_in,
)


@login_required
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    chapter = access.access_chapter_for_organiser(user=user, pk=pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = meeting_create(chapter=chapter, by=user, **form.cleaned_data)
        messages.success(request, _("対話会を作成しました。"))
        return redirect("regional:meeting_detail", pk=meeting.pk)
    return render(
        request, "regional/meeting_form.html", {"form": form, "chapter": chapter}, status=400 if form.errors else 200
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    meeting = access.access_meeting_for_organiser(user=user, pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, **form.cleaned_data)
        except RegionalError as e:
            form.add_error(e.field, e.message)
        else:
            messages.success(request, _("対話会を変更しました。"))
            return redirect("regional:meeting_detail", pk=meeting.pk)
    context = {"form": form, "chapter": meeting.chapter, "meeting": meeting}
    return render(request, "regional/meeting_form.html", context, status=400 if form.errors else 200)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    meeting = access.access_meeting(user=user, pk=pk)
    member = access.member_of(user=user, network=meeting.chapter.network)
    attendees = meeting_attendees(meeting=meeting)
    mine = next((r for r, _card in attendees if member is not None and r.member_id == member.pk), None)
    marked = set(access.connections_of(user=user).values_list("other_id", flat=True))
    context = {
        "meeting": meeting,
        "attendees": attendees,
        "going": mine is not None,
        "seats_left": max(0, meeting.capacity - len(attendees)),
        "organiser": access.is_organiser(user=user, chapter=meeting.chapter),
        "itinerary": meeting_itineraries(meeting=meeting, member=member) if member else [],
        "met": met_at_meeting(meeting=meeting, member=member) if member else [],
        "marked": marked,
    }
    return render(request, "regional/meeting_detail.html", context)


@require_POST
@login_required
def meeting_rsvp_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    meeting = access.access_meeting(user=user, pk=pk)
    member = access.member_of(user=user, network=meeting.chapter.network)
    if member is None:
        raise Http404
    going = request.POST.get("going") == "yes"
    try:
        meeting_rsvp(meeting=meeting, member=member, going=going)
        messages.success(request, _("参加を受け付けました。") if going else _("参加を取り消しました。"))
    except RegionalError as e:
        messages.error(request, e.message)
    return redirect("regional:meeting_detail", pk=meeting.pk)


@login_required
def meeting_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    meeting = access.access_meeting_for_organiser(user=user, pk=pk)
    return _checkin_page(request, meeting, WalkInForm(candidates=access.walk_in_candidates(meeting=meeting)))


def _checkin_page(
    request: HttpRequest, meeting: DialogueMeeting, walk_in: WalkInForm, status: int = 200
) -> HttpResponse:
    rows = meeting_attendees(meeting=meeting)
    checked = sum(1 for r, _card in rows if r.checked_in_at is not None)
    context = {"meeting": meeting, "rows": rows, "checked": checked, "walk_in": walk_in}
    return render(request, "regional/meeting_checkin.html", context, status=status)


@require_POST
@login_required
def meeting_walk_in_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A chapter member who came without replying: added and checked in."""
    user = signed_in_user(request)
    meeting = access.access_meeting_for_organiser(user=user, pk=pk)
    form = WalkInForm(request.POST, candidates=access.walk_in_candidates(meeting=meeting))
    if form.is_valid():
        member = form.cleaned_data["member"]
        try:
            meeting_walk_in(meeting=meeting, member=member, by=user, first_round=form.cleaned_data["first_round"] - 1)
        except RegionalError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, _("%(name)sさんを当日参加として受付しました。") % {"name": member.name})
            return redirect("regional:meeting_checkin", pk=meeting.pk)
    return _checkin_page(request, meeting, form, status=400)


@require_POST
@login_required
def meeting_checkin_member(request: HttpRequest, pk: int) -> HttpResponse:
    """Check one person in (or out), with the rounds they are there for (1-based in the form)."""
    user = signed_in_user(request)
    rsvp = access.access_rsvp_for_organiser(user=user, pk=pk)
    if rsvp.status != RsvpStatus.GOING:
        raise Http404
    form = CheckInForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("regional:meeting_checkin", pk=rsvp.meeting_id)
    last = form.cleaned_data["last_round"]
    try:
        meeting_check_in(
            rsvp=rsvp,
            by=user,
            checked_in=request.POST.get("action") != "undo",
            first_round=form.cleaned_data["first_round"] - 1,
            last_round=None if last is None else last - 1,
        )
        messages.success(request, _("%(name)sさんの受付を更新しました。") % {"name": rsvp.member.name})
    except RegionalError as e:
        messages.error(request, e.message)
    return redirect("regional:meeting_checkin", pk=rsvp.meeting_id)


@login_required
def meeting_groups(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    meeting = access.access_meeting_for_organiser(user=user, pk=pk)
    # Re-forming starts where the last forming started: a plain click never re-forms rounds it kept.
    last_from = (meeting.groups_figures or {}).get("from_round", 0) if meeting.groups_formed_at else 0
    form = GroupsFormForm(request.POST or None, initial={"from_round": int(last_from) + 1})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                figures = dialogue_groups_form(
                    meeting=meeting,
                    by=user,
                    from_round=form.cleaned_data["from_round"] - 1,
                    time_limit=float(form.cleaned_data["time_limit"]),
                )
            except RegionalError as e:
                form.add_error(e.field, e.message)
            except ImportError:
                form.add_error(None, _("グループ編成エンジンが利用できません。管理者にお問い合わせください。"))
            else:
                messages.success(
                    request,
                    _("グループを編成しました（同じ組織の組み合わせ %(same)s、再会 %(repeats)s）。")
                    % {"same": figures["same_organisation"], "repeats": figures["repeats"]},
                )
                return redirect("regional:meeting_groups", pk=meeting.pk)
        status = 400
    context = {"meeting": meeting, "rounds": meeting_rounds(meeting=meeting), "form": form}
    return render(request, "regional/meeting_groups.html", context, status=status)


@login_required
def meeting_print(request: HttpRequest, pk: int, sheet: str) -> HttpResponse:
    """Table cards or per-person itineraries as a PDF (the chapter's organisers)."""
    user = signed_in_user(request)
    meeting = access.access_meeting_for_organiser(user=user, pk=pk)
    if sheet not in PRINT_SHEETS:
        raise Http404
    if meeting.groups_formed_at is None:
        messages.error(request, _("グループを編成してから印刷してください。"))
        return redirect("regional:meeting_groups", pk=meeting.pk)
    pdf = meeting_print_pdf(meeting=meeting, sheet=sheet, by=user)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = {"cards": _("テーブルカード"), "itineraries": _("個人別の席次")}[sheet]
    attach_file_name(response, download_name(meeting.title, name, extension="pdf"), attachment=False)
    response["Cache-Control"] = "private, no-store"
    return response
