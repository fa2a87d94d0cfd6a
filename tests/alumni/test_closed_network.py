"""The closed network: every alumni page answers 404 to an outsider, to a member of another organisation's
network and to another network's office, exactly as for a missing page; its own members and office get in."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from alumni.enums import MemberStatus
from sks.roles import Role
from tests.access import arranging
from tests.factories import UserFactory, alumni_matrix, alumni_member, alumni_network, senior_user, staff_user

pytestmark = pytest.mark.django_db

# name -> (args from the world, method, who of network A gets in: "member", "office" or "both")
PAGES = {
    "alumni:network_home": (lambda a: [a["network"].pk], "get", "both"),
    "alumni:directory": (lambda a: [a["network"].pk], "get", "both"),
    "alumni:member_detail": (lambda a: [a["network"].pk, a["member"].pk], "get", "both"),
    "alumni:member_contact": (lambda a: [a["network"].pk, a["member"].pk], "get", "member"),
    "alumni:profile_edit": (lambda a: [a["network"].pk], "get", "member"),
    "alumni:leave": (lambda a: [a["network"].pk], "get", "member"),
    "alumni:my_data": (lambda a: [a["network"].pk], "get", "member"),
    "alumni:news_list": (lambda a: [a["network"].pk], "get", "both"),
    "alumni:news_detail": (lambda a: [a["network"].pk, a["news"].pk], "get", "both"),
    "alumni:news_attachment": (lambda a: [a["network"].pk, a["news"].pk, a["attachment"].pk], "get", "both"),
    "alumni:feedback": (lambda a: [a["network"].pk], "get", "member"),
    "alumni:post_list": (lambda a: [a["network"].pk], "get", "both"),
    "alumni:post_create": (lambda a: [a["network"].pk], "get", "member"),
    "alumni:post_detail": (lambda a: [a["network"].pk, a["post"].pk], "get", "both"),
    "alumni:post_interest": (lambda a: [a["network"].pk, a["post"].pk], "post", "member"),
    "alumni:meetup_list": (lambda a: [a["network"].pk], "get", "both"),
    "alumni:meetup_detail": (lambda a: [a["network"].pk, a["meetup"].pk], "get", "both"),
    "alumni:meetup_rsvp": (lambda a: [a["network"].pk, a["meetup"].pk], "post", "member"),
    "alumni:meetup_survey": (lambda a: [a["network"].pk, a["meetup"].pk], "get", "checked-in"),
    "alumni:meetup_worksheet": (lambda a: [a["network"].pk, a["meetup"].pk], "get", "member"),
    "alumni:senior_bridge": (lambda a: [a["network"].pk], "get", "member"),
    "alumni:conflicts": (lambda a: [a["network"].pk], "get", "member"),
    "alumni:conflict_remove": (lambda a: [a["network"].pk, a["conflict"].pk], "post", "member"),
    "alumni:help_list": (lambda a: [a["network"].pk], "get", "both"),
    "alumni:help_detail": (lambda a: [a["network"].pk, a["help"].pk], "get", "both"),
    "alumni:office_help_create": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:office_help_outcome": (lambda a: [a["network"].pk, a["help"].pk, a["help_interest"].pk], "post", "office"),
    "alumni:office_help_close": (lambda a: [a["network"].pk, a["help"].pk], "post", "office"),
    "alumni:office_outcomes": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:staff_digest": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:office_roster": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:office_approvals": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:office_decide": (lambda a: [a["network"].pk, a["pending"].pk], "post", "office"),
    "alumni:office_news": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:office_news_create": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:office_news_edit": (lambda a: [a["network"].pk, a["news"].pk], "get", "office"),
    "alumni:office_feedback": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:office_feedback_answer": (lambda a: [a["network"].pk, a["feedback"].pk], "get", "office"),
    "alumni:office_digest": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:office_digest_decide": (lambda a: [a["network"].pk, a["post"].pk], "post", "office"),
    "alumni:office_meetup_create": (lambda a: [a["network"].pk], "get", "office"),
    "alumni:office_checkin": (lambda a: [a["network"].pk, a["meetup"].pk], "get", "office"),
    "alumni:office_checkin_mark": (lambda a: [a["network"].pk, a["meetup"].pk, a["rsvp"].pk], "post", "office"),
}
# Not a page of a network: the list of one's own networks, the creation of one, and the signup link (tested
# in test_membership: a wrong code is 404).
ENTRY = {"alumni:home", "alumni:network_create", "alumni:join"}


def alumni_url_names() -> set[str]:
    return {
        f"alumni:{name}" for name in get_resolver().namespace_dict["alumni"][1].reverse_dict if isinstance(name, str)
    }


def test_every_alumni_url_is_in_this_test():
    assert alumni_url_names() - ENTRY == set(PAGES)


@pytest.fixture
def world():
    with arranging():
        office_org_user = staff_user(Role.ALUMNI_OFFICE)
        w = {"users": {"alumni": office_org_user}}
        a = alumni_matrix(w)
        other = alumni_network()
        return {
            "a": a,
            "office": office_org_user,
            "outsiders": {
                "signed-in user": UserFactory(),
                "senior": senior_user(),
                "member of another network": alumni_member(other).user,
                "office of another network": other.office,
                "pending member": a["pending"].user,
                "member who left": alumni_member(a["network"], status=MemberStatus.LEFT).user,
            },
        }


@pytest.mark.parametrize("name", sorted(PAGES))
def test_closed_network_outsiders_get_404(client, world, name):
    args, method, _who = PAGES[name]
    url = reverse(name, args=args(world["a"]))
    got = {}
    for label, user in world["outsiders"].items():
        client.force_login(user)
        got[label] = getattr(client, method)(url).status_code

    assert got == {label: 404 for label in world["outsiders"]}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_closed_network_own_people_get_in(client, world, name):
    args, method, who = PAGES[name]
    url = reverse(name, args=args(world["a"]))
    if who == "checked-in":
        rsvp = world["a"]["rsvp"]
        rsvp.checked_in_at = rsvp.created_at
        rsvp.save()
    member, office = world["a"]["member"].user, world["office"]

    client.force_login(member)
    as_member = getattr(client, method)(url).status_code
    client.force_login(office)
    as_office = getattr(client, method)(url).status_code

    expected_member = who in ("member", "both", "checked-in")
    expected_office = who in ("office", "both")
    assert (as_member != 404, as_office != 404) == (expected_member, expected_office)


def test_closed_network_anonymous_goes_to_login(client, world):
    url = reverse("alumni:network_home", args=[world["a"]["network"].pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
