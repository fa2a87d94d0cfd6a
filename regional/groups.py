"""A dialogue meeting as a group-formation problem, and the engine's solution checked and read back.

The format is shared/spec/groups-format.md (version 1): `meeting_groups_problem` builds the problem from the
meeting's RSVPs and check-ins, `solution_violations` checks the hard constraints of a returned solution as
shared/bench/check_groups.py does (tests/regional/test_groups.py compares the two), and `solution_figures`
recomputes the objective. Participant ids are `M<NetworkMember pk>`.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from itertools import combinations
from typing import Any

from .access import earlier_groups_of_chapter, groups_of_meeting, rsvps_of_meeting
from .models import DialogueMeeting

__all__ = [
    "PROBLEM_FORMAT",
    "SOLUTION_FORMAT",
    "meeting_groups_problem",
    "member_id",
    "member_pk",
    "organisation_key",
    "solution_figures",
    "solution_violations",
]

PROBLEM_FORMAT = "sks-groups-problem/1"
SOLUTION_FORMAT = "sks-groups-solution/1"


def member_id(pk: int) -> str:
    return f"M{pk}"


def member_pk(participant_id: str) -> int:
    return int(participant_id[1:])


def organisation_key(name: str) -> str:
    """The same organisation however it was typed (full-width, spaces, case)."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def meeting_groups_problem(*, meeting: DialogueMeeting, from_round: int = 0) -> dict[str, Any]:
    """The problem of forming `meeting`'s groups for rounds `from_round` on, keeping the earlier rounds.

    Who takes part: the checked-in members once check-in has begun, else everyone who said they are coming;
    each for the rounds from their `first_round` to their `last_round`. The rounds before `from_round` are
    passed as `fixed`, exactly as stored, and whoever sat in them counts as present in them. `met_before`
    lists the pairs of participants who shared a group at the chapter's earlier meetings.
    """
    rounds = meeting.rounds
    rsvps = list(rsvps_of_meeting(meeting=meeting))
    if any(r.checked_in_at is not None for r in rsvps):
        rsvps = [r for r in rsvps if r.checked_in_at is not None]
    stored = [g for g in groups_of_meeting(meeting=meeting) if g.round < from_round]
    fixed_rounds: dict[int, list[list[str]]] = {r: [] for r in range(min(from_round, rounds))}
    seated: dict[int, set[int]] = {}
    members: dict[int, Any] = {}
    for group in stored:
        ids = []
        for m in group.members.all():
            ids.append(member_id(m.pk))
            seated.setdefault(m.pk, set()).add(group.round)
            members[m.pk] = m
        fixed_rounds[group.round].append(sorted(ids))
    present: dict[int, set[int]] = {pk: set(rs) for pk, rs in seated.items()}
    for rsvp in rsvps:
        members[rsvp.member_id] = rsvp.member
        last = rounds - 1 if rsvp.last_round is None else min(rsvp.last_round, rounds - 1)
        later = {r for r in range(max(rsvp.first_round, from_round), last + 1)}
        present.setdefault(rsvp.member_id, set()).update(later)
    participants = [
        {
            "id": member_id(pk),
            "organisation": organisation_key(members[pk].organisation),
            "sector": members[pk].sector,
            "rounds": sorted(present[pk]),
        }
        for pk in sorted(present)
        if present[pk]
    ]
    taking_part = {p["id"] for p in participants}
    met: set[tuple[str, str]] = set()
    for group in earlier_groups_of_chapter(meeting=meeting):
        inside = sorted(member_id(m.pk) for m in group.members.all() if member_id(m.pk) in taking_part)
        met.update(combinations(inside, 2))
    problem: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "name": f"meeting-{meeting.pk}",
        "group_size": meeting.group_size,
        "rounds": rounds,
        "participants": participants,
        "met_before": [list(pair) for pair in sorted(met)],
    }
    if fixed_rounds:
        problem["fixed"] = [{"round": r, "groups": sorted(groups)} for r, groups in sorted(fixed_rounds.items())]
    return problem


def _present_by_round(problem: dict[str, Any]) -> list[set[str]]:
    rounds = problem["rounds"]
    present: list[set[str]] = [set() for _ in range(rounds)]
    for p in problem["participants"]:
        for r in p.get("rounds", range(rounds)):
            if 0 <= r < rounds:
                present[r].add(p["id"])
    return present


def solution_violations(problem: dict[str, Any], solution: Any) -> list[str]:
    """The hard constraints a solution breaks (empty: it may be stored)."""
    if not isinstance(solution, dict) or not isinstance(solution.get("rounds"), list):
        return ["the solution has no list of rounds"]
    rounds, size = problem["rounds"], problem["group_size"]
    known = {p["id"] for p in problem["participants"]}
    present = _present_by_round(problem)
    got = solution["rounds"]
    violations: list[str] = []
    if len(got) != rounds:
        violations.append(f"{len(got)} rounds given, {rounds} expected")
    for r in range(min(rounds, len(got))):
        groups = got[r]
        if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
            violations.append(f"round {r}: not a list of groups")
            continue
        seen = Counter(m for g in groups for m in g)
        for m, k in seen.items():
            if m not in known:
                violations.append(f"round {r}: unknown participant {m}")
            elif m not in present[r]:
                violations.append(f"round {r}: {m} is not present in this round")
            if k > 1:
                violations.append(f"round {r}: {m} is in {k} groups")
        violations += [f"round {r}: {m} is in no group" for m in sorted(present[r] - set(seen))]
        n = len(present[r])
        want = math.ceil(n / size) if n else 0
        if len(groups) != want:
            violations.append(f"round {r}: {len(groups)} groups, {want} expected")
        sizes = [len(g) for g in groups]
        if sizes and max(sizes) - min(sizes) > 1:
            violations.append(f"round {r}: group sizes {min(sizes)}..{max(sizes)} differ by more than one")
    for fixed in problem.get("fixed", []):
        r = fixed["round"]
        want_groups = sorted(sorted(g) for g in fixed["groups"])
        have = sorted(sorted(g) for g in got[r]) if r < len(got) and isinstance(got[r], list) else None
        if have != want_groups:
            violations.append(f"round {r}: fixed round not kept")
    return violations


def solution_figures(problem: dict[str, Any], solution: dict[str, Any]) -> dict[str, int]:
    """same_organisation, repeats and diversity as the spec defines them (for a valid solution)."""
    people = {p["id"]: p for p in problem["participants"]}
    encounters: Counter[tuple[str, str]] = Counter()
    same_org = diversity = 0
    for groups in solution["rounds"]:
        for g in groups:
            for a, b in combinations(sorted(set(g)), 2):
                encounters[(a, b)] += 1
                same_org += people[a]["organisation"] == people[b]["organisation"]
            diversity += len({people[m]["sector"] for m in g})
    before = {tuple(sorted(p)) for p in problem.get("met_before", [])}
    repeats = sum(max(0, e + (pair in before) - 1) for pair, e in encounters.items())
    return {"same_organisation": same_org, "repeats": repeats, "diversity": diversity}
