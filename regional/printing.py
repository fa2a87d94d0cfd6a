"""Printed sheets of a dialogue meeting's groups: table cards and per-person itineraries, as PDFs.

WeasyPrint renders templates/regional/print_*.html with static/css/regional_print.css and the Noto CJK fonts,
as the timetable prints do (matching/services/printing.py: same system requirements, local files only). In
flat mode the rows are `MemberCard`s without organisation or title, so the print cannot show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from participants.models import User
from sks.audit import audit
from sks.exceptions import DomainError

from .models import DialogueMeeting
from .selectors import MemberCard, meeting_itineraries, meeting_rounds

__all__ = ["PRINT_SHEETS", "TableCard", "meeting_print_html", "meeting_print_pdf", "meeting_table_cards"]

PRINT_SHEETS: dict[str, str] = {
    "cards": "regional/print_cards.html",
    "itineraries": "regional/print_itineraries.html",
}
STYLESHEET = "css/regional_print.css"


@dataclass
class TableCard:
    number: int
    rounds: list[list[MemberCard]]  # per round: who sits at this table (empty: not used in that round)


def meeting_table_cards(*, meeting: DialogueMeeting) -> list[TableCard]:
    """One card per table number, listing who sits there in each round."""
    rounds = meeting_rounds(meeting=meeting)
    tables = max((len(r) for r in rounds), default=0)
    cards = [TableCard(number=n, rounds=[[] for _ in rounds]) for n in range(1, tables + 1)]
    for r, groups in enumerate(rounds):
        for group in groups:
            cards[group.number - 1].rounds[r] = group.members
    return cards


def meeting_print_html(*, meeting: DialogueMeeting, sheet: str) -> str:
    if sheet not in PRINT_SHEETS:
        raise DomainError(_("印刷する表の種類が正しくありません。"))
    context = {
        "meeting": meeting,
        "cards": meeting_table_cards(meeting=meeting) if sheet == "cards" else [],
        "itineraries": meeting_itineraries(meeting=meeting) if sheet == "itineraries" else [],
        "round_numbers": range(1, meeting.rounds + 1),
    }
    return render_to_string(PRINT_SHEETS[sheet], context)


def _local_files_only(url: str) -> dict[str, object]:
    """WeasyPrint's URL fetcher, limited to local files (the stylesheet); anything else is refused."""
    if not url.startswith("file://"):
        raise ValueError(f"refused to fetch {url!r} while printing")
    from weasyprint import default_url_fetcher

    result: dict[str, object] = default_url_fetcher(url)
    return result


def meeting_print_pdf(*, meeting: DialogueMeeting, sheet: str, by: User) -> bytes:
    import weasyprint

    html = meeting_print_html(meeting=meeting, sheet=sheet)
    stylesheet = finders.find(STYLESHEET)
    if not isinstance(stylesheet, str):
        raise DomainError(_("印刷用のスタイルシートが見つかりません。"))
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_local_files_only)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(filename=stylesheet)])
    audit(obj=meeting, action="regional.groups_printed", user=by, data={"sheet": sheet})
    return pdf
