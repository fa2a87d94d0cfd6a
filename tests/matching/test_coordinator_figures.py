"""The coordinator's timetable pages speak in figures a coordinator uses (interviews, mutual ones, companies
below their floor, waiting slots), never in the solver's score and bound; a solve that has already ended is
not announced as "started, please wait"; the event day's check-in waits for a published timetable."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import Timetable
from tests.access import arranging, every
from tests.factories import make_application, make_timetable, pledged_senior, three_bank_event

pytestmark = pytest.mark.django_db

SOLVER_WORDS = ("スコア", "上限", "最適", "score", "bound")


@pytest.fixture
def world():
    with arranging():
        w = three_bank_event(status="selection", rounds=3, table_capacity=1, min_interviews_per_company=2)
        e = w["enrolments"]
        seniors = [pledged_senior() for _ in range(3)]
        for s in seniors:
            make_application(s, [e["a"], e["b"]], decisions=["accepted", "accepted"])
        t = make_timetable(
            w["event"],
            [(e["a"], seniors[0], 0, "mutual"), (e["a"], seniors[1], 2, "mutual"), (e["b"], seniors[2], 0, "senior")],
        )
        Timetable.objects.filter(pk=t.pk).update(score=-4, bound=-4, gaps=1, optimal=True)
    w["t"] = t
    w["seniors"] = seniors
    return w


def _text(response) -> str:
    main = re.search(r"<main.*</main>", response.content.decode(), re.S)
    assert main is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.group(0)))


def test_timetable_detail_shows_plain_figures_not_solver_terms(world, login_as):
    response = login_as(world["coordinator"]).get(reverse("matching:timetable_detail", args=[world["t"].pk]))

    text = _text(response)
    assert response.status_code == 200
    assert [word for word in SOLVER_WORDS if word in text] == []
    assert "-4" not in text
    assert "組めた面談 3件" in text
    assert "うち相互希望 2件" in text
    # Floor 2: b has one meeting, c none; a has two.
    assert "最低件数に届かない企業 2社" in text
    assert "待ち時間（面談の合間の空き枠） 1枠" in text


def test_timetable_list_shows_plain_figures_per_version(world, login_as):
    response = login_as(world["coordinator"]).get(reverse("matching:timetable_list", args=[world["event"].pk]))

    text = _text(response)
    row = re.search(r"第1版 (.*?) (\S+) 3件 2件 2社 1枠", text)
    assert response.status_code == 200
    assert [word for word in SOLVER_WORDS if word in text] == []
    assert row is not None, text


def test_timetable_list_figures_cost_one_query_for_any_number_of_versions(world, login_as, django_assert_num_queries):
    client = login_as(world["coordinator"])
    url = reverse("matching:timetable_list", args=[world["event"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    with arranging():
        for _ in range(5):
            make_timetable(world["event"], [(world["enrolments"]["c"], world["seniors"][0], 1, "company")])

    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


@pytest.fixture
def committed_at_once(monkeypatch):
    """As under `make run` (no broker, no request transaction): what is enqueued on commit runs in-process
    before the view answers. The test's own transaction would otherwise hold it back."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


def test_create_in_process_announces_the_finished_timetable_not_a_wait(world, login_as, committed_at_once):
    client = login_as(world["coordinator"])

    response = client.post(reverse("matching:timetable_list", args=[world["event"].pk]), {"time_limit": "3"})

    created = every(Timetable).get(version=2)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert created.solve_status == "done"
    assert shown == ["時間割（第2版）ができました。"]


def test_create_while_queued_asks_to_wait(world, login_as, monkeypatch):
    # A broker takes the task: nothing has run when the view answers.
    monkeypatch.setattr("matching.services.build.enqueue_on_commit", lambda *args, **kwargs: None)
    client = login_as(world["coordinator"])

    response = client.post(reverse("matching:timetable_list", args=[world["event"].pk]), {"time_limit": "3"})

    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert every(Timetable).get(version=2).solve_status == "queued"
    assert shown == ["時間割（第2版）の計算を始めました。終わるまでこの画面でお待ちください。"]


def test_resolve_in_process_announces_the_finished_timetable(world, login_as, committed_at_once):
    client = login_as(world["coordinator"])

    response = client.post(reverse("matching:timetable_resolve", args=[world["t"].pk]), {"time_limit": "3"})

    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == ["時間割（第2版）ができました。"]


def test_checkin_without_published_timetable_explains_and_offers_no_checkin(world, login_as):
    client = login_as(world["coordinator"])

    checkin = client.get(reverse("matching:checkin", args=[world["event"].pk])).content.decode()
    versions = client.get(reverse("matching:timetable_list", args=[world["event"].pk])).content.decode()

    assert "公開した時間割がまだありません" in checkin
    assert 'value="check_in"' not in checkin
    assert reverse("matching:walkin", args=[world["event"].pk]) not in checkin
    assert reverse("matching:checkin", args=[world["event"].pk]) not in versions
    assert "当日の受付は、時間割を公開すると使えるようになります" in versions


def test_checkin_with_published_timetable_offers_the_buttons(world, login_as):
    with arranging():
        Timetable.objects.filter(pk=world["t"].pk).update(status="published")
    client = login_as(world["coordinator"])

    checkin = client.get(reverse("matching:checkin", args=[world["event"].pk])).content.decode()
    versions = client.get(reverse("matching:timetable_list", args=[world["event"].pk])).content.decode()

    assert 'value="check_in"' in checkin
    assert "公開した時間割がまだありません" not in checkin
    assert reverse("matching:checkin", args=[world["event"].pk]) in versions


def test_repair_in_process_announces_the_finished_timetable(world, login_as, committed_at_once):
    with arranging():
        Timetable.objects.filter(pk=world["t"].pk).update(status="published")
        world["event"].status = "timetabling"
        world["event"].save(update_fields=["status"])
    client = login_as(world["coordinator"])

    response = client.post(reverse("matching:repair", args=[world["event"].pk]))

    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert every(Timetable).get(version=2).solve_status == "done"
    assert shown == ["欠席・当日参加を反映した時間割（第2版）ができました。変更点を確認して公開してください。"]
