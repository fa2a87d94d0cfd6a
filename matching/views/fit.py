"""Fit pages (matching.selectors.fit): never a score, only the order and the reasons.

* A senior: 「あなたに合いそうな課題」 of one event (also loaded into the event's issue list with HTMX), behind
  the same pledge gate as the issue list; their own list only (it is computed for the signed-in senior).
* Bank staff of the company's institution and the event's coordinator: the best-fitting seniors for one
  company who have not applied (staff invite them with the existing invitation form); anyone else 404.
* The event's coordinator: 応募が少ない課題, each with its suggestions.
* Anyone with the mail's link: the one-click opt-out of the fit mail.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from events.access import access_event_for_coordinator, access_event_for_senior, senior_profile_of
from events.selectors.selection import application_window_open, selection_window_open
from participants.selectors import senior_has_current_pledge
from sks.access import role_required, signed_in_user
from sks.roles import INSTITUTION_ROLES, SENIOR, Role

from .. import access
from ..selectors import fit as selectors
from ..services import fit as services


@require_GET
@role_required(SENIOR)
def fit_senior_event(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    profile = senior_profile_of(user)
    if not senior_has_current_pledge(profile):
        # The issue list's own page holds the pledge gate and brings the senior back.
        return redirect("events:senior_issue_list", pk=pk)
    event = access_event_for_senior(user=user, pk=pk)
    context = {
        "event": event,
        "suggestions": selectors.fit_issues_for_senior(event=event, senior=profile, limit=selectors.SENIOR_LIST),
        "window_open": application_window_open(event),
        # Loaded into the issue list, which has its own apply button: the panel does not repeat it.
        "embedded": bool(request.headers.get("HX-Request")),
    }
    if request.headers.get("HX-Request"):
        return render(request, "matching/fit/senior_event_list.html", context)
    return render(request, "matching/fit/senior_event.html", context)


@require_GET
@role_required(*INSTITUTION_ROLES, Role.COORDINATOR)
def fit_enrolment_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    enrolment, coordinator = access.access_table(user=user, pk=pk)
    context = {
        "enrolment": enrolment,
        "event": enrolment.event,
        "coordinator": coordinator,
        "suggestions": selectors.fit_suggestions_for_enrolment(enrolment=enrolment),
        # Invitations are the company's (its bank staff's) to make, as on the invitation page.
        "can_invite": not coordinator and selection_window_open(enrolment.event),
    }
    if request.headers.get("HX-Request"):
        return render(request, "matching/fit/enrolment_suggestions_list.html", context)
    return render(request, "matching/fit/enrolment_suggestions.html", context)


@require_GET
@role_required(Role.COORDINATOR)
def fit_thin_issues(request: HttpRequest, pk: int) -> HttpResponse:
    event = access_event_for_coordinator(user=signed_in_user(request), pk=pk)
    context = {
        "event": event,
        "thin": selectors.fit_thin_issues(event=event),
        "floor": selectors.FITTING_APPLICANTS_FLOOR,
    }
    return render(request, "matching/fit/thin_issues.html", context)


# The mail client's one-click POST (RFC 8058) carries no CSRF token; the signed token is the authority, and
# the only thing it can do is stop mail to the person it names.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def fit_mail_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    try:
        senior = services.fit_mail_opt_out_senior(token=token)
    except services.FitOptOutError as exc:
        return render(request, "matching/fit/opt_out.html", {"error": exc.message}, status=404)
    if request.method == "POST":
        services.fit_mail_opt_out(token=token)
        return render(request, "matching/fit/opt_out.html", {"done": True})
    already = hasattr(senior, "fit_mail_opt_out")
    return render(request, "matching/fit/opt_out.html", {"token": token, "done": already})
