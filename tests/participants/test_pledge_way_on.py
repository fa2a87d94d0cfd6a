"""The pledge page leads on: the pages that send a senior to it pass where they came from (`next`, a path
on this site only), the senior is brought back there after pledging, and without one the page shows the
pledge taken with the way on to the dashboard's next step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from participants.selectors import pledge_current
from participants.services import senior_pledge_accept
from tests.access import arranging, as_user
from tests.factories import make_event, searchable_senior

pytestmark = pytest.mark.django_db

PLEDGE = reverse("participants:senior_pledge")
EVENTS = reverse("events:senior_event_list")


@pytest.fixture
def senior(client):
    with arranging():
        profile = searchable_senior()
        make_event(status="published")  # open for applications: the dashboard offers it
    client.force_login(profile.user)
    return profile


def _accept(client, next_url: str | None):
    data = {"pledge": pledge_current().pk, "agree": "on"}
    if next_url is not None:
        data["next"] = next_url
    return client.post(PLEDGE, data)


@pytest.mark.parametrize(
    ("page", "came_from"),
    [
        (EVENTS, EVENTS),
        (reverse("dashboard"), reverse("dashboard")),
    ],
)
def test_pages_that_send_seniors_to_the_pledge_say_where_they_came_from(senior, client, page, came_from):
    html = client.get(page).content.decode()

    assert f'href="{PLEDGE}?next={came_from}"' in html


def test_pledging_brings_the_senior_back_where_they_came_from(senior, client):
    form = client.get(PLEDGE, {"next": EVENTS}).content.decode()

    response = _accept(client, EVENTS)

    assert f'<input type="hidden" name="next" value="{EVENTS}">' in form
    assert response["Location"] == EVENTS


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", PLEDGE])
def test_pledging_never_follows_a_next_off_the_site_or_back_to_itself(senior, client, elsewhere):
    response = _accept(client, elsewhere)

    assert response["Location"] == PLEDGE


def test_pledging_without_next_shows_the_way_on_to_the_dashboard(senior, client):
    response = _accept(client, None)
    page = client.get(response["Location"]).content.decode()

    assert response["Location"] == PLEDGE
    assert f'<a class="btn btn-primary btn-lg" href="{reverse("dashboard")}">次にすることを見る</a>' in page


def test_pledge_page_of_a_senior_who_has_pledged_leads_on(senior, client):
    with as_user(senior.user):
        senior_pledge_accept(profile=senior, pledge=pledge_current())

    with_next = client.get(PLEDGE, {"next": EVENTS}).content.decode()
    without = client.get(PLEDGE).content.decode()

    assert f'<a class="btn btn-primary btn-lg" href="{EVENTS}">元のページに戻る</a>' in with_next
    assert f'<a class="btn btn-primary btn-lg" href="{reverse("dashboard")}">次にすることを見る</a>' in without
