"""matching.access: the follow-up rules take the user, built on events.access."""

import pytest
from django.http import Http404

from matching.access import (
    access_followup_event,
    access_result_for_coordinator,
    access_table,
    interview_results_for_coordinator,
    interview_results_for_senior,
    second_interviews_for_participant,
)
from matching.selectors.followup import event_results
from tests.access import arranging, as_user
from tests.factories import followup_world, make_result, make_second_interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with arranging():
        world = followup_world()
        a = world["enrolments"]["a"]
        world["result"] = make_result(a, world["seniors"][0], company_wish="yes", senior_wish="yes")
        return world


def test_access_followup_event_coordinator_staff_and_outsider(world):
    pk = world["event"].pk

    assert access_followup_event(user=world["coordinator"], pk=pk) == (world["event"], True)
    assert access_followup_event(user=world["staff"]["b"], pk=pk) == (world["event"], False)
    with pytest.raises(Http404):
        access_followup_event(user=world["other_coordinator"], pk=pk)


def test_access_table_other_bank_staff_gets_404(world):
    a = world["enrolments"]["a"]

    with as_user(world["staff"]["a"]):
        assert access_table(user=world["staff"]["a"], pk=a.pk) == (a, False)
    with as_user(world["coordinator"]):
        assert access_table(user=world["coordinator"], pk=a.pk) == (a, True)
    with pytest.raises(Http404), as_user(world["staff"]["b"]):
        access_table(user=world["staff"]["b"], pk=a.pk)
    with pytest.raises(Http404), as_user(world["staff"]["a"]):
        access_table(user=world["staff"]["a"], pk="x")


def test_interview_results_for_coordinator_other_coordinator_gets_none(world):
    assert list(interview_results_for_coordinator(user=world["coordinator"])) == [world["result"]]
    assert list(interview_results_for_coordinator(user=world["other_coordinator"])) == []
    with pytest.raises(Http404):
        access_result_for_coordinator(user=world["other_coordinator"], pk=world["result"].pk)


def test_event_results_other_coordinator_gets_none(world):
    own = event_results(user=world["coordinator"], event=world["event"])
    other = event_results(user=world["other_coordinator"], event=world["event"])

    assert (own, other) == ([world["result"]], [])


def test_interview_results_for_senior_own_only(world):
    first, second = (s.user for s in world["seniors"])

    assert list(interview_results_for_senior(user=first)) == [world["result"]]
    assert list(interview_results_for_senior(user=second)) == []


def test_second_interviews_for_participant_own_confirmed_only(world):
    a, b = world["enrolments"]["a"], world["enrolments"]["b"]
    confirmed = make_second_interview(a, world["seniors"][0], status="confirmed")
    make_second_interview(b, world["seniors"][0], status="proposed")

    assert list(second_interviews_for_participant(user=world["seniors"][0].user)) == [confirmed]
    assert list(second_interviews_for_participant(user=world["contacts"]["a"])) == [confirmed]
    assert list(second_interviews_for_participant(user=world["contacts"]["b"])) == []
