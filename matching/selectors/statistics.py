"""Statistics of the events that took place: matching rate, per event, cumulative, by breakdown, by year.

Definitions (the page's 「集計の定義」 repeats them):

* only events that took place count: status held, follow_up or closed;
* participating companies = the event's enrolments (EventCompany rows); cumulative totals show both
  延べ (enrolments) and 実数 (distinct companies);
* a supported enrolment has at least one SupportAgreement of that enrolment; matching rate = supported
  enrolments / enrolments, summed over the group (never an average of rates);
* interviews = meetings of the event's published timetable; participating seniors = distinct seniors with
  such a meeting (both counted from the stored summary matching.models.MeetingFigure, rebuilt whenever a
  timetable is published or a hearing sheet's issues or a company's branch change); second interviews =
  SecondInterview rows not cancelled; agreements = SupportAgreement rows;
* prefecture = the event's prefecture; issue category = the categories of the enrolment's hearing sheet
  (a company with two categories counts in both).

Who sees what (`statistics_scope_for`):

* a coordinator: every event;
* bank staff / institution admin: their own institution's enrolments only (per event, per breakdown),
  and national totals over every institution, suppressed when fewer than `MIN_OTHER_INSTITUTIONS`
  other institutions' companies are in them (so that no other bank's clients can be told apart);
* local government staff: the events their organisation co-hosts and the events held in its prefecture;
* everyone else: no statistics (404).

Every figure is a database aggregate (values().annotate(), Count(distinct=True)); Python only formats
the few aggregated rows. One figure source per table (enrolments, meetings, second interviews,
agreements), each grouped by the same key, so no join multiplies another table's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.access import enrolments_for_statistics
from events.enums import EventStatus, IssueCategory
from events.models import Event
from participants.enums import OrganizationKind
from participants.models import PREFECTURE_CHOICES, User
from sks.db import postgres_settings
from sks.roles import INSTITUTION_ROLES, Role

from ..access import agreements_for_statistics, meeting_figures_for_statistics, second_interviews_for_statistics
from ..enums import SecondInterviewStatus, SurveyRole
from ..models import SurveyResponse

__all__ = [
    "BREAKDOWNS",
    "HELD_STATUSES",
    "MIN_OTHER_INSTITUTIONS",
    "Breakdown",
    "Chart",
    "EventStatRow",
    "StatFilters",
    "StatRow",
    "StatisticsScope",
    "breakdown_rows",
    "event_figures",
    "event_rows",
    "event_stat_rows",
    "event_wide_figures",
    "format_rate",
    "monthly_rows",
    "national_totals",
    "scope_events",
    "statistics_scope_for",
    "totals",
    "trend_chart",
    "user_may_see_statistics",
]

HELD_STATUSES: tuple[str, ...] = (EventStatus.HELD, EventStatus.FOLLOW_UP, EventStatus.CLOSED)
# A national figure shown to a bank is suppressed unless the other banks' companies in it come from at
# least this many other institutions (small-cell suppression).
MIN_OTHER_INSTITUTIONS = 3
STATISTICS_ROLES: frozenset[str] = frozenset({Role.COORDINATOR, Role.LOCAL_GOVERNMENT, *INSTITUTION_ROLES})

ScopeKind = Literal["coordinator", "institution", "region"]


# --- who sees what ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsScope:
    """The part of the statistics a user may see: `institution_ids` limits the enrolments (banks), the
    region (co-hosting organisations and their prefectures) limits the events (local governments)."""

    kind: ScopeKind
    institution_ids: tuple[int, ...] = ()
    region_org_ids: tuple[int, ...] = ()
    region_prefectures: tuple[str, ...] = ()

    @property
    def breakdowns(self) -> tuple[str, ...]:
        if self.kind == "region":
            # A local government sees its region's events, not how each bank's clients did.
            return ("year", "coordinator", "prefecture", "category")
        return tuple(BREAKDOWNS)

    def event_q(self, prefix: str = "") -> Q:
        """The events in scope, as a filter on `<prefix>` (an Event lookup path, "" for Event itself)."""
        q = Q(**{f"{prefix}status__in": HELD_STATUSES})
        if self.kind == "region":
            region = Q(co_hosts__in=self.region_org_ids)
            if self.region_prefectures:
                region |= Q(prefecture__in=self.region_prefectures)
            # A subquery, so that the co-host join never multiplies the counted rows.
            q &= Q(**{f"{prefix}pk__in": Event.objects.filter(region).values("pk")})
        elif self.kind == "institution":
            hosted = Q(event_hosts__institution_id__in=self.institution_ids)
            enrolled = Q(
                Exists(
                    enrolments_for_statistics().filter(event_id=OuterRef("pk"), institution_id__in=self.institution_ids)
                )
            )
            q &= Q(**{f"{prefix}pk__in": Event.objects.filter(hosted | enrolled).values("pk")})
        return q


def user_may_see_statistics(user: User) -> bool:
    return bool(user.roles & STATISTICS_ROLES)


def statistics_scope_for(*, user: User) -> StatisticsScope:
    """The user's scope; Http404 for users with no statistics (seniors, company contacts, alumni)."""
    roles = user.roles
    if Role.COORDINATOR in roles:
        return StatisticsScope(kind="coordinator")
    if roles & INSTITUTION_ROLES and user.institution_ids:
        return StatisticsScope(kind="institution", institution_ids=tuple(user.institution_ids))
    if Role.LOCAL_GOVERNMENT in roles:
        orgs = [
            m.organization
            for m in user.active_memberships
            if m.role == Role.LOCAL_GOVERNMENT and m.organization.kind == OrganizationKind.LOCAL_GOVERNMENT
        ]
        if orgs:
            return StatisticsScope(
                kind="region",
                region_org_ids=tuple(sorted(o.pk for o in orgs)),
                region_prefectures=tuple(sorted({o.prefecture for o in orgs if o.prefecture})),
            )
    raise Http404


# --- filters ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatFilters:
    """The page's filters; institution, coordinator and prefecture only for coordinators (the form)."""

    year_from: int | None = None
    year_to: int | None = None
    institution_id: int | None = None
    coordinator_id: int | None = None
    prefecture: str = ""

    def event_q(self, prefix: str = "") -> Q:
        q = Q()
        if self.year_from:
            q &= Q(**{f"{prefix}date__gte": dt.date(self.year_from, 1, 1)})
        if self.year_to:
            q &= Q(**{f"{prefix}date__lte": dt.date(self.year_to, 12, 31)})
        if self.coordinator_id:
            q &= Q(**{f"{prefix}coordinator_id": self.coordinator_id})
        if self.prefecture:
            q &= Q(**{f"{prefix}prefecture": self.prefecture})
        return q

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


def _enrolment_q(scope: StatisticsScope, filters: StatFilters, prefix: str = "", event_prefix: str | None = None) -> Q:
    """The enrolments counted for the scope and filters, as a filter on `<prefix>` (an EventCompany path);
    `event_prefix` reaches the event another way (a meeting's timetable) when that saves a join."""
    event_prefix = f"{prefix}event__" if event_prefix is None else event_prefix
    q = scope.event_q(event_prefix) & filters.event_q(event_prefix)
    if scope.kind == "institution":
        q &= Q(**{f"{prefix}institution_id__in": scope.institution_ids})
    if filters.institution_id:
        q &= Q(**{f"{prefix}institution_id": filters.institution_id})
    return q


# --- figures ---------------------------------------------------------------------------------------------


def format_rate(numerator: int | None, denominator: int | None) -> str:
    if not denominator:
        return "—"
    return f"{100 * (numerator or 0) / denominator:.1f}%"


@dataclass
class StatRow:
    """The figures of one group (an event, a year, a branch…), all from aggregates."""

    key: Any = None
    label: str = ""
    events: int = 0
    enrolments: int = 0
    companies: int = 0
    supported: int = 0
    seniors: int = 0
    interviews: int = 0
    second_interviews: int = 0
    agreements: int = 0
    suppressed: bool = False

    @property
    def rate(self) -> float | None:
        return self.supported / self.enrolments if self.enrolments else None

    @property
    def rate_display(self) -> str:
        return format_rate(self.supported, self.enrolments)


@dataclass(frozen=True)
class Breakdown:
    name: str
    label: Any  # lazy text
    path: str  # the grouping key, as a lookup path from EventCompany
    label_path: str | None = None


BREAKDOWNS: dict[str, Breakdown] = {
    b.name: b
    for b in (
        Breakdown("year", gettext_lazy("年"), "event__date__year"),
        Breakdown("institution", gettext_lazy("金融機関"), "institution_id", "institution__name"),
        Breakdown("branch", gettext_lazy("支店"), "company__branch_id", "company__branch__name"),
        Breakdown(
            "coordinator", gettext_lazy("コーディネート団体"), "event__coordinator_id", "event__coordinator__name"
        ),
        Breakdown("prefecture", gettext_lazy("開催都道府県"), "event__prefecture"),
        Breakdown("category", gettext_lazy("課題の分類"), "hearing__issues__category"),
    )
}
_PREFECTURES = dict(PREFECTURE_CHOICES)
_CATEGORIES = dict(IssueCategory.choices)


def _supported() -> Q:
    """An enrolment with at least one agreement. `IN (SELECT enrolment_id …)` rather than a correlated
    EXISTS: PostgreSQL hashes the agreements once instead of probing an index per enrolment (and the
    lower cost estimate keeps its JIT compiler, slower than the query itself here, out of the way)."""
    return Q(pk__in=agreements_for_statistics().values("enrolment_id"))


# Sort and hash memory for the statistics' grouped counts on PostgreSQL (SET LOCAL, these statements only). At
# national scale a distinct count of the seniors over ~200,000 meetings sorts more than the default 4 MB,
# spills to disk and takes half again as long.
STATISTICS_WORK_MEM = "32MB"


def _grouped(**kwargs: Any) -> dict[Any, StatRow]:
    """`_grouped_figures` with the memory its groupings need (STATISTICS_WORK_MEM)."""
    with postgres_settings(work_mem=STATISTICS_WORK_MEM):
        return _grouped_figures(**kwargs)


def _grouped_figures(
    *,
    scope: StatisticsScope,
    filters: StatFilters,
    path: str | None,
    label_path: str | None = None,
    parts: str = "all",
    event_ids: list[int] | None = None,
) -> dict[Any, StatRow]:
    """Figures of the scope's enrolments (only `event_ids`' if given), grouped by `path` (a lookup path
    from EventCompany; None: one overall row).

    One query per source table. Second interviews and agreements carry their event and institution, so
    they are filtered without joining the enrolment; meetings are read from their stored summary
    (matching.models.MeetingFigure), which carries the institution and the issue categories. Labels are read
    with the enrolment figures only, which make every row. Rows are counted distinct only
    where a many-valued key (issue categories) could repeat them; that is where a company with two
    categories counts in both. `parts`: "all", "seniors" (enrolment figures and seniors) or "enrolments".
    """
    many = bool(path and "issues" in path)
    enrolment_key = bool(path and path.startswith(("company__", "hearing__")))
    rows: dict[Any, StatRow] = {}

    def where_event(event_prefix: str) -> Q:
        q = scope.event_q(event_prefix) & filters.event_q(event_prefix)
        if event_ids is not None:
            q &= Q(**{f"{event_prefix}pk__in": event_ids})
        return q

    def where_institution(prefix: str) -> Q:
        q = Q()
        if scope.kind == "institution":
            q &= Q(**{f"{prefix}institution_id__in": scope.institution_ids})
        if filters.institution_id:
            q &= Q(**{f"{prefix}institution_id": filters.institution_id})
        return q

    def where(prefix: str, event_prefix: str | None = None) -> Q:
        event_prefix = f"{prefix}event__" if event_prefix is None else event_prefix
        q = _enrolment_q(scope, filters, prefix, event_prefix)
        if event_ids is not None:
            q &= Q(**{f"{event_prefix}pk__in": event_ids})
        return q

    def keys(prefix: str, *, labelled: bool = False) -> list[str]:
        # The label (a join to the named table) only where the rows are made: the enrolments.
        return [prefix + k for k in (path, label_path if labelled else None) if k]

    def row_for(values: dict[str, Any], prefix: str = "") -> StatRow:
        key = values[prefix + path] if path else None
        if key not in rows:
            label = values.get(prefix + label_path, "") if label_path else ""
            rows[key] = StatRow(key=key, label=label or "")
        return rows[key]

    enrolment_aggregates: dict[str, Any] = {
        "n_events": Count("event_id", distinct=True),
        "n_enrolments": Count("pk", distinct=many),
        "n_companies": Count("company_id", distinct=True),
        "n_supported": Count("pk", distinct=many, filter=_supported()),
    }
    # Through a many-valued key every count is distinct anyway: counting second interviews and agreements
    # in the same pass is then cheaper than two more joins through the hearing sheets.
    combined = many and parts == "all"
    if combined:
        enrolment_aggregates["n_seconds"] = Count(
            "second_interviews", distinct=True, filter=~Q(second_interviews__status=SecondInterviewStatus.CANCELLED)
        )
        enrolment_aggregates["n_agreements"] = Count("agreements", distinct=True)
        # The agreements are joined here anyway: a supported enrolment is one with a joined agreement.
        enrolment_aggregates["n_supported"] = Count("pk", distinct=True, filter=Q(agreements__isnull=False))
    for values in _aggregate(
        enrolments_for_statistics().filter(where("")), keys("", labelled=True), **enrolment_aggregates
    ):
        row = row_for(values)
        row.events, row.enrolments, row.companies, row.supported = (
            values["n_events"],
            values["n_enrolments"],
            values["n_companies"],
            values["n_supported"],
        )
        row.second_interviews, row.agreements = values.get("n_seconds", 0), values.get("n_agreements", 0)
    if parts == "enrolments":
        return rows

    # Meetings are counted from their stored summary (matching.models.MeetingFigure, one row per meeting of a
    # published timetable and issue category, with the company's branch): no join to the timetable, the
    # enrolment, the company or the hearing sheet; the event is joined only for the scope and the filters.
    # The events as a subquery, not a join: PostgreSQL then reads the summary in its index order (see
    # _seniors_and_interviews) and looks each event up once (memoised) instead of hashing every row.
    figures = meeting_figures_for_statistics().filter(event__in=Event.objects.filter(where_event("")).values("pk"))
    if scope.kind == "institution" or filters.institution_id:
        figures = figures.filter(where_institution(""))
    if not many:
        figures = figures.filter(first=True)  # one row per meeting
    figure_path = {"hearing__issues__category": "category", "company__branch_id": "branch_id"}.get(path or "", path)
    for key, n_seniors, n_interviews in _seniors_and_interviews(figures, figure_path):
        row = row_for({path: key} if path and figure_path else {})
        row.seniors = n_seniors
        row.interviews = n_interviews if parts == "all" else 0
    if parts != "all" or combined:
        return rows

    # Second interviews and agreements carry the enrolment's event and institution (no join needed).
    prefix = "enrolment__" if enrolment_key else ""
    seconds = second_interviews_for_statistics().filter(where("")).exclude(status=SecondInterviewStatus.CANCELLED)
    for values in _aggregate(seconds, keys(prefix), n=Count("pk", distinct=many)):
        row_for(values, prefix).second_interviews = values["n"]
    # An agreement carries its enrolment's company as well (matching.services.followup copies it): a company
    # key (the branch) is read from there, without joining the enrolment.
    agreement_prefix = "" if path and path.startswith("company__") else prefix
    agreements = agreements_for_statistics().filter(where(""))
    for values in _aggregate(agreements, keys(agreement_prefix), n=Count("pk", distinct=many)):
        row_for(values, agreement_prefix).agreements = values["n"]
    return rows


# The summary's keys with an index that starts (key, senior, event) (MeetingFigure.Meta.indexes): grouped by
# key and senior, PostgreSQL reads that index alone, in order, and counts as it goes, once told not to hash.
ORDERED_FIGURE_KEYS = frozenset({"category", "branch_id"})


def _seniors_and_interviews(figures: QuerySet[Any], key_path: str | None) -> list[tuple[Any, int, int]]:
    """(key, distinct seniors, meetings) per value of `key_path` (one overall row without a key): what
    `COUNT(DISTINCT senior_id)` and `COUNT(*)` grouped by the key give, in two groupings instead.

    The meetings are first grouped by key and senior (the ORM's statement), then those groups by key: a
    distinct count makes PostgreSQL sort every meeting by the key (~260,000 rows, text compared by collation at
    national scale). For a key of ORDERED_FIGURE_KEYS both groupings stream over the summary's
    (key, senior, event) index, already in order (index-only: no table read, no sort, no hash table of
    ~200,000 groups); for the others both hash. Every summary row has a senior (a required column).
    """
    pairs = figures.order_by()
    ordered = key_path in ORDERED_FIGURE_KEYS
    if key_path and ordered:  # grouped by (key, senior): the index's order
        key_alias = key_path
        pairs = pairs.values(key_path, "senior_id")
    elif key_path:
        key_alias = "stat_key"
        pairs = pairs.annotate(stat_key=F(key_path)).values("stat_key", "senior_id")
    else:
        pairs = pairs.values("senior_id")
    try:
        inner_sql, params = pairs.annotate(n=Count("*")).query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (no events given): what the aggregates give
        return [] if key_path else [(None, 0, 0)]
    converters: list[Any] = []
    if key_path and not ordered:  # the key's value as the ORM would give it (a year is an int, not numeric)
        expression = pairs.query.annotations["stat_key"]
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
    key = f"pairs.{connection.ops.quote_name(key_alias)}" if key_path else "NULL"
    sql = (
        f"SELECT {key}, COUNT(pairs.senior_id), COALESCE(SUM(pairs.n), 0) FROM ({inner_sql}) pairs"  # noqa: S608  (compiled by the ORM, parameters apart)
        + (f" GROUP BY {key}" if key_path else "")
    )
    with postgres_settings(**({"enable_hashagg": "off"} if ordered else {})), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for value, n_seniors, n_interviews in rows:
        for converter in converters:
            value = converter(value, expression, connection)
        result.append((value, int(n_seniors), int(n_interviews)))
    return result


def _aggregate(queryset: QuerySet[Any], keys: list[str], **aggregates: Any) -> list[dict[str, Any]]:
    """One row per value of `keys` (GROUP BY), or one overall row when there are no keys."""
    if not keys:
        return [queryset.aggregate(**aggregates)]
    return list(queryset.values(*keys).order_by().annotate(**aggregates))


def totals(*, scope: StatisticsScope, filters: StatFilters, parts: str = "all") -> StatRow:
    """The cumulative totals of the scope (the organisers' published shape, plus interview counts);
    `parts="enrolments"` for the matching rate alone (one query: the dashboard panel)."""
    rows = _grouped(scope=scope, filters=filters, path=None, parts=parts)
    return rows.get(None) or StatRow()


def event_figures(*, event: Event, scope: StatisticsScope) -> StatRow:
    """One held event's figures as `scope` may see them, counted as the statistics page counts them: a
    coordinator's the whole event, a bank's only its own institution's companies (even in a joint event).
    The follow-up close summary sends these, so the mail and the page never disagree."""
    rows = _grouped(scope=scope, filters=StatFilters(), path=None, event_ids=[event.pk])
    return rows.get(None) or StatRow()


def event_wide_figures(*, event: Event, scope: StatisticsScope) -> StatRow:
    """The whole event's figures as `scope` may see them: a coordinator always; a bank under the national
    rule, only when the other companies of the event come from at least MIN_OTHER_INSTITUTIONS other
    institutions (otherwise `suppressed`, figures zero), so that no single other bank's figures can be
    derived by subtracting one's own; everyone else never."""
    if scope.kind == "coordinator":
        return event_figures(event=event, scope=scope)
    if scope.kind != "institution":
        return StatRow(suppressed=True)
    others = (
        enrolments_for_statistics()
        .filter(event=event)
        .exclude(institution_id__in=scope.institution_ids)
        .aggregate(n=Count("institution_id", distinct=True))["n"]
    )
    if others < MIN_OTHER_INSTITUTIONS:
        return StatRow(suppressed=True)
    return event_figures(event=event, scope=StatisticsScope(kind="coordinator"))


def national_totals(*, scope: StatisticsScope, filters: StatFilters) -> StatRow:
    """All institutions' totals as a bank may see them: suppressed (figures zero, `suppressed`) when the
    other institutions' companies come from fewer than MIN_OTHER_INSTITUTIONS institutions."""
    national = StatisticsScope(kind="coordinator")
    years = StatFilters(year_from=filters.year_from, year_to=filters.year_to)
    q = _enrolment_q(national, years)
    others = (
        enrolments_for_statistics()
        .filter(q)
        .exclude(institution_id__in=scope.institution_ids)
        .aggregate(n=Count("institution_id", distinct=True))["n"]
    )
    if others < MIN_OTHER_INSTITUTIONS:
        return StatRow(suppressed=True)
    rows = _grouped(scope=national, filters=years, path=None, parts="seniors")
    return rows.get(None) or StatRow()


def breakdown_rows(*, scope: StatisticsScope, filters: StatFilters, name: str, parts: str = "all") -> list[StatRow]:
    """One breakdown's rows (sorted by label, the year breakdown by year); `parts="enrolments"` for the
    enrolment figures and rate only (the trend chart)."""
    if name not in scope.breakdowns:
        raise Http404
    breakdown = BREAKDOWNS[name]
    grouped = _grouped(scope=scope, filters=filters, path=breakdown.path, label_path=breakdown.label_path, parts=parts)
    rows = list(grouped.values())
    for row in rows:
        row.label = _label(name, row)
    if name == "year":
        return sorted(rows, key=lambda r: r.key or 0)
    return sorted(rows, key=lambda r: (r.key is None, str(r.label)))


def _label(name: str, row: StatRow) -> str:
    if name == "year":
        return _("%(year)s年") % {"year": row.key}
    if name == "prefecture":
        return str(_PREFECTURES.get(row.key, _("未設定")))
    if name == "category":
        return str(_CATEGORIES.get(row.key, _("未分類")))
    if name == "branch" and row.key is None:
        return _("支店の登録なし")
    return row.label or "—"


def monthly_rows(*, scope: StatisticsScope, filters: StatFilters, today: dt.date | None = None) -> list[StatRow]:
    """Enrolments, supported enrolments and rate for each of the last 12 months (months with events)."""
    today = today or timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    q = _enrolment_q(scope, filters) & Q(event__date__gte=first, event__date__lte=today)
    result = []
    for values in (
        enrolments_for_statistics()
        .filter(q)
        .annotate(month=TruncMonth("event__date"))
        .values("month")
        .order_by("month")
        .annotate(n_enrolments=Count("pk", distinct=True), n_supported=Count("pk", distinct=True, filter=_supported()))
    ):
        month = values["month"]
        result.append(
            StatRow(
                key=month,
                label=f"{month.year}/{month.month}",
                enrolments=values["n_enrolments"],
                supported=values["n_supported"],
            )
        )
    return result


# --- events ----------------------------------------------------------------------------------------------


@dataclass
class EventStatRow:
    event: Event
    stats: StatRow
    survey: list[tuple[str, int, float]] = field(default_factory=list)  # (role label, responses, mean)


def scope_events(*, scope: StatisticsScope, filters: StatFilters) -> QuerySet[Event]:
    """The events in the per-event table, newest first. A bank's filter on an institution is its own."""
    q = scope.event_q() & filters.event_q()
    if filters.institution_id:
        q &= Q(pk__in=enrolments_for_statistics().filter(institution_id=filters.institution_id).values("event_id"))
    return Event.objects.filter(q).select_related("coordinator").order_by("-date", "-pk")


def event_rows(*, scope: StatisticsScope, filters: StatFilters, events: Sequence[Event]) -> list[EventStatRow]:
    """The per-event figures of `events` (one page of `scope_events`), with their survey results."""
    ids = [e.pk for e in events]
    stats = _grouped(scope=scope, filters=filters, path="event_id", event_ids=ids)
    surveys: dict[int, list[tuple[str, int, float]]] = {}
    roles = dict(SurveyRole.choices)
    for values in (
        SurveyResponse.objects.filter(event_id__in=ids)
        .values("event_id", "role")
        .order_by("event_id", "role")
        .annotate(n=Count("pk"), mean=Avg("satisfaction"))
    ):
        surveys.setdefault(values["event_id"], []).append(
            (str(roles.get(values["role"], values["role"])), values["n"], float(values["mean"]))
        )
    return [
        EventStatRow(event=e, stats=stats.get(e.pk) or StatRow(key=e.pk), survey=surveys.get(e.pk, [])) for e in events
    ]


def event_stat_rows(*, scope: StatisticsScope, filters: StatFilters) -> list[EventStatRow]:
    """Every event of the scope with its figures (the export; the page shows one page at a time)."""
    events = list(scope_events(scope=scope, filters=filters))
    return event_rows(scope=scope, filters=filters, events=events)


# --- the trend chart -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class ChartLabel:
    x: float
    y: float
    text: str


@dataclass
class Chart:
    """An SVG bar chart (enrolments and supported per group) with the matching rate as a line; every
    coordinate computed here so that the template only writes attributes (no inline style under the CSP)."""

    width: int
    height: int
    bars: list[ChartBar]
    points: str
    dots: list[ChartLabel]
    labels: list[ChartLabel]
    y_ticks: list[ChartLabel]
    rate_ticks: list[ChartLabel]
    grid: list[float]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def trend_chart(rows: Iterable[StatRow], *, width: int = 720, height: int = 300) -> Chart | None:
    rows = [r for r in rows if r.enrolments]
    if not rows:
        return None
    left, right, top, bottom = 56, width - 56, 16, height - 40
    plot_h = bottom - top
    peak = max(r.enrolments for r in rows)
    step = _nice_step(peak)
    top_value = step * max(1, -(-peak // step))
    slot = (right - left) / len(rows)
    bar_w = max(2.0, min(28.0, slot * 0.35))
    bars: list[ChartBar] = []
    dots: list[ChartLabel] = []
    labels: list[ChartLabel] = []
    points: list[str] = []
    for i, row in enumerate(rows):
        centre = left + slot * (i + 0.5)
        for offset, value, css, what in (
            (-bar_w, row.enrolments, "chart-bar-enrolments", _("参加企業（延べ）")),
            (0.0, row.supported, "chart-bar-supported", _("支援成立企業")),
        ):
            h = plot_h * value / top_value
            bars.append(
                ChartBar(
                    x=round(centre + offset, 1),
                    y=round(bottom - h, 1),
                    width=round(bar_w, 1),
                    height=round(h, 1),
                    css=css,
                    title=f"{row.label} {what}: {value}",
                )
            )
        y_rate = bottom - plot_h * (row.rate or 0)
        points.append(f"{centre:.1f},{y_rate:.1f}")
        dots.append(ChartLabel(x=round(centre, 1), y=round(y_rate, 1), text=f"{row.label} {row.rate_display}"))
        labels.append(ChartLabel(x=round(centre, 1), y=bottom + 18, text=str(row.label)))
    y_ticks = [
        ChartLabel(x=left - 6, y=round(bottom - plot_h * v / top_value, 1), text=str(v))
        for v in range(0, top_value + 1, step)
    ]
    rate_ticks = [
        ChartLabel(x=right + 6, y=round(bottom - plot_h * p / 100, 1), text=f"{p}%") for p in (0, 25, 50, 75, 100)
    ]
    return Chart(
        width=width,
        height=height,
        bars=bars,
        points=" ".join(points),
        dots=dots,
        labels=labels,
        y_ticks=y_ticks,
        rate_ticks=rate_ticks,
        grid=[t.y for t in y_ticks],
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
    )


def _nice_step(peak: int) -> int:
    """A round tick interval (1, 2, 5 × 10ⁿ) giving at most 5 ticks above zero."""
    magnitude = 1
    while True:
        for base in (1, 2, 5):
            if base * magnitude * 5 >= peak:
                return base * magnitude
        magnitude *= 10
