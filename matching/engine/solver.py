"""The timetable solver: OR-Tools CP-SAT, lexicographic (score first, then idle gaps).

Model (shared/spec/timetable-format.md):

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
the group can hold slot by slot, and a first solution from `greedy_fair` as a hint.

Phase 2 keeps score >= the phase 1 score and minimises gaps: for each participant, "started" and
"not yet finished" flags per slot (monotone prefix / suffix of its active slots); a slot in which it is
present, between both, and idle is a gap.

The time limit covers both phases. The score phase ends early once its score is within 0.5% of the bound
and has stopped improving (SETTLED_*), leaving the time to the gaps. Every solve runs with the caller's
seed on one CP-SAT worker, which is reproducible: the same problem and seed give the same timetable, as
long as no phase is cut by the wall-clock limit (or the settled-score stop) at a different point (a
loaded machine does less work in the same seconds) and re-slotting finishes on one worker (on large
events it goes on with `workers` threads, see `_reslot`).
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from .greedy import greedy_fair
from .problem import SHORTFALL_PENALTY, Meeting, Problem, evaluate, solution_dict

# Share of the time limit given to the score phase when it does not finish early.
SCORE_PHASE_SHARE = 0.85
# The score phase stops early when its best score is within this share of the bound (the benchmark's
# target) and has not improved for SETTLED_STALL_SHARE of the time limit (at least SETTLED_STALL_MIN s).
SETTLED_GAP = 0.005
SETTLED_STALL_SHARE = 0.1
SETTLED_STALL_MIN = 2.0
# Share of the time left after the score phase given to re-slotting the chosen pairs.
RESLOT_SHARE = 0.8


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


def _solver(*, seconds: float, seed: int, workers: int = 1) -> cp_model.CpSolver:
    """One worker unless asked: a single CP-SAT worker is reproducible for its seed, and with the full
    linear relaxation (linearization level 2) it proves the score of the 60-company samples in about a
    second, faster than the 2-worker portfolio on this machine (interleaved portfolios, the other
    reproducible mode, were 5-10 times slower)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    solver.parameters.linearization_level = 2
    return solver


class _ScorePhaseWatch(cp_model.CpSolverSolutionCallback):
    """Follows the score phase's improving solutions: reports progress (at most every `every` seconds, and
    only from the caller's own thread: `report` may write to the caller's database connection, which
    belongs to that thread) and remembers the best score, its bound and when it last improved."""

    def __init__(self, report: Callable[[], None] | None, *, every: float = 0.5) -> None:
        super().__init__()
        self._report = report
        self._every = every
        self._last_report = time.monotonic()
        self._thread = threading.get_ident()
        self.best: float | None = None
        self.bound: float | None = None
        self.improved_at = time.monotonic()

    def on_solution_callback(self) -> None:
        now = time.monotonic()
        if self.best is None or self.objective_value > self.best:
            self.best, self.improved_at = self.objective_value, now
        self.bound = self.best_objective_bound
        if (
            self._report is not None
            and now - self._last_report >= self._every
            and threading.get_ident() == self._thread
        ):
            self._last_report = now
            self._report()

    def settled(self, *, stall: float, tolerance: float) -> bool:
        """Within `tolerance` of the bound (as last seen: the true bound is no higher) and no better score
        for `stall` seconds."""
        if self.best is None or self.bound is None:
            return False
        close = self.bound - self.best <= tolerance * max(1.0, abs(self.best))
        return close and time.monotonic() - self.improved_at >= stall


def _stop_when_settled(
    solver: cp_model.CpSolver, watch: _ScorePhaseWatch, *, stall: float, done: threading.Event
) -> None:
    """Stop the score phase once its score has settled close to the bound, so the rest of the time goes to
    the gaps instead of to a proof that rarely comes on large events (on 200 companies the last point of
    score took 14 more seconds and the proof never came). stop_search() is CP-SAT's thread-safe stop."""
    while not done.wait(0.1):
        if watch.settled(stall=stall, tolerance=SETTLED_GAP):
            solver.stop_search()
            return


def _reslot(
    problem: Problem, meetings: list[Meeting], *, deadline: float, seed: int, workers: int
) -> tuple[list[Meeting], bool]:
    """The same pairs in the slots that leave the fewest gaps; returns them and whether that is proven.

    One worker first (reproducible for the seed; on events of up to a few dozen companies it proves the
    fewest gaps at once). If that does not finish, the portfolio of `workers` continues from its best:
    its neighbourhood search closes gaps on large events far faster, at the price of the exact timetable
    depending on thread timing.
    """
    model = _Model(problem)
    chosen = {(m.company, m.senior) for m in meetings}
    for i, r in enumerate(problem.requests):
        met = model.pair_met[i]
        if not isinstance(met, int):
            model.model.add(met == int((r.company, r.senior) in chosen))
    model.model.minimize(model.add_gap_objective())
    budget = (deadline - time.monotonic()) * RESLOT_SHARE
    best, proven = meetings, False
    for seconds, threads in ((budget * 0.3, 1), (budget * 0.7, workers)):
        if proven or seconds < 0.05:
            continue
        model.hint(best)
        solver = _solver(seconds=seconds, seed=seed, workers=threads)
        status = solver.solve(model.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = model.meetings(solver)
            if evaluate(problem, candidate)[1] <= evaluate(problem, best)[1]:
                best, proven = candidate, status == cp_model.OPTIMAL
    return best, proven


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    minimise_gaps: bool = True,
    progress: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Solve `problem` within `time_limit` seconds; returns an `sks-timetable-solution/1` dict.

    `minimise_gaps=False` stops after the score phase (the tests compare both). `progress`, if given, is
    called with the share of the time limit used (0..1) as each phase ends and, during the score phase, on
    improving solutions (at most twice a second), and with 1.0 at the end.
    """
    started = time.monotonic()
    deadline = started + time_limit

    def report() -> None:
        if progress is not None:
            progress(min(1.0, (time.monotonic() - started) / time_limit))

    greedy = greedy_fair(problem)
    greedy_score, _greedy_gaps = evaluate(problem, greedy)

    built = _Model(problem)
    built.hint(greedy)
    built.model.maximize(built.score_expr)
    solver = _solver(seconds=(deadline - time.monotonic()) * SCORE_PHASE_SHARE, seed=seed)
    watch = _ScorePhaseWatch(report if progress is not None else None)
    done = threading.Event()
    stall = max(SETTLED_STALL_MIN, SETTLED_STALL_SHARE * time_limit)
    watchdog = threading.Thread(
        target=_stop_when_settled, args=(solver, watch), kwargs={"stall": stall, "done": done}, daemon=True
    )
    watchdog.start()
    try:
        status = solver.solve(built.model, watch)
    finally:
        done.set()
        watchdog.join()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        meetings = built.meetings(solver)
        score = round(solver.objective_value)
        bound = math.floor(solver.best_objective_bound + 1e-6)
        optimal = status == cp_model.OPTIMAL
    elif status == cp_model.INFEASIBLE:
        raise ValueError("the problem has no solution (the fixed meetings break a hard constraint)")
    else:
        # The limit was too short to even confirm the greedy start: keep it (it is valid).
        meetings, score, bound, optimal = greedy, greedy_score, math.floor(solver.best_objective_bound + 1e-6), False
    if greedy_score > score:
        meetings, score = greedy, greedy_score
    score_seconds = time.monotonic() - started
    report()

    # Phase 2: the fewest gaps at this score. First with the chosen pairs kept (only their slots move),
    # which is small and usually proven at once; then, if time is left and gaps remain, with any pairs of
    # at least this score, starting from the best timetable so far.
    if minimise_gaps and deadline - time.monotonic() > 0.05:
        meetings, proven = _reslot(problem, meetings, deadline=deadline, seed=seed, workers=workers)
        report()
        remaining = deadline - time.monotonic()
        if not (proven and evaluate(problem, meetings)[1] == 0) and remaining > 0.05:
            built.model.add(built.score_expr >= score)
            built.model.minimize(built.add_gap_objective())
            built.hint(meetings)
            solver = _solver(seconds=remaining, seed=seed)
            status = solver.solve(built.model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                candidate = built.meetings(solver)
                if (
                    evaluate(problem, candidate) >= (score, 0)
                    and evaluate(problem, candidate)[1] < evaluate(problem, meetings)[1]
                ):
                    meetings = candidate
    final_score, gaps = evaluate(problem, meetings)
    if progress is not None:
        progress(1.0)
    return solution_dict(
        meetings,
        score=final_score,
        gaps=gaps,
        optimal=optimal,
        bound=max(bound, final_score),
        seconds=time.monotonic() - started,
        score_seconds=score_seconds,
    )
