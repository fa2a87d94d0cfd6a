"""Searching 新現役 (coordinators and institution staff), a senior's page, and the 第三者提供記録."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from sks.access import role_required, signed_in_user, user_has_any_role
from sks.audit import audit_read
from sks.roles import INSTITUTION_ROLES, Role

from .. import selectors, services
from ..forms.search import SeniorSearchForm
from ..models import WEEKDAYS

SEARCH_ROLES = (Role.COORDINATOR, Role.BANK_STAFF, Role.INSTITUTION_ADMIN)
PROVISIONS_PER_PAGE = 50


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def filters_state(form: SeniorSearchForm) -> str | None:
    """What the filter column's HTML depends on besides the language and the reference tables: the values
    given for the form's fields (canonical, so that the same search in another order shares the fragment).
    None when the form has errors: the column then shows them, and is rendered afresh."""
    if not form.is_bound:
        return "unbound"
    if form.errors:
        return None
    data = form.data
    assert isinstance(data, QueryDict)  # a bound search form is bound to request.GET
    return urlencode(sorted((name, value) for name in form.fields for value in data.getlist(name)))


@role_required(*SEARCH_ROLES)
def senior_search(request: HttpRequest) -> HttpResponse:
    form = SeniorSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        page = selectors.senior_search(criteria=form.criteria(), page=_page_number(request))
    elif not form.is_bound:
        # An empty search lists everyone, newest first: a coordinator may simply browse.
        page = selectors.senior_search(criteria=selectors.SeniorSearchCriteria(), page=_page_number(request))
    context = {
        "form": form,
        "page": page,
        "weekdays": WEEKDAYS,
        "filters_state": filters_state(form),
        "reference_version": selectors.reference_version(),
    }
    htmx = request.htmx  # type: ignore[attr-defined]  # set by django_htmx's middleware
    if htmx and htmx.target == "search-results":  # a page link: the results only
        return render(request, "participants/search_list.html#search_results", context)
    if htmx:  # the form: the form too, so that errors show beside their fields
        return render(request, "participants/search_list.html#search_area", context)
    return render(request, "participants/search_list.html", context)


@role_required(*SEARCH_ROLES)
def senior_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    senior = selectors.access_searchable_senior(user=user, pk=pk)
    audit_read(obj=senior)
    if user_has_any_role(user, INSTITUTION_ROLES):
        try:
            services.provision_record(
                senior=senior,
                recipient=user,
                purpose=services.PROVISION_PURPOSE_MATCHING,
                items=services.provision_items_for_institutions(),
            )
        except services.ProvisionError:
            # No provision without its record (fail closed); only a misconfigured membership gets here.
            raise Http404 from None
    is_coordinator = user_has_any_role(user, [Role.COORDINATOR])
    context = {"senior": senior, "weekdays": WEEKDAYS, "is_coordinator": is_coordinator}
    return render(request, "participants/search_senior_detail.html", context)


@role_required(Role.COORDINATOR)
def senior_provisions(request: HttpRequest, pk: int) -> HttpResponse:
    senior = selectors.access_senior_for_provisions(user=signed_in_user(request), pk=pk)
    records = selectors.provision_list_for_senior(senior=senior)
    page = Paginator(records, PROVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "participants/search_provision_list.html", {"senior": senior, "page": page})
