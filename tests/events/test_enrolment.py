"""Enrolment of client companies in an event by the host banks' staff, and the staff's event pages."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from events.models import EventCompany, HearingSheet
from events.services.hearings import EnrolmentError, enrolment_create, enrolment_update
from sks.roles import Role
from tests.access import arranging, every
from tests.factories import (
    CompanyFactory,
    OrganizationFactory,
    enrol_company,
    make_event,
    staff_user,
    three_bank_event,
)
from tests.helpers import assert_isolated

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with arranging():
        return three_bank_event()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the service ------------------------------------------------------------------------------------------


def test_enrolment_create_own_company_creates_enrolment_and_empty_sheet(world):
    staff_a = world["staff"]["a"]

    enrolment = enrolment_create(
        event=world["event"], company=world["companies"]["a2"], attending_staff=staff_a, by=staff_a, min_interviews=4
    )

    sheet = every(HearingSheet).get(enrolment=enrolment)
    assert (enrolment.institution, enrolment.attending_staff, enrolment.floor, sheet.status) == (
        world["banks"]["a"],
        staff_a,
        4,
        "draft",
    )
    assert LogEntry.objects.filter(additional_data__event="enrolment.created").count() == 1


def test_enrolment_create_other_institutions_company_refused(world):
    staff_a = world["staff"]["a"]
    foreign = CompanyFactory(institution=world["banks"]["b"])

    with pytest.raises(EnrolmentError) as error:
        enrolment_create(event=world["event"], company=foreign, attending_staff=staff_a, by=staff_a)

    assert (error.value.message, error.value.field) == ("登録できるのは自機関の取引先企業だけです。", "company")


def test_enrolment_create_company_of_non_host_institution_refused():
    bank_a, bank_x = OrganizationFactory(), OrganizationFactory()
    event = make_event(hosts=[bank_a], status="recruiting")
    # A user working for both banks, enrolling the client of the bank that does not host.
    user = staff_user(Role.BANK_STAFF, bank_a)
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, organization=bank_x, role=Role.BANK_STAFF)
    user = type(user).objects.get(pk=user.pk)
    company = CompanyFactory(institution=bank_x)

    with pytest.raises(EnrolmentError) as error:
        enrolment_create(event=event, company=company, attending_staff=user, by=user)

    assert error.value.message == "この企業の金融機関は、この交流会の主催ではありません。"


def test_enrolment_create_duplicate_refused(world):
    staff_a = world["staff"]["a"]

    with pytest.raises(EnrolmentError) as error:
        enrolment_create(event=world["event"], company=world["companies"]["a"], attending_staff=staff_a, by=staff_a)

    assert error.value.message == "「株式会社秘密の精密A」はすでにこの交流会に登録されています。"
    assert every(EventCompany).filter(event=world["event"], company=world["companies"]["a"]).count() == 1


def test_enrolment_create_after_deadline_refused(world):
    staff_a = world["staff"]["a"]
    day_after = world["event"].enrolment_deadline + dt.timedelta(days=1)

    with pytest.raises(EnrolmentError) as error:
        enrolment_create(
            event=world["event"], company=world["companies"]["a2"], attending_staff=staff_a, by=staff_a, today=day_after
        )

    deadline = world["event"].enrolment_deadline
    assert error.value.message == (
        f"企業登録の締切（{deadline.year}年{deadline.month}月{deadline.day}日）を過ぎたため、企業を登録できません。"
    )


def test_enrolment_create_on_deadline_day_allowed(world):
    staff_a = world["staff"]["a"]

    enrolment = enrolment_create(
        event=world["event"],
        company=world["companies"]["a2"],
        attending_staff=staff_a,
        by=staff_a,
        today=world["event"].enrolment_deadline,
    )

    assert enrolment.pk is not None


@pytest.mark.parametrize("status", [EventStatus.PREPARING, EventStatus.PUBLISHED, EventStatus.CLOSED])
def test_enrolment_create_wrong_event_status_refused(world, status):
    world["event"].status = status
    world["event"].save()
    staff_a = world["staff"]["a"]

    with pytest.raises(EnrolmentError) as error:
        enrolment_create(event=world["event"], company=world["companies"]["a2"], attending_staff=staff_a, by=staff_a)

    assert error.value.message.startswith("この交流会は現在「")


def test_enrolment_create_attending_staff_of_other_bank_refused(world):
    with pytest.raises(EnrolmentError) as error:
        enrolment_create(
            event=world["event"],
            company=world["companies"]["a2"],
            attending_staff=world["staff"]["b"],
            by=world["staff"]["a"],
        )

    assert error.value.field == "attending_staff"


def test_enrolment_update_changes_staff_and_floor(world):
    colleague = staff_user(Role.BANK_STAFF, world["banks"]["a"])
    enrolment = world["enrolments"]["a"]

    enrolment_update(enrolment=enrolment, by=world["staff"]["a"], attending_staff=colleague, min_interviews=None)

    enrolment.refresh_from_db()
    assert (enrolment.attending_staff, enrolment.floor) == (colleague, world["event"].min_interviews_per_company)


# --- the pages --------------------------------------------------------------------------------------------


def test_enrolment_create_view_enrols_and_redirects(world):
    client = client_for(world["staff"]["a"])
    url = reverse("events:enrolment_create", args=[world["event"].pk])

    response = client.post(
        url,
        {"company": world["companies"]["a2"].pk, "attending_staff": world["staff"]["a"].pk, "min_interviews": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("events:staff_event_detail", args=[world["event"].pk])
    assert every(EventCompany).filter(event=world["event"], company=world["companies"]["a2"]).exists()


def test_enrolment_create_view_other_banks_company_is_not_a_choice(world):
    client = client_for(world["staff"]["a"])
    url = reverse("events:enrolment_create", args=[world["event"].pk])
    foreign = CompanyFactory(institution=world["banks"]["b"], name="B行の未登録企業")

    page = client.get(url)
    response = client.post(url, {"company": foreign.pk, "attending_staff": world["staff"]["a"].pk})

    assert "B行の未登録企業" not in page.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["company"] == ["自機関の取引先企業から選んでください。"]


def test_enrolment_create_view_duplicate_shows_error(world):
    client = client_for(world["staff"]["a"])
    url = reverse("events:enrolment_create", args=[world["event"].pk])

    response = client.post(url, {"company": world["companies"]["a"].pk, "attending_staff": world["staff"]["a"].pk})

    assert response.context["form"].errors["company"] == [
        "「株式会社秘密の精密A」はすでにこの交流会に登録されています。"
    ]


def test_enrolment_create_view_after_deadline_says_so():
    bank = OrganizationFactory()
    today = timezone.localdate()
    event = make_event(hosts=[bank], status="hearing", enrolment_deadline=today - dt.timedelta(days=1))
    company = CompanyFactory(institution=bank)
    staff = staff_user(Role.BANK_STAFF, bank)
    client = client_for(staff)
    url = reverse("events:enrolment_create", args=[event.pk])

    page = client.get(url)
    posted = client.post(url, {"company": company.pk, "attending_staff": staff.pk})

    assert page.context["form"] is None
    assert "企業登録の締切" in page.context["closed_reason"]
    assert "を過ぎたため、企業を登録できません。" in page.content.decode()
    assert (posted.status_code, every(EventCompany).filter(event=event).count()) == (200, 0)


def test_enrolment_create_view_non_host_staff_gets_404(world):
    outsider = staff_user(Role.BANK_STAFF, OrganizationFactory())

    response = client_for(outsider).get(reverse("events:enrolment_create", args=[world["event"].pk]))

    assert response.status_code == 404


def test_enrolment_edit_view_changes_attending_staff(world):
    colleague = staff_user(Role.BANK_STAFF, world["banks"]["a"])
    enrolment = world["enrolments"]["a"]

    response = client_for(world["staff"]["a"]).post(
        reverse("events:enrolment_edit", args=[enrolment.pk]), {"attending_staff": colleague.pk, "min_interviews": "5"}
    )

    enrolment.refresh_from_db()
    assert (response.status_code, enrolment.attending_staff, enrolment.min_interviews) == (302, colleague, 5)


def test_enrolment_edit_view_other_banks_staff_not_a_choice(world):
    enrolment = world["enrolments"]["a"]

    response = client_for(world["staff"]["a"]).post(
        reverse("events:enrolment_edit", args=[enrolment.pk]), {"attending_staff": world["staff"]["b"].pk}
    )

    assert response.context["form"].errors["attending_staff"] == ["自機関の職員から選んでください。"]


# --- joint event of three banks: isolation --------------------------------------------------------------


@pytest.mark.parametrize("name", ["enrolment_edit", "hearing_detail", "hearing_edit", "hearing_record_approval"])
@pytest.mark.parametrize("outsider", ["b", "c"])
def test_enrolment_pages_other_banks_of_joint_event_get_404(world, name, outsider):
    url = reverse(f"events:{name}", args=[world["enrolments"]["a"].pk])

    assert_isolated(url, owner=world["staff"]["a"], outsider=world["staff"][outsider])


@pytest.mark.parametrize("outsider", ["b", "c"])
def test_hearing_submit_other_banks_of_joint_event_get_404(world, outsider):
    url = reverse("events:hearing_submit", args=[world["enrolments"]["a"].pk])

    response = client_for(world["staff"][outsider]).post(url)

    assert response.status_code == 404
    assert every(HearingSheet).get(enrolment=world["enrolments"]["a"]).status == "draft"


@pytest.mark.parametrize("viewer", ["b", "c"])
def test_staff_event_detail_joint_event_shows_only_own_companies(world, viewer):
    response = client_for(world["staff"][viewer]).get(reverse("events:staff_event_detail", args=[world["event"].pk]))

    body = response.content.decode()
    shown = [row["enrolment"].company.name for row in response.context["rows"]]
    assert (response.status_code, shown) == (200, [world["companies"][viewer].name])
    assert "株式会社秘密の精密A" not in body


def test_staff_event_detail_non_host_gets_404(world):
    outsider = staff_user(Role.BANK_STAFF, OrganizationFactory())

    response = client_for(outsider).get(reverse("events:staff_event_detail", args=[world["event"].pk]))

    assert response.status_code == 404


def test_staff_event_list_shows_hosted_events_with_own_count(world):
    make_event(hosts=[OrganizationFactory()], title="他行だけの交流会")

    response = client_for(world["staff"]["a"]).get(reverse("events:staff_event_list"))

    events = response.context["events"]
    assert [(e.title, e.own_enrolments) for e in events] == [("テスト新現役交流会", 1)]


def test_staff_event_detail_queries_constant(world):
    client = client_for(world["staff"]["a"])
    url = reverse("events:staff_event_detail", args=[world["event"].pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as one_row:
        client.get(url)
    for _ in range(9):
        enrol_company(world["event"], institution=world["banks"]["a"])

    with CaptureQueriesContext(connection) as ten_rows:
        response = client.get(url)

    assert len(response.context["rows"]) == 10
    assert len(ten_rows.captured_queries) == len(one_row.captured_queries)


def test_staff_event_detail_published_event_shows_applicant_counts(world):
    world["event"].status = EventStatus.PUBLISHED
    world["event"].save()

    response = client_for(world["staff"]["a"]).get(reverse("events:staff_event_detail", args=[world["event"].pk]))

    rows = response.context["rows"]
    assert [row["applicants"] for row in rows] == [0]
