"""events.access: each role's rule takes the user, so a caller passing someone else's event gets nothing."""

import pytest
from django.http import Http404
from django_scopes import scope

from events.access import (
    access_enrolment_for_coordinator,
    enrolments_for_contact,
    enrolments_for_coordinator,
    enrolments_for_staff,
)
from events.selectors import coordinator_selection_overview
from events.selectors.hearings import coordinator_hearing_rows
from tests.access import arranging
from tests.factories import make_event, three_bank_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with arranging():
        return three_bank_event()


def _companies(enrolments) -> set[str]:
    return {e.company.name for e in enrolments}


def test_enrolments_for_coordinator_every_host_of_own_event(world):
    assert _companies(enrolments_for_coordinator(user=world["coordinator"]).filter(event=world["event"])) == {
        "株式会社秘密の精密A",
        "株式会社秘密の食品B",
        "株式会社秘密の繊維C",
    }


def test_enrolments_for_coordinator_other_coordinators_event_gives_nothing(world):
    assert list(enrolments_for_coordinator(user=world["other_coordinator"]).filter(event=world["event"])) == []


def test_enrolments_for_coordinator_bank_staff_gets_nothing(world):
    assert list(enrolments_for_coordinator(user=world["staff"]["a"])) == []


def test_access_enrolment_for_coordinator_of_another_event_gets_404(world):
    own_other_event = make_event(coordinator_org=world["coordinator"].active_memberships[0].organization)
    enrolment = world["enrolments"]["a"]

    with pytest.raises(Http404):
        access_enrolment_for_coordinator(user=world["coordinator"], pk=enrolment.pk, event=own_other_event)
    with pytest.raises(Http404):
        access_enrolment_for_coordinator(user=world["other_coordinator"], pk=enrolment.pk)


def test_enrolments_for_staff_own_institution_only_in_a_joint_event():
    world = three_bank_event()
    staff_b = world["staff"]["b"]

    with scope(institution=staff_b.institution_ids):
        names = _companies(enrolments_for_staff(user=staff_b).filter(event=world["event"]))

    assert names == {"株式会社秘密の食品B"}


def test_enrolments_for_contact_own_company_only(world):
    assert _companies(enrolments_for_contact(user=world["contacts"]["a"])) == {"株式会社秘密の精密A"}


def test_coordinator_hearing_rows_other_coordinator_gets_none(world):
    own = coordinator_hearing_rows(user=world["coordinator"], event=world["event"])
    other = coordinator_hearing_rows(user=world["other_coordinator"], event=world["event"])

    assert (len(own), len(other)) == (3, 0)


def test_coordinator_selection_overview_other_coordinator_gets_no_company(world):
    overview = coordinator_selection_overview(user=world["other_coordinator"], event=world["event"])

    assert overview.companies == []
