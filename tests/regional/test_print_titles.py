"""A dialogue meeting's printed sheets carry a title (PDF metadata) and a Japanese file name."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from pypdf import PdfReader

from regional.services import dialogue_groups_form

from .helpers import round_robin_solve, rsvp

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("sheet", "title"), [("cards", "テーブルカード"), ("itineraries", "個人別の席次")])
def test_meeting_print_pdf_has_title_and_file_name(net, as_user, sheet, title):
    meeting = net["meeting"]
    for key in ("organiser", "alice", "bob"):
        rsvp(meeting, net["members"][key], checked_in=True)
    dialogue_groups_form(meeting=meeting, by=net["users"]["organiser"], solver=round_robin_solve)

    response = as_user(net["users"]["organiser"]).get(reverse("regional:meeting_print", args=[meeting.pk, sheet]))

    assert PdfReader(io.BytesIO(response.content)).metadata.title == f"{title}｜{meeting.title}"
    disposition = response["Content-Disposition"]
    assert unquote(disposition.split("filename*=utf-8''")[1]) == f"{meeting.title}_{title}.pdf"
