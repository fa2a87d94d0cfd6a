"""The post-event survey: who may answer (participants of the published timetable only), answering and
changing the answer until the follow-up closes, and the coordinator's results page."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from matching.models import SurveyResponse
from matching.selectors.survey import survey_participants, survey_results
from matching.services.survey import SurveyError, survey_response_submit
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    company_contact,
    enrol_company,
    make_event,
    make_timetable,
    pledged_senior,
    staff_user,
    survey_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    with arranging():
        return survey_event()


def url(w) -> str:
    return reverse("matching:survey", args=[w["event"].pk])


def results_url(w) -> str:
    return reverse("matching:survey_results", args=[w["event"].pk])


def set_status(w, status: str) -> None:
    Event.objects.filter(pk=w["event"].pk).update(status=status)
    w["event"].refresh_from_db()


# --- the service ---


def test_submit_derives_role_for_senior_staff_and_company(w):
    senior = w["seniors"][0].user
    answers = [
        survey_response_submit(event=w["event"], user=senior, satisfaction=5, comment="よい出会いでした"),
        survey_response_submit(event=w["event"], user=w["staff"]["b"], satisfaction=3),
        survey_response_submit(event=w["event"], user=w["contacts"]["a"], satisfaction=4, comment="  また参加したい "),
    ]

    assert [(a.user_id, a.role, a.satisfaction, a.comment) for a in answers] == [
        (senior.pk, "senior", 5, "よい出会いでした"),
        (w["staff"]["b"].pk, "bank_staff", 3, ""),
        (w["contacts"]["a"].pk, "company", 4, "また参加したい"),
    ]


def test_submit_twice_changes_the_one_answer_and_audits_both(w):
    user = w["seniors"][1].user

    first = survey_response_submit(event=w["event"], user=user, satisfaction=2, comment="時間が短い")
    second = survey_response_submit(event=w["event"], user=user, satisfaction=4, comment="時間が短い")

    assert first.pk == second.pk
    assert list(SurveyResponse.objects.values_list("user_id", "satisfaction", "comment")) == [
        (user.pk, 4, "時間が短い")
    ]
    actions = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SurveyResponse), object_pk=str(first.pk)
    ).order_by("pk")
    assert [e.additional_data["event"] for e in actions] == ["survey.submitted", "survey.changed"]
    assert actions[1].additional_data["fields"] == ["satisfaction"]


@pytest.mark.parametrize("who", ["bystander", "staff_c", "admin_a", "coordinator"])
def test_submit_refused_for_non_participants(w, who):
    user = {
        "bystander": w["bystander"].user,
        "staff_c": w["staff"]["c"],
        "admin_a": w["admin_a"],
        "coordinator": w["coordinator"],
    }[who]

    with pytest.raises(SurveyError, match="参加した方だけ"):
        survey_response_submit(event=w["event"], user=user, satisfaction=5)

    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize("status", ["timetabling", "closed"])
def test_submit_refused_before_held_and_after_close(w, status):
    set_status(w, status)

    with pytest.raises(SurveyError, match="締め切りました"):
        survey_response_submit(event=w["event"], user=w["seniors"][0].user, satisfaction=5)


@pytest.mark.parametrize("value", [0, 6])
def test_submit_refused_out_of_range(w, value):
    with pytest.raises(SurveyError, match="1〜5"):
        survey_response_submit(event=w["event"], user=w["seniors"][0].user, satisfaction=value)


def test_submit_refused_staff_attending_another_banks_table(w):
    # A's staff set as attending B's table by mistake is not a participant of B's table.
    from events.models import EventCompany

    outsider = staff_user(Role.BANK_STAFF)
    with arranging():
        EventCompany.objects.filter(pk=w["enrolments"]["b"].pk).update(attending_staff=outsider)

    with pytest.raises(SurveyError):
        survey_response_submit(event=w["event"], user=outsider, satisfaction=3)


def test_participants_are_the_published_timetable_people_only(w):
    # A draft timetable's meeting makes nobody a participant.
    make_timetable(w["event"], [(w["enrolments"]["c"], w["bystander"], 2, "mutual")], status="draft")
    company_contact(w["companies"]["c"])

    got = [(user.pk, role) for user, role in survey_participants(event=w["event"])]

    assert got == [
        *sorted((s.user_id, "senior") for s in w["seniors"]),
        *sorted((w["staff"][k].pk, "bank_staff") for k in "ab"),
        *sorted((w["contacts"][k].pk, "company") for k in "ab"),
    ]


def other_event() -> dict:
    """Another held event, with its own senior meeting its own company."""
    event = make_event(status="follow_up", date=timezone.localdate() - dt.timedelta(days=5))
    senior = pledged_senior()
    make_timetable(event, [(enrol_company(event), senior, 0, "mutual")], status="published")
    return {"event": event, "seniors": [senior]}


# --- the participant's page ---


def test_page_shows_form_to_participant(w, login_as):
    response = login_as(w["seniors"][0].user).get(url(w))

    assert response.status_code == 200
    assert response.context["editing"] is True
    assert response.context["role_label"] == "新現役"
    content = response.content.decode()
    for label in ("不満", "やや不満", "ふつう", "満足", "大変満足"):
        assert f'<span class="survey-choice-label">{label}</span>' in content


def test_page_submit_then_thanks_then_edit(w, login_as):
    client = login_as(w["contacts"]["b"])

    posted = client.post(url(w), {"satisfaction": "4", "comment": "参考になりました"})
    thanks = client.get(url(w))
    edit = client.get(url(w) + "?edit=1")
    changed = client.post(url(w), {"satisfaction": "5", "comment": "参考になりました"})

    assert (posted.status_code, posted["Location"]) == (302, url(w))
    assert thanks.context["editing"] is False
    assert "ご回答ありがとうございました。" in thanks.content.decode()
    assert "回答を変更する" in thanks.content.decode()
    assert edit.context["form"].initial == {"satisfaction": 4, "comment": "参考になりました"}
    assert changed.status_code == 302
    assert list(SurveyResponse.objects.values_list("user_id", "role", "satisfaction")) == [
        (w["contacts"]["b"].pk, "company", 5)
    ]


def test_page_without_satisfaction_shows_error_and_saves_nothing(w, login_as):
    response = login_as(w["staff"]["a"]).post(url(w), {"satisfaction": "", "comment": "x"})

    assert response.status_code == 200
    assert response.context["form"].errors["satisfaction"] == ["満足度を1〜5から選んでください。"]
    assert SurveyResponse.objects.count() == 0


def test_page_after_close_is_read_only(w, login_as):
    user = w["seniors"][0].user
    survey_response_submit(event=w["event"], user=user, satisfaction=3, comment="ふつう")
    set_status(w, "closed")
    client = login_as(user)

    page = client.get(url(w) + "?edit=1")
    posted = client.post(url(w), {"satisfaction": "1", "comment": ""})

    assert (page.status_code, page.context["editing"], page.context["is_open"]) == (200, False, False)
    assert "この交流会のアンケートは締め切りました。" in page.content.decode()
    assert posted.status_code == 302
    assert list(SurveyResponse.objects.values_list("satisfaction", flat=True)) == [3]


@pytest.mark.parametrize("who", ["bystander", "staff_c", "admin_a", "coordinator", "other_event_senior"])
def test_page_404_for_non_participants(w, login_as, who):
    other = other_event()
    user = {
        "bystander": w["bystander"].user,
        "staff_c": w["staff"]["c"],
        "admin_a": w["admin_a"],
        "coordinator": w["coordinator"],
        "other_event_senior": other["seniors"][0].user,
    }[who]

    response = login_as(user).get(url(w))

    assert response.status_code == 404
    assert login_as(user).post(url(w), {"satisfaction": "5"}).status_code == 404
    assert SurveyResponse.objects.count() == 0


def test_page_404_before_the_event_is_held(w, login_as):
    set_status(w, "timetabling")

    assert login_as(w["seniors"][0].user).get(url(w)).status_code == 404


# --- the coordinator's results ---


def answer_all(w) -> None:
    answers = [
        (w["seniors"][0].user, 5, "とても有意義でした"),
        (w["seniors"][1].user, 4, ""),
        (w["staff"]["a"], 3, "準備が大変"),
        (w["contacts"]["a"], 2, "時間が短い"),
    ]
    for user, satisfaction, comment in answers:
        survey_response_submit(event=w["event"], user=user, satisfaction=satisfaction, comment=comment)


def test_results_per_role_counts_means_and_distribution(w):
    answer_all(w)

    results = survey_results(event=w["event"])

    assert [(r.role, r.invited, r.count, r.mean, r.distribution) for r in results.roles] == [
        ("senior", 2, 2, 4.5, {4: 1, 5: 1}),
        ("bank_staff", 2, 1, 3.0, {3: 1}),
        ("company", 2, 1, 2.0, {2: 1}),
    ]
    assert (results.total.invited, results.total.count, results.total.mean) == (6, 4, 3.5)
    assert results.total.distribution == {2: 1, 3: 1, 4: 1, 5: 1}
    assert results.roles[0].bars == [(5, 1, 50), (4, 1, 50), (3, 0, 0), (2, 0, 0), (1, 0, 0)]
    assert [c.comment for c in results.comments] == ["準備が大変", "時間が短い", "とても有意義でした"]


def test_results_page_for_the_coordinator(w, login_as):
    answer_all(w)

    response = login_as(w["coordinator"]).get(results_url(w))

    assert response.status_code == 200
    content = response.content.decode()
    assert "4.50" in content
    assert "とても有意義でした" in content
    # Comments are shown without names.
    assert w["seniors"][0].user.get_full_name() not in content


@pytest.mark.parametrize("who", ["other_coordinator", "staff_a", "admin_a", "senior"])
def test_results_page_404_for_everyone_but_the_coordinator(w, login_as, who):
    user = {
        "other_coordinator": w["other_coordinator"],
        "staff_a": w["staff"]["a"],
        "admin_a": w["admin_a"],
        "senior": w["seniors"][0].user,
    }[who]

    assert login_as(user).get(results_url(w)).status_code == 404


@pytest.mark.parametrize("answers", [1, 10])
def test_results_constant_queries(w, django_assert_num_queries, answers):
    users = [pledged_senior().user for _ in range(answers)]
    SurveyResponse.objects.bulk_create(
        SurveyResponse(event=w["event"], user=u, role="senior", satisfaction=1 + i % 5, comment=f"感想{i}")
        for i, u in enumerate(users)
    )

    with django_assert_num_queries(7):
        results = survey_results(event=w["event"])
        assert len(results.comments) == answers


@pytest.mark.parametrize("answers", [1, 10])
def test_results_page_constant_queries(w, login_as, django_assert_num_queries, answers):
    users = [pledged_senior().user for _ in range(answers)]
    SurveyResponse.objects.bulk_create(
        SurveyResponse(event=w["event"], user=u, role="senior", satisfaction=3, comment=f"感想{i}")
        for i, u in enumerate(users)
    )
    client = login_as(w["coordinator"])
    client.get(results_url(w))  # warm up: the session, its activity record and the user's roles

    with django_assert_num_queries(12):
        response = client.get(results_url(w))

    assert response.status_code == 200
    assert len(response.context["results"].comments) == answers
