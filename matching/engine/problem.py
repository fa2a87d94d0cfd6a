"""The `sks-timetable-problem/1` format (shared/spec/timetable-format.md), read into plain data.

No Django here: the engine is used by the web app, the command line and the benchmark alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROBLEM_FORMAT = "sks-timetable-problem/1"
SOLUTION_FORMAT = "sks-timetable-solution/1"
WEIGHTS: dict[str, int] = {"mutual": 3, "company": 2, "senior": 1}
SHORTFALL_PENALTY = 10


class ProblemError(ValueError):
    """The problem does not follow the format; the message says where."""


@dataclass(frozen=True)
class Company:
    id: str
    capacity: int
    available: frozenset[int]
    staff: str | None
    min_meetings: int


@dataclass(frozen=True)
class Senior:
    id: str
    available: frozenset[int]
    max_meetings: int | None


@dataclass(frozen=True)
class Request:
    company: str
    senior: str
    kind: str

    @property
    def weight(self) -> int:
        return WEIGHTS[self.kind]


@dataclass(frozen=True)
class Meeting:
    company: str
    senior: str
    slot: int


@dataclass
class Problem:
    slots: int
    companies: dict[str, Company]
    seniors: dict[str, Senior]
    requests: list[Request]
    fixed: list[Meeting] = field(default_factory=list)
    name: str = ""

    @property
    def request_index(self) -> dict[tuple[str, str], int]:
        return {(r.company, r.senior): i for i, r in enumerate(self.requests)}


def _slots(value: Any, slots: int, where: str) -> frozenset[int]:
    if value is None:
        return frozenset(range(slots))
    if not isinstance(value, list) or not all(isinstance(t, int) and 0 <= t < slots for t in value):
        raise ProblemError(f"{where}: available must be a list of slots 0..{slots - 1}")
    return frozenset(value)


def _int(value: Any, where: str, *, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ProblemError(f"{where} must be an integer >= {minimum}")
    return value


def parse_problem(data: dict[str, Any]) -> Problem:
    """Check and read a problem; raises ProblemError naming the first thing that is wrong."""
    if not isinstance(data, dict) or data.get("format") != PROBLEM_FORMAT:
        raise ProblemError(f"format must be {PROBLEM_FORMAT!r}")
    slots = _int(data.get("slots"), "slots", minimum=1)
    companies: dict[str, Company] = {}
    for i, c in enumerate(data.get("companies", [])):
        where = f"companies[{i}]"
        cid = c.get("id")
        if not isinstance(cid, str) or cid in companies:
            raise ProblemError(f"{where}: id must be a unique string")
        staff = c.get("staff")
        if staff is not None and not isinstance(staff, str):
            raise ProblemError(f"{where}: staff must be a string")
        companies[cid] = Company(
            id=cid,
            capacity=_int(c.get("capacity", 1), f"{where}.capacity", minimum=1),
            available=_slots(c.get("available"), slots, where),
            staff=staff or None,
            min_meetings=_int(c.get("min_meetings", 0), f"{where}.min_meetings", minimum=0),
        )
    seniors: dict[str, Senior] = {}
    for i, s in enumerate(data.get("seniors", [])):
        where = f"seniors[{i}]"
        sid = s.get("id")
        if not isinstance(sid, str) or sid in seniors:
            raise ProblemError(f"{where}: id must be a unique string")
        cap = s.get("max_meetings")
        seniors[sid] = Senior(
            id=sid,
            available=_slots(s.get("available"), slots, where),
            max_meetings=None if cap is None else _int(cap, f"{where}.max_meetings", minimum=0),
        )
    requests: list[Request] = []
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(data.get("requests", [])):
        where = f"requests[{i}]"
        pair = (r.get("company"), r.get("senior"))
        if pair[0] not in companies or pair[1] not in seniors:
            raise ProblemError(f"{where}: unknown company or senior")
        if r.get("kind") not in WEIGHTS:
            raise ProblemError(f"{where}: kind must be one of {sorted(WEIGHTS)}")
        if pair in seen:
            raise ProblemError(f"{where}: the pair {pair} is listed twice")
        seen.add(pair)
        requests.append(Request(company=pair[0], senior=pair[1], kind=r["kind"]))
    fixed: list[Meeting] = []
    for i, f in enumerate(data.get("fixed", []) or []):
        where = f"fixed[{i}]"
        meeting = Meeting(company=f.get("company"), senior=f.get("senior"), slot=f.get("slot"))
        if (meeting.company, meeting.senior) not in seen:
            raise ProblemError(f"{where}: a fixed meeting must be one of the requests")
        if not isinstance(meeting.slot, int) or not 0 <= meeting.slot < slots:
            raise ProblemError(f"{where}: slot out of range")
        fixed.append(meeting)
    return Problem(
        slots=slots, companies=companies, seniors=seniors, requests=requests, fixed=fixed, name=data.get("name", "")
    )


def violations(problem: Problem, meetings: list[Meeting]) -> list[str]:
    """Every hard constraint the meetings break (empty when valid), as the spec lists them.

    Hand edits in the web app are checked with this before they are saved; the messages are for
    developers and logs, the app words its own for users from the `kind` prefix before the colon.
    """
    found: list[str] = []
    index = problem.request_index
    seen: set[tuple[str, str]] = set()
    senior_slot: set[tuple[str, int]] = set()
    company_load: dict[tuple[str, int], int] = {}
    staff_at: dict[tuple[str, int], str] = {}
    per_senior: dict[str, int] = {}
    for m in meetings:
        pair = (m.company, m.senior)
        if pair not in index:
            found.append(f"not_requested: {pair}")
            continue
        if pair in seen:
            found.append(f"pair_twice: {pair}")
        seen.add(pair)
        company, senior = problem.companies[m.company], problem.seniors[m.senior]
        if not 0 <= m.slot < problem.slots:
            found.append(f"slot_out_of_range: {m}")
            continue
        if m.slot not in company.available or m.slot not in senior.available:
            found.append(f"not_available: {m}")
        if (m.senior, m.slot) in senior_slot:
            found.append(f"senior_double_booked: {m.senior} in slot {m.slot}")
        senior_slot.add((m.senior, m.slot))
        load = company_load.get((m.company, m.slot), 0) + 1
        company_load[(m.company, m.slot)] = load
        if load > company.capacity:
            found.append(f"table_full: {m.company} in slot {m.slot}")
        if company.staff:
            other = staff_at.setdefault((company.staff, m.slot), m.company)
            if other != m.company:
                found.append(f"staff_double_booked: {company.staff} at {other} and {m.company} in slot {m.slot}")
        per_senior[m.senior] = per_senior.get(m.senior, 0) + 1
    for sid, n in per_senior.items():
        cap = problem.seniors[sid].max_meetings
        if cap is not None and n > cap:
            found.append(f"senior_over_max: {sid} has {n} > {cap}")
    have = {(m.company, m.senior, m.slot) for m in meetings}
    for f in problem.fixed:
        if (f.company, f.senior, f.slot) not in have:
            found.append(f"fixed_missing: {f}")
    return found


def evaluate(problem: Problem, meetings: list[Meeting]) -> tuple[int, int]:
    """Score and gaps of a set of meetings, as the spec defines them (the checker's arithmetic)."""
    index = problem.request_index
    score = sum(problem.requests[index[(m.company, m.senior)]].weight for m in meetings)
    per_company: dict[str, int] = {}
    used: dict[tuple[str, str], set[int]] = {}
    for m in meetings:
        per_company[m.company] = per_company.get(m.company, 0) + 1
        used.setdefault(("c", m.company), set()).add(m.slot)
        used.setdefault(("s", m.senior), set()).add(m.slot)
    for c in problem.companies.values():
        score -= SHORTFALL_PENALTY * max(0, c.min_meetings - per_company.get(c.id, 0))
    gaps = 0
    for (side, pid), slots in used.items():
        available = problem.companies[pid].available if side == "c" else problem.seniors[pid].available
        gaps += sum(1 for t in range(min(slots), max(slots) + 1) if t in available and t not in slots)
    return score, gaps


def solution_dict(
    meetings: list[Meeting],
    *,
    score: int,
    gaps: int,
    optimal: bool,
    bound: int,
    seconds: float,
    score_seconds: float | None = None,
) -> dict[str, Any]:
    """The solution as the spec writes it; `score_seconds` (when the score was settled) is an extra field."""
    ordered = sorted(meetings, key=lambda m: (m.slot, m.company, m.senior))
    return {
        "format": SOLUTION_FORMAT,
        "meetings": [{"company": m.company, "senior": m.senior, "slot": m.slot} for m in ordered],
        "score": score,
        "gaps": gaps,
        "optimal": optimal,
        "bound": bound,
        "seconds": round(seconds, 3),
        **({"score_seconds": round(score_seconds, 3)} if score_seconds is not None else {}),
    }
