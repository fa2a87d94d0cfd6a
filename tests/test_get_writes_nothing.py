"""A signed-in GET writes nothing: no INSERT, UPDATE or DELETE on any page of any role's menu.

A read that writes costs a commit on every request and, on the embedded SQLite default, queues every
concurrent reader behind the write lock ("database is locked"). allauth's session tracking did exactly
that on each request; it now writes at most once per SESSION_ACTIVITY_INTERVAL per session.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sks.roles import Role
from tests.access import arranging

from .factories import followup_world, staff_user

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@pytest.fixture
def world(db) -> dict[str, Any]:
    with arranging():
        w = followup_world()
        w["local_government"] = staff_user(Role.LOCAL_GOVERNMENT)
        return w


def _users(world: dict[str, Any]) -> dict[str, Any]:
    return {
        "senior": world["seniors"][0].user,
        "bank_staff": world["staff"]["a"],
        "institution_admin": world["admin_a"],
        "coordinator": world["coordinator"],
        "company": world["contacts"]["a"],
        "local_government": world["local_government"],
    }


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("dashboard"))  # the first request after sign-in records the session's activity once
    return client


def _writes(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


@pytest.mark.parametrize(
    "role", ["senior", "bank_staff", "institution_admin", "coordinator", "company", "local_government"]
)
def test_no_page_of_the_menu_writes(world, role):
    client = _signed_in(_users(world)[role])
    menu = [url for url, _label in client.get(reverse("dashboard")).context["nav_items"]]
    assert len(menu) >= 2, menu
    pages = [url for url in menu if not url.startswith("/admin/")]
    if role == "coordinator":
        pages.append(reverse("events:event_detail", args=[world["event"].pk]))
    for url in pages:
        assert _writes(client, url) == [], url


def test_session_activity_is_recorded_once_per_interval(world, settings):
    user = world["coordinator"]
    client = Client()
    client.force_login(user)  # (a test sign-in: allauth's own sign-in creates the row at once)
    client.get(reverse("dashboard"))
    session = UserSession.objects.get(user=user)
    recorded = session.last_seen_at
    # Within the interval, further reads leave the row as it is.
    assert _writes(client, reverse("dashboard")) == []
    assert UserSession.objects.get(pk=session.pk).last_seen_at == recorded
    # Another browser on the same session is recorded at once (allauth's "client changed" signal fires).
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"), HTTP_USER_AGENT="another browser")
    assert any(WRITE.match(q["sql"]) for q in queries.captured_queries)
    assert UserSession.objects.get(pk=session.pk).user_agent == "another browser"


def test_signing_out_other_sessions_still_works(world):
    user = world["coordinator"]
    phone, desk = _signed_in(user), _signed_in(user)
    assert UserSession.objects.filter(user=user).count() == 2
    response = desk.post(reverse("usersessions_list"), {"action": "logout"})
    assert response.status_code in (200, 302)
    assert UserSession.objects.filter(user=user).count() == 1
    assert phone.get(reverse("dashboard")).status_code == 302  # signed out: back to the sign-in page
    assert desk.get(reverse("dashboard")).status_code == 200
