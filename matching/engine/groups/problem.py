"""The `sks-groups-problem/1` format (shared/spec/groups-format.md), read into plain data.

People, organisations and sectors become small integers so that the search works on lists; the ids
come back only when a solution is written. The figures (`evaluate`) and the bound on diversity
(`diversity_bound`) are computed exactly as shared/bench/check_groups.py computes them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

PROBLEM_FORMAT = "sks-groups-problem/1"
SOLUTION_FORMAT = "sks-groups-solution/1"

# A round as the engine holds it: groups of person indices.
Round = list[list[int]]


class GroupsProblemError(ValueError):
    """The problem does not follow the format, or its fixed rounds cannot be kept; the message says where."""


@dataclass(frozen=True)
class Figures:
    """The lexicographic objective: fewer same-organisation pairs, then fewer repeats, then more diversity."""

    same_organisation: int
    repeats: int
    diversity: int

    def key(self) -> tuple[int, int, int]:
        """Smaller is better."""
        return (self.same_organisation, self.repeats, -self.diversity)


@dataclass
class GroupsProblem:
    group_size: int
    rounds: int
    ids: list[str]
    organisation: list[int]  # person -> organisation index
    sector: list[int]  # person -> sector index
    present: list[list[int]]  # round -> people present, in input order
    met_before: set[tuple[int, int]]  # pairs (i, j) with i < j
    fixed: dict[int, Round] = field(default_factory=dict)  # round -> its groups, kept as given
    name: str = ""
    n_sectors: int = 0

    @property
    def n(self) -> int:
        return len(self.ids)

    def group_count(self, r: int) -> int:
        return math.ceil(len(self.present[r]) / self.group_size)

    def group_sizes(self, r: int) -> list[int]:
        """The sizes of round r's groups, largest first: they differ by at most one (hard constraint 2)."""
        n, groups = len(self.present[r]), self.group_count(r)
        if groups == 0:
            return []
        small, big = divmod(n, groups)
        return [small + 1] * big + [small] * (groups - big)

    @property
    def free_rounds(self) -> list[int]:
        return [r for r in range(self.rounds) if r not in self.fixed]


def _int(value: Any, where: str, *, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise GroupsProblemError(f"{where} must be an integer >= {minimum}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise GroupsProblemError(f"{where} must be a non-empty string")
    return value


def parse_groups_problem(data: Any) -> GroupsProblem:
    """Check and read a problem; raises GroupsProblemError naming the first thing that is wrong."""
    if not isinstance(data, dict) or data.get("format") != PROBLEM_FORMAT:
        raise GroupsProblemError(f"format must be {PROBLEM_FORMAT!r}")
    size = _int(data.get("group_size"), "group_size", minimum=2)
    rounds = _int(data.get("rounds"), "rounds", minimum=1)
    participants = data.get("participants")
    if not isinstance(participants, list):
        raise GroupsProblemError("participants must be a list")
    ids: list[str] = []
    index: dict[str, int] = {}
    orgs: dict[str, int] = {}
    sectors: dict[str, int] = {}
    organisation: list[int] = []
    sector: list[int] = []
    present: list[list[int]] = [[] for _ in range(rounds)]
    for i, p in enumerate(participants):
        where = f"participants[{i}]"
        if not isinstance(p, dict):
            raise GroupsProblemError(f"{where} must be an object")
        pid = _text(p.get("id"), f"{where}.id")
        if pid in index:
            raise GroupsProblemError(f"{where}: id {pid!r} is listed twice")
        index[pid] = len(ids)
        ids.append(pid)
        organisation.append(orgs.setdefault(_text(p.get("organisation"), f"{where}.organisation"), len(orgs)))
        sector.append(sectors.setdefault(_text(p.get("sector"), f"{where}.sector"), len(sectors)))
        attends = p.get("rounds", list(range(rounds)))
        if not isinstance(attends, list) or not all(
            isinstance(r, int) and not isinstance(r, bool) and 0 <= r < rounds for r in attends
        ):
            raise GroupsProblemError(f"{where}.rounds must be a list of rounds 0..{rounds - 1}")
        for r in sorted(set(attends)):
            present[r].append(index[pid])
    met_before: set[tuple[int, int]] = set()
    pairs = data.get("met_before", []) or []
    if not isinstance(pairs, list):
        raise GroupsProblemError("met_before must be a list of pairs")
    for i, pair in enumerate(pairs):
        where = f"met_before[{i}]"
        if not isinstance(pair, list | tuple) or len(pair) != 2 or any(m not in index for m in pair):
            raise GroupsProblemError(f"{where} must be a pair of participant ids")
        a, b = index[pair[0]], index[pair[1]]
        if a == b:
            raise GroupsProblemError(f"{where} pairs a participant with themselves")
        met_before.add((min(a, b), max(a, b)))
    problem = GroupsProblem(
        group_size=size,
        rounds=rounds,
        ids=ids,
        organisation=organisation,
        sector=sector,
        present=present,
        met_before=met_before,
        name=str(data.get("name", "")),
        n_sectors=len(sectors),
    )
    fixed = data.get("fixed", []) or []
    if not isinstance(fixed, list):
        raise GroupsProblemError("fixed must be a list of rounds")
    for i, f in enumerate(fixed):
        where = f"fixed[{i}]"
        if not isinstance(f, dict):
            raise GroupsProblemError(f"{where} must be an object")
        r = _int(f.get("round"), f"{where}.round", minimum=0)
        if r >= rounds:
            raise GroupsProblemError(f"{where}.round must be < {rounds}")
        if r in problem.fixed:
            raise GroupsProblemError(f"{where}: round {r} is fixed twice")
        groups = f.get("groups")
        if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
            raise GroupsProblemError(f"{where}.groups must be a list of groups")
        if any(m not in index for g in groups for m in g):
            raise GroupsProblemError(f"{where}: a group names an unknown participant")
        held = [[index[m] for m in g] for g in groups]
        for problem_text in round_violations(problem, r, held):
            raise GroupsProblemError(f"{where} cannot be kept: {problem_text}")
        problem.fixed[r] = held
    return problem


def round_violations(problem: GroupsProblem, r: int, groups: Round) -> list[str]:
    """What in round r's groups breaks hard constraints 1 and 2 (empty when the round is valid)."""
    found: list[str] = []
    seen = Counter(m for g in groups for m in g)
    present = set(problem.present[r])
    for m, k in sorted(seen.items()):
        if m not in present:
            found.append(f"round {r}: {problem.ids[m]} is not present in this round")
        if k > 1:
            found.append(f"round {r}: {problem.ids[m]} is in {k} groups")
    for m in sorted(present - set(seen)):
        found.append(f"round {r}: {problem.ids[m]} is in no group")
    want = problem.group_count(r)
    if len(groups) != want:
        found.append(f"round {r}: {len(groups)} groups, {want} expected")
    sizes = [len(g) for g in groups]
    if sizes and max(sizes) - min(sizes) > 1:
        found.append(f"round {r}: group sizes {min(sizes)}..{max(sizes)} differ by more than one")
    return found


def violations(problem: GroupsProblem, rounds: Sequence[Round]) -> list[str]:
    """Every hard constraint the rounds break (empty when valid), worded as the checker words them."""
    found: list[str] = []
    if len(rounds) != problem.rounds:
        return [f"{len(rounds)} rounds given, {problem.rounds} expected"]
    for r, groups in enumerate(rounds):
        found.extend(round_violations(problem, r, groups))
    for r, held in problem.fixed.items():
        if sorted(sorted(g) for g in held) != sorted(sorted(g) for g in rounds[r]):
            found.append(f"round {r}: fixed round not kept")
    return found


def evaluate(problem: GroupsProblem, rounds: Sequence[Round]) -> Figures:
    """The three figures of a schedule, with the checker's arithmetic."""
    encounters: Counter[tuple[int, int]] = Counter()
    same = diversity = 0
    for groups in rounds:
        for g in groups:
            for a, b in combinations(sorted(set(g)), 2):
                encounters[(a, b)] += 1
                same += problem.organisation[a] == problem.organisation[b]
            diversity += len({problem.sector[m] for m in g})
    before = problem.met_before
    repeats = sum(max(0, e + ((pair in before) - 1)) for pair, e in encounters.items())
    return Figures(same_organisation=same, repeats=repeats, diversity=diversity)


def round_diversity_bound(problem: GroupsProblem, r: int) -> int:
    """check_groups.py's bound for one round: by sectors present, and by group sizes."""
    members = problem.present[r]
    groups = problem.group_count(r)
    if groups == 0:
        return 0
    counts = Counter(problem.sector[m] for m in members)
    by_sector = sum(min(c, groups) for c in counts.values())
    by_group = sum(min(s, problem.n_sectors) for s in problem.group_sizes(r))
    return min(by_sector, by_group)


def diversity_bound(problem: GroupsProblem) -> int:
    """check_groups.py's `diversity_bound`: the sum of the rounds' bounds."""
    return sum(round_diversity_bound(problem, r) for r in range(problem.rounds))


def round_same_organisation_floor(problem: GroupsProblem, r: int) -> int:
    """No grouping of round r has fewer same-organisation pairs: each organisation spread evenly."""
    groups = problem.group_count(r)
    if groups == 0:
        return 0
    floor = 0
    for c in Counter(problem.organisation[m] for m in problem.present[r]).values():
        q, extra = divmod(c, groups)
        floor += extra * (q + 1) * q // 2 + (groups - extra) * q * (q - 1) // 2
    return floor


def solution_dict(
    problem: GroupsProblem, rounds: Sequence[Round], figures: Figures, *, seconds: float, **extra: Any
) -> dict[str, Any]:
    """The solution as the spec writes it. Fixed rounds keep their input order; formed rounds list each
    group's members in input order and the groups by their first member. `extra` adds the engine's own
    fields (bounds, stop reason), which the format allows beside the figures."""
    written: list[list[list[str]]] = []
    for r, groups in enumerate(rounds):
        if r in problem.fixed:
            written.append([[problem.ids[m] for m in g] for g in groups])
        else:
            ordered = sorted((sorted(g) for g in groups), key=lambda g: g[0] if g else -1)
            written.append([[problem.ids[m] for m in g] for g in ordered])
    return {
        "format": SOLUTION_FORMAT,
        "rounds": written,
        "same_organisation": figures.same_organisation,
        "repeats": figures.repeats,
        "diversity": figures.diversity,
        "seconds": round(seconds, 3),
        **extra,
    }
