"""Deleting an account that belongs to no senior and no staff member: an alumni or regional network member.

The page lists what will be erased, asks for a checkbox, and erases through the personal-data registry; the
audit log keeps its rows but loses the person's name and address.
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from alumni import services as alumni_services
from alumni.models import AlumniMember, Feedback
from participants.models import User
from participants.services import ANONYMISED_NAME, account_anonymise, anonymised_email
from regional.models import NetworkMember
from sks.exceptions import DomainError
from sks.roles import Role
from tests.access import arranging, every
from tests.factories import UserFactory, alumni_member, alumni_network, alumni_viewer, senior_user, staff_user
from tests.regional.helpers import chapter_of, join, make_network

pytestmark = pytest.mark.django_db

NAME, EMAIL = "小野寺 みどり", "midori.onodera@example.jp"


@pytest.fixture
def member() -> User:
    """A former employee in an alumni network, with feedback, and in a regional chapter."""
    with arranging():
        user = UserFactory(name=NAME, email=EMAIL)
        network = alumni_network()
        alumni_member(network, user=user, employer="小野寺会計事務所", self_introduction="中小企業の経理を支援")
        alumni_services.feedback_create(
            viewer=alumni_viewer(network, user), topic="窓口", good_points="丁寧", improvements="小野寺より要望"
        )
        join(chapter_of(make_network(), "静岡支部"), user, name=NAME, organisation="小野寺会計事務所")
    return user


def test_account_delete_page_lists_what_is_held_and_needs_the_checkbox(client, member):
    client.force_login(member)

    page = client.get(reverse("participants:account_delete"))
    refused = client.post(reverse("participants:account_delete"), {})

    assert page.status_code == 200
    text = page.content.decode()
    assert "OB・OG" in text and "地域ネットワークの会員情報" in text
    assert refused.status_code == 200
    assert "削除するには、チェックを入れてください。" in refused.content.decode()
    assert User.objects.get(pk=member.pk).email == EMAIL


def test_account_delete_erases_every_network_and_the_audit_trail(client, member):
    client.force_login(member)

    response = client.post(reverse("participants:account_delete"), {"confirm": "on"})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(pk=member.pk)
    assert (user.name, user.email, user.is_active, user.has_usable_password()) == (
        ANONYMISED_NAME,
        anonymised_email(user),
        False,
        False,
    )
    alumnus = every(AlumniMember).get(user=user)
    assert (alumnus.status, alumnus.employer, alumnus.self_introduction) == ("left", "", "")
    assert every(NetworkMember).get(user=user).organisation == ""
    assert every(Feedback).count() == 1  # the office's queue still counts it
    logged = " ".join(
        f"{e.object_repr} {e.changes_text} {e.changes} {e.additional_data} {e.actor_email}"
        for e in LogEntry.objects.all()
    )
    for text in (NAME, EMAIL, "小野寺"):
        assert text not in logged
    assert client.get(reverse("dashboard")).status_code == 302  # signed out


def test_account_delete_sends_a_senior_to_their_own_page_and_is_not_for_staff(client):
    with arranging():
        senior = senior_user()
        staff = staff_user(Role.BANK_STAFF)

    client.force_login(senior)
    sent = client.get(reverse("participants:account_delete"))
    client.force_login(staff)
    hidden = client.get(reverse("participants:account_delete"))

    assert sent.status_code == 302 and sent["Location"] == reverse("participants:senior_delete")
    assert hidden.status_code == 404


def test_account_anonymise_refuses_staff_and_is_idempotent(member):
    with arranging():
        staff = staff_user(Role.ALUMNI_OFFICE)

    with pytest.raises(DomainError):
        account_anonymise(user=staff)
    account_anonymise(user=member)
    again = account_anonymise(user=member)

    assert again.email == anonymised_email(member)
