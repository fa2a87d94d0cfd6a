"""Forming dialogue groups: a greedy start, then tabu search on swaps (shared/spec/groups-format.md).

The objective is lexicographic, so it is searched as one weighted cost
    W_ORG * same_organisation + W_REP * repeats - diversity
with weights large enough that no amount of a lower term pays for one unit of a higher one.

State. `meets[a][b]` counts the groups a and b share so far: 1 if they met before, plus one per round of
this meeting in which they sit together (fixed rounds included). A pair costs max(0, meets - 1) repeats,
so moving a into a group adds one repeat per member it has already met (meets >= 1) and moving it out
removes one per member it met more than once there (meets >= 2). Every swap is therefore priced in
O(group size) without recounting anything.

Search (after Dotú and Van Hentenryck, "Scheduling social golfers locally", CPAIOR 2005): each step
takes the people in conflict (in a group with someone from their organisation or someone they met
before, in a round that is not fixed; a random sample when there are many) and prices every swap of
each with a person of another group of that round, and every move to a smaller group when the round's
groups differ in size. It makes the best swap that is not tabu (the same two people may not be swapped
again in that round for 4 to 100 steps) unless it beats the best schedule so far. Once neither
same-organisation pairs nor repeats can go lower, the steps turn to people whose sector is doubled in
their group, which is where diversity can grow. After a long run without a new best, a few random swaps
shake the schedule.

Determinism. Everything is driven by one seeded random.Random and counted in work units (one per
priced move), never by the clock: the same problem and seed give the same groups on any machine. The
wall-clock limit is only a safety stop and the solution says when it was hit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .problem import (
    Figures,
    GroupsProblem,
    Round,
    evaluate,
    round_diversity_bound,
    round_same_organisation_floor,
)

# Tabu tenure: a random number of steps in [TENURE_MIN, TENURE_MIN + TENURE_SPREAD].
TENURE_MIN = 4
TENURE_SPREAD = 96
# Steps without a new best before the schedule is shaken, and how many random swaps the shake makes.
STALL_STEPS = 2_000
SHAKE_SWAPS = 3
# One step in DIVERSITY_SHARE looks at a doubled sector even while conflicts remain (they may be unavoidable).
DIVERSITY_SHARE = 8
# At most this many people are priced in one step (a random sample of those in conflict).
MAX_POSITIONS = 64
# The clock is read every CLOCK_EVERY steps.
CLOCK_EVERY = 32


@dataclass
class SearchResult:
    rounds: list[Round]
    figures: Figures
    floor: Figures  # the best any schedule could do: same-organisation floor, repeats floor, diversity bound
    steps: int
    work: int
    stopped: str  # "optimal" (all three bounds met), "effort" (work budget spent) or "time" (safety stop)


class _Search:
    def __init__(self, problem: GroupsProblem, rng: random.Random) -> None:
        self.p = problem
        self.rng = rng
        n = problem.n
        self.org = problem.organisation
        self.sec = problem.sector
        self.meets: list[list[int]] = [[0] * n for _ in range(n)]
        for a, b in problem.met_before:
            self.meets[a][b] += 1
            self.meets[b][a] += 1
        self.free = problem.free_rounds
        self.groups: list[Round] = [[] for _ in range(problem.rounds)]
        self.where: list[list[int]] = [[-1] * n for _ in range(problem.rounds)]
        for r, held in problem.fixed.items():
            self._set_round(r, [list(g) for g in held])
        fixed_only = evaluate(problem, [problem.fixed[r] for r in sorted(problem.fixed)])
        self.floor = Figures(
            same_organisation=fixed_only.same_organisation
            + sum(round_same_organisation_floor(problem, r) for r in self.free),
            repeats=fixed_only.repeats,
            diversity=fixed_only.diversity + sum(round_diversity_bound(problem, r) for r in self.free),
        )
        self.div_bound = [round_diversity_bound(problem, r) for r in range(problem.rounds)]
        self.w_rep = max(1, self.floor.diversity) + 1
        max_pairs = sum(s * (s - 1) // 2 for r in range(problem.rounds) for s in problem.group_sizes(r))
        self.w_org = self.w_rep * (max_pairs + 1)
        self.tabu_stride = max((len(self.p.group_sizes(r)) for r in range(problem.rounds)), default=0) + 1
        self.work = 0

    # --- bookkeeping -----------------------------------------------------------------------------------

    def _set_round(self, r: int, groups: Round) -> None:
        self.groups[r] = groups
        where = self.where[r]
        meets = self.meets
        for g, members in enumerate(groups):
            for i, a in enumerate(members):
                where[a] = g
                row = meets[a]
                for b in members[i + 1 :]:
                    row[b] += 1
                    meets[b][a] += 1

    def _clear_round(self, r: int) -> None:
        meets = self.meets
        where = self.where[r]
        for members in self.groups[r]:
            for i, a in enumerate(members):
                where[a] = -1
                row = meets[a]
                for b in members[i + 1 :]:
                    row[b] -= 1
                    meets[b][a] -= 1
        self.groups[r] = []

    def figures(self) -> Figures:
        return evaluate(self.p, self.groups)

    def cost(self, f: Figures) -> int:
        return self.w_org * f.same_organisation + self.w_rep * f.repeats - f.diversity

    # --- greedy start ----------------------------------------------------------------------------------

    def construct(self) -> None:
        """Each free round in turn, each person into the open group where they add least to the cost.

        People from the largest organisations go first (they are the hardest to spread), then the
        rarest sectors; ties in a random order from the seed.
        """
        p = self.p
        for r in self.free:
            present = list(p.present[r])
            self.rng.shuffle(present)
            org_size: dict[int, int] = {}
            sec_size: dict[int, int] = {}
            for m in present:
                org_size[self.org[m]] = org_size.get(self.org[m], 0) + 1
                sec_size[self.sec[m]] = sec_size.get(self.sec[m], 0) + 1
            present.sort(key=lambda m: (-org_size[self.org[m]], sec_size[self.sec[m]]))
            sizes = p.group_sizes(r)
            groups: Round = [[] for _ in sizes]
            for m in present:
                row, om, sm = self.meets[m], self.org[m], self.sec[m]
                best_g, best_c = -1, 0
                for g, members in enumerate(groups):
                    if len(members) >= sizes[g]:
                        continue
                    c = len(members)  # fill evenly among equals
                    new_sector = True
                    for x in members:
                        if self.org[x] == om:
                            c += self.w_org
                        if row[x]:
                            c += self.w_rep
                        if self.sec[x] == sm:
                            new_sector = False
                    if new_sector:
                        c -= 100  # a new sector in the group outweighs filling evenly
                    if best_g < 0 or c < best_c:
                        best_g, best_c = g, c
                groups[best_g].append(m)
            self._set_round(r, groups)

    # --- conflicts -------------------------------------------------------------------------------------

    def _conflicted(self, r: int, g: int, with_org: bool, with_rep: bool) -> list[int]:
        members = self.groups[r][g]
        org, meets = self.org, self.meets
        out: list[int] = []
        for a in members:
            row, oa = meets[a], org[a]
            for b in members:
                if b != a and ((with_rep and row[b] >= 2) or (with_org and org[b] == oa)):
                    out.append(a)
                    break
        return out

    def _doubled(self, r: int) -> list[int]:
        """People of round r whose sector someone else in their group shares."""
        sec = self.sec
        out: list[int] = []
        for members in self.groups[r]:
            seen: dict[int, int] = {}
            for m in members:
                seen[sec[m]] = seen.get(sec[m], 0) + 1
            out.extend(m for m in members if seen[sec[m]] > 1)
        return out

    # --- the search ------------------------------------------------------------------------------------

    def _price(self, r: int, a: int, tabu: dict[int, int], steps: int, aspire: int) -> tuple[int | None, int, int, int]:
        """The best admissible move of person a in round r: (delta, b or -1 for a move alone, b's group, ties).

        Admissible: not tabu, or tabu but better than the best schedule so far (delta < aspire).
        """
        rng, org, sec, meets = self.rng, self.org, self.sec, self.meets
        w_org, w_rep = self.w_org, self.w_rep
        groups, where = self.groups[r], self.where[r]
        ga = where[a]
        group_a = groups[ga]
        row_a, oa, sa = meets[a], org[a], sec[a]
        rest_a = [x for x in group_a if x != a]
        out_rep = out_org = 0
        org_rest_a: dict[int, int] = {}
        sec_rest_a: dict[int, int] = {}
        for x in rest_a:
            if row_a[x] >= 2:
                out_rep += 1
            ox = org[x]
            org_rest_a[ox] = org_rest_a.get(ox, 0) + 1
            sec_rest_a[sec[x]] = sec_rest_a.get(sec[x], 0) + 1
            if ox == oa:
                out_org += 1
        loses_sa = sa not in sec_rest_a
        # Cost of a leaving its group (before anyone takes its place).
        leave_a = -w_org * out_org - w_rep * out_rep + (1 if loses_sa else 0)
        best_d: int | None = None
        best_b = best_gb = -1
        ties = 0
        stride = self.tabu_stride
        key_a = (r * self.p.n + a) * stride
        n = self.p.n
        key_r = r * n
        len_a = len(group_a)
        self.work += len(self.p.present[r]) - len_a
        for gb, group_b in enumerate(groups):
            if gb == ga:
                continue
            in_rep = 0
            org_b: dict[int, int] = {}
            sec_b: dict[int, int] = {}
            for y in group_b:
                if row_a[y]:
                    in_rep += 1
                oy = org[y]
                org_b[oy] = org_b.get(oy, 0) + 1
                sec_b[sec[y]] = sec_b.get(sec[y], 0) + 1
            in_org = org_b.get(oa, 0)
            a_tabu = tabu.get(-(key_a + gb) - 1, 0) > steps
            # a moves alone into a smaller group: the round's sizes stay as they were.
            if len(group_b) < len_a:
                d = leave_a + w_org * in_org + w_rep * in_rep - (0 if sa in sec_b else 1)
                if (not a_tabu or d < aspire) and (best_d is None or d <= best_d):
                    if best_d is None or d < best_d:
                        best_d, best_b, best_gb, ties = d, -1, gb, 1
                    else:
                        ties += 1
                        if rng.randrange(ties) == 0:
                            best_b, best_gb = -1, gb
            for b in group_b:
                row_b, ob, sb = meets[b], org[b], sec[b]
                # a into group_b without b; b out of group_b; b into group_a without a.
                d_rep = in_rep - (1 if row_a[b] else 0)
                d_org = in_org - (1 if ob == oa else 0) - (org_b[ob] - 1) + org_rest_a.get(ob, 0)
                for y in group_b:
                    if y != b and row_b[y] >= 2:
                        d_rep -= 1
                for x in rest_a:
                    if row_b[x]:
                        d_rep += 1
                d = leave_a + w_org * d_org + w_rep * d_rep
                if sb == sa:
                    if loses_sa:
                        d -= 1  # b brings sector sa back into group_a
                else:
                    if sb not in sec_rest_a:
                        d -= 1
                    if sec_b[sb] == 1:
                        d += 1
                    if sa not in sec_b:
                        d -= 1
                if best_d is not None and d > best_d:
                    continue
                if d >= aspire and tabu.get((key_r + min(a, b)) * n + max(a, b), 0) > steps:
                    continue
                if best_d is None or d < best_d:
                    best_d, best_b, best_gb, ties = d, b, gb, 1
                else:
                    ties += 1
                    if rng.randrange(ties) == 0:
                        best_b, best_gb = b, gb
        return best_d, best_b, best_gb, ties

    def run(self, *, effort: int, deadline: float, clock: Callable[[], float]) -> SearchResult:
        p, rng, sec = self.p, self.rng, self.sec
        w_org, w_rep = self.w_org, self.w_rep
        floor = self.floor
        fig = self.figures()
        same, rep, div = fig.same_organisation, fig.repeats, fig.diversity
        round_div = [sum(len({sec[m] for m in g}) for g in self.groups[r]) for r in range(p.rounds)]
        cost = self.cost(fig)
        floor_cost = self.cost(floor)
        best_cost, best = cost, [[list(g) for g in self.groups[r]] for r in range(p.rounds)]
        best_fig = fig
        movable = [r for r in self.free if len(self.groups[r]) > 1]
        tabu: dict[int, int] = {}
        steps = 0
        last_best = 0
        stopped = "effort"

        # Conflicted people per (round, group); rebuilt for the groups a swap touches.
        with_org = same > floor.same_organisation
        with_rep = rep > floor.repeats
        conflicts: dict[tuple[int, int], list[int]] = {}

        def refresh(r: int, g: int) -> None:
            found = self._conflicted(r, g, with_org, with_rep) if (with_org or with_rep) else []
            if found:
                conflicts[(r, g)] = found
            else:
                conflicts.pop((r, g), None)

        def rebuild() -> None:
            conflicts.clear()
            for r in movable:
                for g in range(len(self.groups[r])):
                    refresh(r, g)

        rebuild()
        while cost > floor_cost and movable:
            if self.work >= effort:
                break
            if steps % CLOCK_EVERY == 0 and clock() >= deadline:
                stopped = "time"
                break
            steps += 1
            # The people to try moving: everyone in conflict (a sample when there are many), or, while
            # diversity is short of its bound, people whose sector is doubled in their group.
            positions: list[tuple[int, int]] = []
            div_short = [x for x in movable if round_div[x] < self.div_bound[x]]
            if conflicts and not (div_short and steps % DIVERSITY_SHARE == 0):
                positions = [(r, a) for (r, _g), members in conflicts.items() for a in members]
            elif div_short:
                r = div_short[rng.randrange(len(div_short))]
                positions = [(r, a) for a in self._doubled(r)]
            if not positions:
                # Nothing left to aim at: the bounds are met as far as the moves can tell; stop when stalled.
                if steps - last_best > STALL_STEPS:
                    break
                r = movable[rng.randrange(len(movable))]
                positions = [(r, p.present[r][rng.randrange(len(p.present[r]))])]
            if len(positions) > MAX_POSITIONS:
                positions = rng.sample(positions, MAX_POSITIONS)
            aspire = best_cost - cost
            best_d: int | None = None
            move = (-1, -1, -1, -1)
            ties = 0
            for r, a in positions:
                d, b, gb, t = self._price(r, a, tabu, steps, aspire)
                if d is None or (best_d is not None and d > best_d):
                    continue
                if best_d is None or d < best_d:
                    best_d, move, ties = d, (r, a, b, gb), t
                else:
                    ties += t
                    if rng.randrange(ties) < t:
                        move = (r, a, b, gb)
            if best_d is None:
                continue
            r, a, b, gb = move
            ga = self.where[r][a]
            # Apply: a to gb, b (if any) to ga; neither goes back for a few steps.
            before = self._figures_of(r, ga, gb)
            self._move(r, a, ga, gb)
            tenure = steps + TENURE_MIN + rng.randrange(TENURE_SPREAD + 1)
            if b >= 0:
                self._move(r, b, gb, ga)
                tabu[(r * p.n + min(a, b)) * p.n + max(a, b)] = tenure
            else:
                tabu[-((r * p.n + a) * self.tabu_stride + ga) - 1] = tenure
            after = self._figures_of(r, ga, gb)
            cost += best_d
            # Same-organisation pairs and diversity change only inside the two groups; repeats anywhere.
            same += after[0] - before[0]
            round_div[r] += after[1] - before[1]
            div += after[1] - before[1]
            rep = (cost + div - w_org * same) // w_rep
            new_with_org = same > floor.same_organisation
            new_with_rep = rep > floor.repeats
            if (new_with_org, new_with_rep) != (with_org, with_rep):
                with_org, with_rep = new_with_org, new_with_rep
                rebuild()
            else:
                touched = {(r, ga), (r, gb)}
                for r2 in movable:
                    touched.add((r2, self.where[r2][a]))
                    if b >= 0:
                        touched.add((r2, self.where[r2][b]))
                for key in touched:
                    if key[1] >= 0:
                        refresh(*key)
            if cost < best_cost:
                best_cost, last_best = cost, steps
                best = [[list(g) for g in self.groups[x]] for x in range(p.rounds)]
                best_fig = Figures(same_organisation=same, repeats=rep, diversity=div)
            elif steps - last_best > STALL_STEPS and steps % STALL_STEPS == 0:
                cost, same, rep, div = self._shake(movable)
                round_div = [sum(len({sec[m] for m in g}) for g in self.groups[x]) for x in range(p.rounds)]
                with_org = same > floor.same_organisation
                with_rep = rep > floor.repeats
                rebuild()
        if best_cost <= floor_cost:
            stopped = "optimal"
        return SearchResult(rounds=best, figures=best_fig, floor=floor, steps=steps, work=self.work, stopped=stopped)

    def _figures_of(self, r: int, ga: int, gb: int) -> tuple[int, int]:
        """Same-organisation pairs and distinct sectors of two groups of a round."""
        org, sec = self.org, self.sec
        same = div = 0
        for g in (ga, gb):
            members = self.groups[r][g]
            for i, x in enumerate(members):
                ox = org[x]
                for y in members[i + 1 :]:
                    if org[y] == ox:
                        same += 1
            div += len({sec[m] for m in members})
        return same, div

    def _move(self, r: int, a: int, ga: int, gb: int) -> None:
        groups, meets = self.groups[r], self.meets
        row = meets[a]
        src, dst = groups[ga], groups[gb]
        src.remove(a)
        for x in src:
            row[x] -= 1
            meets[x][a] -= 1
        for y in dst:
            row[y] += 1
            meets[y][a] += 1
        dst.append(a)
        self.where[r][a] = gb

    def _shake(self, movable: list[int]) -> tuple[int, int, int, int]:
        """A few random swaps between groups of random free rounds; returns cost and figures afresh."""
        rng = self.rng
        for _ in range(SHAKE_SWAPS):
            r = movable[rng.randrange(len(movable))]
            groups = self.groups[r]
            ga, gb = rng.sample(range(len(groups)), 2)
            a = groups[ga][rng.randrange(len(groups[ga]))]
            b = groups[gb][rng.randrange(len(groups[gb]))]
            self._move(r, a, ga, gb)
            self._move(r, b, gb, ga)
        fig = self.figures()
        return self.cost(fig), fig.same_organisation, fig.repeats, fig.diversity


def search(
    problem: GroupsProblem,
    *,
    seed: int,
    effort: int,
    time_limit: float,
    clock: Callable[[], float] = time.monotonic,
    start: Sequence[Round] | None = None,
) -> SearchResult:
    """Form the free rounds of `problem`: greedy start (or the free rounds of `start`, a valid schedule),
    then tabu search for at most `effort` priced moves (and never beyond `time_limit` seconds, a safety
    stop that makes the result depend on the machine)."""
    began = clock()
    state = _Search(problem, random.Random(seed))  # noqa: S311  (a seeded search, not cryptography)
    if start is None:
        state.construct()
    else:
        for r in state.free:
            state._set_round(r, [list(g) for g in start[r]])
    return state.run(effort=effort, deadline=began + time_limit, clock=clock)
