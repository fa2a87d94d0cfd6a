"""sks.db.CompiledQuery and the reads built on it (the session engine sks.sessions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from participants.models import User
from sks.db import PK_MARKER, CompiledQuery
from sks.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_compiled_query_answers_as_its_queryset_and_is_built_once():
    # Two arguments; a boolean and a date among the columns: on SQLite they come back converted, as the ORM
    # converts them.
    built = []

    def build(after_pk, email):
        built.append((after_pk, email))
        return (
            User.objects.filter(pk__gt=after_pk)
            .exclude(email=email)
            .order_by("pk")
            .values_list("pk", "is_active", "date_joined", "email")
        )

    query = CompiledQuery(build, PK_MARKER, "\x00email")
    people = [UserFactory(email=f"p{i}@example.jp", is_active=i != 1) for i in range(3)]

    for after, email in [(0, "p0@example.jp"), (people[0].pk, "nobody@example.jp"), (people[2].pk, "p1@example.jp")]:
        expected = list(build(after, email))
        assert query.rows(after, email) == expected
    assert query.columns == ["pk", "is_active", "date_joined", "email"]
    assert len(built) == 1 + 3  # compiled once; the other three built the expected rows above
    assert [type(v) for v in query.rows(0, "")[0]] == [int, bool, dt.datetime, str]
    assert [row[1] for row in query.rows(0, "")] == [True, False, True]


def test_the_session_engine_loads_a_live_session_and_drops_an_expired_or_unknown_one():
    store = SessionStore()
    store["visited"] = "ダッシュボード"
    store.save()
    key = store.session_key

    assert SessionStore(key).load() == {"visited": "ダッシュボード"}

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new session on the next save, as Django's own store does

    unknown = SessionStore("0" * 32)
    assert (unknown.load(), unknown.session_key) == ({}, None)


def test_a_signed_in_request_reads_its_session_in_one_statement(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    session_reads = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    assert len(session_reads) == 1
