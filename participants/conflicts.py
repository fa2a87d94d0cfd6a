"""Conflicts of interest: pairs of a company and a senior that must never be matched (a registry).

A senior may have handled a company before (an alumnus of a lender who handled its loans, for example).
Apps that know of such ties register a source here in their AppConfig.ready() (alumni does, for the companies
its members declare); the matching engine's problem builder asks `conflicting_pairs` and leaves those pairs
out. participants cannot import the apps above it, hence the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["PairCandidate", "conflicting_pairs", "register_conflict_source"]


@dataclass(frozen=True)
class PairCandidate:
    """A pair the engine might schedule: the company's key in the problem, and what identifies the company."""

    company_key: str
    senior_id: int  # SeniorProfile id
    company_name: str
    corporate_number: str


ConflictSource = Callable[[Sequence[PairCandidate]], set[tuple[str, int]]]

_SOURCES: list[ConflictSource] = []


def register_conflict_source(source: ConflictSource) -> ConflictSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def conflicting_pairs(candidates: Sequence[PairCandidate]) -> set[tuple[str, int]]:
    """(company key, senior id) of every candidate some source declares a conflict of interest."""
    if not candidates:
        return set()
    found: set[tuple[str, int]] = set()
    for source in _SOURCES:
        found |= source(candidates)
    return found
