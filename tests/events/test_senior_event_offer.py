"""A senior is offered the events they can still apply to; an event that is over (held, or its application
period ended) is not offered to someone who never applied, and is shown as over to someone who did."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access import arranging
from tests.factories import enrol_company, make_application, make_event, pledged_senior

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    today = timezone.localdate()
    with arranging():
        open_event = make_event(status="published", title="これからの交流会")
        past = make_event(
            status="follow_up",
            title="開催済みの交流会",
            date=today - dt.timedelta(days=60),
            enrolment_deadline=today - dt.timedelta(days=100),
            hearing_deadline=today - dt.timedelta(days=90),
            issue_list_date=today - dt.timedelta(days=85),
            application_deadline=today - dt.timedelta(days=75),
            selection_deadline=today - dt.timedelta(days=68),
        )
        closed = make_event(status="selection", title="選考中の交流会")
    return {"open": open_event, "past": past, "closed": closed}


def _cards(response) -> dict[str, str]:
    """The text of each event card on the page, by the event's title."""
    body = response.content.decode()
    cards = re.findall(r'<li class="card mb-3">(.*?)</li>', body, re.S)
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card)).strip() for card in cards]
    return {text.split(" ")[0]: text for text in texts}


def test_new_senior_is_offered_only_the_event_open_for_applications(events, client):
    with arranging():
        senior = pledged_senior()
    client.force_login(senior.user)

    cards = _cards(client.get(reverse("events:senior_event_list")))

    assert sorted(cards) == ["これからの交流会"]
    assert "まだ応募していません" in cards["これからの交流会"]


def test_senior_who_applied_to_a_past_event_sees_it_as_held(events, client):
    with arranging():
        senior = pledged_senior()
        make_application(senior, [enrol_company(events["past"])])
    client.force_login(senior.user)

    cards = _cards(client.get(reverse("events:senior_event_list")))

    assert sorted(cards) == ["これからの交流会", "開催済みの交流会"]
    assert "応募済" in cards["開催済みの交流会"]
    assert "開催済み" in cards["開催済みの交流会"]
    assert "まだ応募していません" not in cards["開催済みの交流会"]


def test_draft_left_when_applications_closed_is_not_shown_as_still_to_apply(events, client):
    with arranging():
        senior = pledged_senior()
        make_application(senior, [enrol_company(events["closed"])], status="draft")
    client.force_login(senior.user)

    cards = _cards(client.get(reverse("events:senior_event_list")))

    assert "下書きのまま締め切られました" in cards["選考中の交流会"]
    assert "応募の受付は終了しました" in cards["選考中の交流会"]
    assert "まだ応募していません" not in cards["選考中の交流会"]
