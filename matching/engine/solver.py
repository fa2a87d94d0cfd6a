"""The timetable solver: lexicographic, score first (OR-Tools CP-SAT), then idle gaps (a local search).

Score model (shared/spec/timetable-format.md):

* x[r, t] for each request r and each slot t in which both sides are present (and nothing else: a pair
  that can never meet has no variable); a pair meets at most once.
* A company's table: at most `capacity` seniors per slot. y[c, t] says the company's table is in use at
  t: sum x <= capacity * y (the tight link), every meeting implies y, and y implies a meeting
  (y <= sum x), so y is exact. Companies
  that share a bank staff member use their tables in at most one of them per slot (sum y <= 1).
* A senior: at most one meeting per slot, at most `max_meetings` in all.
* Fixed meetings: their x is 1.
* Score = sum of weights of the meetings - 10 * shortfall, shortfall_c >= floor_c - meetings_c, >= 0.

Tightening that matters on the larger samples: per-senior totals bounded by the slots they are present
in and their cap, per staff member the meetings of all their companies bounded by what the best table of
the group can hold slot by slot.

Gaps: `gaps.close_gaps`, a simulated annealing over moves that keep the score (see there for why not
CP-SAT), then, on small problems only, CP-SAT on the full model with score >= the score reached and the
gap count as objective, started from the annealing's timetable: it proves the fewest gaps there (and
gives the lower bound it reached).

Deterministic: the search is bounded by counted work, never by the clock. CP-SAT runs on one worker with
the caller's seed and a deterministic-time limit (its own count of work, the same on any machine); the
annealing runs a number of iterations. The allowance is WORK_SHARE of the time limit in reference seconds
(what one idle core of the machine it was tuned on does in a second), so the same problem, seed and time
limit give the same timetable on a busy or an idle machine. The wall clock is only a safety net: it stops
a phase on a machine more than 1/WORK_SHARE times slower than the reference, and the solution then says
`clock_hit` (the one case where the timetable may differ between runs).
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from .gaps import close_gaps
from .greedy import greedy_fair
from .problem import SHORTFALL_PENALTY, Meeting, Problem, evaluate, solution_dict

# The work allowance, in reference seconds per second of time limit. 0.3: on the 2-core reference machine
# a long day (16 slots, 60 companies) takes about 3 s of a 10 s limit idle, and does the same work inside
# the limit on a machine twice as busy (start-up of the command line included); the national size (300
# companies, 60 s) needs that much to come within 0.1% of the bound.
WORK_SHARE = 0.3
# What one idle core of the reference machine does in a second: CP-SAT deterministic time (0.27-0.37 on
# the samples, one worker) and gap-search moves (about 80 thousand on the samples).
DTIME_PER_SECOND = 0.33
MOVES_PER_SECOND = 80_000
# At most this many moves per request: on small problems the allowance would buy tens of thousands, and a
# longer schedule only cools more slowly (small-12x25 and medium-20x39 reach 0 gaps after 51 and 86
# thousand moves with 1,000 per request, after 94 and 177 thousand with 2,000).
MOVES_PER_REQUEST = 1_000
# The score phase may use this share of the allowance; what it leaves goes to the gaps. The long days
# prove their score in 0.35-0.5 dtime, about half the allowance of a 10 s limit; the national size (300
# companies) uses all of it: 4368 against a bound of 4372 at 5 dtime.
SCORE_SHARE = 0.85
# Models with at least this many meeting variables start the score phase from the greedy timetable: it
# gives the national size a timetable within 2% at once (without it the first ones are far off, and the
# score at 5 dtime is 4366 instead of 4368). Below, the hint costs more than it saves: CP-SAT first
# searches around it (0.50 dtime against 0.34 to prove the score of long-50x130x16).
HINT_MIN_VARIABLES = 15_000
# Problems up to this many meeting variables also get CP-SAT's proof of the fewest gaps (with this share
# of what the score phase left), when the search leaves gaps: the full model finds the timetables that
# differ by more than one pair. On larger ones CP-SAT proves nothing in that time (its bound stays at 0).
PROOF_MAX_VARIABLES = 500
PROOF_SHARE = 0.3
# Share of the time left on the wall clock the score phase may take before the safety net stops it: on a
# machine too busy for the allowance, the score (the first objective) goes before the gaps.
SCORE_CLOCK_SHARE = 0.85
# Seconds kept on the wall clock for writing the solution out.
CLOCK_MARGIN = 0.1


class _Model:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        m = self.model
        p = problem
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        by_company_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        by_senior_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        self.pair_met: list[cp_model.LinearExprT] = []
        for i, r in enumerate(p.requests):
            slots = sorted(p.companies[r.company].available & p.seniors[r.senior].available)
            xs = []
            for t in slots:
                v = m.new_bool_var(f"x{i}_{t}")
                self.x[(i, t)] = v
                xs.append(v)
                by_company_slot[(r.company, t)].append(v)
                by_senior_slot[(r.senior, t)].append(v)
            if len(xs) > 1:
                m.add_at_most_one(xs)
            self.pair_met.append(sum(xs) if xs else 0)
        index = p.request_index
        for f in p.fixed:
            key = (index[(f.company, f.senior)], f.slot)
            if key not in self.x:
                m.add_bool_or([])  # a fixed meeting in a slot where someone is absent: infeasible
            else:
                m.add(self.x[key] == 1)

        # Tables, and the staff member who sits at them.
        self.company_active: dict[tuple[str, int], Any] = {}
        self.table_used: dict[tuple[str, int], cp_model.IntVar] = {}
        staff_slot: dict[tuple[str, int], list[Any]] = defaultdict(list)
        for (cid, t), xs in by_company_slot.items():
            company = p.companies[cid]
            if company.capacity == 1:
                if len(xs) > 1:
                    m.add_at_most_one(xs)
                active: Any = sum(xs)
            else:
                y = m.new_bool_var(f"y{cid}_{t}")
                # Linked by capacity, not only meeting by meeting: without it the LP may run the table at
                # half use with a full table of meetings, and the staff member's other table beside it.
                m.add(sum(xs) <= company.capacity * y)
                for v in xs:
                    m.add_implication(v, y)
                m.add(y <= sum(xs))
                active = y
                self.table_used[(cid, t)] = y
            self.company_active[(cid, t)] = active
            if company.staff:
                staff_slot[(company.staff, t)].append(active)
        for actives in staff_slot.values():
            if len(actives) > 1:
                m.add(sum(actives) <= 1)

        # Seniors.
        for xs in by_senior_slot.values():
            if len(xs) > 1:
                m.add_at_most_one(xs)
        senior_pairs: dict[str, list[Any]] = defaultdict(list)
        company_pairs: dict[str, list[Any]] = defaultdict(list)
        for i, r in enumerate(p.requests):
            senior_pairs[r.senior].append(self.pair_met[i])
            company_pairs[r.company].append(self.pair_met[i])
        for sid, met in senior_pairs.items():
            senior = p.seniors[sid]
            limit = len(senior.available)
            if senior.max_meetings is not None:
                limit = min(limit, senior.max_meetings)
            if len(met) > limit:
                m.add(sum(met) <= limit)

        # Per staff member: no more meetings than the best table of the group can hold slot by slot.
        groups: dict[str, list[str]] = defaultdict(list)
        for c in p.companies.values():
            if c.staff:
                groups[c.staff].append(c.id)
        for cids in groups.values():
            if len(cids) < 2:
                continue
            ceiling = sum(
                max((p.companies[c].capacity for c in cids if t in p.companies[c].available), default=0)
                for t in range(p.slots)
            )
            m.add(sum(v for c in cids for v in company_pairs[c]) <= ceiling)

        # Score.
        self.shortfall: dict[str, cp_model.IntVar] = {}
        for c in p.companies.values():
            if c.min_meetings <= 0:
                continue
            s = m.new_int_var(0, c.min_meetings, f"short{c.id}")
            m.add(s >= c.min_meetings - sum(company_pairs[c.id]))
            self.shortfall[c.id] = s
        gained: Any = sum(r.weight * self.pair_met[i] for i, r in enumerate(p.requests))
        self.score_expr: Any = gained - SHORTFALL_PENALTY * cp_model.LinearExpr.sum(list(self.shortfall.values()))
        # Gap flags per participant, filled by add_gap_objective: (side, id) -> (started, pending, gap) by slot.
        self.gap_flags: dict[tuple[str, str], tuple[dict[int, Any], dict[int, Any], dict[int, Any]]] = {}

    def add_gap_objective(self) -> cp_model.LinearExprT:
        """The idle-gap count as a linear expression over new prefix/suffix flags."""
        m, p = self.model, self.problem
        active: dict[tuple[str, str], dict[int, Any]] = defaultdict(dict)
        for (cid, t), a in self.company_active.items():
            active[("c", cid)][t] = a
        for (i, t), v in self.x.items():
            sid = p.requests[i].senior
            key = ("s", sid)
            active[key][t] = active[key].get(t, 0) + v
        terms: list[Any] = []
        for (side, pid), by_slot in active.items():
            available = p.companies[pid].available if side == "c" else p.seniors[pid].available
            slots = sorted(available)
            if len(slots) < 3:
                continue
            started: dict[int, Any] = {}
            prev: Any = None
            for t in slots:
                b = m.new_bool_var("")
                a = by_slot.get(t, 0)
                if prev is not None:
                    m.add_implication(prev, b)
                    m.add(b <= prev + a)
                else:
                    m.add(b <= a)
                m.add(b >= a)
                started[t] = b
                prev = b
            pending: dict[int, Any] = {}
            nxt: Any = None
            for t in reversed(slots):
                b = m.new_bool_var("")
                a = by_slot.get(t, 0)
                if nxt is not None:
                    m.add_implication(nxt, b)
                    m.add(b <= nxt + a)
                else:
                    m.add(b <= a)
                m.add(b >= a)
                pending[t] = b
                nxt = b
            gap: dict[int, Any] = {}
            for t in slots[1:-1]:
                g = m.new_bool_var("")
                # In the span (started and not finished) but idle: a gap.
                m.add(g >= started[t] + pending[t] - 1 - by_slot.get(t, 0))
                gap[t] = g
                terms.append(g)
            self.gap_flags[(side, pid)] = (started, pending, gap)
        return sum(terms)

    def meetings(self, solver: cp_model.CpSolver) -> list[Meeting]:
        p = self.problem
        return [
            Meeting(p.requests[i].company, p.requests[i].senior, t)
            for (i, t), v in self.x.items()
            if solver.boolean_value(v)
        ]

    def hint(self, meetings: list[Meeting]) -> None:
        """A complete hint (every variable), so the solver starts from this solution instead of repairing it."""
        p = self.problem
        chosen = {(p.request_index[(m.company, m.senior)], m.slot) for m in meetings}
        self.model.clear_hints()
        for key, v in self.x.items():
            self.model.add_hint(v, key in chosen)
        used: dict[tuple[str, str], set[int]] = defaultdict(set)
        per_company: dict[str, int] = defaultdict(int)
        for m in meetings:
            used[("c", m.company)].add(m.slot)
            used[("s", m.senior)].add(m.slot)
            per_company[m.company] += 1
        for (cid, t), y in self.table_used.items():
            self.model.add_hint(y, t in used[("c", cid)])
        for cid, s in self.shortfall.items():
            self.model.add_hint(s, max(0, p.companies[cid].min_meetings - per_company[cid]))
        for participant, (started, pending, gap) in self.gap_flags.items():
            slots = used.get(participant, set())
            lo, hi = (min(slots), max(slots)) if slots else (p.slots, -1)
            for t, b in started.items():
                self.model.add_hint(b, t >= lo)
            for t, b in pending.items():
                self.model.add_hint(b, t <= hi)
            for t, g in gap.items():
                self.model.add_hint(g, lo <= t <= hi and t not in slots)


def _solver(*, dtime: float, seconds: float, seed: int) -> cp_model.CpSolver:
    """One worker with a deterministic-time limit: reproducible for its seed on any machine. With the full
    linear relaxation (linearization level 2) it proves the score of the 60-company samples in about a
    second; one presolve pass (instead of three) saves a third of the work on the long days and finds the
    same optimum. `seconds` is the wall-clock safety net."""
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = max(0.01, dtime)
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.max_presolve_iterations = 1
    return solver


def _clock_stopped(solver: cp_model.CpSolver, status: Any, dtime: float) -> bool:
    """Whether the wall clock, not the work limit or a proof, ended this solve."""
    return status not in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and solver.response_proto.deterministic_time < dtime


class _ScorePhaseWatch(cp_model.CpSolverSolutionCallback):
    """Reports the score phase's progress on improving solutions, at most every `every` seconds and only
    from the caller's own thread (`report` may write to the caller's database connection, which belongs
    to that thread). Reporting never changes the search."""

    def __init__(self, report: Callable[[], None] | None, *, every: float = 0.5) -> None:
        super().__init__()
        self._report = report
        self._every = every
        self._last_report = time.monotonic()
        self._thread = threading.get_ident()

    def on_solution_callback(self) -> None:
        now = time.monotonic()
        mine = threading.get_ident() == self._thread
        if self._report is not None and mine and now - self._last_report >= self._every:
            self._last_report = now
            self._report()


def _prove_gaps(
    problem: Problem, meetings: list[Meeting], score: int, *, dtime: float, seconds: float, seed: int
) -> tuple[list[Meeting], int | None, bool]:
    """CP-SAT on the full model, score >= `score`, fewest gaps, from `meetings`: the timetable (never worse
    than `meetings`), the lower bound on gaps it proved and whether the clock stopped it."""
    model = _Model(problem)
    model.model.add(model.score_expr >= score)
    model.model.minimize(model.add_gap_objective())
    model.hint(meetings)
    solver = _solver(dtime=dtime, seconds=seconds, seed=seed)
    status = solver.solve(model.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return meetings, None, _clock_stopped(solver, status, dtime)
    candidate = model.meetings(solver)
    bound = math.ceil(solver.best_objective_bound - 1e-6)
    if evaluate(problem, candidate) >= (score, 0) and evaluate(problem, candidate)[1] < evaluate(problem, meetings)[1]:
        meetings = candidate
    return meetings, bound, _clock_stopped(solver, status, dtime)


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    minimise_gaps: bool = True,
    progress: Callable[[float], None] | None = None,
    clock_limit: float | None = None,
) -> dict[str, Any]:
    """Solve `problem` with the work allowance of `time_limit` seconds; returns an `sks-timetable-solution/1`
    dict, with extra fields `gaps_bound` (the fewest gaps proven possible, or null), `clock_hit` (the wall
    clock stopped a phase: the result may differ from a run on an idle machine) and `score_seconds`.

    `clock_limit` (default: `time_limit`) is the wall-clock safety net in seconds from now; a caller that
    has already spent part of its limit (the command line's start-up) passes what is left, which changes
    nothing else. `minimise_gaps=False` stops after the score phase (the tests compare both). `progress`,
    if given, is called with the share of the time limit used (0..1) as each phase ends and during the
    search (at most twice a second), and with 1.0 at the end.
    """
    started = time.monotonic()
    deadline = started + (time_limit if clock_limit is None else clock_limit) - CLOCK_MARGIN
    allowance = WORK_SHARE * time_limit  # reference seconds
    last_report = [started]

    def report(*, force: bool = False) -> None:
        now = time.monotonic()
        if progress is not None and (force or now - last_report[0] >= 0.5):
            last_report[0] = now
            progress(min(1.0, (now - started) / time_limit))

    greedy = greedy_fair(problem)
    greedy_score, _greedy_gaps = evaluate(problem, greedy)

    # Phase 1: the best score.
    built = _Model(problem)
    if len(built.x) >= HINT_MIN_VARIABLES:
        built.hint(greedy)
    built.model.maximize(built.score_expr)
    score_dtime = SCORE_SHARE * allowance * DTIME_PER_SECOND
    solver = _solver(dtime=score_dtime, seconds=(deadline - time.monotonic()) * SCORE_CLOCK_SHARE, seed=seed)
    status = solver.solve(built.model, _ScorePhaseWatch(report if progress is not None else None))
    clock_hit = _clock_stopped(solver, status, score_dtime)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        meetings = built.meetings(solver)
        score = round(solver.objective_value)
        bound = math.floor(solver.best_objective_bound + 1e-6)
        optimal = status == cp_model.OPTIMAL
    elif status == cp_model.INFEASIBLE:
        raise ValueError("the problem has no solution (the fixed meetings break a hard constraint)")
    else:
        # The clock stopped CP-SAT before it found a timetable: keep the greedy one (it is valid), and
        # as the bound, every request met with no shortfall (CP-SAT may not have a bound yet).
        meetings, score, bound, optimal = greedy, greedy_score, sum(r.weight for r in problem.requests), False
    if greedy_score > score:
        meetings, score = greedy, greedy_score
    score_seconds = time.monotonic() - started
    report(force=True)

    # Phase 2: the fewest gaps at this score (or a better score, when it was not proven). The work left
    # over by the score phase is the search's; on small problems CP-SAT then gets its share to prove.
    gaps_bound: int | None = None
    if minimise_gaps:
        left = max(0.0, allowance - solver.response_proto.deterministic_time / DTIME_PER_SECOND)
        prove = len(built.x) <= PROOF_MAX_VARIABLES
        search_share = 1 - PROOF_SHARE if prove else 1.0
        found = close_gaps(
            problem,
            meetings,
            iterations=min(round(left * search_share * MOVES_PER_SECOND), MOVES_PER_REQUEST * len(problem.requests)),
            seed=seed,
            deadline=time.monotonic() + (deadline - time.monotonic()) * search_share,
            tick=report,
            score_settled=optimal,
        )
        meetings, clock_hit = found.meetings, clock_hit or found.clock_hit
        score += found.score_gain
        report(force=True)
        if found.gaps == 0:
            gaps_bound = 0
        elif prove and deadline - time.monotonic() > 0.05:
            meetings, gaps_bound, stopped = _prove_gaps(
                problem,
                meetings,
                score,
                dtime=left * PROOF_SHARE * DTIME_PER_SECOND,
                seconds=deadline - time.monotonic(),
                seed=seed,
            )
            clock_hit = clock_hit or stopped
    final_score, gaps = evaluate(problem, meetings)
    if progress is not None:
        progress(1.0)
    return {
        **solution_dict(
            meetings,
            score=final_score,
            gaps=gaps,
            optimal=optimal,
            bound=max(bound, final_score),
            seconds=time.monotonic() - started,
            score_seconds=score_seconds,
        ),
        "gaps_bound": gaps_bound,
        "clock_hit": clock_hit,
    }
