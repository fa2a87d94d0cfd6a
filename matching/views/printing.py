"""Printed sheets of a timetable: PDFs (master grid, per table, per senior, per staff member) and an .xlsx.

The event's coordinator prints every sheet; a host institution's staff (and institution admins) print the
published timetable's sheets of their own institution's tables and staff only (the per-table sheets, the
staff routes and the workbook); the master grid and the seniors' itineraries are the coordinator's.
Everyone else gets 404 (`access_timetable_for_print`).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from sks.access import role_required, signed_in_user
from sks.export import attach_file_name, download_name
from sks.roles import INSTITUTION_ROLES, Role

from ..models import Timetable
from ..selectors.printing import access_timetable_for_print, timetable_print_data
from ..services.printing import timetable_print_pdf, timetable_print_xlsx

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(timetable: Timetable, what: str, extension: str) -> str:
    version = _("時間割第%(version)s版") % {"version": timetable.version}
    return download_name(timetable.event.title, version, what, extension=extension)


def _file(data: bytes, content_type: str, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    attach_file_name(response, filename, attachment=attachment)
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(request: HttpRequest, pk: int, sheet: str, what: str, *, coordinator_only: bool) -> HttpResponse:
    user = signed_in_user(request)
    timetable, institution_ids = access_timetable_for_print(user, pk)
    if coordinator_only and institution_ids is not None:
        raise Http404
    data = timetable_print_data(timetable=timetable, institution_ids=institution_ids)
    pdf = timetable_print_pdf(by=user, data=data, sheet=sheet)
    return _file(pdf, PDF, _filename(timetable, what, "pdf"), attachment=False)


@role_required(Role.COORDINATOR)
def print_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The master grid on A3 landscape (coordinator only)."""
    return _pdf(request, pk, "grid", _("全体表"), coordinator_only=True)


@role_required(Role.COORDINATOR, *INSTITUTION_ROLES)
def print_tables(request: HttpRequest, pk: int) -> HttpResponse:
    """One rotation sheet per table (a host's staff: their own institution's tables)."""
    return _pdf(request, pk, "tables", _("テーブル別"), coordinator_only=False)


@role_required(Role.COORDINATOR)
def print_seniors(request: HttpRequest, pk: int) -> HttpResponse:
    """One itinerary per senior (coordinator only)."""
    return _pdf(request, pk, "seniors", _("新現役別"), coordinator_only=True)


@role_required(Role.COORDINATOR, *INSTITUTION_ROLES)
def print_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """One route sheet per bank staff member (a host's staff: their own institution's staff)."""
    return _pdf(request, pk, "staff", _("職員別"), coordinator_only=False)


@role_required(Role.COORDINATOR, *INSTITUTION_ROLES)
def print_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The workbook: the grid and a sheet per table (a host's staff: their own institution's tables)."""
    user = signed_in_user(request)
    timetable, institution_ids = access_timetable_for_print(user, pk)
    data = timetable_print_data(timetable=timetable, institution_ids=institution_ids)
    workbook = timetable_print_xlsx(by=user, data=data)
    return _file(workbook, XLSX, _filename(timetable, _("時間割"), "xlsx"), attachment=True)
