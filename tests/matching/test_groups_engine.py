"""The dialogue-group engine against the shared checker (shared/bench/check_groups.py, called as is)."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine.groups import (
    GroupsProblemError,
    evaluate,
    form_groups,
    parse_groups_problem,
    violations,
)

ROOT = Path(__file__).resolve().parents[2]
# The shared benchmark kit (check_groups, generate_groups) comes from tests/matching/conftest.py.


def solve(data: dict[str, Any], *, effort: int = 20_000, seed: int = 0) -> dict[str, Any]:
    # A generous time limit: these runs end on their effort budget, so they are the same on any machine.
    return form_groups(parse_groups_problem(data), time_limit=120, seed=seed, effort=effort)


def figures(solution: dict[str, Any]) -> tuple[int, int, int]:
    return (solution["same_organisation"], solution["repeats"], solution["diversity"])


def checked(checker: Any, data: dict[str, Any], solution: dict[str, Any]) -> tuple[int, int, int]:
    """The checker's figures, after asserting that it accepts the solution and agrees with the engine."""
    found, figs = checker.evaluate(data, solution)
    assert found == []
    assert (figs["same_organisation"], figs["repeats"], figs["diversity"]) == figures(solution)
    assert figs["diversity_bound"] == solution["diversity_bound"]
    return figures(solution)


# --- random problems ---------------------------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn, *, max_people: int = 14, max_rounds: int = 3) -> dict[str, Any]:
    size = draw(st.integers(2, 4))
    rounds = draw(st.integers(1, max_rounds))
    n = draw(st.integers(1, max_people))
    ids = [f"P{i:02d}" for i in range(n)]
    people = []
    for pid in ids:
        person: dict[str, Any] = {
            "id": pid,
            "organisation": draw(st.sampled_from(["O1", "O2", "O3", f"own-{pid}"])),
            "sector": draw(st.sampled_from(["financial", "local_government", "company"])),
        }
        if draw(st.booleans()):
            person["rounds"] = draw(st.lists(st.integers(0, rounds - 1), max_size=rounds, unique=True))
        people.append(person)
    pairs = [list(p) for p in itertools.combinations(ids, 2)]
    met = draw(st.lists(st.sampled_from(pairs), max_size=6, unique_by=tuple)) if pairs else []
    data = {
        "format": "sks-groups-problem/1",
        "group_size": size,
        "rounds": rounds,
        "participants": people,
        "met_before": met,
    }
    if draw(st.booleans()):
        # Round 0 as it was held: the present people dealt round the tables in the order drawn.
        present = [p["id"] for p in people if 0 in p.get("rounds", range(rounds))]
        order = draw(st.permutations(present))
        groups = -(-len(order) // size)
        data["fixed"] = [{"round": 0, "groups": [list(order[g::groups]) for g in range(groups)]}]
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=problems())
def test_random_problems_every_solution_is_accepted_by_the_checker(checker, data):
    solution = solve(data, effort=3_000)

    checked(checker, data, solution)
    for fixed in data.get("fixed", []):
        assert sorted(map(sorted, solution["rounds"][fixed["round"]])) == sorted(map(sorted, fixed["groups"]))


@settings(max_examples=60, deadline=None)
@given(data=problems(), seed=st.integers(0, 1000))
def test_random_schedules_are_counted_exactly_as_the_checker_counts(checker, data, seed):
    # Any grouping, valid or not (people dealt at random, some twice): the figures are the checker's.
    rng = random.Random(seed)
    ids = [p["id"] for p in data["participants"]]
    rounds = [
        [rng.sample(ids, min(len(ids), data["group_size"])) for _ in range(rng.randint(0, 3))]
        for _ in range(data["rounds"])
    ]
    problem = parse_groups_problem(data)
    index = {pid: i for i, pid in enumerate(problem.ids)}

    ours = evaluate(problem, [[[index[m] for m in g] for g in groups] for groups in rounds])

    _found, figs = checker.evaluate(data, {"rounds": rounds})
    assert (ours.same_organisation, ours.repeats, ours.diversity) == (
        figs["same_organisation"],
        figs["repeats"],
        figs["diversity"],
    )


# --- the optimum on tiny problems -----------------------------------------------------------------------


def _partitions(people: list[str], sizes: list[int]) -> list[list[list[str]]]:
    """Every way to split `people` into groups of the given sizes (as sets of groups)."""
    if not sizes:
        return [[]]
    first, rest = people[0], people[1:]
    out = []
    for size in sorted(set(sizes)):
        left = list(sizes)
        left.remove(size)
        for mates in itertools.combinations(rest, size - 1):
            remaining = [m for m in rest if m not in mates]
            for tail in _partitions(remaining, left):
                out.append([[first, *mates], *tail])
    return out


def _brute_force(checker: Any, data: dict[str, Any]) -> tuple[int, int, int]:
    present = checker.present_by_round(data)
    options = []
    for r in range(data["rounds"]):
        fixed = {f["round"]: f["groups"] for f in data.get("fixed", [])}
        if r in fixed:
            options.append([fixed[r]])
            continue
        people = sorted(present[r])
        groups = -(-len(people) // data["group_size"]) if people else 0
        small, big = divmod(len(people), groups) if groups else (0, 0)
        options.append(_partitions(people, [small + 1] * big + [small] * (groups - big)))
    best = None
    for schedule in itertools.product(*options):
        _found, figs = checker.evaluate(data, {"rounds": list(schedule)})
        key = (figs["same_organisation"], figs["repeats"], -figs["diversity"])
        best = key if best is None or key < best else best
    assert best is not None
    return best[0], best[1], -best[2]


def _tiny(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    # Small enough to enumerate: 10 ways to split 6 people into two threes, 105 for 7 into 3+2+2.
    n = rng.choice([6, 7])
    rounds = 3 if n == 6 else 2
    ids = [f"T{i}" for i in range(n)]
    people: list[dict[str, Any]] = [
        {"id": pid, "organisation": rng.choice(["A", "A", "B", "C", pid]), "sector": rng.choice(["x", "y", "z"])}
        for pid in ids
    ]
    if seed % 3 == 0:
        people[0]["rounds"] = [1, 2][: rounds - 1]  # a late arrival
    met = [list(p) for p in rng.sample(list(itertools.combinations(ids, 2)), 3)]
    return {
        "format": "sks-groups-problem/1",
        "group_size": 3,
        "rounds": rounds,
        "participants": people,
        "met_before": met,
    }


@pytest.mark.parametrize("seed", range(8))
def test_tiny_problems_reach_the_brute_force_optimum(checker, seed):
    data = _tiny(seed)

    solution = solve(data, effort=30_000, seed=seed)

    assert checked(checker, data, solution) == _brute_force(checker, data)


def test_a_round_that_can_avoid_same_organisation_pairs_does_even_at_the_price_of_repeats(checker):
    # Three organisations of two people in two groups of three: every group must take one person from
    # each organisation, round after round, which forces repeats from the second round on; the engine
    # must pay them rather than seat two colleagues together. The brute force agrees that none is better.
    people = [
        {"id": f"{o}{i}", "organisation": o, "sector": sector}
        for o, sector in zip("ABC", ["financial", "company", "university"], strict=True)
        for i in range(2)
    ]
    data = {"format": "sks-groups-problem/1", "group_size": 3, "rounds": 3, "participants": people}

    solution = solve(data)

    assert checked(checker, data, solution) == _brute_force(checker, data)
    assert solution["same_organisation"] == 0 < solution["repeats"]


# --- re-grouping --------------------------------------------------------------------------------------------


def test_late_arrivals_and_early_leavers_are_regrouped_and_held_rounds_kept(checker, generator):
    data = generator.chapter(83, 5, 5, 1, met_before=300, late=8, early=5, fixed_rounds=1)

    solution = solve(data, effort=200_000)

    checked(checker, data, solution)
    assert sorted(map(sorted, solution["rounds"][0])) == sorted(map(sorted, data["fixed"][0]["groups"]))
    # Nothing more can be done than the held round and the earlier meetings force.
    assert (solution["same_organisation"], solution["repeats"]) == (
        solution["floor"]["same_organisation"],
        solution["floor"]["repeats"],
    )


def test_regrouping_from_the_current_round_keeps_every_earlier_round(checker, generator):
    first = generator.chapter(40, 5, 4, 3)
    held = solve(first)
    # Two rounds were held; then one person arrives and another leaves.
    data = json.loads(json.dumps(first))
    data["fixed"] = [{"round": r, "groups": held["rounds"][r]} for r in (0, 1)]
    data["participants"][0]["rounds"] = [0, 1]
    data["participants"].append({"id": "LATE", "organisation": "O999", "sector": "company", "rounds": [2, 3]})

    solution = solve(data)

    checked(checker, data, solution)
    assert solution["rounds"][:2] == held["rounds"][:2]
    assert any("LATE" in g for g in solution["rounds"][2]) and any("LATE" in g for g in solution["rounds"][3])
    assert all(data["participants"][0]["id"] not in g for r in (2, 3) for g in solution["rounds"][r])


def test_a_fixed_round_that_breaks_the_rules_is_refused():
    data = {
        "format": "sks-groups-problem/1",
        "group_size": 2,
        "rounds": 2,
        "participants": [{"id": x, "organisation": x, "sector": "s"} for x in "abcd"],
        "fixed": [{"round": 0, "groups": [["a", "b", "c"], ["d"]]}],
    }

    with pytest.raises(GroupsProblemError, match=r"fixed\[0\] cannot be kept: round 0: 2 groups, 2 expected|differ"):
        parse_groups_problem(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "x"}, "format must be"),
        ({"group_size": 1}, "group_size must be an integer >= 2"),
        ({"met_before": [["a", "zz"]]}, r"met_before\[0\] must be a pair of participant ids"),
        ({"met_before": [["a", "a"]]}, "with themselves"),
        ({"participants": [{"id": "a", "organisation": "o", "sector": "s", "rounds": [5]}]}, "rounds 0..1"),
        ({"fixed": [{"round": 0, "groups": [["a", "zz"]]}]}, "unknown participant"),
    ],
)
def test_bad_problems_say_what_is_wrong(change, message):
    data = {
        "format": "sks-groups-problem/1",
        "group_size": 2,
        "rounds": 2,
        "participants": [{"id": x, "organisation": x, "sector": "s"} for x in "abcd"],
        **change,
    }

    with pytest.raises(GroupsProblemError, match=message):
        parse_groups_problem(data)


# --- what a meeting needs ----------------------------------------------------------------------------------


def test_chapter_meeting_reaches_every_bound(checker, generator):
    data = generator.chapter(120, 5, 4, 1)

    solution = solve(data, effort=500_000)

    assert checked(checker, data, solution) == (0, 0, solution["diversity_bound"])
    assert solution["stopped"] == "optimal"


def test_the_search_finds_what_the_greedy_start_misses(checker, generator):
    # Eight rounds of a chapter meeting: the greedy start (no search at all) leaves repeats behind.
    data = generator.chapter(120, 5, 8, 1, met_before=300)
    greedy = solve(data, effort=0)

    solution = solve(data, effort=2_000_000)

    assert greedy["repeats"] > 0
    assert checked(checker, data, solution) == (0, 0, solution["diversity_bound"])


def test_same_seed_same_groups_whatever_the_clock(generator):
    data = generator.golfer(4, 3, 4)
    ticks = iter(range(10**9))

    first = form_groups(parse_groups_problem(data), time_limit=10**6, seed=7, effort=50_000)
    # A clock that races (a loaded machine) changes nothing while the budget, not the clock, ends the run.
    second = form_groups(
        parse_groups_problem(data), time_limit=10**6, seed=7, effort=50_000, clock=lambda: float(next(ticks))
    )

    assert first["rounds"] == second["rounds"]
    assert (first["steps"], first["work"]) == (second["steps"], second["work"])


def test_the_clock_is_a_safety_stop(checker, generator):
    data = generator.golfer(4, 4, 6)  # 4x4 golfers cannot play 6 rounds apart: never optimal
    ticks = iter(range(10**9))

    solution = form_groups(
        parse_groups_problem(data), time_limit=50, seed=0, effort=10**9, clock=lambda: float(next(ticks))
    )

    assert solution["stopped"] == "time"
    checked(checker, data, solution)


def test_engine_imports_no_django():
    code = "import sys, matching.engine.groups; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"

    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)  # noqa: S603  (our interpreter)

    assert result.returncode == 0


def test_violations_names_what_is_broken():
    data = {
        "format": "sks-groups-problem/1",
        "group_size": 2,
        "rounds": 1,
        "participants": [{"id": x, "organisation": x, "sector": "s"} for x in "abc"],
    }
    problem = parse_groups_problem(data)

    assert violations(problem, [[[0, 1], [1]]]) == [
        "round 0: b is in 2 groups",
        "round 0: c is in no group",
    ]


# --- the command -------------------------------------------------------------------------------------------


def test_form_groups_command_writes_a_valid_solution(checker, generator, tmp_path: Path, capsys):
    data = generator.chapter(60, 5, 3, 2, met_before=40)
    problem = tmp_path / "p.json"
    problem.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "s.json"

    call_command("form_groups", str(problem), "--out", str(out), "--time-limit", "5", "--seed", "3")

    solution = json.loads(out.read_text(encoding="utf-8"))
    assert solution["format"] == "sks-groups-solution/1"
    assert checked(checker, data, solution)[:2] == (0, 0)
    assert f"repeats={solution['repeats']}" in capsys.readouterr().out


def test_form_groups_command_bad_problem_says_what_is_wrong(tmp_path: Path):
    problem = tmp_path / "p.json"
    problem.write_text(json.dumps({"format": "sks-groups-problem/1", "group_size": 0}), encoding="utf-8")

    with pytest.raises(CommandError, match="問題の内容に誤りがあります: group_size"):
        call_command("form_groups", str(problem), "--out", str(tmp_path / "s.json"))


def test_form_groups_command_unreadable_file(tmp_path: Path):
    with pytest.raises(CommandError, match="問題のファイルを読めません"):
        call_command("form_groups", str(tmp_path / "missing.json"), "--out", str(tmp_path / "s.json"))
