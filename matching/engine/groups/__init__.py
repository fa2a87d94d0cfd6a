"""The dialogue-group engine: pure Python, no Django (STYLE.md; shared/spec/groups-format.md).

problem = parse_groups_problem(json.load(f))            # sks-groups-problem/1
solution = form_groups(problem, time_limit=10, seed=0)  # sks-groups-solution/1 dict
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from . import swaps
from .problem import (
    PROBLEM_FORMAT,
    SOLUTION_FORMAT,
    Figures,
    GroupsProblem,
    GroupsProblemError,
    Round,
    diversity_bound,
    evaluate,
    parse_groups_problem,
    solution_dict,
    violations,
)
from .tabu import SearchResult, search

# Work units (priced moves) per second of time limit when no effort is given. This 2-core development
# machine prices about 600,000 a second on one free core and 130,000 when shared with several other jobs
# (load average 10); the budget stays below that, so that a run ends on its budget (the same result on
# any machine), not on the clock.
EFFORT_PER_SECOND = 100_000


def default_effort(time_limit: float) -> int:
    return max(1_000, int(EFFORT_PER_SECOND * time_limit))


def form_groups(
    problem: GroupsProblem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    effort: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Form the rounds that are not fixed and return the solution as the spec writes it.

    The search stops when every figure meets its bound ("optimal"), when `effort` priced moves are spent
    ("effort", by default in proportion to the time limit), or at `time_limit` seconds ("time"). Only the
    last depends on the machine; the solution's `stopped` says which it was.
    """
    if time_limit <= 0:
        raise ValueError("time_limit must be positive")
    start = clock()
    budget = default_effort(time_limit) if effort is None else effort
    layout = None
    steps = work = 0
    if swaps.applies(problem):
        # Small and tightly packed (the social golfer shape): conflict-directed swaps first (swaps.py), for
        # same-organisation pairs and repeats; the general search then takes half the budget for diversity.
        first = swaps.SwapSearch(problem, random.Random(seed))  # noqa: S311  (a seeded search)
        found = first.run(
            effort=budget * swaps.UNITS_PER_WORK // 2,
            deadline=start + time_limit * swaps.TIME_SHARE,
            clock=clock,
        )
        layout, steps, work = found.rounds, found.steps, found.work // swaps.UNITS_PER_WORK
        budget -= min(budget, work)
    result = search(
        problem,
        seed=seed,
        effort=budget,
        time_limit=max(time_limit - (clock() - start), 1e-9),
        clock=clock,
        start=layout,
    )
    return solution_dict(
        problem,
        result.rounds,
        result.figures,
        seconds=clock() - start,
        diversity_bound=diversity_bound(problem),
        floor={
            "same_organisation": result.floor.same_organisation,
            "repeats": result.floor.repeats,
            "diversity": result.floor.diversity,
        },
        stopped=result.stopped,
        steps=steps + result.steps,
        work=work + result.work,
    )


def solve(problem: dict[str, Any], *, time_limit: float = 10.0, seed: int = 0) -> dict[str, Any]:
    """The engine on a problem as the spec writes it (a dict read from JSON): parse, then `form_groups`.
    Raises GroupsProblemError, with the reason, for a problem that breaks the format."""
    return form_groups(parse_groups_problem(problem), time_limit=time_limit, seed=seed)


__all__ = [
    "PROBLEM_FORMAT",
    "SOLUTION_FORMAT",
    "Figures",
    "GroupsProblem",
    "GroupsProblemError",
    "Round",
    "SearchResult",
    "default_effort",
    "diversity_bound",
    "evaluate",
    "form_groups",
    "parse_groups_problem",
    "solution_dict",
    "solve",
    "violations",
]
