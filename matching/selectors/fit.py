"""Fit between seniors and companies' issues (matching/engine/fit.py), built from the database.

Who may be suggested: a senior visible to institutions (a standing consent, not anonymised, an active
account) who accepted the confidentiality pledge in force (`suggestible_seniors`). Nobody else is ever
scored for a bank or a coordinator.

What each side's score may read:

* for a bank or a coordinator (`fit_suggestions_for_enrolment`): the whole hearing sheet of a company they
  are allowed to see (the caller authorised the enrolment through matching.access.access_table): the issues'
  descriptions and wanted expertise, the company's JSIC middle group;
* for a senior (`fit_issues_for_senior`, the publish-time mail): only what the issue list publishes (the
  public title and summary, the categories and expertise asked for, the JSIC division, the prefecture), so
  that neither the order nor a reason reveals anything of the confidential sheet.

Speed. One issue against 100,000 seniors is ranked in two steps: the database keeps the CANDIDATES seniors
with the most structural evidence (the category's expertise area, other wanted areas, the same prefecture,
an agreement in the category), and the engine scores those fully, text included. A senior whose only
evidence is the free text can be missed by the first step; bench/fit.py measures what that costs.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext

from events.access import enrolments_of_event, events_for_senior, hearing_issues_for_prefetch, senior_profile_of
from events.enums import ApplicationStatus, EventStatus, IssueCategory
from events.models import ApplicationChoice, Event, EventCompany, HearingIssue, SeniorInvitation
from events.selectors.hearings import issue_list_labels
from events.selectors.selection import live_choices
from participants.models import (
    PREFECTURE_CHOICES,
    CareerEntry,
    PledgeAcceptance,
    PledgeVersion,
    SeniorProfile,
    User,
)
from participants.selectors import (
    reference_tables,
    reference_version,
    senior_has_current_pledge,
    senior_profiles_visible_to_institutions,
)

from ..access import agreement_category_counts
from ..engine.fit import CATEGORY_EXPERTISE, Fit, IssueFacts, IssueIndex, SeniorFacts, SeniorIndex, rank_seniors
from ..enums import AttendanceStatus
from ..models import Attendance

__all__ = [
    "CANDIDATES",
    "FITTING_APPLICANTS_FLOOR",
    "FIT_THRESHOLD",
    "SENIOR_LIST",
    "IssueSuggestion",
    "PublishedIssues",
    "SeniorSuggestion",
    "ThinIssue",
    "agreement_seniors_in",
    "fit_issues_for_senior",
    "fit_panel_rows",
    "fit_suggestions_for_enrolment",
    "fit_thin_issues",
    "issue_display_names",
    "issue_facts_for_event",
    "own_senior_facts",
    "published_issues",
    "senior_facts",
    "suggestible_seniors",
    "suggestions_from_fits",
]

CANDIDATES = 300
# How many companies a senior's list shows (the event page, the dashboard shows fewer).
SENIOR_LIST = 10
# A fit this good is worth telling someone about (the mail, 「合いそう」 counts): in practice the category's
# expertise plus one more piece of evidence (the same prefecture, the industry, close text, a success).
FIT_THRESHOLD = 0.45
# 応募が少ない課題: fewer fitting applicants than this.
FITTING_APPLICANTS_FLOOR = 3

# Reason parameters are msgids, translated when a page shows them (reason_texts): the facts are cached across
# requests in any language, so they must not hold one language's words. Prefecture names are localflavor's
# msgids (English, translated to Japanese by its catalog); category labels are ours (Japanese).
with translation.override(None):
    _PREFECTURES = {code: str(label) for code, label in PREFECTURE_CHOICES}
    _CATEGORY_LABELS = {value: str(label) for value, label in IssueCategory.choices}


def reason_texts(fit: Fit) -> list[str]:
    """The fit's reasons in the active language: the engine gives each its Japanese wording (a msgid) and
    parameters (reference names, counts), and both are translated here. The publish-time mail words the same
    few reasons for tens of thousands of seniors, so each wording is made once per language and process."""
    language = translation.get_language()
    return [_reason_text(language, reason.template, tuple(reason.params.items())) for reason in fit.reasons]


@functools.lru_cache(maxsize=4096)
def _reason_text(language: str | None, template: str, params: tuple[tuple[str, object], ...]) -> str:
    """One reason in `language` (the active one: the argument only keys the cache). Catalogs load at start,
    so a wording cannot change while the process runs."""
    translated = {k: gettext(v) if isinstance(v, str) and v else v for k, v in params}
    return gettext(template) % translated if translated else gettext(template)


# --- who may be suggested ---------------------------------------------------------------------------------


def suggestible_seniors() -> QuerySet[SeniorProfile]:
    """Seniors who may be suggested to a bank: visible to institutions and under the pledge in force."""
    # The pledge in force is read first: as a subquery it makes PostgreSQL plan the whole join badly.
    current = (
        PledgeVersion.objects.filter(effective_from__lte=timezone.now())
        .order_by("-effective_from", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    pledged = PledgeAcceptance.objects.filter(senior=OuterRef("pk"), pledge_id=current or 0)
    return senior_profiles_visible_to_institutions().filter(Exists(pledged))


# --- facts ----------------------------------------------------------------------------------------------------


def _expertise_labels() -> dict[str, str]:
    return reference_tables().expertise_names


def _issue_facts(
    issue: HearingIssue, *, enrolment: EventCompany, labels: dict[str, str], published_only: bool
) -> IssueFacts:
    company = enrolment.company
    sheet = enrolment.hearing  # type: ignore[attr-defined]  # reverse one-to-one, prefetched by the caller
    if published_only:
        text = f"{sheet.public_title}\n{sheet.public_summary}"
    else:
        text = f"{issue.description}\n{issue.expertise_note}"
    major = company.industry_major
    middle = None if published_only else company.industry
    return IssueFacts(
        key=issue.pk,
        group=enrolment.pk,
        category=issue.category,
        category_label=_CATEGORY_LABELS.get(issue.category, ""),
        text=text,
        wanted=frozenset(a.code for a in issue.expertise.all()),
        expertise_labels=labels,
        industry_major=major.code if major else "",
        industry_major_label=major.name if major else "",
        industry_middle=middle.code if middle else "",
        industry_middle_label=middle.name if middle else "",
        prefecture=company.prefecture,
        prefecture_label=_PREFECTURES.get(company.prefecture, ""),
        weekday=enrolment.event.date.weekday(),
    )


def _enrolments_with_sheets(enrolments: QuerySet[EventCompany]) -> list[EventCompany]:
    issues = hearing_issues_for_prefetch().order_by("position", "pk").prefetch_related("expertise")
    return list(
        enrolments.select_related("event", "company__industry_major", "company__industry", "hearing").prefetch_related(
            Prefetch("hearing__issues", queryset=issues)
        )
    )


def issue_facts_for_event(*, event: Event, published_only: bool) -> tuple[list[IssueFacts], dict[int, EventCompany]]:
    """The issues of `event`'s publishable sheets, and their enrolments by id. The caller authorised the
    event for its reader; with `published_only` (a senior's side) only the published fields are used."""
    labels = _expertise_labels()
    enrolments = _enrolments_with_sheets(enrolments_of_event(event=event).order_by("pk"))
    facts: list[IssueFacts] = []
    by_id: dict[int, EventCompany] = {}
    for enrolment in enrolments:
        sheet = getattr(enrolment, "hearing", None)
        if sheet is None or not sheet.is_publishable:
            continue
        by_id[enrolment.pk] = enrolment
        for issue in sheet.issues.all():
            facts.append(_issue_facts(issue, enrolment=enrolment, labels=labels, published_only=published_only))
    return facts, by_id


def _enrolment_issue_facts(enrolment: EventCompany) -> list[IssueFacts]:
    """The issues of one authorised enrolment, from its whole sheet (the bank's and coordinator's side)."""
    [loaded] = _enrolments_with_sheets(enrolments_of_event(event=enrolment.event).filter(pk=enrolment.pk))
    sheet = getattr(loaded, "hearing", None)
    if sheet is None:
        return []
    labels = _expertise_labels()
    return [_issue_facts(i, enrolment=loaded, labels=labels, published_only=False) for i in sheet.issues.all()]


def senior_facts(ids: Sequence[int]) -> list[SeniorFacts]:
    """Facts of the seniors `ids` (in that order; missing ones left out) in seven small queries whatever
    their number, plus the reference tables (read once per process and reference version): plain values,
    no model instances (the publish-time mail reads every senior)."""
    ids = list(ids)
    profiles = _profile_facts(ids)
    agreements, no_shows = _track_records(ids)
    return [
        replace(profiles[pk], agreements=agreements.get(pk, {}), no_shows=no_shows.get(pk, 0))
        for pk in ids
        if pk in profiles
    ]


_V = TypeVar("_V")


def _kept(kept: OrderedDict[tuple[object, ...], _V], size: int, key: tuple[object, ...], make: Callable[[], _V]) -> _V:
    """`kept[key]`, made by `make()` when missing; `kept` holds the `size` last used (this process's)."""
    value = kept.get(key)
    if value is None:
        value = kept[key] = make()
        while len(kept) > size:
            kept.popitem(last=False)
    else:
        kept.move_to_end(key)
    return value


# A senior's own facts, kept per process for the profile's latest version (the dashboard's fit panel asks on
# every view; the profile hardly changes).
_OWN_FACTS_CACHE: OrderedDict[tuple[object, ...], SeniorFacts] = OrderedDict()
_OWN_FACTS_CACHE_SIZE = 1024


def own_senior_facts(profile: SeniorProfile) -> SeniorFacts:
    """`senior_facts([profile.pk])` for the senior reading their own pages, from the profile's own facts kept
    per process for its `updated_at` and the reference version, and the track record (agreements, no-shows)
    read each time. Every change of the profile's fields, careers, expertise, industries or travel regions
    goes through participants.services.seniors (or a save of the profile), which moves `updated_at`."""

    def make() -> SeniorFacts:
        found = _profile_facts([profile.pk])
        if profile.pk not in found:
            raise SeniorProfile.DoesNotExist
        return found[profile.pk]

    key = (profile.pk, profile.updated_at, reference_version())
    facts = _kept(_OWN_FACTS_CACHE, _OWN_FACTS_CACHE_SIZE, key, make)
    agreements, no_shows = _track_records([profile.pk])
    return replace(facts, agreements=agreements.get(profile.pk, {}), no_shows=no_shows.get(profile.pk, 0))


def _track_records(ids: list[int]) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """(agreements by issue category, no-shows) of the seniors `ids`: what changes without their profile."""
    agreements = agreement_category_counts(senior_ids=ids)
    no_shows = dict(
        Attendance.objects.filter(senior_id__in=ids, status=AttendanceStatus.NO_SHOW)
        .order_by()
        .values_list("senior_id")
        .annotate(n=Count("pk"))
    )
    return agreements, no_shows


def _profile_facts(ids: list[int]) -> dict[int, SeniorFacts]:
    """The facts the seniors' profiles hold (no track record), by senior id, in five queries."""
    tables = reference_tables()  # read once per process and reference version
    expertise_codes, industries, region_prefectures = (
        tables.expertise_codes,
        tables.industries,
        tables.region_prefectures,
    )
    areas: dict[int, set[str]] = {}
    for senior_id, area_id in SeniorProfile.expertise.through.objects.filter(seniorprofile_id__in=ids).values_list(
        "seniorprofile_id", "expertisearea_id"
    ):
        areas.setdefault(senior_id, set()).add(expertise_codes[area_id])
    majors: dict[int, set[str]] = {}
    middles: dict[int, set[str]] = {}
    for senior_id, industry_id in SeniorProfile.industries.through.objects.filter(seniorprofile_id__in=ids).values_list(
        "seniorprofile_id", "industry_id"
    ):
        code, parent = industries[industry_id]
        majors.setdefault(senior_id, set()).add(parent or code)
        if parent:
            middles.setdefault(senior_id, set()).add(code)
    travel: dict[int, set[str]] = {}
    for senior_id, region_id in SeniorProfile.travel_regions.through.objects.filter(
        seniorprofile_id__in=ids
    ).values_list("seniorprofile_id", "region_id"):
        travel.setdefault(senior_id, set()).update(str(p) for p in region_prefectures.get(region_id) or [])
    careers: dict[int, list[str]] = {}
    for senior_id, *parts in (
        CareerEntry.objects.filter(senior_id__in=ids)
        .order_by("senior_id", "position", "year_from", "pk")
        .values_list("senior_id", "employer", "department", "role")
    ):
        careers.setdefault(senior_id, []).append(" ".join(filter(None, parts)))
    facts = {}
    for pk, introduction, prefecture, remote_ok, weekdays in SeniorProfile.objects.filter(pk__in=ids).values_list(
        "pk", "self_introduction", "prefecture", "remote_ok", "weekdays"
    ):
        facts[pk] = SeniorFacts(
            key=pk,
            expertise=frozenset(areas.get(pk, ())),
            industry_majors=frozenset(majors.get(pk, ())),
            industry_middles=frozenset(middles.get(pk, ())),
            career_text=" ".join(careers.get(pk, ())),
            introduction=introduction,
            prefecture=prefecture,
            travel_prefectures=frozenset(travel.get(pk, ())),
            remote_ok=remote_ok,
            weekdays=weekdays,
        )
    return facts


# --- a company's issue: the seniors who fit (bank staff, coordinator) -------------------------------------


@dataclass(frozen=True)
class SeniorSuggestion:
    senior: SeniorProfile
    reasons: list[str]
    invited: bool = False


def _candidates(issues: Sequence[IssueFacts], *, exclude: Iterable[int], limit: int) -> list[int]:
    """The `limit` suggestible seniors with the most structural evidence for any of `issues` (module doc).

    Two cheap steps rather than one query over every senior: the expertise table alone ranks the seniors
    who have a wanted area (the category's own area counts as two more areas: it weighs most in the engine
    too), then only the best 2 × `limit` of them are checked for consent and pledge and ordered by the same
    prefecture. Seniors who succeeded in the category always join. Ties at the cut are broken by the newest
    profile first, not by fit: bench/fit.py measures the cost.
    """
    areas = {CATEGORY_EXPERTISE[i.category] for i in issues if i.category in CATEGORY_EXPERTISE}
    wanted = set().union(*(i.wanted for i in issues)) | areas
    prefectures = {i.prefecture for i in issues if i.prefecture}
    excluded = set(exclude)
    area_ids = {pk: code for pk, code in reference_tables().expertise_codes.items() if code in wanted}
    category_ids = [pk for pk, code in area_ids.items() if code in areas]
    in_category = Case(When(expertisearea_id__in=category_ids, then=Value(2)), default=Value(0))
    ranked = (
        SeniorProfile.expertise.through.objects.filter(expertisearea_id__in=list(area_ids))
        .values("seniorprofile_id")
        .annotate(rank=Count("*") + Max(in_category, output_field=IntegerField()))
        .order_by("-rank", "-seniorprofile_id")  # type: ignore[misc]  # stubs miss annotations on a through model
        .values_list("seniorprofile_id", "rank")
    )
    rank: dict[int, int] = {}
    for senior_id, n in ranked[: 2 * limit + len(excluded)]:
        if senior_id not in excluded:
            rank[senior_id] = n
    for senior_id in agreement_seniors_in({i.category for i in issues}):
        if senior_id not in excluded:
            rank.setdefault(senior_id, 0)
    visible = suggestible_seniors().filter(pk__in=list(rank)).values_list("pk", "prefecture")
    order = sorted(((-rank[pk], -(prefecture in prefectures), -pk) for pk, prefecture in visible))
    return [-key[2] for key in order[:limit]]


def agreement_seniors_in(categories: set[str]) -> list[int]:
    """Seniors with at least one agreement in one of `categories` (few: they always join the candidates)."""
    counts = agreement_category_counts(senior_ids=None) if categories else {}
    return [pk for pk, by_category in counts.items() if categories & set(by_category)]


def fit_suggestions_for_enrolment(*, enrolment: EventCompany, limit: int = 10) -> list[SeniorSuggestion]:
    """The `limit` best-fitting seniors for the company's issues who have not applied to it, best first, each
    with its reasons and whether the company has invited them already. The caller authorised `enrolment`."""
    issues = _enrolment_issue_facts(enrolment)
    if not issues:
        return []
    applied = set(live_choices().filter(enrolment=enrolment).values_list("application__senior_id", flat=True))
    fits = _best_seniors(issues, exclude=applied, limit=limit)
    invited = set(
        SeniorInvitation.objects.filter(enrolment=enrolment, withdrawn_at__isnull=True).values_list(
            "senior_id", flat=True
        )
    )
    profiles = SeniorProfile.objects.select_related("user").in_bulk([f.senior for f in fits])
    return [
        SeniorSuggestion(senior=profiles[f.senior], reasons=reason_texts(f), invited=f.senior in invited)
        for f in fits
        if f.senior in profiles
    ]


def _best_seniors(issues: Sequence[IssueFacts], *, exclude: Iterable[int], limit: int) -> list[Fit]:
    ids = _candidates(issues, exclude=exclude, limit=CANDIDATES)
    index = SeniorIndex(senior_facts(ids))
    best: dict[int, Fit] = {}
    for issue in issues:
        for fit in index.rank(issue, limit=len(ids)):
            if fit.senior not in best or fit.score > best[fit.senior].score:
                best[fit.senior] = fit
    return sorted(best.values(), key=lambda f: (-f.score, f.senior))[:limit]


# --- an event's issues for one senior ---------------------------------------------------------------------


@dataclass(frozen=True)
class IssueSuggestion:
    enrolment_id: int
    label: str  # what the senior may call the company (the issue list's display name)
    title: str
    category: str
    reasons: list[str]
    score: float = field(repr=False, default=0.0)  # for thresholds and tests; never shown


@dataclass(frozen=True)
class PublishedIssues:
    """An event's published issue list prepared for scoring seniors (cached per process, see below)."""

    facts: list[IssueFacts]
    index: IssueIndex
    titles: dict[int, str]  # by enrolment id
    names: dict[int, str]  # what a senior may call each company, by enrolment id
    categories: dict[int, str]  # category label, by issue id
    groups: dict[int, int]  # enrolment id, by issue id


_PUBLISHED_CACHE: OrderedDict[tuple[object, ...], PublishedIssues] = OrderedDict()
_PUBLISHED_CACHE_SIZE = 16


def published_issues(*, event: Event) -> PublishedIssues:
    """The published issues of `event`, rebuilt only when something they are made of changed.

    The issue list hardly changes once published, while every senior's page and the mail score against all
    of it: one aggregate query checks the sheets', companies' and enrolments' last change and the number of
    issues; the prepared index (its TF-IDF model included) is kept per process for the newest versions.
    """
    version = enrolments_of_event(event=event).aggregate(
        enrolments=Max("updated_at"),
        sheets=Max("hearing__updated_at"),
        companies=Max("company__updated_at"),
        issues=Count("hearing__issues"),
        areas=Count("hearing__issues__expertise"),
    )

    def make() -> PublishedIssues:
        facts, enrolments = issue_facts_for_event(event=event, published_only=True)
        return PublishedIssues(
            facts=facts,
            index=IssueIndex(facts),
            titles={pk: e.hearing.public_title for pk, e in enrolments.items()},  # type: ignore[attr-defined]  # prefetched
            names=issue_display_names(event=event, enrolments=enrolments),
            categories={i.key: i.category_label for i in facts},
            groups={i.key: i.group for i in facts},
        )

    return _kept(_PUBLISHED_CACHE, _PUBLISHED_CACHE_SIZE, (event.pk, event.updated_at, *version.values()), make)


def fit_issues_for_senior(
    *,
    event: Event,
    senior: SeniorProfile,
    limit: int | None = None,
    threshold: float | None = None,
    facts: SeniorFacts | None = None,
) -> list[IssueSuggestion]:
    """The companies of `event`'s published issue list in fit order for `senior`, each at its best-fitting
    issue with the reasons. Only published fields are read (module docstring). The caller checked that the
    reader is this senior, under the pledge in force. `facts`: the senior's (own_senior_facts), when the caller
    has them already (the dashboard panel asks for several events)."""
    published = published_issues(event=event)
    if not published.facts:
        return []
    me = facts if facts is not None else own_senior_facts(senior)
    return suggestions_from_fits(published, published.index.fits(me, threshold=threshold, limit=limit))


def suggestions_from_fits(published: PublishedIssues, fits: Iterable[Fit]) -> list[IssueSuggestion]:
    return [
        IssueSuggestion(
            enrolment_id=published.groups[f.issue],
            label=published.names.get(published.groups[f.issue], ""),
            title=published.titles.get(published.groups[f.issue], ""),
            category=gettext(published.categories[f.issue]),
            reasons=reason_texts(f),
            score=f.score,
        )
        for f in fits
    ]


def issue_display_names(*, event: Event, enrolments: dict[int, EventCompany]) -> dict[int, str]:
    """What a senior under the pledge may call each company: its name where disclosure was agreed and
    chosen, else its anonymous label on the issue list."""
    return _display_names(enrolments, issue_list_labels(event=event))


def _display_names(enrolments: dict[int, EventCompany], labels: dict[int, str]) -> dict[int, str]:
    shown = {}
    for pk, enrolment in enrolments.items():
        sheet = enrolment.hearing  # type: ignore[attr-defined]  # prefetched
        show = sheet.show_name and sheet.name_disclosure_agreed
        shown[pk] = enrolment.company.name if show else labels.get(pk, "")
    return shown


# --- the coordinator's 応募が少ない課題 ------------------------------------------------------------------------


@dataclass(frozen=True)
class ThinIssue:
    enrolment: EventCompany
    title: str
    fitting_applicants: int
    applicants: int
    suggestions: list[SeniorSuggestion]


def fit_thin_issues(*, event: Event, suggestions: int = 5) -> list[ThinIssue]:
    """The companies of `event` with fewer than FITTING_APPLICANTS_FLOOR applicants who fit (score at least
    FIT_THRESHOLD), each with its best-fitting seniors who have not applied. The caller is the event's
    coordinator."""
    facts, enrolments = issue_facts_for_event(event=event, published_only=False)
    by_group: dict[int, list[IssueFacts]] = {}
    for f in facts:
        by_group.setdefault(f.group, []).append(f)
    applied: dict[int, set[int]] = {}
    for enrolment_id, senior_id in (
        live_choices().filter(enrolment__event=event).values_list("enrolment_id", "application__senior_id")
    ):
        applied.setdefault(enrolment_id, set()).add(senior_id)
    all_applicants = set().union(*applied.values()) if applied else set()
    consenting = suggestible_seniors().filter(pk__in=all_applicants).order_by("pk").values_list("pk", flat=True)
    applicant_facts = {f.key: f for f in senior_facts(list(consenting))}
    thin = []
    for enrolment_id, issues in by_group.items():
        mine = [applicant_facts[s] for s in sorted(applied.get(enrolment_id, set())) if s in applicant_facts]
        best: dict[int, float] = {}
        for issue in issues:
            for fit in rank_seniors(issue, mine, limit=len(mine)):
                best[fit.senior] = max(best.get(fit.senior, fit.score), fit.score)
        fitting = sum(score >= FIT_THRESHOLD for score in best.values())
        if fitting >= FITTING_APPLICANTS_FLOOR:
            continue
        fits = _best_seniors(issues, exclude=applied.get(enrolment_id, set()), limit=suggestions)
        people = SeniorProfile.objects.select_related("user").in_bulk([f.senior for f in fits])
        enrolment = enrolments[enrolment_id]
        thin.append(
            ThinIssue(
                enrolment=enrolment,
                title=enrolment.hearing.public_title,  # type: ignore[attr-defined]  # prefetched
                fitting_applicants=fitting,
                applicants=len(applied.get(enrolment_id, set())),
                suggestions=[SeniorSuggestion(senior=people[f.senior], reasons=reason_texts(f)) for f in fits],
            )
        )
    thin.sort(key=lambda t: (t.fitting_applicants, t.enrolment.pk))
    return thin


# --- the senior's dashboard -----------------------------------------------------------------------------------

FIT_PANEL_EVENTS = 3
FIT_PANEL_ISSUES = 3


def fit_panel_rows(*, user: User) -> list[dict[str, object]]:
    """For a senior under the pledge in force: the best few fits of each event open for applications (the
    soonest FIT_PANEL_EVENTS); empty for anyone else."""
    try:
        profile = senior_profile_of(user)
    except Http404:
        return []
    if not senior_has_current_pledge(profile):
        return []
    events = events_for_senior(user=user).filter(
        status=EventStatus.PUBLISHED, application_deadline__gte=timezone.localdate()
    )
    rows: list[dict[str, object]] = []
    facts: SeniorFacts | None = None
    for event in events.order_by("date", "pk")[:FIT_PANEL_EVENTS]:
        # Companies the senior has already chosen are not suggested again ("apply" to what they applied to).
        chosen = set(
            ApplicationChoice.objects.filter(application__event=event, application__senior=profile)
            .exclude(application__status=ApplicationStatus.WITHDRAWN)
            .values_list("enrolment_id", flat=True)
        )
        if facts is None:  # the same for every event: read once
            facts = own_senior_facts(profile)
        suggestions = [
            s
            for s in fit_issues_for_senior(
                event=event, senior=profile, limit=FIT_PANEL_ISSUES + len(chosen), facts=facts
            )
            if s.enrolment_id not in chosen
        ][:FIT_PANEL_ISSUES]
        if suggestions:
            rows.append({"event": event, "suggestions": suggestions})
    return rows
