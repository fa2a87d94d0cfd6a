"""The timetable's request list and the coordinator's overview, on one small hand-made event."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.enums import RequestKind
from events.selectors import coordinator_selection_overview, event_requests
from participants.services import senior_anonymise
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    approved_hearing,
    enrol_company,
    make_application,
    make_event,
    make_invitation,
    pledged_senior,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    """Three companies, seven seniors; see each line for what it exercises.

    E1 (bank A, floor 3), E2 (bank B, floor 1), E3 (bank A, floor 3).
    """
    with arranging():
        bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B信用金庫")
        coordinator = staff_user(Role.COORDINATOR)
        event = make_event(
            coordinator_org=coordinator.active_memberships[0].organization,
            hosts=[bank_a, bank_b],
            status="published",
            min_interviews_per_company=3,
        )
        e1 = enrol_company(event, institution=bank_a)
        e2 = enrol_company(event, institution=bank_b)
        e2.min_interviews = 1
        e2.save(update_fields=["min_interviews"])
        e3 = enrol_company(event, institution=bank_a)
        for enrolment in (e1, e2, e3):
            approved_hearing(enrolment)
        s = {n: pledged_senior(user=UserFactory(name=f"S{n}")) for n in range(1, 8)}

        make_application(s[1], [e1, e2], decisions=["accepted", "declined"])
        make_invitation(e2, s[1])  # invited, but the application to E2 was declined: no request
        make_application(s[2], [e1, e3], decisions=["pending", "accepted"])
        make_application(s[3], [e1])
        make_invitation(e1, s[3])  # applied and invited, still pending: both asked, so mutual
        make_application(s[4], [e1], status="draft")  # a draft counts nowhere
        make_invitation(e2, s[4])
        make_application(s[5], [e3], status="withdrawn", decisions=["accepted"])
        make_invitation(e3, s[5])  # withdrew from the event: the invitation no longer counts
        make_invitation(e3, s[6])  # never applied
        make_invitation(e1, s[6], withdrawn=True)
        make_application(s[7], [e2])
        senior_anonymise(profile=s[7])  # a deleted person counts nowhere
        return {"event": event, "coordinator": coordinator, "e": (e1, e2, e3), "s": s}


def test_event_requests_kinds_exactly(dataset):
    e1, e2, e3 = dataset["e"]
    s = dataset["s"]

    requests = event_requests(event=dataset["event"])

    assert requests == sorted(
        [
            (e1.pk, s[1].pk, RequestKind.MUTUAL),
            (e1.pk, s[2].pk, RequestKind.SENIOR),
            (e1.pk, s[3].pk, RequestKind.MUTUAL),
            (e2.pk, s[4].pk, RequestKind.COMPANY),
            (e3.pk, s[2].pk, RequestKind.MUTUAL),
            (e3.pk, s[6].pk, RequestKind.COMPANY),
        ]
    )


def test_event_requests_empty_event():
    assert event_requests(event=make_event(status="published")) == []


def test_coordinator_overview_company_numbers(dataset):
    e1, e2, e3 = dataset["e"]

    overview = coordinator_selection_overview(user=dataset["coordinator"], event=dataset["event"])

    rows = {
        row.enrolment.pk: (
            row.applicants,
            row.accepted,
            row.declined,
            row.pending,
            row.invited,
            row.possible,
            row.floor,
            row.at_risk,
        )
        for row in overview.companies
    }
    assert rows == {
        e1.pk: (3, 1, 0, 2, 1, 3, 3, False),
        e2.pk: (1, 0, 1, 0, 2, 1, 1, False),
        e3.pk: (1, 1, 0, 0, 1, 2, 3, True),
    }
    assert [row.enrolment.pk for row in overview.companies_at_risk] == [e3.pk]


def test_coordinator_overview_possible_matches_event_requests(dataset):
    overview = coordinator_selection_overview(user=dataset["coordinator"], event=dataset["event"])
    requests = event_requests(event=dataset["event"])

    assert {row.enrolment.pk: row.possible for row in overview.companies} == {
        row.enrolment.pk: sum(1 for e, _s, _k in requests if e == row.enrolment.pk) for row in overview.companies
    }


def test_coordinator_overview_senior_numbers(dataset):
    s = dataset["s"]

    overview = coordinator_selection_overview(user=dataset["coordinator"], event=dataset["event"])

    assert [
        (row.application.senior.pk, row.chosen, row.accepted, row.declined, row.invited) for row in overview.seniors
    ] == [
        (s[1].pk, 2, 1, 1, 1),
        (s[2].pk, 2, 1, 0, 0),
        (s[3].pk, 1, 0, 0, 1),
    ]
    assert [row.application.senior.pk for row in overview.seniors_without_accepted] == [s[3].pk]
    assert (overview.submitted, overview.total_choices, overview.drafts, overview.withdrawn) == (3, 5, 1, 1)


def test_coordinator_overview_three_queries(dataset, django_assert_num_queries):
    assert Role.COORDINATOR in dataset["coordinator"].roles  # loaded once per request, by role_required
    with django_assert_num_queries(3):
        coordinator_selection_overview(user=dataset["coordinator"], event=dataset["event"])


def test_coordinator_selection_page_shows_risk_and_seniors(dataset, login_as):
    e1, _e2, e3 = dataset["e"]

    response = login_as(dataset["coordinator"]).get(reverse("events:coordinator_selection", args=[dataset["event"].pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert e3.company.name in content
    assert e1.institution.name in content
    assert "要注意" in content
    assert "未決定" in content
    assert "面談見込み 2件／最低 3件" in content
    assert "内部メモ" not in content


def test_coordinator_selection_other_coordinator_gets_404(dataset, login_as):
    outsider = staff_user(Role.COORDINATOR)

    response = login_as(outsider).get(reverse("events:coordinator_selection", args=[dataset["event"].pk]))

    assert response.status_code == 404


def test_coordinator_selection_page_constant_queries(login_as, django_assert_num_queries):
    coordinator = staff_user(Role.COORDINATOR)
    bank = OrganizationFactory()
    event = make_event(coordinator_org=coordinator.active_memberships[0].organization, hosts=[bank], status="published")
    url = reverse("events:coordinator_selection", args=[event.pk])
    client = login_as(coordinator)

    def add_company_with_applicant() -> None:
        enrolment = enrol_company(event, institution=bank)
        approved_hearing(enrolment)
        make_application(pledged_senior(), [enrolment], decisions=["accepted"])

    add_company_with_applicant()
    client.get(url)  # the session's first request does more
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(9):
        add_company_with_applicant()

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)

    assert response.content.decode().count("<tr") == 1 + 10 + 1 + 10  # two tables: header and rows
