"""Support agreements (支援成立): the visit log, the subsidised-visit count (remaining, refused beyond it,
allowed after a confirmed change of kind), and who may see them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import AgreementVisit
from matching.selectors.followup import visits_remaining
from matching.services.followup import AgreementError, agreement_change_kind, agreement_visit_log
from tests.access import arranging, every
from tests.factories import followup_world, make_agreement, pledged_senior

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with arranging():
        return followup_world()


@pytest.fixture
def agreement(world):
    start = timezone.localdate() - dt.timedelta(days=30)
    return make_agreement(world["enrolments"]["a"], world["seniors"][0], subsidised_visits=2, start_date=start)


def _log(agreement, by, days_ago: int = 1):
    return agreement_visit_log(
        agreement=agreement,
        by=by,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        hours=Decimal("2.5"),
        summary="課題の整理",
    )


def test_visit_logged_and_audited(world, agreement):
    visit = _log(agreement, world["staff"]["a"])

    assert (visit.hours, visit.summary, visit.recorded_by) == (Decimal("2.5"), "課題の整理", world["staff"]["a"])
    assert LogEntry.objects.filter(additional_data__event="agreement.visit_logged").count() == 1


def test_remaining_counts_down(world, agreement):
    assert visits_remaining(agreement, 0) == 2
    _log(agreement, world["staff"]["a"])

    assert visits_remaining(agreement, every(AgreementVisit).count()) == 1


def test_remaining_is_none_for_a_private_contract(world):
    private = make_agreement(world["enrolments"]["a"], world["seniors"][1], kind="private")

    assert visits_remaining(private, 7) is None


def test_visit_beyond_the_subsidised_count_refused(world, agreement):
    _log(agreement, world["staff"]["a"], 3)
    _log(agreement, world["staff"]["a"], 2)

    with pytest.raises(AgreementError) as exc:
        _log(agreement, world["staff"]["a"], 1)

    assert exc.value.message == (
        "補助対象の訪問回数（2回）をすべて記録済みです。これ以上の訪問を記録するには、先に支援の形を変更してください。"
    )
    assert every(AgreementVisit).count() == 2


def test_visit_beyond_allowed_after_a_confirmed_kind_change(world, agreement):
    _log(agreement, world["staff"]["a"], 3)
    _log(agreement, world["staff"]["a"], 2)

    agreement_change_kind(agreement=agreement, by=world["staff"]["a"], kind="private", confirm=True)
    _log(agreement, world["staff"]["a"], 1)

    assert every(AgreementVisit).count() == 3
    entry = LogEntry.objects.get(additional_data__event="agreement.kind_changed")
    assert (entry.additional_data["from"], entry.additional_data["to"]) == ("subsidised", "private")


def test_kind_change_needs_confirmation(world, agreement):
    with pytest.raises(AgreementError) as exc:
        agreement_change_kind(agreement=agreement, by=world["staff"]["a"], kind="private", confirm=False)

    assert exc.value.message == "「支援の形の変更を確認しました」にチェックを入れてください。"
    agreement.refresh_from_db()
    assert agreement.kind == "subsidised"


def test_kind_change_to_the_same_kind_refused(world, agreement):
    with pytest.raises(AgreementError):
        agreement_change_kind(agreement=agreement, by=world["staff"]["a"], kind="subsidised", confirm=True)


def test_visit_in_the_future_refused(world, agreement):
    with pytest.raises(AgreementError):
        _log(agreement, world["staff"]["a"], -1)


def test_visit_before_the_start_refused(world, agreement):
    with pytest.raises(AgreementError):
        _log(agreement, world["staff"]["a"], 31)


def test_company_and_senior_may_hold_several_agreements(world, agreement):
    second = make_agreement(world["enrolments"]["a"], world["seniors"][1], kind="employment")
    third = make_agreement(world["enrolments"]["b"], world["seniors"][0], kind="private")

    with arranging():  # checking both sides' related managers, which span the banks
        assert {a.pk for a in world["companies"]["a"].agreements.all()} == {agreement.pk, second.pk}
        assert {a.pk for a in world["seniors"][0].agreements.all()} == {agreement.pk, third.pk}


# --- pages ----------------------------------------------------------------------------------------------------


def test_detail_page_shows_remaining(world, agreement, login_as):
    response = login_as(world["staff"]["a"]).get(reverse("matching:agreement_detail", args=[agreement.pk]))

    assert response.status_code == 200
    assert response.context["remaining"] == 2
    assert "2回のうち 残り2回" in response.content.decode()


def test_detail_page_other_institution_gets_404(world, agreement, login_as):
    url = reverse("matching:agreement_detail", args=[agreement.pk])

    assert login_as(world["coordinator"]).get(url).status_code == 200
    assert login_as(world["admin_a"]).get(url).status_code == 200
    assert login_as(world["staff"]["b"]).get(url).status_code == 404
    assert login_as(world["other_coordinator"]).get(url).status_code == 404
    assert login_as(world["seniors"][0].user).get(url).status_code == 404


def test_visit_form_logs_a_visit(world, agreement, login_as):
    day = timezone.localdate() - dt.timedelta(days=1)

    response = login_as(world["staff"]["a"]).post(
        reverse("matching:agreement_detail", args=[agreement.pk]),
        {"visit-date": day.isoformat(), "visit-hours": "1.5", "visit-summary": "工場を見学"},
    )

    assert response.status_code == 302
    assert list(every(AgreementVisit).values_list("date", "hours", "summary")) == [(day, Decimal("1.5"), "工場を見学")]


def test_visit_form_beyond_count_shows_the_refusal(world, agreement, login_as):
    _log(agreement, world["staff"]["a"], 3)
    _log(agreement, world["staff"]["a"], 2)

    response = login_as(world["staff"]["a"]).post(
        reverse("matching:agreement_detail", args=[agreement.pk]),
        {"visit-date": timezone.localdate().isoformat(), "visit-hours": "1", "visit-summary": "追加訪問"},
    )

    assert response.status_code == 400
    assert "先に支援の形を変更してください" in response.content.decode()


def test_visit_form_other_institution_gets_404(world, agreement, login_as):
    response = login_as(world["staff"]["b"]).post(
        reverse("matching:agreement_detail", args=[agreement.pk]),
        {"visit-date": timezone.localdate().isoformat(), "visit-hours": "1", "visit-summary": "x"},
    )

    assert response.status_code == 404
    assert every(AgreementVisit).count() == 0


def test_kind_form_without_the_checkbox_refused(world, agreement, login_as):
    response = login_as(world["staff"]["a"]).post(
        reverse("matching:agreement_change_kind", args=[agreement.pk]), {"kind-kind": "private"}
    )

    assert response.status_code == 400
    assert "「支援の形の変更を確認しました」にチェックを入れてください。" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.kind == "subsidised"


def test_kind_form_with_the_checkbox_changes_kind(world, agreement, login_as):
    response = login_as(world["staff"]["a"]).post(
        reverse("matching:agreement_change_kind", args=[agreement.pk]), {"kind-kind": "private", "kind-confirm": "on"}
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.kind == "private"


def test_kind_form_other_institution_gets_404(world, agreement, login_as):
    response = login_as(world["staff"]["b"]).post(
        reverse("matching:agreement_change_kind", args=[agreement.pk]), {"kind-kind": "private", "kind-confirm": "on"}
    )

    assert response.status_code == 404


def test_list_isolates_institutions(world, agreement, login_as):
    other = make_agreement(world["enrolments"]["b"], world["seniors"][0])

    mine = login_as(world["staff"]["a"]).get(reverse("matching:agreement_list"))
    coordinator = login_as(world["coordinator"]).get(reverse("matching:agreement_list") + f"?event={world['event'].pk}")

    assert [(a.pk, n, left) for a, n, left in mine.context["rows"]] == [(agreement.pk, 0, 2)]
    assert sorted(a.pk for a, _n, _left in coordinator.context["rows"]) == sorted([agreement.pk, other.pk])


def test_list_constant_queries(world, agreement, login_as, django_assert_num_queries):
    client = login_as(world["staff"]["a"])
    url = reverse("matching:agreement_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(9):
        make_agreement(world["enrolments"]["a"], pledged_senior())

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 10
