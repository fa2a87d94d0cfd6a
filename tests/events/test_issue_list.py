"""The issue list (課題一覧): the publishable entries, their anonymous labels, and the printable page."""

from __future__ import annotations

import dataclasses

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from events.enums import EventStatus
from events.models import HearingIssue
from events.selectors.hearings import (
    IssueListEntry,
    anonymous_label,
    employees_band,
    issue_list_entries,
    issue_list_labels,
)
from participants.models import ExpertiseArea, Industry
from sks.roles import Role
from tests.access import arranging, every
from tests.factories import OrganizationFactory, approved_hearing, enrol_company, staff_user, three_bank_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with arranging():
        world = three_bank_event(status="published")
        company_a = world["companies"]["a"]
        company_a.industry_major = Industry.objects.get(code="E")
        company_a.save()
        world["sheets"] = {
            "a": approved_hearing(
                world["enrolments"]["a"], title="量販店への販路開拓", summary="精密部品の新しい販路を探したい。"
            ),
            "c": approved_hearing(world["enrolments"]["c"], title="事業承継の準備", summary="後継者の育成を始めたい。"),
        }
        every(HearingIssue).get(sheet=world["sheets"]["a"]).expertise.set(
            ExpertiseArea.objects.filter(code="sales-channels")
        )
        return world


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_issue_list_entries_only_publishable_sheets_with_stable_labels(world):
    entries = issue_list_entries(event=world["event"])

    # B's sheet is still a draft: it is left out, and C keeps its own label.
    assert [(e.label, e.display_name, e.title) for e in entries] == [
        ("A社", "A社", "量販店への販路開拓"),
        ("C社", "C社", "事業承継の準備"),
    ]


def test_issue_list_entries_public_fields(world):
    entry = issue_list_entries(event=world["event"])[0]

    assert entry == IssueListEntry(
        enrolment_id=world["enrolments"]["a"].pk,
        label="A社",
        display_name="A社",
        show_name=False,
        title="量販店への販路開拓",
        summary="精密部品の新しい販路を探したい。",
        categories=["販路開拓"],
        expertise=["販路開拓"],
        industry=Industry.objects.get(code="E").name,
        prefecture="東京都",
        employees="10〜49人",
        support_form="継続的な支援",
    )


def test_issue_list_entries_never_carry_internal_notes_or_institution(world):
    entries = issue_list_entries(event=world["event"])

    values = " ".join(str(v) for e in entries for v in dataclasses.asdict(e).values())
    assert world["sheets"]["a"].internal_notes not in values
    assert "信用金庫" not in values
    assert "株式会社" not in values


def test_issue_list_entries_show_name_uses_real_name(world):
    sheet = world["sheets"]["c"]
    sheet.name_disclosure_agreed = sheet.show_name = True
    sheet.save()

    entries = issue_list_entries(event=world["event"])

    assert [(e.display_name, e.show_name) for e in entries] == [("A社", False), ("株式会社秘密の繊維C", True)]


def test_issue_list_entries_without_summary_left_out(world):
    sheet = world["sheets"]["a"]
    sheet.public_summary = ""
    sheet.save()

    assert [e.label for e in issue_list_entries(event=world["event"])] == ["C社"]


def test_issue_list_entries_limited_to_institutions(world):
    entries = issue_list_entries(event=world["event"], institution_ids=[world["banks"]["c"].pk])

    assert [e.label for e in entries] == ["C社"]


def test_anonymous_label_continues_past_z():
    assert [anonymous_label(0), anonymous_label(25), anonymous_label(26), anonymous_label(59)] == [
        "A社",
        "Z社",
        "AA社",
        "BH社",
    ]


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (None, ""),
        (0, "9人以下"),
        (9, "9人以下"),
        (10, "10〜49人"),
        (99, "50〜99人"),
        (299, "100〜299人"),
        (300, "300人以上"),
    ],
)
def test_employees_band_bounds(employees, band):
    assert employees_band(employees) == band


def test_issue_list_labels_by_enrolment_order(world):
    labels = issue_list_labels(event=world["event"])

    assert labels == {world["enrolments"][k].pk: f"{k.upper()}社" for k in ("a", "b", "c")}


def test_issue_list_entries_fragment_renders_entries(world):
    html = render_to_string("events/issue_list_entries.html", {"entries": issue_list_entries(event=world["event"])})

    assert ("A社" in html, "後継者の育成を始めたい。" in html, "内部メモ" in html) == (True, True, False)


def test_issue_list_entries_queries_constant(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        issue_list_entries(event=world["event"])
    for _ in range(8):
        approved_hearing(enrol_company(world["event"], institution=world["banks"]["b"]))

    with django_assert_num_queries(3):
        entries = issue_list_entries(event=world["event"])
    assert len(entries) == 10


# --- the printable page -----------------------------------------------------------------------------------


def test_issue_list_print_coordinator_sees_labels_and_summaries(world):
    response = client_for(world["coordinator"]).get(reverse("events:issue_list_print", args=[world["event"].pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert ("A社" in body, "C社" in body, "精密部品の新しい販路を探したい。" in body) == (True, True, True)
    assert world["event"].venue in body
    assert world["sheets"]["a"].internal_notes not in body
    assert "株式会社秘密の精密A" not in body
    assert "A信用金庫" not in body
    assert "js/print-button.js" in body


@pytest.mark.parametrize("viewer", ["a", "b", "c"])
def test_issue_list_print_host_staff_see_whole_published_list(world, viewer):
    response = client_for(world["staff"][viewer]).get(reverse("events:issue_list_print", args=[world["event"].pk]))

    assert [e.label for e in response.context["entries"]] == ["A社", "C社"]
    assert world["sheets"]["a"].internal_notes not in response.content.decode()


def test_issue_list_print_before_publication_host_staff_see_only_own(world):
    world["event"].status = EventStatus.HEARING
    world["event"].save()

    own = client_for(world["staff"]["c"]).get(reverse("events:issue_list_print", args=[world["event"].pk]))
    other = client_for(world["staff"]["b"]).get(reverse("events:issue_list_print", args=[world["event"].pk]))

    assert [e.label for e in own.context["entries"]] == ["C社"]
    assert [e.label for e in other.context["entries"]] == []
    assert "量販店への販路開拓" not in other.content.decode()


def test_issue_list_print_coordinator_before_publication_sees_all(world):
    world["event"].status = EventStatus.HEARING
    world["event"].save()

    response = client_for(world["coordinator"]).get(reverse("events:issue_list_print", args=[world["event"].pk]))

    assert [e.label for e in response.context["entries"]] == ["A社", "C社"]


@pytest.mark.parametrize("who", ["non_host", "other_coordinator", "senior", "contact"])
def test_issue_list_print_others_get_404(world, who):
    user = {
        "non_host": lambda: staff_user(Role.BANK_STAFF, OrganizationFactory()),
        "other_coordinator": lambda: world["other_coordinator"],
        "senior": lambda: world["senior"],
        "contact": lambda: world["contacts"]["a"],
    }[who]()

    response = client_for(user).get(reverse("events:issue_list_print", args=[world["event"].pk]))

    assert response.status_code == 404
