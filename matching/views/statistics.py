"""The statistics page (the dashboard everyone opens) and its exports.

Coordinators, bank staff / institution admins and local government staff; each sees the scope that
`statistics_scope_for` gives them (everyone else: 404).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sks.access import role_required, signed_in_user
from sks.exceptions import DomainError
from sks.export import attach_file_name, download_name
from sks.roles import INSTITUTION_ROLES, Role

from ..forms.statistics import EXPORT_FORMATS, StatisticsFilterForm
from ..selectors import statistics as selectors
from ..services.statistics import statistics_export as export_service
from ..services.statistics import statistics_table_title

EVENTS_PER_PAGE = 25
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@role_required(Role.COORDINATOR, Role.LOCAL_GOVERNMENT, *INSTITUTION_ROLES)
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    scope = selectors.statistics_scope_for(user=user)
    form = StatisticsFilterForm(request.GET or None, scope=scope)
    filters = form.filters()
    breakdown = form.breakdown()
    totals = selectors.totals(scope=scope, filters=filters)
    rows = selectors.breakdown_rows(scope=scope, filters=filters, name=breakdown)
    # The chart needs only enrolments and supported ones: one query when the table is another breakdown.
    years = (
        rows
        if breakdown == "year"
        else selectors.breakdown_rows(scope=scope, filters=filters, name="year", parts="enrolments")
    )
    months = selectors.monthly_rows(scope=scope, filters=filters)
    paginator = Paginator(selectors.scope_events(scope=scope, filters=filters), EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "scope": scope,
        "form": form,
        "totals": totals,
        "national": selectors.national_totals(scope=scope, filters=filters) if scope.kind == "institution" else None,
        "min_other_institutions": selectors.MIN_OTHER_INSTITUTIONS,
        "breakdown": selectors.BREAKDOWNS[breakdown],
        "breakdown_rows": rows,
        "breakdowns": [selectors.BREAKDOWNS[name] for name in scope.breakdowns],
        "year_chart": selectors.trend_chart(years),
        "month_chart": selectors.trend_chart(months),
        "page": page,
        "event_rows": selectors.event_rows(scope=scope, filters=filters, events=list(page.object_list)),
        "today": timezone.localdate(),
    }
    return render(request, "matching/statistics/statistics.html", context)


@role_required(Role.COORDINATOR, Role.LOCAL_GOVERNMENT, *INSTITUTION_ROLES)
@require_GET
def statistics_export(request: HttpRequest) -> HttpResponse:
    """One table as a file: `?format=csv|xlsx&table=events|year|institution|…` with the page's filters."""
    user = signed_in_user(request)
    scope = selectors.statistics_scope_for(user=user)
    file_format = request.GET.get("format", "csv")
    table = request.GET.get("table", "events")
    if file_format not in EXPORT_FORMATS or (table != "events" and table not in scope.breakdowns):
        raise Http404
    form = StatisticsFilterForm(request.GET, scope=scope)
    try:
        data = export_service(by=user, scope=scope, filters=form.filters(), table=table, file_format=file_format)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    filename = download_name(statistics_table_title(table), f"{timezone.localdate():%Y%m%d}", extension=file_format)
    attach_file_name(response, filename)
    response["Cache-Control"] = "private, no-store"
    return response
