"""Event day (repair): the coordinator's page listing the no-shows, walk-ins and standby seniors, with a
button that re-solves the published timetable around them (a new draft version) and the last repair
draft's diff against the published version. Coordinators of the event's coordinator organisation only;
everyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from events.access import access_event_for_coordinator
from sks.access import role_required, signed_in_user
from sks.exceptions import DomainError
from sks.roles import Role

from ..enums import SolveStatus
from ..selectors.repair import repair_overview
from ..services.repair import REPAIR_EVENT_STATUSES, timetable_repair


@role_required(Role.COORDINATOR)
def repair(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the event day's no-shows, walk-ins and standby, and the last repair. POST: repair."""
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    if request.method == "POST":
        try:
            timetable = timetable_repair(event=event, by=user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("matching:repair", pk=event.pk)
        # Without a broker the solve has already run in-process: say "started" only while it is pending.
        timetable.refresh_from_db(fields=["solve_status"])
        version = {"version": timetable.version}
        if timetable.solve_status in (SolveStatus.QUEUED, SolveStatus.RUNNING):
            messages.success(
                request,
                _(
                    "欠席・当日参加を反映した時間割（第%(version)s版）の計算を始めました。"
                    "終わったら変更点を確認して公開してください。"
                )
                % version,
            )
        elif timetable.solve_status == SolveStatus.FAILED:
            messages.error(
                request, _("欠席・当日参加を反映した時間割（第%(version)s版）を作れませんでした。") % version
            )
        else:
            messages.success(
                request,
                _("欠席・当日参加を反映した時間割（第%(version)s版）ができました。変更点を確認して公開してください。")
                % version,
            )
        return redirect("matching:timetable_detail", pk=timetable.pk)
    overview = repair_overview(event=event)
    context = {
        "event": event,
        "overview": overview,
        "can_repair": overview.published is not None and event.status in REPAIR_EVENT_STATUSES,
        "draft_solving": overview.draft is not None
        and overview.draft.solve_status in (SolveStatus.QUEUED, SolveStatus.RUNNING),
    }
    return render(request, "matching/repair.html", context)
