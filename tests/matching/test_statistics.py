"""Matching-rate arithmetic and visibility of matching.selectors.statistics on a hand-made dataset.

The dataset is tests.factories.statistics_world (its docstring lists every row). Worked out by hand:

Per event (only held / follow_up / closed events; E4 is in selection and never counts):
  E1: enrolments a1 a2 b1 = 3, supported a1 b1 = 2 → 66.7%; published meetings 5 (the draft's a2-s4 not),
      seniors {s1 s2 s3} = 3; second interviews not cancelled 2; agreements 2.
  E2: a1x c1 = 2, supported a1x (two agreements, counted once) = 1 → 50.0%; meetings 3, seniors {s1 s3}
      = 2; seconds 1; agreements 2.
  E3: b2 b3 = 2, supported b2 = 1 → 50.0%; meetings 2, seniors {s2 s4} = 2; seconds 1; agreements 1.
Cumulative: events 3; enrolments 3+2+2 = 7 (延べ), companies a1 a2 b1 c1 b2 b3 = 6 (実数: a1 enrolled twice);
  supported 2+1+1 = 4 → 4/7 = 57.1%; seniors {s1 s2 s3 s4} = 4; interviews 10; seconds 4; agreements 5.
By year: 2025 = E1 (3, 2, 66.7%); 2026 = E2+E3: 4 enrolments, 2 supported → 50.0% (not the mean of
  50% and 50% by luck: the coordinator breakdown below checks the sum-not-mean rule).
By coordinator: K1 = E1+E3: 5 enrolments, 3 supported → 60.0% (the mean of the event rates would be
  58.3%); K2 = E2: 2, 1 → 50.0%.
By institution: A = a1 a2 a1x: 3 (2 companies), supported a1 a1x = 2 → 66.7%, seniors {s1 s2 s3} = 3,
  interviews 2+1+2 = 5, seconds 2 (a2's is cancelled), agreements 3; B = b1 b2 b3: 3, 2 → 66.7%, seniors
  {s2 s3 s4} = 3, interviews 4, seconds 2, agreements 2; C = c1: 1, 0 → 0.0%.
By prefecture (the event's): 東京都 = E1+E3: 5, 3 → 60.0%; 神奈川県 = E2: 2, 1 → 50.0%.
By category (a1 has sales and dx, so it counts in both): sales = a1 a2 c1: 3, 1 → 33.3%, interviews
  2+1+1 = 4, seniors {s1 s2} = 2; dx = a1 a1x: 2, 2 → 100.0%; hr = b1 b2: 2, 2 → 100.0%;
  未分類 = b3: 1, 0 → 0.0%. (3+2+2+1 = 8 ≠ 7: a1 is in two categories.)
Bank A's branches: A本店 = a1 a1x: 2, 2 → 100.0%; A駅前支店 = a2: 1, 0 → 0.0%.
Bank B sees only its own: 3 enrolments, 2 supported → 66.7%; events E3, E1 (E1 as b1 alone: 1/1 →
  100.0%); never E2. National for B: the other institutions are A and C = 2 < 3 → suppressed.
The local government (prefecture 14, co-hosts E3): E2 + E3 = 4 enrolments, 2 supported → 50.0%.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from matching.selectors.statistics import (
    StatFilters,
    breakdown_rows,
    event_rows,
    national_totals,
    scope_events,
    statistics_scope_for,
    totals,
    trend_chart,
)
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    CompanyFactory,
    LocalGovernmentFactory,
    OrganizationFactory,
    company_contact,
    enrol_company,
    make_agreement,
    make_event,
    senior_user,
    staff_user,
    statistics_world,
)

pytestmark = pytest.mark.django_db
ALL = StatFilters()


@pytest.fixture
def world():
    with arranging():
        return statistics_world()


def figures(row):
    return (
        row.events,
        row.enrolments,
        row.companies,
        row.supported,
        row.rate_display,
        row.seniors,
        row.interviews,
        row.second_interviews,
        row.agreements,
    )


def table(rows):
    return {row.label: (row.enrolments, row.supported, row.rate_display) for row in rows}


def test_totals_for_coordinator_match_the_hand_count(world):
    scope = statistics_scope_for(user=world["coordinator"])

    assert figures(totals(scope=scope, filters=ALL)) == (3, 7, 6, 4, "57.1%", 4, 10, 4, 5)


def test_event_rows_for_coordinator_match_the_hand_count(world):
    scope = statistics_scope_for(user=world["coordinator"])
    events = list(scope_events(scope=scope, filters=ALL))

    rows = event_rows(scope=scope, filters=ALL, events=events)

    assert [(r.event.title, *figures(r.stats)) for r in rows] == [
        ("E3交流会", 1, 2, 2, 1, "50.0%", 2, 2, 1, 1),
        ("E2交流会", 1, 2, 2, 1, "50.0%", 2, 3, 1, 2),
        ("E1交流会", 1, 3, 3, 2, "66.7%", 3, 5, 2, 2),
    ]


def test_year_breakdown_sums_over_the_year(world):
    scope = statistics_scope_for(user=world["coordinator"])

    rows = breakdown_rows(scope=scope, filters=ALL, name="year")

    assert [(r.label, *figures(r)) for r in rows] == [
        ("2025年", 1, 3, 3, 2, "66.7%", 3, 5, 2, 2),
        ("2026年", 2, 4, 4, 2, "50.0%", 4, 5, 2, 3),
    ]


def test_coordinator_breakdown_is_a_sum_not_a_mean_of_rates(world):
    scope = statistics_scope_for(user=world["coordinator"])

    rows = breakdown_rows(scope=scope, filters=ALL, name="coordinator")

    assert table(rows) == {world["k1"].name: (5, 3, "60.0%"), "K2コーディネート団体": (2, 1, "50.0%")}


def test_institution_breakdown_matches_the_hand_count(world):
    scope = statistics_scope_for(user=world["coordinator"])

    rows = breakdown_rows(scope=scope, filters=ALL, name="institution")

    assert [(r.label, *figures(r)) for r in rows] == [
        ("A統計銀行", 2, 3, 2, 2, "66.7%", 3, 5, 2, 3),
        ("B統計銀行", 2, 3, 3, 2, "66.7%", 3, 4, 2, 2),
        ("C統計銀行", 1, 1, 1, 0, "0.0%", 1, 1, 0, 0),
    ]


def test_prefecture_breakdown_uses_the_event_prefecture(world):
    scope = statistics_scope_for(user=world["coordinator"])

    rows = breakdown_rows(scope=scope, filters=ALL, name="prefecture")

    assert table(rows) == {"東京都": (5, 3, "60.0%"), "神奈川県": (2, 1, "50.0%")}


def test_category_breakdown_counts_a_company_in_each_of_its_categories(world):
    scope = statistics_scope_for(user=world["coordinator"])

    rows = {r.label: r for r in breakdown_rows(scope=scope, filters=ALL, name="category")}

    assert {label: (r.enrolments, r.supported, r.rate_display) for label, r in rows.items()} == {
        "販路開拓": (3, 1, "33.3%"),
        "DX・IT": (2, 2, "100.0%"),
        "人材育成": (2, 2, "100.0%"),
        "未分類": (1, 0, "0.0%"),
    }
    # sales: seconds a1-s1 (a2's is cancelled) = 1, agreements a1-s1 = 1;
    # dx: seconds a1-s1 + a1x-s1 = 2, agreements a1-s1 + a1x-s1 + a1x-s3 = 3.
    assert (rows["販路開拓"].interviews, rows["販路開拓"].seniors) == (4, 2)
    assert [(rows[c].second_interviews, rows[c].agreements) for c in ("販路開拓", "DX・IT")] == [(1, 1), (2, 3)]


def test_category_named_twice_on_one_sheet_counts_once(world):
    from events.models import HearingIssue

    sheet = world["enrolments"]["a2"].hearing
    with arranging():
        HearingIssue.objects.create(sheet=sheet, category="sales", description="二つ目の販路の課題")
    scope = statistics_scope_for(user=world["coordinator"])

    rows = {r.label: r for r in breakdown_rows(scope=scope, filters=ALL, name="category")}

    sales = rows["販路開拓"]
    assert (sales.enrolments, sales.supported, sales.interviews, sales.seniors, sales.second_interviews) == (
        3,
        1,
        4,
        2,
        1,
    )


def test_filters_limit_years_and_coordinator(world):
    scope = statistics_scope_for(user=world["coordinator"])

    only_2026 = totals(scope=scope, filters=StatFilters(year_from=2026, year_to=2026))
    only_k1 = totals(scope=scope, filters=StatFilters(coordinator_id=world["k1"].pk))
    only_b = totals(scope=scope, filters=StatFilters(institution_id=world["banks"]["B"].pk))

    assert (only_2026.enrolments, only_2026.supported, only_2026.rate_display) == (4, 2, "50.0%")
    assert (only_k1.enrolments, only_k1.supported, only_k1.rate_display) == (5, 3, "60.0%")
    assert (only_b.enrolments, only_b.supported, only_b.rate_display) == (3, 2, "66.7%")


# --- bank staff: their own institution only ----------------------------------------------------------------


def test_bank_sees_only_its_own_enrolments_in_totals(world):
    scope = statistics_scope_for(user=world["staff"]["B"])

    assert figures(totals(scope=scope, filters=ALL)) == (2, 3, 3, 2, "66.7%", 3, 4, 2, 2)


def test_bank_event_rows_are_its_events_with_its_own_figures(world):
    scope = statistics_scope_for(user=world["staff"]["B"])
    events = list(scope_events(scope=scope, filters=ALL))

    rows = event_rows(scope=scope, filters=ALL, events=events)

    assert [(r.event.title, r.stats.enrolments, r.stats.supported, r.stats.rate_display) for r in rows] == [
        ("E3交流会", 2, 1, "50.0%"),
        ("E1交流会", 1, 1, "100.0%"),
    ]


def test_bank_branch_breakdown_shows_only_its_own_branches(world):
    scope_a = statistics_scope_for(user=world["staff"]["A"])
    scope_b = statistics_scope_for(user=world["staff"]["B"])

    rows_a = breakdown_rows(scope=scope_a, filters=ALL, name="branch")
    rows_b = breakdown_rows(scope=scope_b, filters=ALL, name="branch")

    assert table(rows_a) == {"A本店": (2, 2, "100.0%"), "A駅前支店": (1, 0, "0.0%")}
    assert table(rows_b) == {"B中央支店": (1, 1, "100.0%"), "支店の登録なし": (2, 1, "50.0%")}


def test_bank_institution_breakdown_has_only_its_own_row(world):
    scope = statistics_scope_for(user=world["staff"]["A"])

    rows = breakdown_rows(scope=scope, filters=ALL, name="institution")

    assert table(rows) == {"A統計銀行": (3, 2, "66.7%")}


def test_bank_institution_filter_cannot_reach_another_bank(world):
    # The form offers no institution filter to a bank; even if one were passed, the scope still applies.
    scope = statistics_scope_for(user=world["staff"]["A"])

    row = totals(scope=scope, filters=StatFilters(institution_id=world["banks"]["B"].pk))

    assert (row.enrolments, row.supported) == (0, 0)


def test_national_totals_are_suppressed_under_three_other_institutions(world):
    scope = statistics_scope_for(user=world["staff"]["B"])

    national = national_totals(scope=scope, filters=ALL)

    assert (national.suppressed, national.enrolments, national.supported) == (True, 0, 0)


def test_national_totals_are_shown_from_three_other_institutions(world):
    # Banks D and E enrol one unsupported company each in a 2026 event: the others of B are A, C, D, E.
    d, e = OrganizationFactory(name="D統計銀行"), OrganizationFactory(name="E統計銀行")
    event = make_event(hosts=[d, e], status="held", date=dt.date(2026, 7, 1))
    enrol_company(event, institution=d)
    enrol_company(event, institution=e)
    scope = statistics_scope_for(user=world["staff"]["B"])

    national = national_totals(scope=scope, filters=ALL)

    # 7 + 2 = 9 enrolments, 4 supported → 44.4%; 4 events; seniors unchanged (no meetings in the new one).
    assert (national.suppressed, national.events, national.enrolments, national.supported) == (False, 4, 9, 4)
    assert (national.rate_display, national.seniors) == ("44.4%", 4)


# --- local government: its region ----------------------------------------------------------------------


def test_local_government_sees_cohosted_and_own_prefecture_events(world):
    scope = statistics_scope_for(user=world["lg"])

    row = totals(scope=scope, filters=ALL)
    titles = [e.title for e in scope_events(scope=scope, filters=ALL)]

    assert (row.events, row.enrolments, row.supported, row.rate_display) == (2, 4, 2, "50.0%")
    assert titles == ["E3交流会", "E2交流会"]


def test_local_government_elsewhere_sees_nothing(world):
    user = staff_user(Role.LOCAL_GOVERNMENT, LocalGovernmentFactory(prefecture="27"))
    scope = statistics_scope_for(user=user)

    assert (totals(scope=scope, filters=ALL).enrolments, list(scope_events(scope=scope, filters=ALL))) == (0, [])


def test_local_government_has_no_institution_or_branch_breakdown(world):
    scope = statistics_scope_for(user=world["lg"])

    with pytest.raises(Http404):
        breakdown_rows(scope=scope, filters=ALL, name="institution")
    with pytest.raises(Http404):
        breakdown_rows(scope=scope, filters=ALL, name="branch")


# --- nobody else -----------------------------------------------------------------------------------------


def test_senior_contact_and_alumni_have_no_scope(db):
    company = CompanyFactory()
    users = [
        senior_user(),
        company_contact(company),
        staff_user(Role.ALUMNI_OFFICE, OrganizationFactory()),
    ]

    refused = []
    for user in users:
        with pytest.raises(Http404):
            statistics_scope_for(user=user)
        refused.append(user.pk)

    assert len(refused) == 3


# --- the chart -----------------------------------------------------------------------------------------


def test_trend_chart_scales_bars_and_rate(world):
    scope = statistics_scope_for(user=world["coordinator"])

    chart = trend_chart(breakdown_rows(scope=scope, filters=ALL, name="year"), width=720, height=300)

    # Plot from y=16 to y=260 (244 px); 4 enrolments peak → ticks of 1 up to 4.
    assert chart is not None
    assert [t.text for t in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    heights = [(b.css, b.height) for b in chart.bars]
    assert heights == [
        ("chart-bar-enrolments", 183.0),  # 3/4 of 244
        ("chart-bar-supported", 122.0),  # 2/4
        ("chart-bar-enrolments", 244.0),  # 4/4
        ("chart-bar-supported", 122.0),  # 2/4
    ]
    # The rate line: 66.7% and 50% of 244 above the bottom (260).
    assert chart.points == "208.0,97.3 512.0,138.0"


def test_trend_chart_is_none_without_events(db):
    assert trend_chart([]) is None


def test_agreement_on_unheld_event_never_counts(world):
    make_agreement(world["enrolments"]["a3"], world["seniors"][0])
    scope = statistics_scope_for(user=world["coordinator"])

    assert (totals(scope=scope, filters=ALL).enrolments, totals(scope=scope, filters=ALL).supported) == (7, 4)
