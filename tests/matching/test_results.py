"""Interview results: the bank staff's per-table form, the coordinator's overview, the senior's own wish;
when they may be recorded, who may see them, and the proposals that follow a mutual yes."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import InterviewResult, SecondInterview
from matching.services.followup import (
    InterviewResultError,
    interview_result_record_company,
    interview_result_record_senior,
)
from sks.roles import Role
from tests.access import arranging, every
from tests.factories import (
    OrganizationFactory,
    enrol_company,
    followup_world,
    make_result,
    make_second_interview,
    make_timetable,
    pledged_senior,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with arranging():
        return followup_world()


def _row(prefix: int, **fields: str) -> dict[str, str]:
    return {f"r{prefix}-{k}": v for k, v in fields.items()}


# --- services -------------------------------------------------------------------------------------------------


def test_record_company_creates_result_and_audits(world):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]

    result = interview_result_record_company(
        enrolment=a, senior=s1, by=world["staff"]["a"], held=True, wish="yes", notes="前向き"
    )

    assert (result.held, result.company_wish, result.company_notes, result.institution_id) == (
        True,
        "yes",
        "前向き",
        world["banks"]["a"].pk,
    )
    assert result.company_recorded_by == world["staff"]["a"]
    entry = LogEntry.objects.filter(additional_data__event="interview_result.company_recorded").get()
    assert entry.actor == world["staff"]["a"]


def test_record_company_edit_keeps_one_row_and_logs_each_change(world):
    a, s1, staff = world["enrolments"]["a"], world["seniors"][0], world["staff"]["a"]
    interview_result_record_company(enrolment=a, senior=s1, by=staff, held=True, wish="maybe")

    interview_result_record_company(enrolment=a, senior=s1, by=staff, held=True, wish="no", notes="再考")

    assert list(every(InterviewResult).values_list("company_wish", "company_notes")) == [("no", "再考")]
    assert LogEntry.objects.filter(additional_data__event="interview_result.company_recorded").count() == 2


def test_record_company_not_held_clears_wish(world):
    result = interview_result_record_company(
        enrolment=world["enrolments"]["a"], senior=world["seniors"][0], by=world["staff"]["a"], held=False, wish="yes"
    )

    assert (result.held, result.company_wish) == (False, "")


def test_record_company_requires_wish_when_held(world):
    with pytest.raises(InterviewResultError) as exc:
        interview_result_record_company(
            enrolment=world["enrolments"]["a"], senior=world["seniors"][0], by=world["staff"]["a"], held=True, wish=""
        )

    assert exc.value.message == "企業の希望（また会いたい・検討中・希望しない）を選んでください。"


@pytest.mark.parametrize("status", ["held", "follow_up"])
def test_record_company_allowed_once_held(status):
    world = followup_world(status=status)

    result = interview_result_record_company(
        enrolment=world["enrolments"]["a"], senior=world["seniors"][0], by=world["staff"]["a"], held=True, wish="yes"
    )

    assert result.company_wish == "yes"


@pytest.mark.parametrize("status", ["selection", "timetabling"])
def test_record_company_refused_before_the_event(status):
    world = followup_world(status=status)

    with pytest.raises(InterviewResultError) as exc:
        interview_result_record_company(
            enrolment=world["enrolments"]["a"],
            senior=world["seniors"][0],
            by=world["staff"]["a"],
            held=True,
            wish="yes",
        )

    assert "開催後" in exc.value.message
    assert every(InterviewResult).count() == 0


def test_results_locked_when_event_closed():
    world = followup_world(status="closed")
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    make_result(a, s1, company_wish="maybe")

    with pytest.raises(InterviewResultError) as company:
        interview_result_record_company(enrolment=a, senior=s1, by=world["staff"]["a"], held=True, wish="yes")
    with pytest.raises(InterviewResultError) as senior:
        interview_result_record_senior(senior=s1, enrolment=a, by=s1.user, wish="yes")

    assert company.value.message == "この交流会のフォローアップは終了しました。面談結果はもう変更できません。"
    assert senior.value.message == company.value.message
    assert list(every(InterviewResult).values_list("company_wish", "senior_wish")) == [("maybe", "")]


def test_record_company_refused_for_pair_not_in_published_timetable(world):
    # Senior 2 met A's table only; B's table never met them.
    with pytest.raises(InterviewResultError):
        interview_result_record_company(
            enrolment=world["enrolments"]["b"],
            senior=world["seniors"][1],
            by=world["staff"]["b"],
            held=True,
            wish="yes",
        )


def test_record_company_ignores_a_draft_timetable(world):
    c, s2 = world["enrolments"]["c"], world["seniors"][1]
    make_timetable(world["event"], [(c, s2, 0, "mutual")], status="draft")

    with pytest.raises(InterviewResultError):
        interview_result_record_company(enrolment=c, senior=s2, by=world["staff"]["c"], held=True, wish="yes")


def test_record_senior_own_wish(world):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]

    result = interview_result_record_senior(senior=s1, enrolment=a, by=s1.user, wish="maybe", notes="もう少し話を")

    assert (result.senior_wish, result.senior_notes, result.company_wish) == ("maybe", "もう少し話を", "")
    assert LogEntry.objects.filter(additional_data__event="interview_result.senior_recorded").count() == 1


def test_record_senior_refused_when_not_held(world):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    make_result(a, s1, held=False)

    with pytest.raises(InterviewResultError):
        interview_result_record_senior(senior=s1, enrolment=a, by=s1.user, wish="yes")


def test_mutual_yes_becomes_a_proposal_once(world):
    a, s1, staff = world["enrolments"]["a"], world["seniors"][0], world["staff"]["a"]
    interview_result_record_senior(senior=s1, enrolment=a, by=s1.user, wish="yes")

    interview_result_record_company(enrolment=a, senior=s1, by=staff, held=True, wish="yes")
    interview_result_record_company(enrolment=a, senior=s1, by=staff, held=True, wish="yes", notes="再保存")

    si = every(SecondInterview).get()
    assert (si.status, si.by_coordinator, si.staff, si.senior_id, si.institution_id) == (
        "proposed",
        False,
        staff,
        s1.pk,
        world["banks"]["a"].pk,
    )


def test_one_sided_yes_makes_no_proposal(world):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    interview_result_record_senior(senior=s1, enrolment=a, by=s1.user, wish="maybe")

    interview_result_record_company(enrolment=a, senior=s1, by=world["staff"]["a"], held=True, wish="yes")

    assert every(SecondInterview).count() == 0


# --- the table page -------------------------------------------------------------------------------------------


def test_tables_page_lists_own_institution_tables_with_progress(world, login_as):
    make_result(
        world["enrolments"]["a"], world["seniors"][0], company_wish="yes", company_recorded_at="2026-01-01T00:00Z"
    )

    response = login_as(world["staff"]["a"]).get(reverse("matching:followup_tables", args=[world["event"].pk]))

    assert response.status_code == 200
    assert [(t.enrolment.pk, t.recorded, t.meetings) for t in response.context["tables"]] == [
        (world["enrolments"]["a"].pk, 1, 2)
    ]
    assert "株式会社秘密の食品B" not in response.content.decode()


def test_tables_page_coordinator_sees_every_table(world, login_as):
    response = login_as(world["coordinator"]).get(reverse("matching:followup_tables", args=[world["event"].pk]))

    assert [t.enrolment.pk for t in response.context["tables"]] == [
        world["enrolments"]["a"].pk,
        world["enrolments"]["b"].pk,
    ]


def test_table_page_rows_in_slot_order(world, login_as):
    response = login_as(world["staff"]["a"]).get(reverse("matching:result_table", args=[world["enrolments"]["a"].pk]))

    assert response.status_code == 200
    assert [row.senior.pk for row, _form in response.context["rows"]] == [s.pk for s in world["seniors"]]


def test_table_page_other_institution_gets_404(world, login_as):
    url = reverse("matching:result_table", args=[world["enrolments"]["a"].pk])

    assert login_as(world["staff"]["b"]).get(url).status_code == 404
    assert login_as(world["other_coordinator"]).get(url).status_code == 404
    assert login_as(world["senior"]).get(url).status_code == 404


def test_tables_page_staff_of_non_host_gets_404(world, login_as):
    outsider = staff_user(Role.BANK_STAFF, OrganizationFactory())

    response = login_as(outsider).get(reverse("matching:followup_tables", args=[world["event"].pk]))

    assert response.status_code == 404


def test_record_row_with_htmx_returns_the_row(world, login_as):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    url = reverse("matching:result_record", args=[a.pk, s1.pk])

    response = login_as(world["staff"]["a"]).post(
        url, _row(s1.pk, wish="maybe", notes="検討したい"), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "保存しました" in response.content.decode()
    assert list(every(InterviewResult).values_list("company_wish", "company_notes")) == [("maybe", "検討したい")]


def test_record_row_missing_wish_shows_japanese_error(world, login_as):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]

    response = login_as(world["staff"]["a"]).post(
        reverse("matching:result_record", args=[a.pk, s1.pk]), _row(s1.pk, notes="x"), HTTP_HX_REQUEST="true"
    )

    assert "企業の希望（また会いたい・検討中・希望しない）を選んでください。" in response.content.decode()
    assert every(InterviewResult).count() == 0


def test_record_row_plain_form_redirects(world, login_as):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]

    response = login_as(world["coordinator"]).post(
        reverse("matching:result_record", args=[a.pk, s1.pk]), _row(s1.pk, not_held="on")
    )

    assert response.status_code == 302
    assert list(every(InterviewResult).values_list("held", "company_recorded_by")) == [(False, world["coordinator"].pk)]


def test_record_row_closed_event_refused_with_message(login_as):
    world = followup_world(status="closed")
    a, s1 = world["enrolments"]["a"], world["seniors"][0]

    response = login_as(world["staff"]["a"]).post(
        reverse("matching:result_record", args=[a.pk, s1.pk]), _row(s1.pk, wish="yes")
    )

    assert response.status_code == 400
    assert "フォローアップは終了しました" in response.content.decode()
    assert every(InterviewResult).count() == 0


def test_record_row_other_institution_gets_404(world, login_as):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]

    response = login_as(world["staff"]["b"]).post(
        reverse("matching:result_record", args=[a.pk, s1.pk]), _row(s1.pk, wish="yes")
    )

    assert response.status_code == 404
    assert every(InterviewResult).count() == 0


def test_tables_page_constant_queries(world, login_as, django_assert_num_queries):
    client = login_as(world["staff"]["a"])
    url = reverse("matching:followup_tables", args=[world["event"].pk])
    client.get(url)  # warm the session and the user's memberships caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    bank_a = world["banks"]["a"]
    extra = [enrol_company(world["event"], institution=bank_a, staff=world["staff"]["a"]) for _ in range(9)]
    senior = pledged_senior()
    world["timetable"].status = "superseded"
    world["timetable"].save()
    make_timetable(world["event"], [(e, senior, i % 6, "mutual") for i, e in enumerate(extra)], status="published")

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["tables"]) == 9


# --- the coordinator's overview -------------------------------------------------------------------------------


def test_results_overview_coordinator_only(world, login_as):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    si = make_second_interview(a, s1, result=make_result(a, s1, company_wish="yes", senior_wish="yes"))
    url = reverse("matching:event_results", args=[world["event"].pk])

    response = login_as(world["coordinator"]).get(url)

    assert response.status_code == 200
    assert [[s.pk for s in r.second_interviews.all()] for r in response.context["results"]] == [[si.pk]]
    assert reverse("matching:second_interview_detail", args=[si.pk]) in response.content.decode()
    assert login_as(world["staff"]["a"]).get(url).status_code == 404
    assert login_as(world["other_coordinator"]).get(url).status_code == 404


# --- the senior's wish ----------------------------------------------------------------------------------------


def test_senior_wish_page_records_own_wish(world, login_as):
    s1, a = world["seniors"][0], world["enrolments"]["a"]
    url = reverse("matching:senior_wish", args=[a.pk])

    response = login_as(s1.user).post(url, {"wish": "yes", "notes": "ぜひ"})

    assert response.status_code == 302
    assert list(every(InterviewResult).values_list("senior_id", "senior_wish", "senior_notes")) == [
        (s1.pk, "yes", "ぜひ")
    ]


def test_senior_wish_page_other_table_gets_404(world, login_as):
    # Senior 2 never met B's table.
    response = login_as(world["seniors"][1].user).post(
        reverse("matching:senior_wish", args=[world["enrolments"]["b"].pk]), {"wish": "yes"}
    )

    assert response.status_code == 404
    assert every(InterviewResult).count() == 0


def test_senior_wish_page_staff_gets_404(world, login_as):
    response = login_as(world["staff"]["a"]).get(reverse("matching:senior_wish", args=[world["enrolments"]["a"].pk]))

    assert response.status_code == 404


def test_my_schedule_lists_held_interviews_to_reflect_on(world, login_as):
    response = login_as(world["seniors"][0].user).get(reverse("matching:my_schedule"))

    assert [row.enrolment_id for row in response.context["wish_rows"]] == [
        world["enrolments"]["a"].pk,
        world["enrolments"]["b"].pk,
    ]
    assert reverse("matching:senior_wish", args=[world["enrolments"]["a"].pk]) in response.content.decode()


def response_wish(page: str, senior_pk: int) -> str:
    """The company's wish checked in the row of `senior_pk` on a table page."""
    match = re.search(rf'<input type="radio" name="r{senior_pk}-wish" value="(\w+)"[^>]* checked>', page)
    return match.group(1) if match else ""


# --- the bank's memo is the bank's ----------------------------------------------------------------------------


def test_table_page_coordinator_sees_outcome_and_senior_wish_but_not_the_memo(world, login_as):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    interview_result_record_company(
        enrolment=a, senior=s1, by=world["staff"]["a"], held=True, wish="yes", notes="社内メモ：決算に不安あり"
    )
    interview_result_record_senior(enrolment=a, senior=s1, by=s1.user, wish="maybe", notes="")
    url = reverse("matching:result_table", args=[a.pk])

    coordinator_page = login_as(world["coordinator"]).get(url).content.decode()
    staff_page = login_as(world["staff"]["a"]).get(url).content.decode()

    assert "社内メモ：決算に不安あり" not in coordinator_page
    assert f'name="r{s1.pk}-notes"' not in coordinator_page
    assert response_wish(coordinator_page, s1.pk) == "yes"
    assert "新現役の希望：検討中" in coordinator_page
    assert "社内メモ：決算に不安あり" in staff_page


def test_record_row_by_coordinator_keeps_the_bank_memo(world, login_as):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    interview_result_record_company(
        enrolment=a, senior=s1, by=world["staff"]["a"], held=True, wish="yes", notes="社内メモ"
    )

    response = login_as(world["coordinator"]).post(
        reverse("matching:result_record", args=[a.pk, s1.pk]),
        _row(s1.pk, wish="maybe", notes="上書き"),
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "社内メモ" not in response.content.decode()
    assert list(every(InterviewResult).values_list("company_wish", "company_notes")) == [("maybe", "社内メモ")]


def test_record_company_without_notes_keeps_the_memo(world):
    a, s1 = world["enrolments"]["a"], world["seniors"][0]
    interview_result_record_company(enrolment=a, senior=s1, by=world["staff"]["a"], held=True, wish="yes", notes="メモ")

    result = interview_result_record_company(
        enrolment=a, senior=s1, by=world["coordinator"], held=True, wish="no", notes=None
    )

    assert (result.company_wish, result.company_notes) == ("no", "メモ")
