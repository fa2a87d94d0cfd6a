"""The interview timetable engine: pure Python and OR-Tools, no Django (STYLE.md).

problem = parse_problem(json.load(f))       # sks-timetable-problem/1
solution = solve(problem, time_limit=10)     # sks-timetable-solution/1 dict
"""

from .greedy import greedy_baseline, greedy_fair
from .problem import (
    PROBLEM_FORMAT,
    SOLUTION_FORMAT,
    WEIGHTS,
    Meeting,
    Problem,
    ProblemError,
    evaluate,
    parse_problem,
    solution_dict,
    violations,
)
from .solver import solve

__all__ = [
    "PROBLEM_FORMAT",
    "SOLUTION_FORMAT",
    "WEIGHTS",
    "Meeting",
    "Problem",
    "ProblemError",
    "evaluate",
    "greedy_baseline",
    "greedy_fair",
    "parse_problem",
    "solution_dict",
    "solve",
    "violations",
]
