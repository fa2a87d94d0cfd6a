from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sks.access import role_required
from sks.audit import audit_read
from sks.roles import INSTITUTION_ROLES

from .. import selectors


@role_required(*INSTITUTION_ROLES)
def company_list(request: HttpRequest) -> HttpResponse:
    companies = selectors.company_list_for(user=request.user)  # type: ignore[arg-type]
    page = Paginator(companies, 50).get_page(request.GET.get("page"))
    return render(request, "participants/company_list.html", {"page": page})


@role_required(*INSTITUTION_ROLES)
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.access_company(user=request.user, pk=pk)  # type: ignore[arg-type]
    audit_read(obj=company)
    return render(request, "participants/company_detail.html", {"company": company})
