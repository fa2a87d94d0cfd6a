"""The post-event survey: the participant's page (answer, then change it until the follow-up closes) and the
coordinator's results page.

* `survey`: seniors, bank staff and company contacts who took part in the event's published timetable;
  everyone else, and every event not yet held, answers 404;
* `survey_results`: the event's coordinators only (host institutions included get 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sks.access import role_required, signed_in_user
from sks.exceptions import DomainError
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR, Role

from ..enums import SurveyRole
from ..forms.survey import SurveyForm
from ..selectors import survey as selectors
from ..services import survey as services

SURVEY_ROLES = (SENIOR, COMPANY, *INSTITUTION_ROLES)


@role_required(*SURVEY_ROLES)
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event, role = selectors.access_event_for_survey(user=user, pk=pk)
    response = selectors.survey_response_of(event=event, user=user)
    is_open = event.status in selectors.SURVEY_OPEN_STATUSES
    editing = request.method == "POST" or response is None or request.GET.get("edit") == "1"
    initial = {"satisfaction": response.satisfaction, "comment": response.comment} if response else None
    if request.method == "POST" and not is_open:
        messages.error(request, _("この交流会のアンケートは締め切りました。"))
        return redirect("matching:survey", pk=event.pk)
    form = SurveyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_response_submit(
                event=event,
                user=user,
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("ご回答ありがとうございました。") if response is None else _("回答を変更しました。"),
            )
            return redirect("matching:survey", pk=event.pk)
    context = {
        "event": event,
        "role_label": SurveyRole(role).label,
        "response": response,
        "form": form,
        "is_open": is_open,
        "editing": is_open and editing,
        "satisfaction_labels": selectors.SATISFACTION_LABELS,
    }
    return render(request, "matching/survey/survey.html", context)


@role_required(Role.COORDINATOR)
@require_GET
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.access_event_for_survey_results(user=signed_in_user(request), pk=pk)
    results = selectors.survey_results(event=event)
    context = {"event": event, "results": results, "satisfaction_labels": selectors.SATISFACTION_LABELS}
    return render(request, "matching/survey/results.html", context)
