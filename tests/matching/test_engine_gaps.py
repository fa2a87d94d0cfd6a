"""The gap search (matching/engine/gaps.py) on its own: it keeps every hard constraint, the fixed meetings
and the score, never adds a gap, and gives the same timetable for the same seed and budget."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from matching.engine import Meeting, evaluate, greedy_baseline, parse_problem, violations
from matching.engine.gaps import close_gaps, span_gaps
from tests.matching.test_engine import _load_checker, problems, sample


@pytest.fixture(scope="module")
def checker() -> Any:
    return _load_checker()


def as_solution(meetings: list[Meeting]) -> dict[str, Any]:
    return {"meetings": [{"company": m.company, "senior": m.senior, "slot": m.slot} for m in meetings]}


def test_span_gaps_counts_available_idle_slots_between_first_and_last():
    assert span_gaps(0, 0b1111) == 0
    assert span_gaps(0b1001, 0b1111) == 2
    assert span_gaps(0b1001, 0b1011) == 1  # slot 2 is not available: not a gap
    assert span_gaps(0b0110, 0b1111) == 0  # idle before the first and after the last: not gaps


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=problems(max_companies=5, max_seniors=6, max_slots=6))
def test_close_gaps_keeps_constraints_fixed_meetings_and_score_and_never_adds_gaps(checker, data):
    problem = parse_problem(data)
    start = greedy_baseline(problem)
    score, gaps = evaluate(problem, start)

    found = close_gaps(problem, start, iterations=3000, seed=1)

    broken, new_score, new_gaps, _n = checker.evaluate(data, as_solution(found.meetings))
    assert broken == []
    assert new_score == score + found.score_gain >= score
    assert new_gaps == found.gaps
    assert (new_score, -new_gaps) >= (score, -gaps)
    have = {(m.company, m.senior, m.slot) for m in found.meetings}
    assert {(f["company"], f["senior"], f["slot"]) for f in data["fixed"]} <= have


def test_close_gaps_leaves_a_senior_with_a_cap_of_zero_alone():
    data = {
        "format": "sks-timetable-problem/1",
        "slots": 3,
        "companies": [{"id": "C0", "staff": "B1"}],
        "seniors": [{"id": "S0", "available": [0, 1], "max_meetings": 0}, {"id": "S1"}, {"id": "S2"}],
        "requests": [
            {"company": "C0", "senior": "S0", "kind": "mutual"},
            {"company": "C0", "senior": "S1", "kind": "mutual"},
            {"company": "C0", "senior": "S2", "kind": "mutual"},
        ],
    }
    problem = parse_problem(data)
    start = [Meeting("C0", "S1", 0), Meeting("C0", "S2", 2)]

    found = close_gaps(problem, start, iterations=2000, seed=0)

    assert violations(problem, found.meetings) == []
    assert (evaluate(problem, found.meetings), found.gaps) == ((6, 0), 0)


def test_close_gaps_closes_a_senior_gap_between_two_tables_of_one_staff_member():
    # C1 and C2 share a staff member. S1 meets C1 in slot 0 and C2 in slot 2: one gap (slot 1), where C1's
    # table is in use with S2, so C2 cannot simply move there.
    data = {
        "format": "sks-timetable-problem/1",
        "slots": 3,
        "companies": [{"id": "C1", "staff": "B1"}, {"id": "C2", "staff": "B1"}],
        "seniors": [{"id": "S1"}, {"id": "S2"}],
        "requests": [
            {"company": "C1", "senior": "S1", "kind": "mutual"},
            {"company": "C2", "senior": "S1", "kind": "mutual"},
            {"company": "C1", "senior": "S2", "kind": "mutual"},
        ],
    }
    problem = parse_problem(data)
    start = [Meeting("C1", "S1", 0), Meeting("C1", "S2", 1), Meeting("C2", "S1", 2)]
    assert violations(problem, start) == []
    assert evaluate(problem, start) == (9, 1)

    found = close_gaps(problem, start, iterations=2000, seed=0)

    assert violations(problem, found.meetings) == []
    assert (evaluate(problem, found.meetings), found.gaps) == ((9, 0), 0)


def test_close_gaps_same_seed_same_timetable_other_seed_may_differ():
    problem = parse_problem(sample("long-50x130x16"))
    start = greedy_baseline(problem)

    first = close_gaps(problem, start, iterations=20_000, seed=4)
    second = close_gaps(problem, start, iterations=20_000, seed=4)

    assert first == second
    assert first.gaps < evaluate(problem, start)[1] / 2
    assert (first.iterations, first.clock_hit) == (20_000, False)


def test_close_gaps_stops_at_the_deadline_and_says_so():
    problem = parse_problem(sample("long-50x130x16"))
    start = greedy_baseline(problem)

    found = close_gaps(problem, start, iterations=10**9, seed=0, deadline=0.0)

    assert found.clock_hit is True
    assert found.iterations < 10**9
    assert violations(problem, found.meetings) == []
