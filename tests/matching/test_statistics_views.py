"""The statistics page, its exports and the dashboard panel: who sees what (tests.factories.statistics_world;
the figures are worked out in tests/matching/test_statistics.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    BranchFactory,
    CompanyFactory,
    OrganizationFactory,
    company_contact,
    enrol_company,
    make_event,
    senior_user,
    staff_user,
    statistics_world,
)

pytestmark = pytest.mark.django_db
URL = reverse("matching:statistics")
EXPORT = reverse("matching:statistics_export")


@pytest.fixture
def world():
    with arranging():
        return statistics_world()


def csv_rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_coordinator_page_shows_totals_breakdown_events_and_chart(world, login_as):
    client = login_as(world["coordinator"])

    response = client.get(URL, {"by": "institution"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "57.1%" in html  # 4 / 7
    assert [r.label for r in response.context["breakdown_rows"]] == ["A統計銀行", "B統計銀行", "C統計銀行"]
    assert [r.event.title for r in response.context["event_rows"]] == ["E3交流会", "E2交流会", "E1交流会"]
    assert "<svg" in html and "chart-bar-supported" in html
    assert "集計の定義" in html
    assert ' style="' not in html.split('<div class="statistics-page">', 1)[1]


def test_bank_page_never_shows_another_banks_rows_or_branches(world, login_as):
    client = login_as(world["staff"]["B"])

    pages = [client.get(URL, {"by": by}).content.decode() for by in ("year", "institution", "branch", "category")]

    html = "".join(pages)
    for secret in ("A統計銀行", "C統計銀行", "A本店", "A駅前支店", "株式会社A一", "E2交流会", "57.1%"):
        assert secret not in html
    assert "B中央支店" in html
    assert "66.7%" in html  # B's own: 2 / 3
    assert "全国の合計は表示しません" in html  # A and C only: suppressed


def test_local_government_export_of_institution_breakdown_is_404(world, login_as):
    client = login_as(world["lg"])

    response = client.get(EXPORT, {"format": "csv", "table": "institution"})

    assert response.status_code == 404


def test_local_government_page_shows_its_region(world, login_as):
    client = login_as(world["lg"])

    response = client.get(URL)

    html = response.content.decode()
    assert [r.event.title for r in response.context["event_rows"]] == ["E3交流会", "E2交流会"]
    assert "E1交流会" not in html
    assert response.context["totals"].rate_display == "50.0%"
    assert [b.name for b in response.context["breakdowns"]] == ["year", "coordinator", "prefecture", "category"]


def test_local_government_asking_for_institutions_gets_years_with_its_filters_kept(world, login_as):
    client = login_as(world["lg"])

    response = client.get(URL, {"by": "institution", "year_from": "2026", "year_to": "2026"})

    assert response.context["breakdown"].name == "year"
    assert [(r.label, r.enrolments, r.rate_display) for r in response.context["breakdown_rows"]] == [
        ("2026年", 4, "50.0%")
    ]
    assert "A統計銀行" not in response.content.decode()


@pytest.mark.parametrize("who", ["senior", "contact", "alumni"])
def test_statistics_is_404_for_everyone_else(db, login_as, who):
    user = {
        "senior": lambda: senior_user(),
        "contact": lambda: company_contact(CompanyFactory()),
        "alumni": lambda: staff_user(Role.ALUMNI_OFFICE, OrganizationFactory()),
    }[who]()
    client = login_as(user)

    statuses = [client.get(URL).status_code, client.get(EXPORT, {"format": "csv"}).status_code]

    assert statuses == [404, 404]


def test_page_query_count_is_the_same_for_1_and_10_events(db, login_as, django_assert_num_queries):
    coordinator = staff_user(Role.COORDINATOR)
    org = coordinator.active_memberships[0].organization

    def add_events(n):
        for i in range(n):
            event = make_event(coordinator_org=org, status="held", date=dt.date(2025, 1 + i, 10), prefecture="13")
            enrol_company(event)

    add_events(1)
    client = login_as(coordinator)
    client.get(URL)  # warm the user's roles and session
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    add_events(9)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL)

    assert len(response.context["event_rows"]) == 10


def test_csv_export_of_events_matches_the_page(world, login_as):
    client = login_as(world["coordinator"])

    response = client.get(EXPORT, {"format": "csv", "table": "events"})

    rows = csv_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:4] == ["開催日", "交流会", "コーディネート団体", "参加企業数"]
    assert [(r[1], r[3], r[-2]) for r in rows[1:]] == [
        ("E3交流会", "2", "50.0%"),
        ("E2交流会", "2", "50.0%"),
        ("E1交流会", "3", "66.7%"),
    ]


def test_export_is_audited(world, login_as):
    client = login_as(world["staff"]["A"])

    client.get(EXPORT, {"format": "xlsx", "table": "branch"})

    entry = LogEntry.objects.filter(additional_data__event="statistics.exported").get()
    assert (entry.actor_id, entry.additional_data["table"], entry.additional_data["rows"]) == (
        world["staff"]["A"].pk,
        "branch",
        2,
    )


def test_bank_export_never_contains_another_banks_rows(world, login_as):
    client = login_as(world["staff"]["B"])

    texts = []
    for table in ("events", "year", "institution", "branch", "coordinator", "prefecture", "category"):
        response = client.get(EXPORT, {"format": "csv", "table": table})
        assert response.status_code == 200
        texts.append("\n".join(",".join(r) for r in csv_rows(response)))

    text = "\n".join(texts)
    for secret in ("A統計銀行", "C統計銀行", "A本店", "A駅前支店", "E2交流会"):
        assert secret not in text
    assert "B中央支店" in text


def test_export_escapes_a_branch_name_starting_with_equals(db, login_as):
    bank = OrganizationFactory()
    staff = staff_user(Role.BANK_STAFF, bank)
    branch = BranchFactory(organization=bank, name='=HYPERLINK("http://evil.example","x")')
    event = make_event(hosts=[bank], status="held", date=dt.date(2025, 5, 1), title="+交流会")
    enrol_company(event, company=CompanyFactory(institution=bank, branch=branch, name="=株式会社"), staff=staff)
    client = login_as(staff)

    branch_rows = csv_rows(client.get(EXPORT, {"format": "csv", "table": "branch"}))
    event_rows = csv_rows(client.get(EXPORT, {"format": "csv", "table": "events"}))
    workbook = load_workbook(io.BytesIO(client.get(EXPORT, {"format": "xlsx", "table": "branch"}).content))

    assert branch_rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    assert event_rows[1][1] == "'+交流会"
    assert workbook.active.cell(row=2, column=1).value == '\'=HYPERLINK("http://evil.example","x")'


def test_export_rejects_unknown_format_and_table(world, login_as):
    client = login_as(world["coordinator"])

    statuses = [
        client.get(EXPORT, {"format": "pdf", "table": "events"}).status_code,
        client.get(EXPORT, {"format": "csv", "table": "seniors"}).status_code,
    ]

    assert statuses == [404, 404]


def test_dashboard_panel_shows_the_scope_matching_rate(world, login_as):
    coordinator_html = login_as(world["coordinator"]).get(reverse("dashboard")).content.decode()
    bank_html = login_as(world["staff"]["B"]).get(reverse("dashboard")).content.decode()
    senior_html = login_as(senior_user()).get(reverse("dashboard")).content.decode()

    assert "57.1%" in coordinator_html
    assert "66.7%" in bank_html and "57.1%" not in bank_html
    assert "統計を見る" not in senior_html
