"""Chapter membership and visibility: members see only their own chapters' meetings, members and posts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from regional.enums import ChapterMembershipStatus, ChapterRole
from regional.models import ChapterMembership, ChapterPost, NetworkMember

from .helpers import join

pytestmark = pytest.mark.django_db


def test_chapter_detail_shows_meetings_and_posts_to_members(net, as_user):
    ChapterPost.objects.create(chapter=net["shizuoka"], author=net["members"]["bob"], body="来月の勉強会のお知らせ")

    response = as_user(net["users"]["alice"]).get(reverse("regional:chapter_detail", args=[net["shizuoka"].pk]))

    assert response.status_code == 200
    assert "第1回 対話会" in response.text
    assert "来月の勉強会のお知らせ" in response.text


@pytest.mark.parametrize("who", ["carol", "outsider"])
@pytest.mark.parametrize("page", ["regional:chapter_detail", "regional:chapter_members"])
def test_chapter_pages_404_for_other_chapters_and_outsiders(net, as_user, who, page):
    response = as_user(net["users"][who]).get(reverse(page, args=[net["shizuoka"].pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["carol", "outsider"])
def test_meeting_404_for_other_chapters_and_outsiders(net, as_user, who):
    response = as_user(net["users"][who]).get(reverse("regional:meeting_detail", args=[net["meeting"].pk]))

    assert response.status_code == 404


def test_member_of_one_chapter_gets_404_for_the_other_chapters_meeting(net, as_user):
    response = as_user(net["users"]["alice"]).get(reverse("regional:meeting_detail", args=[net["aichi_meeting"].pk]))

    assert response.status_code == 404


def test_pending_member_sees_nothing_until_approved(net, as_user):
    pending = join(net["aichi"], net["users"]["alice"], status=ChapterMembershipStatus.PENDING)
    client = as_user(net["users"]["alice"])
    url = reverse("regional:chapter_detail", args=[net["aichi"].pk])

    assert client.get(url).status_code == 404
    membership = ChapterMembership.objects.get(member=pending, chapter=net["aichi"])
    organiser = join(net["aichi"], net["users"]["carol"], role=ChapterRole.ORGANISER)
    approve = as_user(organiser.user).post(
        reverse("regional:membership_update", args=[membership.pk]), {"action": "approve"}
    )
    assert approve.status_code == 302
    assert as_user(net["users"]["alice"]).get(url).status_code == 200


def test_only_the_chapters_organiser_may_approve(net, as_user):
    outsider_member = NetworkMember.objects.create(
        network=net["network"], user=net["users"]["outsider"], name="外山 守", sector="other", organisation="個人"
    )
    request = ChapterMembership.objects.create(chapter=net["shizuoka"], member=outsider_member)
    url = reverse("regional:membership_update", args=[request.pk])

    assert as_user(net["users"]["alice"]).post(url, {"action": "approve"}).status_code == 404
    assert as_user(net["users"]["carol"]).post(url, {"action": "approve"}).status_code == 404
    request.refresh_from_db()
    assert request.status == ChapterMembershipStatus.PENDING


def test_join_network_then_request_chapter(net, as_user):
    client = as_user(net["users"]["outsider"])
    response = client.post(
        reverse("regional:network_join", args=[net["network"].pk]),
        {"name": "外山 守", "sector": "ministry", "organisation": "中部経済産業局", "title": ""},
    )
    assert response.status_code == 302

    client.post(reverse("regional:chapter_join", args=[net["shizuoka"].pk]))

    membership = ChapterMembership.objects.get(member__user=net["users"]["outsider"])
    assert (membership.chapter, membership.status, membership.role) == (net["shizuoka"], "pending", "member")


def test_join_form_says_what_is_wrong_in_japanese(net, as_user):
    response = as_user(net["users"]["outsider"]).post(
        reverse("regional:network_join", args=[net["network"].pk]), {"name": "", "sector": "alien", "organisation": ""}
    )

    assert response.status_code == 200
    assert "このフィールドは必須です。" in response.text
    assert NetworkMember.objects.filter(user=net["users"]["outsider"]).count() == 0


def test_chapter_join_needs_network_membership(net, as_user):
    response = as_user(net["users"]["outsider"]).post(reverse("regional:chapter_join", args=[net["shizuoka"].pk]))

    assert response.status_code == 404


def test_post_is_visible_only_in_its_chapter(net, as_user):
    as_user(net["users"]["alice"]).post(
        reverse("regional:post_create", args=[net["shizuoka"].pk]), {"body": "静岡だけの話"}
    )

    assert ChapterPost.objects.get().author == net["members"]["alice"]
    aichi = as_user(net["users"]["carol"]).get(reverse("regional:chapter_detail", args=[net["aichi"].pk]))
    assert "静岡だけの話" not in aichi.text
    posting = as_user(net["users"]["carol"]).post(
        reverse("regional:post_create", args=[net["shizuoka"].pk]), {"body": "x"}
    )
    assert posting.status_code == 404


def test_members_list_shows_organisation_outside_flat_meetings(net, as_user):
    response = as_user(net["users"]["alice"]).get(reverse("regional:chapter_members", args=[net["shizuoka"].pk]))

    assert "富士精機株式会社" in response.text
    assert "川上 圭" not in response.text


def test_chapter_list_query_count_is_constant(net, as_user, django_assert_max_num_queries):
    client = as_user(net["users"]["alice"])
    url = reverse("regional:chapter_members", args=[net["shizuoka"].pk])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(10):
        join(net["shizuoka"], name=f"追加 {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
