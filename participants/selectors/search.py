"""Searching 新現役 for coordinators and bank staff, and the reads behind a senior's detail page.

Only seniors visible to institutions appear anywhere here: a standing consent (not withdrawn), not
anonymised, an active user. A withdrawal takes effect on the next request, in the search and on the
detail page alike (both filter on it, nothing is cached).

Keywords. Japanese has no spaces between words, so a keyword matches as a substring of
SeniorProfile.search_text, case-insensitively for Latin letters; space-separated keywords (ASCII or
ideographic space) must all match. Each keyword is also tried in its NFKC form, so 「ＤＸ」 typed in
full width finds 「DX」. On PostgreSQL the indexes of migration 0003 serve the match: keywords of 1-2
characters through the GIN index on `sks_search_grams(search_text)` (exact, no recheck), longer ones
through the pg_trgm GIN index (`ILIKE '%…%'`, or `LIKE` when the keyword has no letter case). SQLite
uses `LIKE` (ASCII case folding only) and scans.

Ranking, the same formula on both databases: for each keyword, the number of times it occurs in the
text (at most 5, so a long self-introduction cannot drown the rest), plus, where several expertise areas
or weekdays were ticked, how many of them the senior has. Ties: the most recently updated profile first,
then the newest profile. SQLite differs only in case folding (ASCII only), hence in what counts as an
occurrence for non-ASCII letters.

A page costs a constant number of queries (see `senior_search`): its ids and the count (one query or two),
the page's profiles with their users, and one per prefetched relation.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Least, Length, Lower, Replace
from django.utils.translation import gettext

from sks.access import get_or_404
from sks.db import postgres_settings

from ..models import CareerEntry, Industry, ProvisionRecord, SeniorProfile, User
from .seniors import senior_profiles_visible_to_institutions

__all__ = [
    "MAX_COUNTED",
    "MAX_KEYWORDS",
    "SEARCH_PER_PAGE",
    "SearchCard",
    "SeniorSearchCriteria",
    "SeniorSearchPage",
    "access_searchable_senior",
    "access_senior_for_provisions",
    "provision_list_for_senior",
    "ranked_ids_sql",
    "search_keywords",
    "search_text_match",
    "senior_search",
    "senior_search_queryset",
]

SEARCH_PER_PAGE = 20
# Results are counted (and offered) up to this many.
MAX_COUNTED = 1000
MAX_KEYWORDS = 5
# A keyword counts at most this many times towards the rank of one profile.
MAX_OCCURRENCES = 5
# Created by participants/migrations/0003 (PostgreSQL only), indexed with GIN.
GRAMS_FUNCTION = "sks_search_grams"
GRAM_MAX_LENGTH = 2

PROFILE_RELATIONS = ("expertise", "qualifications", "travel_regions", "careers")


@dataclass(frozen=True)
class SeniorSearchCriteria:
    """What a search asks for; every part is optional (no criteria: every visible senior)."""

    keywords: tuple[str, ...] = ()
    expertise_ids: tuple[int, ...] = ()
    industry_major_id: int | None = None
    qualification_id: int | None = None
    prefecture: str = ""
    region_id: int | None = None
    weekdays: tuple[int, ...] = ()
    min_days_per_month: int | None = None
    remote_ok: bool = False


@dataclass(frozen=True)
class SearchCard:
    """What a result card shows besides the profile's own fields: the labels of its areas, qualifications and
    regions (in the active language, in their reference order) and the first career entry."""

    expertise: list[str] = field(default_factory=list)
    qualifications: list[str] = field(default_factory=list)
    travel_regions: list[str] = field(default_factory=list)
    career: str = ""  # the first career entry: employer, department and role, with spaces between


@dataclass
class SeniorSearchPage:
    """One page of results; shaped like Django's Page where the templates use it.

    `total` is counted up to MAX_COUNTED + 1 only: past MAX_COUNTED the page says "1,000人以上" and offers
    the first MAX_COUNTED results (nobody reads further; narrowing the search helps them more).
    """

    object_list: list[SeniorProfile]
    number: int
    total: int
    per_page: int = SEARCH_PER_PAGE
    cards: dict[int, SearchCard] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[SeniorProfile, SearchCard]]:
        """The page's profiles with their cards, in rank order (what the result lists loop over)."""
        return [(profile, self.cards.get(profile.pk) or SearchCard()) for profile in self.object_list]

    @property
    def capped(self) -> bool:
        return self.total > MAX_COUNTED

    @property
    def shown_total(self) -> int:
        return min(self.total, MAX_COUNTED)

    @property
    def num_pages(self) -> int:
        return max(1, ceil(self.shown_total / self.per_page))

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


def search_keywords(text: str) -> tuple[str, ...]:
    """The keywords of a search box: split on any whitespace (including 「　」), duplicates dropped."""
    return tuple(dict.fromkeys(text.split()))


# --- keyword matching ---------------------------------------------------------------------------------
def _variants(keyword: str) -> list[str]:
    """The keyword as typed and in NFKC (full-width Latin to ASCII, half-width kana to full), lower-cased."""
    forms = [unicodedata.normalize("NFKC", keyword).lower(), keyword.lower()]
    return list(dict.fromkeys(v for v in forms if v))


def _has_case(text: str) -> bool:
    return text.lower() != text.upper()


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class _GramsContain(Func):
    """`sks_search_grams(text) @> ARRAY[gram]::text[]`: served by the GIN index of migration 0003."""

    function = GRAMS_FUNCTION
    # The two expressions are the text and the gram; the joiner and template close the call around them.
    arg_joiner = ") @> ARRAY["
    template = "%(function)s(%(expressions)s]::text[]"
    output_field = BooleanField()

    def __init__(self, text: Expression | F, gram: str) -> None:
        super().__init__(text, Value(gram))


class _Like(Func):
    """`text LIKE pattern` or `text ILIKE pattern` as written, so that pg_trgm's GIN index serves it.

    (Django's icontains says `UPPER(text) LIKE UPPER(pattern)`, which no index on the column serves.)
    """

    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, text: Expression | F, pattern: str, *, case_insensitive: bool) -> None:
        super().__init__(text, Value(pattern), arg_joiner=" ILIKE " if case_insensitive else " LIKE ")


def _keyword_condition(variant: str, vendor: str) -> Q:
    if vendor != "postgresql":
        return Q(search_text__icontains=variant)
    if len(variant) <= GRAM_MAX_LENGTH:
        return Q(_GramsContain(F("search_text"), variant))
    return Q(_Like(F("search_text"), _like_pattern(variant), case_insensitive=_has_case(variant)))


class _RegexpCountIgnoringCase(Func):
    """PostgreSQL 15+: `regexp_count(text, pattern, 1, 'i')`, a third faster than lower() and replace()."""

    function = "regexp_count"
    template = "%(function)s(%(expressions)s, 1, 'i')"
    output_field = IntegerField()


class _OctetLength(Func):
    function = "OCTET_LENGTH"
    output_field = IntegerField()


def _regex_literal(text: str) -> str:
    # In PostgreSQL's regular expressions a backslash makes any non-alphanumeric character literal.
    return "".join(c if c.isalnum() else "\\" + c for c in text)


def _occurrences(variant: str, vendor: str) -> Any:
    """How often `variant` occurs in search_text (capped): the text's length lost when it is cut out."""
    if _has_case(variant) and vendor == "postgresql" and connection.pg_version >= 150000:  # type: ignore[attr-defined]  # pg_version exists on PostgreSQL connections only, checked by vendor first
        return Least(_RegexpCountIgnoringCase(F("search_text"), Value(_regex_literal(variant))), Value(MAX_OCCURRENCES))
    haystack = Lower("search_text") if _has_case(variant) else F("search_text")
    if vendor == "postgresql":
        # Bytes, not characters: the same count (each occurrence cut out removes the keyword's bytes), and
        # octet_length reads the stored size where length() walks the whole UTF-8 text, twice per row.
        removed = _OctetLength(haystack) - _OctetLength(Replace(haystack, Value(variant), Value("")))
        size = len(variant.encode())
    else:
        removed = Length(haystack) - Length(Replace(haystack, Value(variant), Value("")))
        size = len(variant)
    count = ExpressionWrapper(removed / Value(size), output_field=IntegerField())
    return Least(count, Value(MAX_OCCURRENCES))


def search_text_match(queryset: QuerySet[Any], keywords: tuple[str, ...]) -> QuerySet[Any]:
    """`queryset` (of a model with a `search_text` column) filtered to rows matching every keyword, the same
    way as the senior search, and annotated with `score` (occurrences, capped). Other apps' directories use
    it (the alumni directory) so that a Japanese keyword finds the same things everywhere."""
    vendor = connection.vendor
    terms: list[Any] = []
    for keyword in keywords[:MAX_KEYWORDS]:
        condition = Q()
        for variant in _variants(keyword):
            condition |= _keyword_condition(variant, vendor)
            terms.append(_occurrences(variant, vendor))
        queryset = queryset.filter(condition)
    if not terms:
        return queryset.annotate(score=Value(0, output_field=IntegerField()))
    score = terms[0]
    for term in terms[1:]:
        score = score + term
    return queryset.annotate(score=ExpressionWrapper(score, output_field=IntegerField()))


# --- the search ---------------------------------------------------------------------------------------
def senior_search_queryset(*, criteria: SeniorSearchCriteria) -> QuerySet[SeniorProfile]:
    """Visible seniors matching `criteria`, annotated with `score` and ordered by relevance."""
    return _search_queryset(criteria)[0]


def _search_queryset(
    criteria: SeniorSearchCriteria, base: QuerySet[SeniorProfile] | None = None
) -> tuple[QuerySet[SeniorProfile], bool]:
    """The search, and whether it is ranked (False: newest first, which the recent-profiles index serves).

    `base` is what it filters: the profiles visible to institutions unless given.
    """
    vendor = connection.vendor  # PostgreSQL gets the conditions its indexes serve
    qs = senior_profiles_visible_to_institutions() if base is None else base
    terms: list[Any] = []  # added up into the score

    for keyword in criteria.keywords:
        condition = Q()
        for variant in _variants(keyword):
            condition |= _keyword_condition(variant, vendor)
            terms.append(_occurrences(variant, vendor))
        qs = qs.filter(condition)

    through = SeniorProfile.expertise.through
    if criteria.expertise_ids:
        having = through.objects.filter(seniorprofile_id=OuterRef("pk"), expertisearea_id__in=criteria.expertise_ids)
        qs = qs.filter(Exists(having))
        if len(criteria.expertise_ids) > 1:
            # Correlated only when it can tell results apart: with one area every result has it.
            matched = having.values("seniorprofile_id").annotate(n=Count("*")).values("n")  # type: ignore[misc]  # django-stubs cannot see an annotation in values()
            terms.append(_subquery_int(matched))
    if criteria.industry_major_id is not None:
        major = criteria.industry_major_id
        # Read first (a tiny reference table): as a literal list the planner estimates the many-to-many rows
        # from its statistics; as a subquery it guessed 951 of 51,000 and built a 300 ms plan.
        in_division = list(Industry.objects.filter(Q(pk=major) | Q(parent_id=major)).values_list("pk", flat=True))
        industries = SeniorProfile.industries.through.objects.filter(
            seniorprofile_id=OuterRef("pk"), industry_id__in=in_division
        )
        qs = qs.filter(Exists(industries))
    if criteria.qualification_id is not None:
        qualifications = SeniorProfile.qualifications.through.objects.filter(
            seniorprofile_id=OuterRef("pk"), qualification_id=criteria.qualification_id
        )
        qs = qs.filter(Exists(qualifications))
    if criteria.region_id is not None:
        regions = SeniorProfile.travel_regions.through.objects.filter(
            seniorprofile_id=OuterRef("pk"), region_id=criteria.region_id
        )
        qs = qs.filter(Exists(regions))
    if criteria.prefecture:
        qs = qs.filter(prefecture=criteria.prefecture)
    if criteria.weekdays:
        mask = sum(1 << day for day in set(criteria.weekdays))
        qs = qs.alias(weekday_hits=F("weekdays").bitand(mask)).filter(weekday_hits__gt=0)
        if len(set(criteria.weekdays)) > 1:
            for day in sorted(set(criteria.weekdays)):
                terms.append(F("weekdays").bitrightshift(day).bitand(1))
    if criteria.min_days_per_month is not None:
        qs = qs.filter(days_per_month__gte=criteria.min_days_per_month)
    if criteria.remote_ok:
        qs = qs.filter(remote_ok=True)

    if not terms:
        # Nothing to rank by (a constant must not reach ORDER BY, where it would read as a column number).
        return qs.annotate(score=Value(0, output_field=IntegerField())).order_by("-updated_at", "-pk"), False
    score = terms[0]
    for term in terms[1:]:
        score = score + term
    ranked = qs.annotate(score=ExpressionWrapper(score, output_field=IntegerField()))
    return ranked.order_by("-score", "-updated_at", "-pk"), True


def _is_ranked(criteria: SeniorSearchCriteria) -> bool:
    """Whether `_search_queryset` ranks (it adds a score term): a keyword, several areas or several weekdays."""
    return bool(criteria.keywords) or len(criteria.expertise_ids) > 1 or len(set(criteria.weekdays)) > 1


def _subquery_int(queryset: QuerySet[Any]) -> Any:
    return Coalesce(Subquery(queryset, output_field=IntegerField()), Value(0))


def senior_search(*, criteria: SeniorSearchCriteria, page: int) -> SeniorSearchPage:
    """One page of the search; a page past the end shows the last page.

    Ranked: the ids of the first MAX_COUNTED + 1 matches in rank order (narrow rows; the ranking sorts every
    match anyway, so this one query also gives the count). Not ranked (filters only, newest first): a count
    that stops at MAX_COUNTED + 1, whatever order is cheapest, then the page's ids read in order from the
    recent-profiles index. Then the page's profiles with their users and prefetched relations.
    """
    with _planned_for_memory():
        is_ranked = _is_ranked(criteria)
        counted: list[int] = []
        if is_ranked:
            sql, params = _ranked_ids_statement(criteria, MAX_COUNTED + 1)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                counted = [row[0] for row in cursor.fetchall()]
            total = len(counted)
        else:
            ordered = _search_queryset(criteria)[0]
            ids = ordered.values_list("pk", flat=True)
            total = ordered.order_by().values("pk")[: MAX_COUNTED + 1].count()
        result = SeniorSearchPage(object_list=[], number=1, total=total)
        result.number = min(max(1, page), result.num_pages)
        start = (result.number - 1) * SEARCH_PER_PAGE
        end = min(start + SEARCH_PER_PAGE, MAX_COUNTED)  # nothing past the counted ones is offered
        if is_ranked:
            page_ids = counted[start:end]
        elif total:
            page_ids = list(ids[start:end])
        else:
            page_ids = []
        result.object_list = _profiles_in_order(page_ids)
        result.cards = _cards([p.pk for p in result.object_list])
    return result


def _ranked_ids_statement(criteria: SeniorSearchCriteria, limit: int) -> tuple[str, tuple[Any, ...]]:
    """`ranked_ids_sql`, compiled once per process for the same criteria (the ORM takes a few ms to build it,
    and coordinators search for the same words). Not for an industry: that filter reads the industries of the
    division from their table when it is built."""
    if criteria.industry_major_id is not None:
        return ranked_ids_sql(criteria=criteria, limit=limit)
    return _compiled_ranked_ids(criteria, limit, connection.vendor, getattr(connection, "pg_version", 0))


@functools.lru_cache(maxsize=256)
def _compiled_ranked_ids(
    criteria: SeniorSearchCriteria, limit: int, vendor: str, version: int
) -> tuple[str, tuple[Any, ...]]:
    """The key's vendor and server version are what the compiled SQL depends on besides the criteria."""
    return ranked_ids_sql(criteria=criteria, limit=limit)


def ranked_ids_sql(*, criteria: SeniorSearchCriteria, limit: int) -> tuple[str, tuple[Any, ...]]:
    """The ids of the first `limit` visible matches in rank order, as SQL: the same rows, in the same order,
    as `senior_search_queryset(criteria=...)[:limit]`, planned differently.

    The matches are ranked first (`ranked`: the criteria on the profiles themselves, with their score, ordered)
    and only then checked for visibility, one by one in rank order, until `limit` are found. The ranking
    must score every match whatever happens (the order depends on all of them); the visibility checks need
    not, and the planner, asked for the flat query, checked all of them first (a hash of all 100,000 users
    for 「販路」's 8,700 matches). The subquery's ORDER BY, repeated outside, lets it keep the sorted rows as
    they come. Visibility is `senior_profiles_visible_to_institutions()` itself, compiled for one id.
    """
    ranked, is_ranked = _search_queryset(
        criteria,
        base=SeniorProfile.objects.filter(anonymised_at__isnull=True),  # a visible one is never anonymised
    )
    assert is_ranked == _is_ranked(criteria)
    if not is_ranked:
        raise ValueError("ranked_ids_sql needs a criterion that ranks (a keyword, several areas or weekdays)")
    inner_sql, inner_params = ranked.values("pk", "updated_at", "score").query.sql_with_params()  # type: ignore[misc]  # score is annotated by _search_queryset
    visible = senior_profiles_visible_to_institutions().filter(pk=RawSQL("ranked.pk", ())).values("pk")
    visible_sql, visible_params = visible.query.sql_with_params()
    sql = (
        f"SELECT ranked.pk FROM ({inner_sql}) ranked WHERE EXISTS ({visible_sql})"  # noqa: S608  (compiled by the ORM, parameters apart)
        " ORDER BY ranked.score DESC, ranked.updated_at DESC, ranked.pk DESC LIMIT %s"
    )
    return sql, (*inner_params, *visible_params, limit)


def _profiles_in_order(ids: list[int]) -> list[SeniorProfile]:
    if not ids:
        return []
    # Visibility again: a consent withdrawn a moment ago hides the senior at once. The search text (what the
    # keywords matched, the longest column) is not shown on a card.
    profiles = senior_profiles_visible_to_institutions().filter(pk__in=ids).defer("search_text")
    by_pk = {p.pk: p for p in profiles.select_related("user")}
    return [by_pk[pk] for pk in ids if pk in by_pk]


# The many-to-many relations a card lists: (card field, relation on SeniorProfile, its target on the through model).
_CARD_LABELS = (
    ("expertise", "expertise", "expertisearea"),
    ("qualifications", "qualifications", "qualification"),
    ("travel_regions", "travel_regions", "region"),
)


def _cards(ids: list[int]) -> dict[int, SearchCard]:
    """The cards of the profiles `ids`: each relation's names read from its through table in one narrow query
    (no model instances, no related managers: a page of 20 made ~130 of them with prefetch_related), and the
    careers' first entries in one more."""
    if not ids:
        return {}
    lists: dict[str, dict[int, list[str]]] = {}
    for name, relation, target in _CARD_LABELS:
        through = getattr(SeniorProfile, relation).through
        found: dict[int, list[str]] = {}
        rows = (
            through.objects.filter(seniorprofile_id__in=ids)
            .order_by(f"{target}__sort_order", f"{target}__code")
            .values_list("seniorprofile_id", f"{target}__name")
        )
        for senior_id, label in rows:
            found.setdefault(senior_id, []).append(gettext(label))  # as the reference models' `label`
        lists[name] = found
    careers: dict[int, str] = {}
    entries = CareerEntry.objects.filter(senior_id__in=ids).values_list("senior_id", "employer", "department", "role")
    for senior_id, *parts in entries:  # in the model's order: the first one counts
        careers.setdefault(senior_id, " ".join(part for part in parts if part))
    return {
        pk: SearchCard(
            expertise=lists["expertise"].get(pk, []),
            qualifications=lists["qualifications"].get(pk, []),
            travel_regions=lists["travel_regions"].get(pk, []),
            career=careers.get(pk, ""),
        )
        for pk in ids
    }


@contextmanager
def _planned_for_memory() -> Iterator[None]:
    """On PostgreSQL, plan the search with random_page_cost = 1.1 (PostgreSQL's advice for SSDs and data in memory)
    and no parallel workers.

    The profiles and their indexes fit in memory, where a random page read costs about what a sequential one
    does. With the default (4, for spinning disks) the planner prices the pg_trgm index's ~8,000 heap reads for
    a keyword matching 8% of 100,000 profiles above reading all of them, and runs `LIKE` on every profile:
    120 ms instead of 40 ms.

    And without parallel workers: several coordinators search at once, and a search that takes three processes
    (a gather of two workers) spends about three times the CPU to save a little wall time for one of them,
    at the others' expense. Alone, on one process, the ranked search is also faster here (the matches are
    sorted first and only the best are checked for visibility): 23 ms instead of 62 ms for 「販路」 at
    100,000 seniors.

    (sks.db.postgres_settings: SET LOCAL, the previous values restored after the search.)
    """
    with postgres_settings(random_page_cost="1.1", max_parallel_workers_per_gather="0"):
        yield


# --- one senior ---------------------------------------------------------------------------------------
def access_searchable_senior(*, user: User, pk: int) -> SeniorProfile:
    """A senior's profile as coordinators and institution staff see it; 404 unless visible to institutions.

    The caller's role is checked by the view (`role_required`); every such role sees the same seniors.
    """
    queryset = (
        senior_profiles_visible_to_institutions()
        .select_related("user")
        .prefetch_related(*PROFILE_RELATIONS, "industries")
    )
    return get_or_404(queryset, pk=pk)


def access_senior_for_provisions(*, user: User, pk: int) -> SeniorProfile:
    """Any senior, visible or not: what was provided stays on record after a withdrawal (coordinators)."""
    return get_or_404(SeniorProfile.objects.select_related("user"), pk=pk)


def provision_list_for_senior(*, senior: SeniorProfile) -> QuerySet[ProvisionRecord]:
    return ProvisionRecord.objects.filter(senior=senior).select_related("recipient", "recipient_organization")
