"""Printed sheets of a timetable: PDF through WeasyPrint (Japanese fonts embedded) and an .xlsx workbook.

The PDFs need the system's Pango (libpango-1.0-0, libpangoft2-1.0-0) and the Noto CJK fonts
(fonts-noto-cjk); `.ci/run` installs them when missing. The sheets' HTML is rendered from
templates/matching/print_*.html with static/css/timetable_print.css; WeasyPrint loads nothing but local
files (`_local_files_only`), so a printed sheet never fetches a URL.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participants.models import User
from sks.audit import audit
from sks.exceptions import DomainError
from sks.export import escape_formula, sheet_title

from ..selectors.printing import TimetablePrint

__all__ = ["PRINT_SHEETS", "timetable_print_pdf", "timetable_print_xlsx"]

# sheet -> template
PRINT_SHEETS: dict[str, str] = {
    "grid": "matching/print_grid.html",
    "tables": "matching/print_tables.html",
    "seniors": "matching/print_seniors.html",
    "staff": "matching/print_staff.html",
}
STYLESHEET = "css/timetable_print.css"

# WeasyPrint reports every layout step at INFO: not worth a log line per printed page.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _local_files_only(url: str) -> dict[str, Any]:
    """WeasyPrint's URL fetcher, limited to local files (the stylesheet); anything else is refused."""
    if not url.startswith("file://"):
        raise ValueError(f"refused to fetch {url!r} while printing")
    from weasyprint import default_url_fetcher

    result: dict[str, Any] = default_url_fetcher(url)
    return result


def _audit(*, by: User, data: TimetablePrint, sheet: str, file_format: str) -> None:
    audit(
        obj=data.timetable,
        action="timetable.printed",
        user=by,
        data={"sheet": sheet, "format": file_format, "tables": [t.enrolment_id for t in data.tables]},
    )


def timetable_print_pdf(*, by: User, data: TimetablePrint, sheet: str) -> bytes:
    """One kind of sheet (`grid`, `tables`, `seniors`, `staff`) of `data` as a PDF."""
    import weasyprint

    if sheet not in PRINT_SHEETS:
        raise DomainError(_("印刷する表の種類が正しくありません。"))
    html = render_to_string(PRINT_SHEETS[sheet], {"data": data, "event": data.event, "timetable": data.timetable})
    stylesheet = finders.find(STYLESHEET)
    if not isinstance(stylesheet, str):
        raise DomainError(_("印刷用のスタイルシートが見つかりません。"))
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_local_files_only)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(filename=stylesheet)])
    _audit(by=by, data=data, sheet=sheet, file_format="pdf")
    return pdf


def _time_range(start: Any, end: Any) -> str:
    return f"{start:%H:%M}〜{end:%H:%M}"


def _names(seniors: list[Any]) -> str:
    return "、".join(s.name for s in seniors)


def timetable_print_xlsx(*, by: User, data: TimetablePrint) -> bytes:
    """The workbook: the grid on sheet "全体", then one sheet per table. Formula-like cells are escaped."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    def row(sheet: Any, values: list[Any], *, bold: bool = False) -> None:
        sheet.append([escape_formula(v) for v in values])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if bold:
                cell.font = Font(bold=True)

    event, timetable = data.event, data.timetable
    heading = f"{event.title}　{date_format(event.date, 'DATE_FORMAT')}　{event.venue}"
    version = _("第%(version)s版（%(status)s）") % {
        "version": timetable.version,
        "status": timetable.get_status_display(),
    }
    workbook = Workbook()
    workbook.properties.title = f"{event.title} {_('時間割')} {version}"
    workbook.properties.creator = _("SKS 新現役交流会プラットフォーム")
    grid = workbook.active
    grid.title = sheet_title(_("全体"))
    row(grid, [heading], bold=True)
    row(grid, [version])
    row(
        grid,
        [_("テーブル"), _("企業"), _("金融機関"), _("担当職員")] + [_time_range(s, e) for s, e in data.slot_times],
        bold=True,
    )
    for table, cells in data.grid_rows():
        row(
            grid,
            [table.number, table.company_name, table.institution_name, table.staff_name]
            + [_names(seniors) for seniors in cells],
        )
    grid.freeze_panes = "E4"
    for table_sheet in data.table_sheets():
        table = table_sheet.table
        sheet = workbook.create_sheet(title=sheet_title(_("テーブル%(number)s") % {"number": table.number}))
        row(sheet, [heading], bold=True)
        row(sheet, [version])
        row(sheet, [_("テーブル%(number)s") % {"number": table.number}, table.company_name], bold=True)
        row(sheet, [_("金融機関"), table.institution_name])
        row(sheet, [_("担当職員"), table.staff_name])
        row(sheet, [_("時間"), _("新現役"), _("プロフィール")], bold=True)
        for entry in table_sheet.entries:
            row(
                sheet,
                [
                    _time_range(entry.start, entry.end),
                    _names(entry.seniors),
                    " ／ ".join(s.profile_line for s in entry.seniors if s.profile_line),
                ],
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    _audit(by=by, data=data, sheet="workbook", file_format="xlsx")
    return buffer.getvalue()
