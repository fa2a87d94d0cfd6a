"""First-come greedy scheduling: the baseline typical matchmaking tools use, and the solver's first solution."""

from __future__ import annotations

from collections import defaultdict

from .problem import Meeting, Problem, Request


class _Board:
    """Who is busy in which slot, as meetings are placed one by one."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.senior_busy: set[tuple[str, int]] = set()
        self.company_load: dict[tuple[str, int], int] = defaultdict(int)
        self.staff_at: dict[tuple[str, int], str] = {}
        self.senior_count: dict[str, int] = defaultdict(int)
        self.met: set[tuple[str, str]] = set()
        self.meetings: list[Meeting] = []

    def fits(self, request: Request, slot: int) -> bool:
        company = self.problem.companies[request.company]
        senior = self.problem.seniors[request.senior]
        if (request.company, request.senior) in self.met:
            return False
        if slot not in company.available or slot not in senior.available:
            return False
        if (request.senior, slot) in self.senior_busy:
            return False
        if self.company_load[(request.company, slot)] >= company.capacity:
            return False
        if company.staff and self.staff_at.get((company.staff, slot), request.company) != request.company:
            return False
        cap = senior.max_meetings
        return cap is None or self.senior_count[request.senior] < cap

    def place(self, request: Request, slot: int) -> None:
        company = self.problem.companies[request.company]
        self.senior_busy.add((request.senior, slot))
        self.company_load[(request.company, slot)] += 1
        if company.staff:
            self.staff_at[(company.staff, slot)] = request.company
        self.senior_count[request.senior] += 1
        self.met.add((request.company, request.senior))
        self.meetings.append(Meeting(request.company, request.senior, slot))


def _fixed_first(problem: Problem) -> _Board:
    board = _Board(problem)
    index = problem.request_index
    for m in problem.fixed:
        board.place(problem.requests[index[(m.company, m.senior)]], m.slot)
    return board


def greedy_baseline(problem: Problem) -> list[Meeting]:
    """Requests by weight (ties in the order given), each to the earliest slot where everyone is free."""
    board = _fixed_first(problem)
    for request in sorted(problem.requests, key=lambda r: -r.weight):
        for slot in range(problem.slots):
            if board.fits(request, slot):
                board.place(request, slot)
                break
    return board.meetings


def greedy_fair(problem: Problem) -> list[Meeting]:
    """A better first solution for the solver: companies' floors first, scarce participants first.

    Round one gives each company, least-served first, one meeting at a time up to its floor (a shortfall
    costs 10, more than any request is worth); round two places the rest by weight, seniors with the
    fewest options first, each in the slot that keeps the participants' meetings closest together.
    """
    board = _fixed_first(problem)
    by_company: dict[str, list[Request]] = defaultdict(list)
    options: dict[str, int] = defaultdict(int)
    for r in problem.requests:
        by_company[r.company].append(r)
        options[r.senior] += 1
    for requests in by_company.values():
        requests.sort(key=lambda r: (-r.weight, options[r.senior]))

    def count(company: str) -> int:
        return sum(1 for m in board.meetings if m.company == company)

    progress = True
    while progress:
        progress = False
        needy = [c for c in problem.companies.values() if count(c.id) < c.min_meetings]
        for company in sorted(needy, key=lambda c: (count(c.id) - c.min_meetings, len(by_company[c.id]))):
            for request in by_company[company.id]:
                slot = _best_slot(board, request)
                if slot is not None:
                    board.place(request, slot)
                    progress = True
                    break
    for request in sorted(problem.requests, key=lambda r: (-r.weight, options[r.senior])):
        slot = _best_slot(board, request)
        if slot is not None:
            board.place(request, slot)
    return board.meetings


def _best_slot(board: _Board, request: Request) -> int | None:
    """A free slot next to the participants' other meetings (fewer gaps), else the earliest."""
    free = [t for t in range(board.problem.slots) if board.fits(request, t)]
    if not free:
        return None
    mine = [m.slot for m in board.meetings if m.senior == request.senior or m.company == request.company]
    if not mine:
        return free[0]
    return min(free, key=lambda t: (min(abs(t - u) for u in mine), t))
