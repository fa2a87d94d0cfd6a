"""Publishing a timetable (the coordinator) and the personal schedule pages (seniors, bank staff, companies).

* `timetable_publish`: the event's coordinator confirms and publishes a draft (everyone else: 404);
* `my_schedule`: a senior, a bank staff member or a company contact sees their own schedule in every
  published timetable they take part in (an empty page, not a 404, when there is none);
* `my_schedule_ics`: the same schedule as an .ics download; 404 for anyone without a meeting in it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participants.selectors import senior_has_current_pledge
from sks.access import role_required, signed_in_user
from sks.exceptions import DomainError
from sks.export import attach_file_name, download_name
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR, Role

from ..forms.publish import TimetablePublishForm
from ..selectors import publish as selectors
from ..selectors.build import access_timetable_for_coordinator
from ..selectors.followup import my_second_interviews, senior_wish_rows
from ..services import publish as services

SCHEDULE_ROLES = (SENIOR, COMPANY, *INSTITUTION_ROLES)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def timetable_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    timetable = access_timetable_for_coordinator(user=user, pk=pk)
    event = timetable.event
    published = selectors.published_timetable_besides(timetable=timetable)
    form = TimetablePublishForm(request.POST if request.method == "POST" else None, republish=published is not None)
    if request.method == "POST" and form.is_valid():
        try:
            services.timetable_publish(timetable=timetable, by=user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if published is not None:
                messages.success(
                    request, _("時間割を公開しました。時間割が変わった参加者に、新しい時間割をメールでお送りします。")
                )
            else:
                messages.success(
                    request, _("時間割を公開しました。参加者全員に、個人別の時間割をメールでお送りします。")
                )
            return redirect("matching:timetable_detail", pk=timetable.pk)
    context = {
        "timetable": timetable,
        "event": event,
        "form": form,
        "blocker": selectors.timetable_publish_blocker(timetable=timetable),
        "meeting_count": timetable.meetings.count(),
        "published": published,
    }
    return render(request, "matching/timetable_publish.html", context)


@role_required(*SCHEDULE_ROLES)
@require_GET
def my_schedule(request: HttpRequest) -> HttpResponse:
    schedules = selectors.my_schedules(user=signed_in_user(request))
    timetables: list[dict[str, object]] = []
    for schedule in schedules:
        if not timetables or timetables[-1]["timetable"] != schedule.timetable:
            timetables.append(
                {"timetable": schedule.timetable, "event": schedule.event, "schedules": [], "prints": False}
            )
        timetables[-1]["schedules"].append(schedule)  # type: ignore[attr-defined]  # the dict's values are mixed; this key always holds a list
        # Bank staff may print their own institution's table and route sheets of a published timetable.
        if schedule.role == selectors.ROLE_STAFF:
            timetables[-1]["prints"] = True
    # A senior's wish: their held interviews, to record whether they want to meet again.
    wish_rows = senior_wish_rows(user=signed_in_user(request), schedules=schedules)
    second_interviews = my_second_interviews(user=signed_in_user(request))
    user = signed_in_user(request)
    profile = getattr(user, "senior_profile", None) if SENIOR in user.roles else None
    context = {
        "timetables": timetables,
        "wish_rows": wish_rows,
        "second_interviews": second_interviews,
        # The companies' summaries are left out until the senior accepts the pledge in force: say so.
        "pledge_missing": bool(
            profile is not None
            and any(s.role == selectors.ROLE_SENIOR for s in schedules)
            and not senior_has_current_pledge(profile)
        ),
    }
    return render(request, "matching/schedule_list.html", context)


@role_required(*SCHEDULE_ROLES)
@require_GET
def my_schedule_ics(request: HttpRequest, pk: int) -> HttpResponse:
    timetable, schedules = selectors.access_own_schedule(user=signed_in_user(request), pk=pk)
    response = HttpResponse(selectors.schedule_ics(schedules), content_type="text/calendar; charset=utf-8")
    event = timetable.event
    return attach_file_name(
        response, download_name(event.title, f"{event.date:%Y%m%d}", _("面談予定"), extension="ics")
    )
