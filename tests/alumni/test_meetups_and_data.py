"""Meetups: capacity, waiting list, check-in and its survey. Personal data: export and erasure."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from alumni import services
from alumni.enums import MemberStatus, RsvpStatus
from alumni.models import ContactMessage, Feedback, MeetupSurveyAnswer, MemberPost
from sks.personal_data import Person, personal_data_erase, personal_data_export
from tests.factories import alumni_member, alumni_network, alumni_viewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return alumni_network()


def meetup(network, capacity=2, days=7):
    return services.meetup_create(
        viewer=alumni_viewer(network, network.office),
        title="交流会",
        description="",
        venue="本店",
        starts_at=timezone.now() + dt.timedelta(days=days),
        capacity=capacity,
    )


def viewer_of(network):
    return alumni_viewer(network, alumni_member(network).user)


def test_rsvp_capacity_then_waiting_list_in_order(network):
    m = meetup(network, capacity=2)
    viewers = [viewer_of(network) for _ in range(4)]

    statuses = [services.meetup_rsvp(viewer=v, meetup=m).status for v in viewers]

    assert statuses == [RsvpStatus.GOING, RsvpStatus.GOING, RsvpStatus.WAITING, RsvpStatus.WAITING]
    with pytest.raises(services.AlumniError, match="すでに申し込んでいます"):
        services.meetup_rsvp(viewer=viewers[0], meetup=m)


def test_rsvp_cancel_promotes_the_first_waiting(network):
    m = meetup(network, capacity=1)
    first, second, third = viewer_of(network), viewer_of(network), viewer_of(network)
    for v in (first, second, third):
        services.meetup_rsvp(viewer=v, meetup=m)

    promoted = services.meetup_cancel(viewer=first, meetup=m)

    assert promoted.user == second.user
    assert dict(m.rsvps.values_list("user", "status")) == {
        first.user.pk: RsvpStatus.CANCELLED,
        second.user.pk: RsvpStatus.GOING,
        third.user.pk: RsvpStatus.WAITING,
    }
    assert second.user.notifications.get().kind == "alumni.rsvp_promoted"


def test_rsvp_page_tells_the_waiting_list(client, network):
    m = meetup(network, capacity=1)
    services.meetup_rsvp(viewer=viewer_of(network), meetup=m)
    member = alumni_member(network)
    client.force_login(member.user)

    response = client.post(reverse("alumni:meetup_rsvp", args=[network.pk, m.pk]), follow=True)

    assert "キャンセル待ちに登録しました" in response.content.decode()
    assert m.rsvps.get(user=member.user).status == RsvpStatus.WAITING


def test_rsvp_to_a_past_meetup_is_refused(network):
    m = meetup(network, days=-1)

    with pytest.raises(services.AlumniError, match="開始済み"):
        services.meetup_rsvp(viewer=viewer_of(network), meetup=m)


def test_check_in_sends_the_survey_once_and_opens_it(client, network):
    m = meetup(network)
    member_viewer = viewer_of(network)
    rsvp = services.meetup_rsvp(viewer=member_viewer, meetup=m)
    office = alumni_viewer(network, network.office)
    survey = reverse("alumni:meetup_survey", args=[network.pk, m.pk])
    client.force_login(member_viewer.user)
    before = client.get(survey).status_code

    services.meetup_check_in(viewer=office, rsvp=rsvp)
    services.meetup_check_in(viewer=office, rsvp=rsvp)
    answer = client.post(survey, {"satisfaction": "4", "comment": "楽しかった", "anonymous": "on"})

    assert before == 404
    assert member_viewer.user.notifications.filter(kind="alumni.survey").count() == 1
    assert answer.status_code == 302
    saved = MeetupSurveyAnswer.objects.get()
    assert (saved.satisfaction, saved.comment, saved.respondent) == (4, "楽しかった", None)
    with pytest.raises(services.AlumniError, match="すでに回答"):
        services.survey_answer(viewer=member_viewer, meetup=m, satisfaction=1, comment="", anonymous=False)


def test_check_in_of_the_waiting_list_is_refused(network):
    m = meetup(network, capacity=1)
    services.meetup_rsvp(viewer=viewer_of(network), meetup=m)
    waiting = services.meetup_rsvp(viewer=viewer_of(network), meetup=m)

    with pytest.raises(services.AlumniError):
        services.meetup_check_in(viewer=alumni_viewer(network, network.office), rsvp=waiting)


def test_survey_results_per_event_for_the_office(client, network):
    m = meetup(network)
    office = alumni_viewer(network, network.office)
    for score in (5, 3):
        v = viewer_of(network)
        services.meetup_check_in(viewer=office, rsvp=services.meetup_rsvp(viewer=v, meetup=m))
        services.survey_answer(viewer=v, meetup=m, satisfaction=score, comment="", anonymous=False)
    client.force_login(network.office)

    response = client.get(reverse("alumni:office_checkin", args=[network.pk, m.pk]))

    assert response.context["average"] == 4.0


# --- personal data -------------------------------------------------------------------------------------------


@pytest.fixture
def active_member(network):
    member = alumni_member(network, employer="みなと経営研究所", skills="事業承継", self_introduction="自己紹介です")
    viewer = alumni_viewer(network, member.user)
    other = alumni_member(network)
    services.feedback_create(viewer=viewer, topic="窓口", good_points="丁寧です", improvements="")
    post = services.post_create(
        viewer=viewer, kind="activity", title="近況報告", body="独立しました", share_with_staff=False
    )
    services.post_reply(viewer=viewer, post=post, body="補足です")
    services.member_contact(viewer=viewer, recipient=other, body="ご相談です")
    m = meetup(network)
    rsvp = services.meetup_rsvp(viewer=viewer, meetup=m)
    services.meetup_check_in(viewer=alumni_viewer(network, network.office), rsvp=rsvp)
    services.survey_answer(viewer=viewer, meetup=m, satisfaction=5, comment="良い会でした", anonymous=False)
    return member


def test_personal_data_export_has_every_alumni_section(active_member):
    data = personal_data_export(Person(user=active_member.user))

    assert data["alumni_memberships"][0]["employer"] == "みなと経営研究所"
    assert data["alumni_feedback"][0]["good_points"] == "丁寧です"
    assert data["alumni_posts"][0]["title"] == "近況報告"
    assert data["alumni_replies"][0]["body"] == "補足です"
    assert data["alumni_messages"][0]["body"] == "ご相談です"
    assert data["alumni_rsvps"][0]["status"] == "参加"
    assert data["alumni_survey_answers"][0]["comment"] == "良い会でした"


def test_personal_data_export_page_is_json(client, network, active_member):
    client.force_login(active_member.user)

    response = client.get(reverse("alumni:my_data", args=[network.pk]))

    assert json.loads(response.content)["alumni_memberships"][0]["skills"] == "事業承継"


def test_personal_data_erasure_anonymises(active_member):
    personal_data_erase(Person(user=active_member.user))

    active_member.refresh_from_db()
    assert (active_member.status, active_member.employer, active_member.skills, active_member.search_text) == (
        MemberStatus.LEFT, "", "", ""
    )  # fmt: skip
    assert Feedback.objects.get().good_points == ""
    assert MemberPost.objects.get().body == ""
    assert ContactMessage.objects.get().body == ""
    answer = MeetupSurveyAnswer.objects.get()
    assert (answer.satisfaction, answer.comment, answer.respondent) == (5, "", None)


# --- worksheets ----------------------------------------------------------------------------------------------


def test_worksheet_feeds_feedback_and_skills_with_agreement(client, network):
    m = meetup(network)
    member = alumni_member(network, skills="融資審査")
    viewer = alumni_viewer(network, member.user)
    services.meetup_rsvp(viewer=viewer, meetup=m)
    client.force_login(member.user)
    url = reverse("alumni:meetup_worksheet", args=[network.pk, m.pk])
    data = {"useful_skills": "事業性評価", "good_points": "研修が充実", "improvements": "決裁が遅い"}

    client.post(url, data | {"share_feedback": "on", "add_skills": "on"})
    client.post(url, data | {"share_feedback": "on", "add_skills": "on"})

    member.refresh_from_db()
    item = Feedback.objects.get()
    assert (item.author, item.good_points, item.improvements) == (member.user, "研修が充実", "決裁が遅い")
    assert member.skills == "融資審査\n事業性評価"
    assert "事業性評価" in member.search_text


def test_worksheet_without_agreement_stays_private(network):
    m = meetup(network)
    viewer = viewer_of(network)
    services.meetup_rsvp(viewer=viewer, meetup=m)

    sheet = services.worksheet_submit(
        viewer=viewer, meetup=m, useful_skills="x", good_points="y", improvements="z",
        share_feedback=False, add_skills=False,
    )  # fmt: skip

    assert (sheet.feedback, sheet.skills_added, Feedback.objects.count()) == (None, False, 0)


def test_worksheet_only_for_members_going(network):
    m = meetup(network, capacity=1)
    services.meetup_rsvp(viewer=viewer_of(network), meetup=m)
    waiting = viewer_of(network)
    services.meetup_rsvp(viewer=waiting, meetup=m)

    with pytest.raises(services.AlumniError):
        services.worksheet_submit(
            viewer=waiting, meetup=m, useful_skills="", good_points="a", improvements="",
            share_feedback=True, add_skills=False,
        )  # fmt: skip


# --- reminders -----------------------------------------------------------------------------------------------


def test_meetup_reminder_the_day_before_once_to_those_with_a_seat(network, django_capture_on_commit_callbacks):
    from django.core import mail

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    starts = dt.datetime.combine(tomorrow, dt.time(18, 30), tzinfo=timezone.get_current_timezone())
    m = services.meetup_create(
        viewer=alumni_viewer(network, network.office), title="新春交流会", description="", venue="大手町",
        starts_at=starts, capacity=1,
    )  # fmt: skip
    going = viewer_of(network)
    services.meetup_rsvp(viewer=going, meetup=m)
    services.meetup_rsvp(viewer=viewer_of(network), meetup=m)  # waiting: no reminder

    with django_capture_on_commit_callbacks(execute=True):
        first = services.meetup_reminders_scan()
        second = services.meetup_reminders_scan()

    assert (first, second) == (1, 0)
    assert [msg.to for msg in mail.outbox] == [[going.user.email]]
    assert "明日は「新春交流会」です" in mail.outbox[0].subject
    assert "18:30" in mail.outbox[0].body
