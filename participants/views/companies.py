"""Client companies: list, detail, create and edit, bulk import (upload, preview, confirm) and export.

Bank staff and institution admins of the owning institution only; everyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sks.access import role_required, signed_in_user
from sks.audit import audit_read
from sks.export import attach_file_name, download_name
from sks.roles import INSTITUTION_ROLES

from .. import selectors, services
from ..forms.companies import CompanyFilterForm, CompanyForm, CompanyImportForm
from ..models import Company
from ..resources import COMPANY_COLUMNS, COMPANY_REQUIRED_HEADERS

PAGE_SIZE = 50
MAX_PAGE = 100_000  # a typed page number beyond this would overflow the database's OFFSET
# Rows of the preview shown in full; the counts and every error row are always shown.
PREVIEW_ROWS = 100
EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _filters(form: CompanyFilterForm) -> dict[str, Any] | None:
    """The list's filters, or None when the keyword is unusable (the form shows why).

    A branch or industry that is not among the user's choices is answered like a missing page: a
    branch of another institution must not be probed through the filter.
    """
    if not form.is_bound:
        return {}
    if form.is_valid():
        return {
            "branch": form.cleaned_data["branch"],
            "industry": form.cleaned_data["industry"],
            "q": form.cleaned_data["q"],
        }
    if "branch" in form.errors or "industry" in form.errors:
        raise Http404
    return None


def _page(companies: QuerySet[Company], number: str | None) -> Page:
    """One page of the list, counted by a window function in the same query (one query, not two)."""
    paginator = Paginator(companies, PAGE_SIZE)
    try:
        wanted = min(max(int(number or 1), 1), MAX_PAGE)
    except ValueError:
        wanted = 1
    start = (wanted - 1) * PAGE_SIZE
    rows = list(companies.annotate(total_rows=Window(Count("pk")))[start : start + PAGE_SIZE])
    if rows or wanted == 1:
        paginator.count = rows[0].total_rows if rows else 0  # type: ignore[attr-defined]  # total_rows is the Window annotation above
        return Page(rows, wanted, paginator)
    return paginator.get_page(wanted)  # past the last page: Django's own handling shows the last one


@role_required(*INSTITUTION_ROLES)
def company_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CompanyFilterForm(request.GET or None, user=user)
    filters = _filters(form)
    companies = selectors.company_list_for(user=user, **filters) if filters is not None else Company.objects.none()
    page = _page(companies, request.GET.get("page"))
    context = {"page": page, "form": form, "filtered": bool(filters and any(filters.values()))}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "participants/company_list.html#results", context)
    return render(request, "participants/company_list.html", context)


@role_required(*INSTITUTION_ROLES)
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.access_company(user=signed_in_user(request), pk=pk)
    audit_read(obj=company)
    history = selectors.company_history(company=company)
    context = {
        "company": company,
        "history": history,
        # Its own logins, and the events it is enrolled in (by lookup name: participants does not import
        # events), each fetched in one query rather than one per row.
        "contacts": company.contacts.filter(is_active=True).select_related("user").order_by("pk"),
        "enrolments": company.enrolments.select_related("event", "hearing").order_by("-event__date", "pk"),
    }
    return render(request, "participants/company_detail.html", context)


def _company_form(request: HttpRequest, *, company: Company | None) -> HttpResponse:
    user = signed_in_user(request)
    institution = company.institution if company is not None else selectors.company_institution_for(user=user)
    form = CompanyForm(request.POST or None, instance=company, institution=institution)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            if company is None:
                saved = services.company_create(by=user, institution=institution, **fields)
            else:
                saved = services.company_update(company=company, by=user, **fields)
        except services.CompanyError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            duplicate = getattr(exc, "existing", None)
        else:
            if company is None:
                messages.success(request, _("「%(name)s」を登録しました。") % {"name": saved.name})
            else:
                messages.success(request, _("「%(name)s」を更新しました。") % {"name": saved.name})
            return redirect("participants:company_detail", pk=saved.pk)
    elif company is not None and request.method != "POST":
        audit_read(obj=company)  # the form shows every field, internal notes included
    context = {"form": form, "company": company, "duplicate": duplicate, "institution": institution}
    return render(request, "participants/company_form.html", context)


@role_required(*INSTITUTION_ROLES)
def company_create(request: HttpRequest) -> HttpResponse:
    return _company_form(request, company=None)


@role_required(*INSTITUTION_ROLES)
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _company_form(request, company=selectors.access_company(user=signed_in_user(request), pk=pk))


@role_required(*INSTITUTION_ROLES)
def company_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    institution = selectors.company_institution_for(user=user)
    form = CompanyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            token = services.company_import_store(
                by=user, institution=institution, content=upload.read(), filename=upload.name
            )
        except services.CompanyImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("participants:company_import_confirm", token=token)
    context = {
        "form": form,
        "institution": institution,
        "columns": list(COMPANY_COLUMNS.values()),
        "required_columns": COMPANY_REQUIRED_HEADERS,
    }
    return render(request, "participants/company_import.html", context)


@role_required(*INSTITUTION_ROLES)
def company_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the dry run of an upload, row by row. POST: import it, exactly as previewed."""
    user = signed_in_user(request)
    pending = selectors.access_company_import(user=user, token=token)
    failure = None
    try:
        if request.method == "POST":
            try:
                report = services.company_import_commit(
                    by=user, pending=pending, expected_digest=request.POST.get("digest", "")
                )
            except services.CompanyImportRowsError as exc:
                report, failure = exc.report, exc.message
            except services.CompanyImportChangedError as exc:
                messages.error(request, exc.message)
                return redirect("participants:company_import_confirm", token=token)
            else:
                messages.success(
                    request,
                    _("取り込みました。新規登録 %(new)s件、更新 %(updated)s件です。")
                    % {"new": report.new, "updated": report.updated},
                )
                return redirect("participants:company_list")
        else:
            report = services.company_import_preview(by=user, pending=pending)
    except (services.CompanyImportGoneError, services.CompanyImportFileError) as exc:
        messages.error(request, exc.message)
        return redirect("participants:company_import")
    context = {
        "report": report,
        "token": token,
        "institution": pending.institution,
        "failure": failure,
        "preview_rows": report.rows[:PREVIEW_ROWS],
        "preview_limit": PREVIEW_ROWS,
    }
    return render(request, "participants/company_import_preview.html", context)


@role_required(*INSTITUTION_ROLES)
def company_export(request: HttpRequest) -> HttpResponse:
    """The list as a file, with the list's current filters (`?format=csv|xlsx&q=…&branch=…`)."""
    user = signed_in_user(request)
    file_format = request.GET.get("format", "csv")
    if file_format not in EXPORT_CONTENT_TYPES:
        raise Http404
    filters = _filters(CompanyFilterForm(request.GET, user=user))
    if filters is None:
        raise Http404
    companies = selectors.company_list_for(user=user, **filters)
    data = services.company_export(by=user, companies=companies, file_format=file_format)
    response = HttpResponse(data, content_type=EXPORT_CONTENT_TYPES[file_format])
    return attach_file_name(
        response, download_name(_("取引先企業"), f"{timezone.localdate():%Y%m%d}", extension=file_format)
    )
