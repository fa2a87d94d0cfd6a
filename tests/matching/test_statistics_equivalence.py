"""The statistics figures equal those of the earlier computation (one query per source table, each joining
what it needed, meetings counted from the meetings themselves), kept below as the reference, on random data:
every breakdown, the totals and the per-event figures, for a coordinator, a bank and a local government,
with and without filters. The selectors count interviews and seniors from the stored summary
(matching.models.MeetingFigure): a rebuild writes the same rows, the services that change its inputs
(publishing, a hearing sheet's issues) keep it equal to the reference, and a wrong or stale summary fails the
comparison.

The random world has what the figures must handle: events in and out of the counted statuses, companies
with no branch, hearing sheets with no issue, two issues or the same category twice, draft and published
timetables of one event, cancelled second interviews and enrolments with several agreements.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import random
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db.models import Count, Q, QuerySet

from events.access import enrolments_for_statistics
from events.enums import EventStatus, HearingStatus
from events.models import Event, EventCompany, HearingIssue, HearingSheet
from events.services.hearings import HearingIssueInput, hearing_sheet_update
from matching.access import agreements_for_statistics, second_interviews_for_statistics
from matching.enums import SecondInterviewStatus, TimetableStatus
from matching.models import MeetingFigure, Timetable, TimetableMeeting
from matching.selectors import statistics as stats
from matching.selectors.statistics import StatFilters, StatisticsScope, StatRow, _enrolment_q
from matching.services.figures import meeting_figures_refresh_all
from matching.services.publish import timetable_publish
from participants.models import Branch, Company
from participants.services.companies import company_update
from sks.roles import Role
from tests.access import arranging, as_user, every
from tests.factories import (
    BranchFactory,
    CompanyFactory,
    CoordinatorOrgFactory,
    LocalGovernmentFactory,
    OrganizationFactory,
    SeniorProfileFactory,
    approved_hearing,
    enrol_company,
    make_agreement,
    make_event,
    make_second_interview,
    make_timetable,
    staff_user,
)

pytestmark = pytest.mark.django_db

CATEGORIES = ["sales", "product", "hr", "dx", "overseas"]
STATUSES = ["held", "follow_up", "closed", "closed", "selection", "preparing"]
SECOND_STATUSES = ["proposed", "agreed", "not_agreed", "cancelled", "held"]


# --- the reference: matching.selectors.statistics._grouped before issue 17 -------------------------------
def _reference_supported() -> Q:
    """An enrolment with at least one agreement. `IN (SELECT enrolment_id …)` rather than a correlated
    EXISTS: PostgreSQL hashes the agreements once instead of probing an index per enrolment (and the
    lower cost estimate keeps its JIT compiler, slower than the query itself here, out of the way)."""
    return Q(pk__in=agreements_for_statistics().values("enrolment_id"))


def reference_grouped(
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
    they are filtered without joining the enrolment; meetings reach the event through their timetable
    unless an institution filter or an enrolment key needs the enrolment. Rows are counted distinct only
    where a many-valued key (issue categories) could repeat them; that is where a company with two
    categories counts in both. `parts`: "all", "seniors" (enrolment figures and seniors) or "enrolments".
    """
    many = bool(path and "issues" in path)
    enrolment_key = bool(path and path.startswith(("company__", "hearing__")))
    rows: dict[Any, StatRow] = {}

    def where(prefix: str, event_prefix: str | None = None) -> Q:
        event_prefix = f"{prefix}event__" if event_prefix is None else event_prefix
        q = _enrolment_q(scope, filters, prefix, event_prefix)
        if event_ids is not None:
            q &= Q(**{f"{event_prefix}pk__in": event_ids})
        return q

    def keys(prefix: str) -> list[str]:
        return [prefix + k for k in (path, label_path) if k]

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
        "n_supported": Count("pk", distinct=many, filter=_reference_supported()),
    }
    # Through a many-valued key every count is distinct anyway: counting second interviews and agreements
    # in the same pass is then cheaper than two more joins through the hearing sheets.
    combined = many and parts == "all"
    if combined:
        enrolment_aggregates["n_seconds"] = Count(
            "second_interviews", distinct=True, filter=~Q(second_interviews__status=SecondInterviewStatus.CANCELLED)
        )
        enrolment_aggregates["n_agreements"] = Count("agreements", distinct=True)
    for values in _reference_aggregate(enrolments_for_statistics().filter(where("")), keys(""), **enrolment_aggregates):
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

    # Meetings reach their event through their timetable (joined anyway for its status), so the enrolment
    # is joined only for an institution filter or a key of the enrolment (institution, branch, category).
    meeting_prefix = "timetable__" if not path or path.startswith("event") else "enrolment__"
    meetings = TimetableMeeting.objects.filter(
        where("enrolment__", "timetable__event__"), timetable__status=TimetableStatus.PUBLISHED
    )
    aggregates: dict[str, Any] = {"n_seniors": Count("senior_id", distinct=True)}
    if parts == "all":
        aggregates["n_interviews"] = Count("pk", distinct=many)
    for values in _reference_aggregate(meetings, keys(meeting_prefix), **aggregates):
        row = row_for(values, meeting_prefix)
        row.seniors = values["n_seniors"]
        row.interviews = values.get("n_interviews", 0)
    if parts != "all" or combined:
        return rows

    # Second interviews and agreements carry the enrolment's event and institution (no join needed).
    prefix = "enrolment__" if enrolment_key else ""
    seconds = second_interviews_for_statistics().filter(where("")).exclude(status=SecondInterviewStatus.CANCELLED)
    for values in _reference_aggregate(seconds, keys(prefix), n=Count("pk", distinct=many)):
        row_for(values, prefix).second_interviews = values["n"]
    agreements = agreements_for_statistics().filter(where(""))
    for values in _reference_aggregate(agreements, keys(prefix), n=Count("pk", distinct=many)):
        row_for(values, prefix).agreements = values["n"]
    return rows


def _reference_aggregate(queryset: QuerySet[Any], keys: list[str], **aggregates: Any) -> list[dict[str, Any]]:
    """One row per value of `keys` (GROUP BY), or one overall row when there are no keys."""
    if not keys:
        return [queryset.aggregate(**aggregates)]
    return list(queryset.values(*keys).order_by().annotate(**aggregates))


# --- a random world ----------------------------------------------------------------------------------------
def random_world(rng: random.Random) -> dict[str, Any]:
    banks = [OrganizationFactory(name=f"乱数銀行{i}") for i in range(3)]
    branches = {
        bank.pk: [BranchFactory(organization=bank, name=f"{bank.name}支店{j}") for j in range(2)] for bank in banks
    }
    staff = {bank.pk: staff_user(Role.BANK_STAFF, bank, mfa=False) for bank in banks}
    coordinators = [CoordinatorOrgFactory(name=f"乱数団体{i}") for i in range(2)]
    lg = staff_user(Role.LOCAL_GOVERNMENT, LocalGovernmentFactory(name="乱数県", prefecture="14"), mfa=False)
    companies = [
        CompanyFactory(institution=bank, branch=rng.choice([None, *branches[bank.pk]]), name=f"株式会社乱数{i}")
        for i, bank in enumerate(rng.choice(banks) for _ in range(10))
    ]
    seniors = [SeniorProfileFactory() for _ in range(6)]
    events = []
    for i in range(6):
        hosts = rng.sample(banks, k=rng.choice([1, 2, 3]))
        event = make_event(
            coordinator_org=rng.choice(coordinators),
            hosts=hosts,
            status=rng.choice(STATUSES),
            date=dt.date(rng.choice([2024, 2025, 2026]), rng.randint(1, 12), rng.randint(1, 28)),
            prefecture=rng.choice(["13", "14", "27"]),
            title=f"乱数交流会{i}",
        )
        if rng.random() < 0.3:
            event.co_hosts.add(lg.active_memberships[0].organization)
        events.append(event)
        pool = [c for c in companies if c.institution_id in {h.pk for h in hosts}]
        enrolments = []
        for company in rng.sample(pool, k=min(len(pool), rng.randint(1, 5))):
            enrolment = enrol_company(event, company=company, staff=staff[company.institution_id])
            categories = rng.choice([[], [rng.choice(CATEGORIES)], rng.sample(CATEGORIES, 2), ["sales", "sales"]])
            if categories:
                sheet = approved_hearing(enrolment, category=categories[0])
                for category in categories[1:]:
                    HearingIssue.objects.create(sheet=sheet, category=category, description="乱数の課題")
            enrolments.append(enrolment)
        for status in rng.sample(["draft", "published"], k=rng.choice([1, 2])):
            pairs = {(rng.randrange(len(enrolments)), rng.randrange(len(seniors))) for _ in range(rng.randint(0, 8))}
            make_timetable(
                event,
                [(enrolments[e], seniors[s], slot % 4, "mutual") for slot, (e, s) in enumerate(pairs)],
                status=status,
            )
        for enrolment in enrolments:
            for _ in range(rng.choice([0, 0, 1, 2])):
                make_second_interview(enrolment, rng.choice(seniors), status=rng.choice(SECOND_STATUSES))
            for _ in range(rng.choice([0, 1, 1, 2])):
                make_agreement(enrolment, rng.choice(seniors))
    return {"banks": banks, "coordinators": coordinators, "events": events, "lg": lg}


def _as_dicts(rows: dict[Any, StatRow]) -> dict[Any, dict[str, Any]]:
    return {key: vars(row) for key, row in rows.items()}


def compare_with_reference(world: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """Every figure set the selectors compute (scopes × filters × groupings × parts × event pages), each
    compared with the reference: how many were compared, and the arguments of those that differ."""
    lg = world["lg"].active_memberships[0].organization
    scopes = [
        StatisticsScope(kind="coordinator"),
        StatisticsScope(kind="institution", institution_ids=(world["banks"][0].pk,)),
        StatisticsScope(kind="region", region_org_ids=(lg.pk,), region_prefectures=("14",)),
    ]
    filter_sets = [
        StatFilters(),
        StatFilters(year_from=2025, year_to=2026),
        StatFilters(coordinator_id=world["coordinators"][0].pk, prefecture="13"),
        StatFilters(institution_id=world["banks"][1].pk),
    ]
    paths: list[tuple[str | None, str | None]] = [(None, None), ("event_id", None)]
    paths += [(b.path, b.label_path) for b in stats.BREAKDOWNS.values()]
    event_ids = [e.pk for e in world["events"][:4]]
    compared, differing = 0, []
    for scope in scopes:
        for filters in filter_sets:
            for path, label_path in paths:
                for parts in ("all", "seniors", "enrolments"):
                    # event_ids only where the selectors pass them: one event's figures, a page of events.
                    for ids in (None, event_ids) if path in (None, "event_id") else (None,):
                        arguments = dict(
                            scope=scope, filters=filters, path=path, label_path=label_path, parts=parts, event_ids=ids
                        )
                        if _as_dicts(stats._grouped(**arguments)) != _as_dicts(reference_grouped(**arguments)):
                            differing.append(arguments)
                        compared += 1
    return compared, differing


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grouped_figures_equal_the_reference_on_random_data(seed):
    world = random_world(random.Random(seed))

    compared, differing = compare_with_reference(world)

    assert differing == []
    assert compared == 3 * 4 * 3 * (2 * 2 + 6)
    # The world is not empty where it matters: counted events with interviews and agreements.
    overall = stats._grouped(scope=StatisticsScope(kind="coordinator"), filters=StatFilters(), path=None)[None]
    assert overall.interviews > 0
    assert overall.agreements > 0


# --- the stored summary (matching.models.MeetingFigure) -----------------------------------------------------
def stored_summary() -> list[tuple[Any, ...]]:
    fields = ("meeting_id", "event_id", "institution_id", "company_id", "branch_id", "senior_id", "category", "first")
    return sorted(every(MeetingFigure).values_list(*fields), key=repr)


def counted_figure() -> MeetingFigure:
    """A summary row the coordinator's figures count (its event took place), of a company with an issue."""
    figure = (
        every(MeetingFigure)
        .filter(event__status__in=stats.HELD_STATUSES, first=True, category__isnull=False)
        .order_by("pk")
        .first()
    )
    assert figure is not None
    return figure


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_summary_is_what_a_rebuild_writes(seed):
    random_world(random.Random(seed))
    stored = stored_summary()

    with arranging():
        written = meeting_figures_refresh_all()

    assert stored_summary() == stored
    assert written == len(stored) > 0


def test_refresh_statistics_and_the_migration_rebuild_a_lost_summary():
    random_world(random.Random(1))
    stored = stored_summary()
    backfill = importlib.import_module("matching.migrations.0007_meeting_figure_backfill").backfill
    out = io.StringIO()

    with arranging():
        every(MeetingFigure).delete()
        call_command("refresh_statistics", stdout=out)
    rebuilt = stored_summary()
    with arranging():
        every(MeetingFigure).delete()
        backfill(django_apps, None)

    assert rebuilt == stored
    assert stored_summary() == stored
    assert f"{len(stored)} 行" in out.getvalue()


def _drop_a_counted_row(world: dict[str, Any]) -> None:
    counted_figure().delete()


def _move_a_row_to_another_category(world: dict[str, Any]) -> None:
    every(MeetingFigure).filter(pk=counted_figure().pk).update(category="quality")


def _count_a_meeting_under_no_row(world: dict[str, Any]) -> None:
    every(MeetingFigure).filter(pk=counted_figure().pk).update(first=False)


def _add_an_issue_without_the_signal(world: dict[str, Any]) -> None:
    enrolment = every(EventCompany).get(pk=counted_figure().meeting.enrolment_id)
    HearingIssue.objects.create(sheet=enrolment.hearing, category="quality", description="後から足した課題")


def _move_a_company_to_another_branch_without_the_signal(world: dict[str, Any]) -> None:
    company = every(Company).get(pk=counted_figure().company_id)
    other = every(Branch).filter(organization_id=company.institution_id).exclude(pk=company.branch_id).first()
    every(Company).filter(pk=company.pk).update(branch=other)


def _supersede_without_refreshing(world: dict[str, Any]) -> None:
    Timetable.objects.filter(pk=counted_figure().meeting.timetable_id).update(status=TimetableStatus.SUPERSEDED)


@pytest.mark.parametrize(
    "corrupt",
    [
        _drop_a_counted_row,
        _move_a_row_to_another_category,
        _count_a_meeting_under_no_row,
        _add_an_issue_without_the_signal,
        _move_a_company_to_another_branch_without_the_signal,
        _supersede_without_refreshing,
    ],
)
def test_a_wrong_or_stale_summary_fails_the_comparison(corrupt):
    # The comparison above is not vacuous: a summary that disagrees with the meetings shows.
    world = random_world(random.Random(1))
    assert compare_with_reference(world)[1] == []

    with arranging():
        corrupt(world)

    assert compare_with_reference(world)[1] != []


def test_hearing_sheet_update_refreshes_the_summary(django_capture_on_commit_callbacks):
    world = random_world(random.Random(2))
    with arranging():
        enrolment = every(EventCompany).select_related("event").get(pk=counted_figure().meeting.enrolment_id)
        HearingSheet.objects.filter(enrolment=enrolment).update(status=HearingStatus.DRAFT)
        staff = enrolment.attending_staff

    with as_user(staff), django_capture_on_commit_callbacks(execute=True):
        hearing_sheet_update(
            enrolment=enrolment,
            by=staff,
            support_form="ongoing",
            payment_capacity="subsidy_only",
            issues=[
                HearingIssueInput(category="quality", description="品質管理の仕組みを作りたい"),
                HearingIssueInput(category="hr", description="若手を育てたい"),
            ],
        )

    assert compare_with_reference(world)[1] == []
    categories = every(MeetingFigure).filter(meeting__enrolment=enrolment).values_list("category", flat=True)
    assert set(categories) == {"quality", "hr"}


def test_publishing_a_new_version_refreshes_the_summary(django_capture_on_commit_callbacks):
    world = random_world(random.Random(3))
    with arranging():
        event = every(EventCompany).get(pk=counted_figure().meeting.enrolment_id).event
        Event.objects.filter(pk=event.pk).update(status=EventStatus.HELD)
        enrolments = list(every(EventCompany).filter(event=event).order_by("pk"))
        seniors = [SeniorProfileFactory() for _ in range(3)]
        draft = make_timetable(
            event,
            [(enrolments[0], seniors[i], i, "mutual") for i in range(3)] + [(enrolments[-1], seniors[0], 3, "mutual")],
        )
        coordinator = staff_user(Role.COORDINATOR, event.coordinator, mfa=False)

    with as_user(coordinator), django_capture_on_commit_callbacks(execute=True):
        timetable_publish(timetable=draft, by=coordinator)

    assert compare_with_reference(world)[1] == []
    assert set(every(MeetingFigure).filter(event=event).values_list("meeting__timetable_id", flat=True)) == {draft.pk}
    figures = stats._grouped(
        scope=StatisticsScope(kind="coordinator"), filters=StatFilters(), path=None, event_ids=[event.pk]
    )[None]
    assert (figures.interviews, figures.seniors) == (4, 3)


@pytest.mark.parametrize("to_no_branch", [False, True])
def test_company_update_of_the_branch_updates_the_summary(to_no_branch):
    world = random_world(random.Random(1))
    with arranging():
        company = every(Company).get(pk=counted_figure().company_id)
        other = every(Branch).filter(organization_id=company.institution_id).exclude(pk=company.branch_id).first()
        staff = every(EventCompany).filter(company=company).first().attending_staff
    target = None if to_no_branch else other

    with as_user(staff):
        company_update(company=company, by=staff, branch=target)

    assert compare_with_reference(world)[1] == []
    branches = set(every(MeetingFigure).filter(company=company).values_list("branch_id", flat=True))
    assert branches == {None if target is None else target.pk}
