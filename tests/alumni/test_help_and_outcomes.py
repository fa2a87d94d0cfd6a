"""協力募集: the office asks, alumni express interest, the office records the outcome; the outcomes page
counts what the network achieved (collaborations, adopted feedback, attendance), not logins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from alumni import access, services
from alumni.enums import FeedbackStatus
from tests.factories import alumni_member, alumni_network, alumni_viewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return alumni_network()


def test_help_interest_and_outcome(client, network):
    office = alumni_viewer(network, network.office)
    help_request = services.help_request_create(viewer=office, kind="surge", title="窓口応援", body="3月の2週間")
    member = alumni_member(network)
    client.force_login(member.user)

    client.post(reverse("alumni:help_detail", args=[network.pk, help_request.pk]), {"message": "平日なら可能です"})
    again = client.post(reverse("alumni:help_detail", args=[network.pk, help_request.pk]), {"message": "再度"})
    interest = help_request.interests.get()
    client.force_login(network.office)
    client.post(
        reverse("alumni:office_help_outcome", args=[network.pk, help_request.pk, interest.pk]), {"outcome": "engaged"}
    )
    client.post(reverse("alumni:office_help_close", args=[network.pk, help_request.pk]))

    interest.refresh_from_db()
    help_request.refresh_from_db()
    assert again.status_code == 400
    assert "すでに応募しています。" in again.content.decode()
    assert (interest.message, interest.outcome, interest.outcome_by) == ("平日なら可能です", "engaged", network.office)
    assert help_request.is_open is False
    with pytest.raises(services.AlumniError, match="締め切りました"):
        services.help_interest_express(
            viewer=alumni_viewer(network, alumni_member(network).user), request=help_request, message=""
        )


def test_help_interests_are_for_the_office_only(client, network):
    office = alumni_viewer(network, network.office)
    help_request = services.help_request_create(viewer=office, kind="speaker", title="講師", body="b")
    first = alumni_member(network)
    services.help_interest_express(
        viewer=alumni_viewer(network, first.user), request=help_request, message="秘密のひとこと"
    )
    client.force_login(alumni_member(network).user)

    page = client.get(reverse("alumni:help_detail", args=[network.pk, help_request.pk])).content.decode()

    assert "秘密のひとこと" not in page


def test_outcomes_count_results_not_logins(client, network):
    office = alumni_viewer(network, network.office)
    member = alumni_member(network)
    viewer = alumni_viewer(network, member.user)
    help_request = services.help_request_create(viewer=office, kind="mentoring", title="メンター", body="b")
    services.help_interest_record(
        viewer=office,
        interest=services.help_interest_express(viewer=viewer, request=help_request, message=""),
        outcome="engaged",
    )
    item = services.feedback_create(viewer=viewer, topic="t", good_points="g", improvements="")
    services.feedback_answer(viewer=office, feedback=item, status=FeedbackStatus.DONE, answer="対応しました")
    services.feedback_create(viewer=viewer, topic="t2", good_points="g", improvements="")
    meetup = services.meetup_create(
        viewer=office, title="m", description="", venue="v", starts_at=timezone.now() + dt.timedelta(days=1), capacity=5
    )
    services.meetup_check_in(viewer=office, rsvp=services.meetup_rsvp(viewer=viewer, meetup=meetup))
    post = services.post_create(viewer=viewer, kind="collaboration", title="協業", body="b", share_with_staff=False)
    services.post_interest_toggle(viewer=alumni_viewer(network, alumni_member(network).user), post=post)
    client.force_login(network.office)

    response = client.get(reverse("alumni:office_outcomes", args=[network.pk]))

    assert response.context["o"] == access.network_outcomes(office)
    assert access.network_outcomes(office) == {
        "members": 2,
        "help_engaged": 1,
        "collaboration_replies": 1,
        "feedback_adopted": 1,
        "feedback_total": 2,
        "attended": 1,
        "digest_posts": 0,
    }
