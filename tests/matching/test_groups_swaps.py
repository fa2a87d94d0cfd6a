"""The conflict-directed swap search for small, tightly packed problems (matching/engine/groups/swaps.py)."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from matching.engine.groups import evaluate, form_groups, parse_groups_problem, swaps
from matching.engine.groups.problem import GroupsProblem

# `checker` and `generator` (the shared benchmark kit) come from tests/matching/conftest.py.


def _problems(generator: Any) -> list[dict[str, Any]]:
    """Shapes the swap search takes: a small golfer, and 24 people in groups of 4 with organisations sending
    several people, pairs met before, late arrivals and early leavers (only whole groups) and a held round."""
    late = generator.chapter(24, 4, 4, 3, met_before=40, fixed_rounds=1)
    for person in late["participants"][:4]:
        person["rounds"] = [1, 2, 3]  # four late arrivals: round 0 (held) has 20 people, five groups
    late["fixed"] = [
        {"round": 0, "groups": [[p["id"] for p in late["participants"][4:]][i::5] for i in range(5)]},
    ]
    return [
        generator.golfer(4, 3, 5),
        generator.chapter(24, 4, 3, 2, met_before=30),
        generator.chapter(24, 4, 3, 2, met_before=30, fixed_rounds=1),
        late,
    ]


def _random_swap(search: swaps.SwapSearch, rng: random.Random) -> tuple[int, int, int]:
    k = rng.randrange(len(search.rounds))
    groups = search.members[k]
    ga, gb = rng.sample(range(len(groups)), 2)
    return k, rng.choice(groups[ga]), rng.choice(groups[gb])


def test_the_shapes_are_what_the_search_takes(generator):
    for data in _problems(generator):
        assert swaps.applies(parse_groups_problem(data)), data["name"]
    # Uneven groups, or too large: the general search alone.
    assert not swaps.applies(parse_groups_problem(generator.chapter(83, 5, 5, 1)))
    assert not swaps.applies(parse_groups_problem(generator.chapter(120, 5, 4, 1)))


@pytest.mark.parametrize("index", range(4))
def test_swap_prices_equal_the_cost_counted_afresh(generator, index):
    problem = parse_groups_problem(_problems(generator)[index])
    search = swaps.SwapSearch(problem, random.Random(index))
    search.load(search.construct())
    rng = random.Random(100 + index)
    for _ in range(200):
        k, a, b = _random_swap(search, rng)
        delta = search.delta(k, a, b)
        before = search.total_cost()
        search.swap(k, a, b)
        search.cost += delta
        assert search.total_cost() == before + delta == search.cost
        # The incremental tables are the tables rebuilt from scratch.
        inn = [[list(row) for row in table] for table in search.inn]
        out = [list(row) for row in search.out]
        meets = [list(row) for row in search.meets]
        search.load(search.layout())
        assert (search.inn, search.out, search.meets) == (inn, out, meets)


def _cost(problem: GroupsProblem, search: swaps.SwapSearch, rounds: list[list[list[int]]]) -> int:
    figures = evaluate(problem, rounds)
    return search.w_org * figures.same_organisation + figures.repeats


@pytest.mark.parametrize("index", range(4))
def test_every_solution_is_accepted_by_the_checker(checker, generator, index):
    data = _problems(generator)[index]
    problem = parse_groups_problem(data)
    found = swaps.SwapSearch(problem, random.Random(0)).run(effort=200_000, deadline=1e18, clock=lambda: 0.0)
    assert found.cost == _cost(problem, swaps.SwapSearch(problem, random.Random(0)), found.rounds)
    solution = form_groups(problem, time_limit=120, seed=0, effort=20_000)
    errors, figs = checker.evaluate(data, solution)
    assert errors == []
    assert (figs["same_organisation"], figs["repeats"], figs["diversity"]) == (
        solution["same_organisation"],
        solution["repeats"],
        solution["diversity"],
    )
    # The held rounds are kept as they were given.
    for held in data.get("fixed", []):
        kept = {frozenset(g) for g in solution["rounds"][held["round"]]}
        assert kept == {frozenset(g) for g in held["groups"]}
    # Same-organisation pairs come first: none where the rounds can do without.
    assert solution["same_organisation"] == solution["floor"]["same_organisation"]


@pytest.mark.parametrize("rounds", [6, 7])
def test_golfer_8x4_over_6_or_7_rounds_has_no_repeat(checker, generator, rounds):
    data = generator.golfer(8, 4, rounds)
    solution = form_groups(parse_groups_problem(data), time_limit=120, seed=0, effort=200_000)
    assert checker.evaluate(data, solution)[0] == []
    assert solution["repeats"] == 0
    assert solution["stopped"] == "optimal"


def test_the_first_round_is_laid_out_by_symmetry_only_when_everyone_is_alike(generator):
    golfer = parse_groups_problem(generator.golfer(4, 3, 4))
    assert swaps.interchangeable(golfer)
    search = swaps.SwapSearch(golfer, random.Random(0))
    layout = search.construct()
    assert layout[0] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    assert search.frozen == {0}
    for data in _problems(generator)[1:]:
        assert not swaps.interchangeable(parse_groups_problem(data))


def test_same_seed_and_effort_same_groups(generator):
    data = generator.golfer(6, 3, 6)
    runs = [
        form_groups(parse_groups_problem(data), time_limit=120, seed=3, effort=30_000, clock=clock)
        for clock in (lambda: 0.0, itertools.count(0.0, 0.001).__next__)
    ]
    assert runs[0]["rounds"] == runs[1]["rounds"]
    assert runs[0]["work"] == runs[1]["work"]
