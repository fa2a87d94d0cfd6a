"""Rounds with no repeated pair, built from finite geometry (a start for swaps.py on the golfer shape).

When everyone is interchangeable (swaps.interchangeable), n people in groups of s, and both n and s are
powers of one prime p (n = p**m, s = p**t, t < m), the people can be numbered as the vectors of the space
GF(p)**m. Every t-dimensional subspace S then splits the people into n / s groups: its cosets x + S. Two
people x and y share a group of that round exactly when x - y lies in S. So rounds taken from subspaces that
pairwise share only the zero vector (a *partial spread*) never put the same pair together twice.

How many such rounds exist is a question about the space, not the instance: at most (n - 1) / (s - 1), and
fewer when the geometry forbids it (in GF(2)**5, no more than 9 planes share only zero; in GF(2)**4, 5
planes cover every vector). This module finds as many as it can, up to the rounds asked for, by a
depth-first search with a bound and a node budget, and returns them as rounds. A round it cannot build is
left to the swap search, which starts from these rounds plus a greedy fill of the rest.

Examples it solves outright: 9 people in 3s over 4 rounds, 16 in 4s over 5, 27 in 3s over 13, 32 in 4s
over 9 (the social golfer's 8 groups of 4; the record of 10 rounds needs a schedule no subspace family
gives), 64 in 8s over 9. Deterministic for a given random.Random.
"""

from __future__ import annotations

import random

from .problem import Round

# Skip spaces with more candidate subspaces than this (the enumeration and search would not pay).
MAX_SUBSPACES = 20_000
# Nodes the partial-spread search may visit.
NODE_BUDGET = 200_000


def prime_shape(n: int, size: int) -> tuple[int, int, int] | None:
    """(p, m, t) with n = p**m and size = p**t for a prime p and 1 <= t < m, or None."""
    if size < 2 or n <= size or n % size:
        return None
    p = next(d for d in range(2, size + 1) if size % d == 0)  # smallest factor: a prime

    def power(x: int) -> int | None:
        e = 0
        while x % p == 0:
            x //= p
            e += 1
        return e if x == 1 else None

    m, t = power(n), power(size)
    if m is None or t is None or not 1 <= t < m:
        return None
    return p, m, t


def gaussian_binomial(m: int, t: int, p: int) -> int:
    """The number of t-dimensional subspaces of GF(p)**m."""
    num = den = 1
    for i in range(t):
        num *= p ** (m - i) - 1
        den *= p ** (i + 1) - 1
    return num // den


class Space:
    """GF(p)**m with vectors numbered 0 .. p**m - 1 by their base-p digits."""

    def __init__(self, p: int, m: int) -> None:
        self.p, self.m, self.n = p, m, p**m
        digits = [[(x // p**i) % p for i in range(m)] for x in range(self.n)]
        weights = [p**i for i in range(m)]

        def number(ds: list[int]) -> int:
            return sum(d * w for d, w in zip(ds, weights, strict=True))

        def plus(x: int, y: int) -> int:
            return number([(a + b) % p for a, b in zip(digits[x], digits[y], strict=True)])

        self.add = [[plus(x, y) for y in range(self.n)] for x in range(self.n)]
        self.mul = [[number([(c * a) % p for a in digits[x]]) for x in range(self.n)] for c in range(p)]

    def extend(self, subspace: frozenset[int], v: int) -> frozenset[int]:
        """The span of `subspace` and v."""
        add = self.add
        return frozenset(add[s][self.mul[c][v]] for s in subspace for c in range(self.p))

    def subspaces(self, t: int) -> list[frozenset[int]]:
        """Every t-dimensional subspace, each as the set of its vectors (zero included)."""
        level = {frozenset([0])}
        for _ in range(t):
            nxt: set[frozenset[int]] = set()
            for s in level:
                for v in range(1, self.n):
                    if v not in s:
                        nxt.add(self.extend(s, v))
            level = nxt
        return sorted(level, key=sorted)

    def cosets(self, subspace: frozenset[int]) -> Round:
        """The groups of the round a subspace gives: its cosets, each sorted."""
        seen = [False] * self.n
        groups: Round = []
        members = sorted(subspace)
        for x in range(self.n):
            if not seen[x]:
                group = sorted(self.add[x][s] for s in members)
                for y in group:
                    seen[y] = True
                groups.append(group)
        return groups


def partial_spread(candidates: list[int], size: int, want: int, budget: int) -> list[int]:
    """As many as possible (up to `want`) of the candidate bit masks, pairwise disjoint, each of `size`
    bits: a depth-first search that drops candidates clashing with each choice, bounded by the vectors the
    remaining candidates can still cover, and stopped after `budget` nodes. Returns the best found."""
    best: list[int] = []
    nodes = 0

    def dfs(chosen: list[int], left: list[int]) -> bool:
        nonlocal best, nodes
        if len(chosen) > len(best):
            best = list(chosen)
            if len(best) >= want:
                return True
        # reach[i]: the vectors the candidates from i on could still cover.
        reach = [0] * (len(left) + 1)
        for i in range(len(left) - 1, -1, -1):
            reach[i] = reach[i + 1] | left[i]
        for i, c in enumerate(left):
            nodes += 1
            if nodes > budget:
                return True
            if len(chosen) + reach[i].bit_count() // size <= len(best):
                return False  # the bound: not enough vectors left for a better family
            chosen.append(c)
            if dfs(chosen, [d for d in left[i + 1 :] if not d & c]):
                return True
            chosen.pop()
        return False

    dfs([], list(candidates))
    return best[:want]


def design_rounds(n: int, size: int, rounds: int, rng: random.Random) -> list[Round]:
    """Up to `rounds` partitions of 0 .. n-1 into groups of `size` in which no pair meets twice, from a
    partial spread of GF(p)**m; [] when n and size are not powers of one prime, or the space is too large.
    The people are numbered afresh at random (so fresh starts differ), keeping no pair twice."""
    shape = prime_shape(n, size)
    if shape is None or rounds < 1:
        return []
    p, m, t = shape
    if gaussian_binomial(m, t, p) > MAX_SUBSPACES:
        return []
    space = Space(p, m)
    subspaces = space.subspaces(t)
    rng.shuffle(subspaces)
    masks = [sum(1 << v for v in s if v) for s in subspaces]
    by_mask = dict(zip(masks, subspaces, strict=True))
    want = min(rounds, (n - 1) // (size - 1))
    chosen = partial_spread(masks, size - 1, want, NODE_BUDGET)
    label = list(range(n))
    rng.shuffle(label)
    return [[sorted(label[x] for x in g) for g in space.cosets(by_mask[c])] for c in chosen]
