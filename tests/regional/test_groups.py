"""Dialogue groups: the problem built from a meeting, solutions checked as shared/bench/check_groups.py does,
storing and re-forming from a later round, and the engine call (skipped while matching.engine.groups is absent)."""

from __future__ import annotations

import importlib.util
import os
import random
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from regional.enums import Sector
from regional.groups import meeting_groups_problem, member_id, solution_figures, solution_violations
from regional.models import DialogueGroup
from regional.services import RegionalError, dialogue_groups_form, dialogue_groups_store
from tests.conftest import need

from .helpers import join, make_meeting, round_robin_solve, rsvp

pytestmark = pytest.mark.django_db

_CANDIDATES = [
    os.environ.get("SKS_SHARED_BENCH", ""),
    str(Path(__file__).resolve().parents[3] / "shared" / "bench"),
    "/work/shared/bench",
]
SHARED = next((Path(c) for c in _CANDIDATES if c and (Path(c) / "check_groups.py").is_file()), Path(_CANDIDATES[2]))


@pytest.fixture(scope="module")
def checker() -> Any:
    need((SHARED / "check_groups.py").is_file(), f"the shared benchmark kit is not at {SHARED}")
    spec = importlib.util.spec_from_file_location("check_groups", SHARED / "check_groups.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SECTORS = list(Sector.values)


@pytest.fixture
def crowd(net):
    """12 members of 静岡支部 from 6 organisations coming to the meeting (with the organiser, alice and bob: 15)."""
    chapter, meeting = net["shizuoka"], net["meeting"]
    people = [net["members"][k] for k in ("organiser", "alice", "bob")]
    for i in range(12):
        people.append(join(chapter, name=f"会員 {i:02d}", sector=SECTORS[i % 6], organisation=f"組織{i % 6}"))
    for m in people:
        rsvp(meeting, m)
    return {"meeting": meeting, "people": people, "organiser": net["users"]["organiser"]}


def test_problem_lists_rsvps_with_organisation_and_sector(crowd, checker):
    problem = meeting_groups_problem(meeting=crowd["meeting"])

    assert problem["format"] == "sks-groups-problem/1"
    assert (problem["group_size"], problem["rounds"]) == (5, 3)
    assert len(problem["participants"]) == 15
    alice = next(p for p in problem["participants"] if p["id"] == member_id(crowd["people"][1].pk))
    assert alice == {"id": alice["id"], "organisation": "しずおか信用金庫", "sector": "financial", "rounds": [0, 1, 2]}
    assert problem["met_before"] == []
    assert "fixed" not in problem
    violations, _ = checker.evaluate(problem, round_robin_solve(problem))
    assert violations == []


def test_organisation_typed_differently_is_the_same(net):
    a = join(net["shizuoka"], name="甲", organisation="ＡＢＣ 銀行")
    b = join(net["shizuoka"], name="乙", organisation="abc銀行")
    rsvp(net["meeting"], a)
    rsvp(net["meeting"], b)

    problem = meeting_groups_problem(meeting=net["meeting"])

    assert {p["organisation"] for p in problem["participants"]} == {"abc銀行"}


def test_checked_in_only_once_check_in_began_with_late_and_early(crowd):
    meeting, people = crowd["meeting"], crowd["people"]
    meeting.rsvps.filter(member=people[0]).update(checked_in_at="2026-12-05T10:00:00+09:00", first_round=1)
    meeting.rsvps.filter(member=people[1]).update(checked_in_at="2026-12-05T09:55:00+09:00", last_round=0)
    meeting.rsvps.filter(member=people[2]).update(checked_in_at="2026-12-05T09:50:00+09:00")

    problem = meeting_groups_problem(meeting=meeting)

    assert {p["id"]: p["rounds"] for p in problem["participants"]} == {
        member_id(people[0].pk): [1, 2],
        member_id(people[1].pk): [0],
        member_id(people[2].pk): [0, 1, 2],
    }


def test_met_before_comes_from_the_chapters_earlier_meetings_only(net, crowd):
    people = crowd["people"]
    earlier = make_meeting(net["shizuoka"], days=-30, title="前回")
    group = DialogueGroup.objects.create(meeting=earlier, round=0, number=1)
    group.members.set([people[0], people[1], net["members"]["carol"]])  # carol is not coming: no pair with her
    other_chapter = make_meeting(net["aichi"], days=-20)
    elsewhere = DialogueGroup.objects.create(meeting=other_chapter, round=0, number=1)
    elsewhere.members.set([people[2], people[3]])
    later = make_meeting(net["shizuoka"], days=30, title="次回")
    after = DialogueGroup.objects.create(meeting=later, round=0, number=1)
    after.members.set([people[4], people[5]])

    problem = meeting_groups_problem(meeting=crowd["meeting"])

    assert problem["met_before"] == [sorted([member_id(people[0].pk), member_id(people[1].pk)])]


def test_store_then_reform_from_round_two_keeps_round_one_and_places_a_late_arrival(net, crowd, checker):
    meeting, organiser = crowd["meeting"], crowd["organiser"]
    figures = dialogue_groups_form(meeting=meeting, by=organiser, solver=round_robin_solve)
    assert figures["from_round"] == 0
    first_round = {frozenset(g.members.values_list("pk", flat=True)) for g in meeting.groups.filter(round=0)}
    assert sum(len(g) for g in first_round) == 15
    late = join(net["shizuoka"], name="遅刻 さん", sector="ministry", organisation="財務局")
    rsvp(meeting, late, first_round=1)
    meeting.refresh_from_db()

    problem = meeting_groups_problem(meeting=meeting, from_round=1)
    dialogue_groups_form(meeting=meeting, by=organiser, from_round=1, solver=round_robin_solve)

    assert problem["fixed"][0]["round"] == 0
    assert {frozenset(g.members.values_list("pk", flat=True)) for g in meeting.groups.filter(round=0)} == first_round
    seated = [set(g.members.values_list("pk", flat=True)) for g in meeting.groups.filter(round=1)]
    assert any(late.pk in s for s in seated)
    assert late.pk not in set().union(*first_round)
    stored = {
        "rounds": [
            [[member_id(pk) for pk in g.members.values_list("pk", flat=True)] for g in meeting.groups.filter(round=r)]
            for r in range(3)
        ]
    }
    violations, check_figures = checker.evaluate(problem, stored)
    assert violations == []
    meeting.refresh_from_db()
    assert {k: meeting.groups_figures[k] for k in ("same_organisation", "repeats", "diversity")} == {
        k: check_figures[k] for k in ("same_organisation", "repeats", "diversity")
    }


def test_a_solution_breaking_a_hard_constraint_is_refused(crowd):
    meeting = crowd["meeting"]
    problem = meeting_groups_problem(meeting=meeting)
    solution = round_robin_solve(problem)
    solution["rounds"][1][0].append(solution["rounds"][1][1].pop())  # sizes now differ by two
    solution["rounds"][2][0].append(solution["rounds"][2][0][0])  # someone twice

    with pytest.raises(RegionalError):
        dialogue_groups_store(meeting=meeting, problem=problem, solution=solution, by=crowd["organiser"])
    assert meeting.groups.count() == 0


def _random_problem(rng: random.Random) -> dict[str, Any]:
    n, rounds, size = rng.randint(1, 14), rng.randint(1, 4), rng.randint(2, 5)
    participants = []
    for i in range(n):
        present = sorted(rng.sample(range(rounds), rng.randint(1, rounds)))
        participants.append(
            {"id": f"M{i}", "organisation": f"O{rng.randint(0, 3)}", "sector": rng.choice(SECTORS), "rounds": present}
        )
    pairs = [[f"M{a}", f"M{b}"] for a in range(n) for b in range(a + 1, n) if rng.random() < 0.2]
    return {
        "format": "sks-groups-problem/1",
        "group_size": size,
        "rounds": rounds,
        "participants": participants,
        "met_before": pairs,
    }


def _mutate(rng: random.Random, solution: dict[str, Any]) -> dict[str, Any]:
    rounds = [[list(g) for g in r] for r in solution["rounds"]]
    r = rng.randrange(len(rounds))
    kind = rng.randrange(4)
    if kind == 0 and rounds[r]:
        rounds[r][0].append("M999")
    elif kind == 1 and rounds[r] and rounds[r][0]:
        rounds[r][0].pop()
    elif kind == 2:
        rounds[r].append([])
    elif rounds[r] and rounds[r][0]:
        rounds[r][-1].append(rounds[r][0][0])
    return {"rounds": rounds}


def test_violations_and_figures_agree_with_the_shared_checker(checker):
    rng = random.Random(16)
    for _ in range(300):
        problem = _random_problem(rng)
        solution = round_robin_solve(problem, seed=rng.randint(0, 9))
        for candidate in (solution, _mutate(rng, solution)):
            violations, figures = checker.evaluate(problem, candidate)
            assert bool(solution_violations(problem, candidate)) == bool(violations), (problem, candidate)
            if not violations:
                mine = solution_figures(problem, candidate)
                assert mine == {k: figures[k] for k in mine}


def test_groups_page_forms_groups_and_shows_tables(crowd, client, monkeypatch):
    monkeypatch.setattr("regional.services._solver", lambda: round_robin_solve)
    client.force_login(crowd["organiser"])
    url = reverse("regional:meeting_groups", args=[crowd["meeting"].pk])

    response = client.post(url, {"from_round": "1", "time_limit": "5"})
    page = client.get(url)

    assert response.status_code == 302
    assert crowd["meeting"].groups.filter(round=2).count() == 3
    assert "テーブル 3" in page.text
    assert "第3ラウンド" in page.text


def test_groups_page_says_what_is_wrong(crowd, client):
    client.force_login(crowd["organiser"])

    response = client.post(
        reverse("regional:meeting_groups", args=[crowd["meeting"].pk]), {"from_round": "3", "time_limit": "5"}
    )

    assert response.status_code == 400
    assert "まだグループが編成されていません" in response.text


def test_groups_page_is_the_organisers(net, crowd, client):
    for who in ("alice", "carol", "outsider"):
        client.force_login(net["users"][who])
        assert client.get(reverse("regional:meeting_groups", args=[crowd["meeting"].pk])).status_code == 404


def test_engine_forms_valid_groups(crowd, checker):
    pytest.importorskip(
        "matching.engine.groups", reason="the group engine (matching/engine/groups.py) is not merged yet"
    )
    meeting = crowd["meeting"]
    problem = meeting_groups_problem(meeting=meeting)

    figures = dialogue_groups_form(meeting=meeting, by=crowd["organiser"], time_limit=5.0)

    stored = {
        "rounds": [
            [[member_id(pk) for pk in g.members.values_list("pk", flat=True)] for g in meeting.groups.filter(round=r)]
            for r in range(3)
        ]
    }
    violations, check_figures = checker.evaluate(problem, stored)
    assert violations == []
    assert figures["repeats"] == check_figures["repeats"]


def test_a_problem_the_engine_refuses_is_said_not_a_server_error(crowd):
    def refuse(problem: dict[str, Any], *, time_limit: float, seed: int) -> dict[str, Any]:
        raise ValueError("group_size must be at least 2")

    with pytest.raises(RegionalError, match="グループを編成できませんでした（group_size must be at least 2）。"):
        dialogue_groups_form(meeting=crowd["meeting"], by=crowd["organiser"], solver=refuse)
    assert crowd["meeting"].groups.count() == 0


def test_groups_page_time_limit_is_bounded(crowd, client):
    client.force_login(crowd["organiser"])

    response = client.post(
        reverse("regional:meeting_groups", args=[crowd["meeting"].pk]), {"from_round": "1", "time_limit": "999"}
    )

    assert response.status_code == 400
    assert "この値は 60 以下でなければなりません。" in response.text
