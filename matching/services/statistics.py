"""Exports of the statistics page's tables (CSV for Excel in Japan, or .xlsx), escaped and audited.

The figures come from matching.selectors.statistics with the exporting user's scope, so an export shows
exactly what the page shows to that user.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from participants.models import User
from sks.audit import audit
from sks.exceptions import DomainError
from sks.export import escape_formula, sheet_title, utf8_csv_bytes

from ..selectors.statistics import (
    BREAKDOWNS,
    StatFilters,
    StatisticsScope,
    StatRow,
    breakdown_rows,
    event_stat_rows,
)

__all__ = ["statistics_export", "statistics_table", "statistics_table_title"]


class StatisticsExportError(DomainError):
    pass


def _figures(row: StatRow) -> list[Any]:
    return [
        row.enrolments,
        row.seniors,
        row.interviews,
        row.second_interviews,
        row.agreements,
        row.supported,
        row.rate_display,
    ]


def _figure_headers() -> list[str]:
    return [
        _("参加企業数"),
        _("参加新現役数"),
        _("面談数"),
        _("二次面談数"),
        _("支援成立件数"),
        _("支援成立企業数"),
        _("マッチング率"),
    ]


def statistics_table_title(table: str) -> str:
    """What a table is called in its file's name and on its worksheet: 「統計（金融機関別）」."""
    by = _("交流会") if table == "events" else str(BREAKDOWNS[table].label)
    return _("統計（%(by)s別）") % {"by": by}


def statistics_table(*, scope: StatisticsScope, filters: StatFilters, table: str) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of one table: `events` (every event of the scope) or a breakdown's name."""
    if table == "events":
        header = [_("開催日"), _("交流会"), _("コーディネート団体"), *_figure_headers(), _("アンケート")]
        rows = [
            [
                r.event.date.isoformat(),
                r.event.title,
                r.event.coordinator.name,
                *_figures(r.stats),
                " ／ ".join(f"{role} {n}件 平均{mean:.1f}" for role, n, mean in r.survey),
            ]
            for r in event_stat_rows(scope=scope, filters=filters)
        ]
        return header, rows
    if table not in scope.breakdowns:
        raise StatisticsExportError(_("この表は書き出せません。"))
    header = [str(BREAKDOWNS[table].label), _("交流会数"), _("参加企業数（実数）"), *_figure_headers()]
    rows = [
        [row.label, row.events, row.companies, *_figures(row)]
        for row in breakdown_rows(scope=scope, filters=filters, name=table)
    ]
    return header, rows


def statistics_export(*, by: User, scope: StatisticsScope, filters: StatFilters, table: str, file_format: str) -> bytes:
    """One table as CSV (UTF-8 with BOM) or .xlsx, every text cell formula-escaped; audited on the user's
    organisation (who took which figures, with which filters)."""
    if file_format not in {"csv", "xlsx"}:
        raise StatisticsExportError(_("CSV か Excel を選んでください。"))
    header, rows = statistics_table(scope=scope, filters=filters, table=table)
    cells = [[escape_formula(v) for v in row] for row in [header, *rows]]
    if file_format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(cells)
        data = utf8_csv_bytes(buffer.getvalue())
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = sheet_title(statistics_table_title(table))
        for row in cells:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
    membership = by.active_memberships[0] if by.active_memberships else None
    audit(
        obj=membership.organization if membership else by,
        action="statistics.exported",
        user=by,
        data={"table": table, "format": file_format, "rows": len(rows), "filters": filters.as_dict()},
    )
    return data
