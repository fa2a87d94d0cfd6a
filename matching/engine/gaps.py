"""Idle gaps at a settled score: a local search over the timetable's meetings.

Why not CP-SAT for this phase: a participant's span (first to last meeting) is a chain of prefix/suffix
flags whose linear relaxation proves nothing (bound 0), and on long days (16 slots) a single CP-SAT worker
barely moves from its first timetable (851 gaps left at 850 on `long-50x130x16` in 2 s); the
neighbourhood workers that do close gaps only run in the multi-threaded portfolio, whose result depends on
thread timing and so on machine load. Gaps are local, though: moving one meeting changes the spans of one
company and one senior. So this is a simulated annealing over small moves that keep every hard constraint
and never lower the score:

* move a meeting to another slot as a Kempe chain: every meeting in the two slots linked to it through a
  senior, a company or a bank staff member swaps slots too, so no one is double-booked (the move that
  rearranges a staff member's tables, which is what the 8-slot samples need);
* or move it swapping only with the meeting of the same senior and/or the same company that sits there;
* replace a meeting by a request not scheduled, in the same slot, when that keeps the score (the same
  weight, no company pushed below its floor): among the many timetables of the best score, the one whose
  seniors fit together;
* add a request that fits as it is (only when the score was not proven optimal: it raises the score).

Everything is counted, nothing is timed: the same problem, meetings, seed and iteration budget give the
same timetable on any machine under any load. `deadline` is only a safety net for the wall clock, and the
result says when it was hit (the one case where the timetable may differ). When the search sees it will
not finish its moves before the deadline, it cools by the clock from then on, so that the timetable it
returns still comes from a cold search.

Slots are bit masks: a participant's gaps are the available slots inside the span of its mask it does
not use, a few integer operations.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from .problem import SHORTFALL_PENALTY, Meeting, Problem

# Temperatures of the annealing, in gaps: early moves may cost a few gaps, the last ones almost none.
# The schedule is geometric over the iteration budget (tuned on the 16-slot samples: 1 was too cold,
# 0.15 at the end too warm).
START_TEMPERATURE = 3.0
END_TEMPERATURE = 0.05
# Share of meeting moves made as a Kempe chain (see `_chain`) rather than a swap with at most two others.
KEMPE_SHARE = 0.5
# A participant whose day ends a round earlier is worth this share of a gap in a move's cost: among
# timetables with the same gaps, the search leans to the one where days end early. The best timetable
# is chosen by score, then gaps, then lateness, so the lean never costs a gap in the result.
LATENESS_WEIGHT = 1 / 64
# How often (iterations) the wall clock is looked at.
CLOCK_EVERY = 1024
# Share of its wall-clock window after which a search that will not finish its moves in time cools by the
# clock.
CLOCK_COOLING_AFTER = 0.6


def span_gaps(mask: int, available: int) -> int:
    """Available slots between the first and the last used slot of `mask` that are not used."""
    if not mask:
        return 0
    low = mask & -mask
    return (available & ((1 << mask.bit_length()) - low) & ~mask).bit_count()


@dataclass(frozen=True)
class GapSearchResult:
    meetings: list[Meeting]
    score_gain: int
    gaps: int
    iterations: int
    clock_hit: bool


class _Search:
    """The timetable as per-slot occupancy, indexed by request (slot -1: not scheduled)."""

    def __init__(self, problem: Problem, meetings: list[Meeting], seed: int) -> None:
        p = problem
        self.company_ids = list(p.companies)
        self.senior_ids = list(p.seniors)
        company_at = {cid: i for i, cid in enumerate(self.company_ids)}
        senior_at = {sid: i for i, sid in enumerate(self.senior_ids)}
        staff_at: dict[str, int] = {}
        companies = [p.companies[c] for c in self.company_ids]
        seniors = [p.seniors[s] for s in self.senior_ids]
        self.capacity = [c.capacity for c in companies]
        self.floor = [c.min_meetings for c in companies]
        self.staff = [staff_at.setdefault(c.staff, len(staff_at)) if c.staff else -1 for c in companies]
        self.company_available = [_mask(c.available) for c in companies]
        self.senior_available = [_mask(s.available) for s in seniors]
        self.senior_cap = [len(s.available) if s.max_meetings is None else s.max_meetings for s in seniors]
        slots = p.slots
        n_companies, n_seniors = len(companies), len(seniors)
        self.load = [[0] * slots for _ in range(n_companies)]
        self.company_mask = [0] * n_companies
        self.company_count = [0] * n_companies
        self.senior_in = [[-1] * slots for _ in range(n_seniors)]
        self.senior_mask = [0] * n_seniors
        self.senior_count = [0] * n_seniors
        self.staff_owner = [[-1] * slots for _ in range(len(staff_at))]
        self.in_company: list[list[int]] = [[] for _ in range(n_companies)]
        self.in_senior: list[list[int]] = [[] for _ in range(n_seniors)]
        self.company_of: list[int] = []
        self.senior_of: list[int] = []
        self.weight: list[int] = []
        self.allowed: list[list[int]] = []
        self.slot_of: list[int] = []
        for i, r in enumerate(p.requests):
            c, s = company_at[r.company], senior_at[r.senior]
            self.company_of.append(c)
            self.senior_of.append(s)
            self.weight.append(r.weight)
            both = self.company_available[c] & self.senior_available[s]
            self.allowed.append([t for t in range(slots) if both >> t & 1])
            self.slot_of.append(-1)
            self.in_company[c].append(i)
            self.in_senior[s].append(i)
        index = p.request_index
        fixed = {index[(f.company, f.senior)] for f in p.fixed}
        for m in meetings:
            self._add(index[(m.company, m.senior)], m.slot)
        # Requests the search may touch: not pinned by the coordinator, and with a choice of slot.
        self.movable = [i for i in range(len(p.requests)) if i not in fixed and self.allowed[i]]
        self.pinned = fixed
        self.company_gaps = [span_gaps(self.company_mask[c], self.company_available[c]) for c in range(n_companies)]
        self.senior_gaps = [span_gaps(self.senior_mask[s], self.senior_available[s]) for s in range(n_seniors)]
        self.gaps = sum(self.company_gaps) + sum(self.senior_gaps)
        self.late = sum(m.bit_length() for m in self.company_mask) + sum(m.bit_length() for m in self.senior_mask)
        self.gain = 0  # score gained since the start
        self.rng = random.Random(seed)  # noqa: S311  (a search, not a secret: reproducible by design)

    # --- occupancy ---------------------------------------------------------------------------------------

    def _add(self, i: int, t: int) -> None:
        c, s = self.company_of[i], self.senior_of[i]
        self.slot_of[i] = t
        self.load[c][t] += 1
        self.company_mask[c] |= 1 << t
        self.company_count[c] += 1
        self.senior_in[s][t] = i
        self.senior_mask[s] |= 1 << t
        self.senior_count[s] += 1
        if self.staff[c] >= 0:
            self.staff_owner[self.staff[c]][t] = c

    def _remove(self, i: int) -> None:
        c, s, t = self.company_of[i], self.senior_of[i], self.slot_of[i]
        self.slot_of[i] = -1
        self.load[c][t] -= 1
        self.company_count[c] -= 1
        if not self.load[c][t]:
            self.company_mask[c] &= ~(1 << t)
            if self.staff[c] >= 0:
                self.staff_owner[self.staff[c]][t] = -1
        self.senior_in[s][t] = -1
        self.senior_mask[s] &= ~(1 << t)
        self.senior_count[s] -= 1

    def _fits(self, i: int, t: int) -> bool:
        c, s = self.company_of[i], self.senior_of[i]
        if not (self.company_available[c] & self.senior_available[s]) >> t & 1:
            return False
        if self.senior_in[s][t] != -1 or self.load[c][t] >= self.capacity[c]:
            return False
        if self.senior_count[s] >= self.senior_cap[s]:
            return False
        staff = self.staff[c]
        return staff < 0 or self.staff_owner[staff][t] in (-1, c)

    def _shortfall(self, c: int) -> int:
        return max(0, self.floor[c] - self.company_count[c])

    # --- moves -------------------------------------------------------------------------------------------

    def _try(self, out: list[int], moves: list[tuple[int, int]], temperature: float) -> bool:
        """Unschedule `out`, then (re)place each request of `moves` in its slot, all or nothing; keep the
        result if it keeps every hard constraint, does not lower the score and the annealing accepts it."""
        touched = [*out, *(i for i, _ in moves)]
        before = [(i, self.slot_of[i]) for i in touched if self.slot_of[i] != -1]
        companies = {self.company_of[i]: self.company_mask[self.company_of[i]] for i in touched}
        seniors = {self.senior_of[i]: self.senior_mask[self.senior_of[i]] for i in touched}
        short_before = sum(self._shortfall(c) for c in companies)
        for i, _ in before:
            self._remove(i)
        placed: list[int] = []
        for i, t in moves:
            if not self._fits(i, t):
                break
            self._add(i, t)
            placed.append(i)
        else:
            gain = sum(self.weight[i] for i, _ in moves) - sum(self.weight[i] for i, _ in before)
            gain -= SHORTFALL_PENALTY * (sum(self._shortfall(c) for c in companies) - short_before)
            if gain >= 0:
                new_company = {c: span_gaps(self.company_mask[c], self.company_available[c]) for c in companies}
                new_senior = {s: span_gaps(self.senior_mask[s], self.senior_available[s]) for s in seniors}
                delta = sum(g - self.company_gaps[c] for c, g in new_company.items()) + sum(
                    g - self.senior_gaps[s] for s, g in new_senior.items()
                )
                late = sum(self.company_mask[c].bit_length() - old.bit_length() for c, old in companies.items())
                late += sum(self.senior_mask[s].bit_length() - old.bit_length() for s, old in seniors.items())
                cost = delta + LATENESS_WEIGHT * late
                if gain > 0 or cost <= 0 or self.rng.random() < math.exp(-cost / temperature):
                    for c, g in new_company.items():
                        self.company_gaps[c] = g
                    for s, g in new_senior.items():
                        self.senior_gaps[s] = g
                    self.gaps += delta
                    self.late += late
                    self.gain += gain
                    return True
        for i in placed:
            self._remove(i)
        for i, t in before:
            self._add(i, t)
        return False

    def step(self, temperature: float) -> None:
        rng = self.rng
        i = self.movable[rng.randrange(len(self.movable))]
        allowed = self.allowed[i]
        t2 = allowed[rng.randrange(len(allowed))]
        t1 = self.slot_of[i]
        if t1 == t2:
            return
        c, s = self.company_of[i], self.senior_of[i]
        by_senior = self.senior_in[s][t2]
        by_company = -1
        if self.load[c][t2] >= self.capacity[c]:
            there = [j for j in self.in_company[c] if self.slot_of[j] == t2]
            by_company = there[rng.randrange(len(there))]
        if t1 != -1 and rng.random() < KEMPE_SHARE:
            chain = self._chain(i, t1, t2)
            if chain:
                self._try([], chain, temperature)
        elif t1 != -1:
            # Move a meeting, swapping with whoever of its senior and its company sits in the new slot.
            moves = [(i, t2)]
            for j in (by_senior, by_company):
                if j != -1:
                    if j in self.pinned:
                        return
                    moves.append((j, t1))
            self._try([], moves, temperature)
        else:
            # Schedule a request in place of the meeting of its senior or its company in that slot (or of
            # another meeting of its senior, when the senior is at their cap), or as it is if it fits.
            out = {j for j in (by_senior, by_company) if j != -1}
            if not out and self.senior_count[s] >= self.senior_cap[s]:
                mine = [j for j in self.in_senior[s] if self.slot_of[j] != -1]
                if not mine:  # a cap of 0: this senior meets no one
                    return
                out = {mine[rng.randrange(len(mine))]}
            if len(out) <= 1 and not out & self.pinned:
                self._try(sorted(out), [(i, t2)], temperature)

    def _chain(self, i: int, t1: int, t2: int) -> list[tuple[int, int]]:
        """The Kempe chain of meeting `i` between slots t1 and t2: every meeting in t1 or t2 linked to it
        through a shared senior or company, each moved to the other slot (empty if one is pinned). Every
        participant in the chain swaps its t1 and t2 meetings, so no one is double-booked."""
        chain = {i: t2}
        todo = [i]
        while todo:
            j = todo.pop()
            c, s = self.company_of[j], self.senior_of[j]
            staff = self.staff[c]
            for t in (t1, t2):
                k = self.senior_in[s][t]
                if k != -1 and k not in chain:
                    chain[k] = t2 if t == t1 else t1
                    todo.append(k)
                # The company's meetings there, or those of any company of its staff member.
                owner = c if staff < 0 else self.staff_owner[staff][t]
                if owner != -1 and self.load[owner][t]:
                    for k in self.in_company[owner]:
                        if self.slot_of[k] == t and k not in chain:
                            chain[k] = t2 if t == t1 else t1
                            todo.append(k)
        if any(k in self.pinned for k in chain):
            return []
        return list(chain.items())

    def meetings(self, slot_of: list[int]) -> list[Meeting]:
        return [
            Meeting(self.company_ids[self.company_of[i]], self.senior_ids[self.senior_of[i]], t)
            for i, t in enumerate(slot_of)
            if t != -1
        ]


def close_gaps(
    problem: Problem,
    meetings: list[Meeting],
    *,
    iterations: int,
    seed: int,
    deadline: float | None = None,
    tick: Callable[[], None] | None = None,
    score_settled: bool = False,
) -> GapSearchResult:
    """A timetable of at least the score of `meetings` and no more idle gaps, after `iterations` moves.

    `tick`, if given, is called every CLOCK_EVERY iterations (for progress reports; it cannot change the
    search). `score_settled`: the score is proven the best, so a timetable without gaps ends the search.
    """
    search = _Search(problem, meetings, seed)
    best_slots, best = list(search.slot_of), (0, search.gaps, search.late)
    done, clock_hit = 0, False
    started = time.monotonic()
    if search.movable and search.gaps:
        ratio = END_TEMPERATURE / START_TEMPERATURE
        cooled = 0.0  # share of the cooling schedule done
        for done in range(1, iterations + 1):
            cooled = max(cooled, done / iterations)
            search.step(START_TEMPERATURE * ratio**cooled)
            if (-search.gain, search.gaps, search.late) < best:
                best_slots, best = list(search.slot_of), (-search.gain, search.gaps, search.late)
                if score_settled and not search.gaps:
                    break
            if done % CLOCK_EVERY == 0:
                if deadline is not None:
                    now = time.monotonic()
                    if now > deadline:
                        clock_hit = True
                        break
                    # Late in its time and at this pace the moves will not all fit before the deadline:
                    # cool down by the clock instead, so that a cut search still ends cold rather than
                    # in mid-walk. Not earlier: a search that ends early (no gaps left) stays as counted.
                    window = max(deadline - started, 1e-9)
                    pace = (now - started) / done
                    if now - started > CLOCK_COOLING_AFTER * window and now + pace * (iterations - done) > deadline:
                        clock_hit = True
                        cooled = max(cooled, (now - started) / window)
                if tick is not None:
                    tick()
    return GapSearchResult(
        meetings=search.meetings(best_slots), score_gain=-best[0], gaps=best[1], iterations=done, clock_hit=clock_hit
    )


def _mask(slots: frozenset[int]) -> int:
    return sum(1 << t for t in slots)
