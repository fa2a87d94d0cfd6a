"""The bank staff's dashboard panel after an event: interviews still to record, second interviews to move on."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.selectors.followup import followup_todo
from sks.access import institution_scope
from tests.access import arranging
from tests.factories import followup_world, make_result, make_second_interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with arranging():
        return followup_world()


def _todo(user):
    with institution_scope(user):
        return followup_todo(user=user)


def test_todo_counts_own_institution_only(world):
    a, b = world["enrolments"]["a"], world["enrolments"]["b"]
    s1, s2 = world["seniors"]
    make_result(a, s1, company_wish="yes", company_recorded_at=timezone.now())
    make_result(b, s1, company_wish="no", company_recorded_at=timezone.now())
    make_second_interview(a, s1)
    make_second_interview(a, s2, status="held")
    make_second_interview(b, s1, status="scheduling")

    todo_a, todo_b, todo_c = (_todo(world["staff"][k]) for k in "abc")

    # A: 2 meetings, 1 recorded; 1 proposal, 1 held without outcome. B: 1 meeting, recorded; 1 scheduling.
    assert (todo_a.unrecorded, todo_a.unscheduled, todo_a.without_outcome) == ([(world["event"], 1)], 1, 1)
    assert (todo_b.unrecorded, todo_b.unscheduled, todo_b.without_outcome) == ([], 1, 0)
    assert todo_c.empty


def test_todo_query_count_is_constant(world, django_assert_num_queries):
    # The user's account flags and memberships (which every request reads for its roles anyway), then four
    # aggregates, however many events.
    with django_assert_num_queries(6):
        _todo(world["staff"]["a"])


def test_dashboard_shows_the_panel_to_staff_with_something_to_do(world, login_as):
    page_a = login_as(world["staff"]["a"]).get(reverse("dashboard")).content.decode()
    page_c = login_as(world["staff"]["c"]).get(reverse("dashboard")).content.decode()

    assert "の面談結果がまだ 2 件記録されていません。" in page_a
    assert reverse("matching:followup_tables", args=[world["event"].pk]) in page_a
    assert "交流会のあとのフォローアップ" not in page_c
    assert "株式会社秘密の精密A" not in page_c


def test_closed_event_is_not_asked_for(world):
    world["event"].status = "closed"
    world["event"].save(update_fields=["status"])

    assert _todo(world["staff"]["a"]).unrecorded == []
