"""Conflict-directed swaps for small, tightly packed problems (the social golfer shape).

Used by `form_groups` when people x people x free rounds is small (SMALL_SHAPE) and every free round's
groups are of one size: then repeats, not the other figures, are what is hard, and the general search
(tabu.py) stalls a few repeats short. This search only minimises the first two figures,

    W_ORG * same_organisation + repeats,

and hands its best schedule to tabu.py, which then looks after diversity without giving any of it back.

Method (Dotú and Van Hentenryck, "Scheduling social golfers locally", CPAIOR 2005; Triska and Musliu,
"An effective greedy heuristic for the Social Golfer Problem", Annals of OR 2012):

- Start: each free round in turn is filled group by group, two people at a time: among the pairs that
  add least to the cost, the one with the most *freedom* (people who have met neither of them yet), so
  that the group's later places can still be filled without repeats. What the fill leaves at the end of
  a round (the last groups take whoever is left) is polished by improving swaps inside the round.
- Step: every swap of two people of different groups of one round, at least one of them in conflict
  (in a group with someone they already met, or someone of their organisation), is priced in O(1)
  from two tables kept up to date: `inn[k][a][g]`, what person a would add to group g of round k, and
  `out[k][a]`, what a's leaving its group would remove. The best swap that is not tabu is made
  (ties at random); a tabu swap is made only when it beats the best schedule of the current start. The
  same two people may not be swapped in that round again for a random number of steps (4 to 100).
- Perturbation: after STABLE steps without a new best, the search goes back to the best schedule of the
  current start and makes a few random swaps; after RETURNS such returns with no progress it starts
  afresh from a new greedy start (the best schedule of all is kept throughout).
- Symmetry: when everyone is interchangeable (each person their own organisation, one sector or all
  different, nobody met before, everyone present everywhere, nothing fixed), the first free round is
  laid out as 0..s-1, s..2s-1, ... and never moved: any schedule can be renamed into that form.
- Design start: when everyone is interchangeable and the head count and group size are powers of one prime,
  the first rounds of every start come from finite geometry (designs.py: cosets of subspaces that share
  only zero, so no pair twice), as many as the space holds; the greedy fill and the swaps do the rest.

Determinism: one seeded random.Random and work units (one per priced swap, one per pair the greedy start
weighs); the clock is only a safety stop.

Reach (bench/groups.py, measured 2026-12-06 on the 2-core machine): the 8x4 golfer over 9 rounds is
solved at once from the design start (9 planes of GF(2)^5 that share only zero), and over 10 rounds, the
record, in about 2 s (seed 0; 2 to 8 s over seeds 1-4): the swaps place the tenth round and repair the nine.
Without the design start the search ended 7 or 8 repeats short over 9 rounds after 100,000 steps (about
1,650 a second), whatever the tenure, perturbation, breakout weights or annealing tried: the literature's
local-search figures for 8x4x9 were not reproduced in pure Python, and the geometry made them unneeded.
Shapes that are not prime powers (24 in 4s, 36 in 6s) still rely on the swaps alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from . import designs
from .problem import GroupsProblem, Round, round_same_organisation_floor

# One work unit of form_groups' budget (a move priced by tabu.py) buys this many priced swaps here: the
# O(1) pricing is that much cheaper. This search may spend half the budget, and at most TIME_SHARE of
# the time limit (a safety stop like the other).
UNITS_PER_WORK = 20
TIME_SHARE = 0.8
# The search is used when people * people * free rounds is at most this (the tabu table is that size).
SMALL_SHAPE = 40_000
# Tabu tenure: a random number of steps in [TENURE_MIN, TENURE_MIN + TENURE_SPREAD].
TENURE_MIN = 4
TENURE_SPREAD = 96
# Steps without a new best before going back to the best schedule and shaking it, and the swaps made.
STABLE = 500
SHAKE_SWAPS = 4
# Returns to the best schedule without a new best before a fresh greedy start.
RETURNS = 4
# At most this many people are tried as the first of a pair in the greedy start (a random sample).
GREEDY_SAMPLE = 40
# At most this many improving swaps polish each round of the greedy start.
POLISH_STEPS = 100
# The clock is read every CLOCK_EVERY steps.
CLOCK_EVERY = 64


def applies(problem: GroupsProblem) -> bool:
    """Whether the problem has the shape this search is for (never which instance it is)."""
    free = [r for r in problem.free_rounds if problem.group_count(r) > 1]
    if not free or problem.n * problem.n * len(free) > SMALL_SHAPE:
        return False
    return all(len(set(problem.group_sizes(r))) == 1 for r in free)


def interchangeable(problem: GroupsProblem) -> bool:
    """Everyone alike for the objective: a first round laid out in any way loses nothing."""
    n = problem.n
    return (
        not problem.fixed
        and not problem.met_before
        and len(set(problem.organisation)) == n
        and problem.n_sectors in (1, n)
        and all(len(problem.present[r]) == n for r in range(problem.rounds))
    )


@dataclass
class SwapResult:
    rounds: list[Round]
    cost: int  # W_ORG * same_organisation + repeats of `rounds`
    floor: int  # the cost no schedule can beat, as far as is known
    steps: int
    work: int
    stopped: str  # "optimal", "effort" or "time"


class SwapSearch:
    def __init__(self, problem: GroupsProblem, rng: random.Random) -> None:
        self.p = problem
        self.rng = rng
        n = self.n = problem.n
        self.org = problem.organisation
        # Rounds that are searched (free, more than one group), numbered k = 0 .. R-1.
        self.rounds = [r for r in problem.free_rounds if problem.group_count(r) > 1]
        self.frozen: set[int] = set()  # k of a round laid out by symmetry, never moved
        self._designed: list[Round] | None = None  # rounds from finite geometry (designs.py), once found
        pairs = sum(s * (s - 1) // 2 for r in range(problem.rounds) for s in problem.group_sizes(r))
        self.w_org = pairs + len(problem.met_before) + 1
        # meets[a][b]: 1 if met before, plus every round (fixed or searched) in which they share a group.
        base = [[0] * n for _ in range(n)]
        for a, b in problem.met_before:
            base[a][b] += 1
            base[b][a] += 1
        for held in problem.fixed.values():
            for g in held:
                for a in g:
                    for b in g:
                        if a != b:
                            base[a][b] += 1
        # Rounds with a single group (everyone together) are not searched but count.
        self.single: list[Round] = []
        for r in problem.free_rounds:
            if problem.group_count(r) == 1:
                g = list(problem.present[r])
                self.single.append([g])
                for a in g:
                    for b in g:
                        if a != b:
                            base[a][b] += 1
        self.base = base
        self.fixed_cost = self._fixed_cost()
        R = len(self.rounds)
        self.meets: list[list[int]] = []
        self.grp: list[list[int]] = [[-1] * n for _ in range(R)]
        self.members: list[list[list[int]]] = [[] for _ in range(R)]
        self.inn: list[list[list[int]]] = []
        self.out: list[list[int]] = []
        self.cost = 0  # W_ORG * same_organisation + repeats of the current schedule
        self.work = 0

    def _fixed_cost(self) -> int:
        """W_ORG * same_organisation + repeats of the fixed and single-group rounds alone."""
        org, base = self.org, self.base
        same = 0
        for held in list(self.p.fixed.values()) + self.single:
            for g in held:
                for i, a in enumerate(g):
                    same += sum(1 for b in g[i + 1 :] if org[b] == org[a])
        rep = sum(max(0, base[a][b] - 1) for a in range(self.n) for b in range(a + 1, self.n))
        return self.w_org * same + rep

    def floor(self) -> int:
        """The cost no schedule can beat: the fixed rounds' own, plus each searched round's organisations
        spread evenly."""
        same = sum(round_same_organisation_floor(self.p, self.p_round(k)) for k in range(len(self.rounds)))
        return self.fixed_cost + self.w_org * same

    def p_round(self, k: int) -> int:
        return self.rounds[k]

    # --- state -----------------------------------------------------------------------------------------

    def load(self, layout: list[Round]) -> None:
        """Take `layout` (one Round per searched round) and rebuild every table from scratch."""
        n, org, w = self.n, self.org, self.w_org
        meets = [list(row) for row in self.base]
        for k, groups in enumerate(layout):
            grp = self.grp[k]
            for i in range(n):
                grp[i] = -1
            self.members[k] = [list(g) for g in groups]
            for g, members in enumerate(groups):
                for a in members:
                    grp[a] = g
                    for b in members:
                        if a != b:
                            meets[a][b] += 1
        self.meets = meets
        self.inn = []
        self.out = []
        for k in range(len(self.rounds)):
            groups, grp = self.members[k], self.grp[k]
            inn_k = [[0] * len(groups) for _ in range(n)]
            out_k = [0] * n
            for z in self.p.present[self.rounds[k]]:
                row, oz, gz = meets[z], org[z], grp[z]
                for g, members in enumerate(groups):
                    inn_k[z][g] = sum((w if org[y] == oz else 0) + (1 if row[y] else 0) for y in members if y != z)
                    if g == gz:
                        out_k[z] = sum(
                            (w if org[y] == oz else 0) + (1 if row[y] >= 2 else 0) for y in members if y != z
                        )
            self.inn.append(inn_k)
            self.out.append(out_k)
        self.cost = self.total_cost()

    def layout(self) -> list[Round]:
        return [[list(g) for g in self.members[k]] for k in range(len(self.rounds))]

    def total_cost(self) -> int:
        """W_ORG * same_organisation + repeats of the whole schedule, counted afresh."""
        org, meets, n = self.org, self.meets, self.n
        same = 0
        for k in range(len(self.rounds)):
            for g in self.members[k]:
                for i, a in enumerate(g):
                    same += sum(1 for b in g[i + 1 :] if org[b] == org[a])
        for held in list(self.p.fixed.values()) + self.single:
            for g in held:
                for i, a in enumerate(g):
                    same += sum(1 for b in g[i + 1 :] if org[b] == org[a])
        rep = sum(max(0, meets[a][b] - 1) for a in range(n) for b in range(a + 1, n))
        return self.w_org * same + rep

    def delta(self, k: int, a: int, b: int) -> int:
        """What swapping a and b (in different groups of searched round k) does to the cost, in O(1)."""
        grp, inn, out = self.grp[k], self.inn[k], self.out[k]
        pair = (self.w_org if self.org[a] == self.org[b] else 0) + (1 if self.meets[a][b] else 0)
        return inn[a][grp[b]] + inn[b][grp[a]] - out[a] - out[b] - 2 * pair

    def swap(self, k: int, a: int, b: int) -> None:
        """Swap a and b in round k and bring meets, inn and out up to date (cost is not touched)."""
        grp_k = self.grp[k]
        ga, gb = grp_k[a], grp_k[b]
        group_a, group_b = self.members[k][ga], self.members[k][gb]
        org = self.org
        for x in group_a:
            if x != a:
                self._change(k, a, x, -1)
                self._change(k, b, x, 1)
        for y in group_b:
            if y != b:
                self._change(k, a, y, 1)
                self._change(k, b, y, -1)
        group_a[group_a.index(a)] = b
        group_b[group_b.index(b)] = a
        grp_k[a], grp_k[b] = gb, ga
        # Round k's tables for the two groups, afresh.
        meets, w = self.meets, self.w_org
        inn, out = self.inn[k], self.out[k]
        for z in self.p.present[self.rounds[k]]:
            row, oz, gz = meets[z], org[z], grp_k[z]
            for g, members in ((ga, group_a), (gb, group_b)):
                inn[z][g] = sum((w if org[y] == oz else 0) + (1 if row[y] else 0) for y in members if y != z)
                if g == gz:
                    out[z] = sum((w if org[y] == oz else 0) + (1 if row[y] >= 2 else 0) for y in members if y != z)

    def _change(self, k: int, u: int, v: int, d: int) -> None:
        meets = self.meets
        old = meets[u][v]
        new = old + d
        meets[u][v] = meets[v][u] = new
        if (old >= 1) != (new >= 1):
            s = 1 if new >= 1 else -1
            for k2, grp in enumerate(self.grp):
                if k2 != k:
                    gu, gv = grp[u], grp[v]
                    if gu >= 0 and gv >= 0:
                        self.inn[k2][u][gv] += s
                        self.inn[k2][v][gu] += s
        if (old >= 2) != (new >= 2):
            s = 1 if new >= 2 else -1
            for k2, grp in enumerate(self.grp):
                if k2 != k and grp[u] >= 0 and grp[u] == grp[v]:
                    self.out[k2][u] += s
                    self.out[k2][v] += s

    # --- greedy start ----------------------------------------------------------------------------------

    def construct(self) -> list[Round]:
        """Each searched round in turn, groups filled two at a time by least cost, then most freedom."""
        n, org, w, rng = self.n, self.org, self.w_org, self.rng
        meets = [list(row) for row in self.base]
        everyone = (1 << n) - 1
        met = [sum(1 << b for b in range(n) if meets[a][b]) for a in range(n)]
        layout: list[Round] = []
        symmetric = interchangeable(self.p)
        self.frozen = {0} if symmetric else set()
        design = self._design() if symmetric else []
        for k, r in enumerate(self.rounds):
            sizes = self.p.group_sizes(r)
            groups: Round = []
            if k < len(design):
                people = list(self.p.present[r])
                groups = [[people[x] for x in g] for g in design[k]]
            elif symmetric and k == 0:
                people = list(self.p.present[r])
                start = 0
                for s in sizes:
                    groups.append(people[start : start + s])
                    start += s
            else:
                left = list(self.p.present[r])
                rng.shuffle(left)
                for s in sizes:
                    group: list[int] = []
                    while len(group) < s:
                        # What each person left would add to the group so far.
                        add = {}
                        for u in left:
                            row, ou = meets[u], org[u]
                            add[u] = sum((w if org[x] == ou else 0) + (1 if row[x] else 0) for x in group)
                        self.work += len(left)
                        if s - len(group) >= 2 and len(left) >= 2:
                            best: tuple[int, int] | None = None
                            best_key = (0, 0)
                            firsts = left[:GREEDY_SAMPLE]
                            for i, u in enumerate(firsts):
                                row, ou, mu, au = meets[u], org[u], met[u], add[u]
                                for v in left[i + 1 :]:
                                    c = au + add[v] + (w if org[v] == ou else 0) + (1 if row[v] else 0)
                                    key = (c, -(everyone & ~(mu | met[v])).bit_count())
                                    if best is None or key < best_key:
                                        best, best_key = (u, v), key
                                self.work += len(left) - i - 1
                            assert best is not None
                            chosen = list(best)
                        else:
                            chosen = [min(left, key=lambda u: (add[u], -(everyone & ~met[u]).bit_count()))]
                        for u in chosen:
                            left.remove(u)
                            group.append(u)
                    groups.append(group)
                self._polish(groups, meets)
            for g in groups:
                for u in g:
                    for x in g:
                        if u != x:
                            meets[u][x] += 1
                            met[u] |= 1 << x
            layout.append(groups)
        return layout

    def _design(self) -> list[Round]:
        """Rounds with no pair twice from finite geometry (designs.py), when everyone is interchangeable
        and the group size and head count are powers of one prime; [] otherwise."""
        sizes = {s for r in self.rounds for s in self.p.group_sizes(r)}
        if len(sizes) != 1:
            return []
        if self._designed is None:
            self._designed = designs.design_rounds(self.n, sizes.pop(), len(self.rounds), self.rng)
        # A fresh start renames the people at random: the rounds keep no pair twice, the greedy rest differs.
        label = list(range(self.n))
        self.rng.shuffle(label)
        self.work += len(self._designed) * self.n
        return [[sorted(label[x] for x in g) for g in groups] for groups in self._designed]

    def _polish(self, groups: Round, meets: list[list[int]]) -> None:
        """Improving swaps inside one new round (the best first) until none is left: what the greedy
        fill leaves at the end of a round, when the last groups take whoever is left."""
        org, w, rng = self.org, self.w_org, self.rng
        where = {m: g for g, members in enumerate(groups) for m in members}
        people = list(where)
        for _ in range(POLISH_STEPS):
            inn = {}
            for z in people:
                row, oz = meets[z], org[z]
                inn[z] = [sum((w if org[y] == oz else 0) + (1 if row[y] else 0) for y in g if y != z) for g in groups]
            self.work += len(people) * len(groups)
            best, move, ties = 0, (-1, -1), 0
            for i, a in enumerate(people):
                ga, inn_a, row, oa = where[a], inn[a], meets[a], org[a]
                own_a = inn_a[ga]
                for b in people[i + 1 :]:
                    gb = where[b]
                    if gb == ga:
                        continue
                    pair = (w if org[b] == oa else 0) + (1 if row[b] else 0)
                    d = inn_a[gb] + inn[b][ga] - own_a - inn[b][gb] - 2 * pair
                    if d < best:
                        best, move, ties = d, (a, b), 1
                    elif d == best and d < 0:
                        ties += 1
                        if rng.randrange(ties) == 0:
                            move = (a, b)
            self.work += len(people) * len(people) // 2
            if best >= 0:
                return
            a, b = move
            ga, gb = where[a], where[b]
            groups[ga][groups[ga].index(a)] = b
            groups[gb][groups[gb].index(b)] = a
            where[a], where[b] = gb, ga

    # --- the search ------------------------------------------------------------------------------------

    def run(self, *, effort: int, deadline: float, clock: Callable[[], float]) -> SwapResult:
        rng, n = self.rng, self.n
        floor = self.floor()
        self.load(self.construct())
        best_cost, best = self.cost, self.layout()
        run_cost, run_best = best_cost, best  # the best of the current start
        R = len(self.rounds)
        movable = [k for k in range(R) if k not in self.frozen]
        present = [self.p.present[self.rounds[k]] for k in range(R)]
        tabu = [0] * (R * n * n)
        steps = since_best = returns = 0
        stopped = "effort"
        while best_cost > floor and movable:
            if self.work >= effort:
                break
            if steps % CLOCK_EVERY == 0 and clock() >= deadline:
                stopped = "time"
                break
            steps += 1
            since_best += 1
            aspire = run_cost - self.cost
            best_d: int | None = None
            move = (-1, -1, -1)
            ties = priced = 0
            meets, org, w = self.meets, self.org, self.w_org
            for k in movable:
                out_k, inn_k, grp_k = self.out[k], self.inn[k], self.grp[k]
                people = present[k]
                base_k = k * n
                for a in people:
                    oa = out_k[a]
                    if not oa:
                        continue
                    ga, inn_a, row_a, org_a = grp_k[a], inn_k[a], meets[a], org[a]
                    for b in people:
                        gb = grp_k[b]
                        if gb == ga or (out_k[b] and b < a):
                            continue  # same group, or priced already from b's side
                        d = inn_a[gb] + inn_k[b][ga] - oa - out_k[b]
                        d -= 2 * ((w if org[b] == org_a else 0) + (1 if row_a[b] else 0))
                        priced += 1
                        if best_d is not None and d > best_d:
                            continue
                        if d >= aspire:
                            lo, hi = (a, b) if a < b else (b, a)
                            if tabu[(base_k + lo) * n + hi] > steps:
                                continue
                        if best_d is None or d < best_d:
                            best_d, move, ties = d, (k, a, b), 1
                        else:
                            ties += 1
                            if rng.randrange(ties) == 0:
                                move = (k, a, b)
            self.work += priced + 1
            if best_d is not None:
                k, a, b = move
                self.swap(k, a, b)
                self.cost += best_d
                lo, hi = (a, b) if a < b else (b, a)
                tabu[(k * n + lo) * n + hi] = steps + TENURE_MIN + rng.randrange(TENURE_SPREAD + 1)
                if self.cost < run_cost:
                    run_cost, run_best = self.cost, self.layout()
                    since_best = returns = 0
                    if run_cost < best_cost:
                        best_cost, best = run_cost, run_best
                    continue
            if since_best >= STABLE:
                # Stalled: back to this start's best schedule, shaken; after RETURNS of those, a fresh start.
                since_best = 0
                returns += 1
                if returns > RETURNS:
                    returns = 0
                    self.load(self.construct())
                    run_cost, run_best = self.cost, self.layout()
                    if run_cost < best_cost:
                        best_cost, best = run_cost, run_best
                else:
                    self.load(run_best)
                    for _ in range(SHAKE_SWAPS):
                        k = movable[rng.randrange(len(movable))]
                        groups = self.members[k]
                        ga, gb = rng.sample(range(len(groups)), 2)
                        a = groups[ga][rng.randrange(len(groups[ga]))]
                        b = groups[gb][rng.randrange(len(groups[gb]))]
                        self.cost += self.delta(k, a, b)
                        self.swap(k, a, b)
                tabu = [0] * (R * n * n)
        if best_cost <= floor:
            stopped = "optimal"
        rounds: list[Round] = [[] for _ in range(self.p.rounds)]
        for r, held in self.p.fixed.items():
            rounds[r] = [list(g) for g in held]
        for r in self.p.free_rounds:
            if self.p.group_count(r) == 1:
                rounds[r] = [list(self.p.present[r])] if self.p.present[r] else []
            elif self.p.group_count(r) == 0:
                rounds[r] = []
        for k, r in enumerate(self.rounds):
            rounds[r] = best[k]
        return SwapResult(rounds=rounds, cost=best_cost, floor=floor, steps=steps, work=self.work, stopped=stopped)
