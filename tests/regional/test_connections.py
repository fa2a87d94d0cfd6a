"""Connections (a private list, visible to the other person only when mutual) and the story library."""

from __future__ import annotations

import pytest
from django.urls import reverse

from regional.access import connections_of, mutual_connections_of
from regional.models import CollaborationStory, Connection
from regional.services import RegionalError, connection_add

from .helpers import join, make_network, rsvp

pytestmark = pytest.mark.django_db


@pytest.fixture
def came(net):
    for key in ("organiser", "alice", "bob"):
        rsvp(net["meeting"], net["members"][key])
    return net


def test_one_sided_mark_is_private_and_not_mutual(came, as_user):
    alice, bob = came["members"]["alice"], came["members"]["bob"]
    as_user(came["users"]["alice"]).post(reverse("regional:connection_create", args=[came["meeting"].pk, bob.pk]))

    mine = [(c.other.name, c.mutual) for c in connections_of(user=came["users"]["alice"])]
    bobs_page = as_user(came["users"]["bob"]).get(reverse("regional:connection_list"))

    assert mine == [("馬場 太郎", False)]
    assert list(mutual_connections_of(member=alice)) == []
    assert "青木 花子" not in bobs_page.text


def test_both_marking_makes_it_mutual_for_both(came, as_user):
    alice, bob = came["members"]["alice"], came["members"]["bob"]
    as_user(came["users"]["alice"]).post(reverse("regional:connection_create", args=[came["meeting"].pk, bob.pk]))
    as_user(came["users"]["bob"]).post(reverse("regional:connection_create", args=[came["meeting"].pk, alice.pk]))

    assert [(c.other.name, c.mutual) for c in connections_of(user=came["users"]["alice"])] == [("馬場 太郎", True)]
    assert [(c.other.name, c.mutual) for c in connections_of(user=came["users"]["bob"])] == [("青木 花子", True)]
    assert list(mutual_connections_of(member=alice)) == [bob]
    assert "相互" in as_user(came["users"]["bob"]).get(reverse("regional:connection_list")).text


def test_removing_ends_mutuality(came, as_user):
    alice, bob = came["members"]["alice"], came["members"]["bob"]
    connection_add(owner=alice, other=bob)
    connection_add(owner=bob, other=alice)

    as_user(came["users"]["bob"]).post(reverse("regional:connection_delete", args=[alice.pk]))

    assert list(mutual_connections_of(member=alice)) == []
    assert Connection.objects.filter(owner=alice, other=bob).exists()


def test_cannot_mark_someone_who_did_not_come_or_oneself(came, as_user):
    carol, alice = came["members"]["carol"], came["members"]["alice"]
    client = as_user(came["users"]["alice"])

    assert client.post(reverse("regional:connection_create", args=[came["meeting"].pk, carol.pk])).status_code == 404
    client.post(reverse("regional:connection_create", args=[came["meeting"].pk, alice.pk]))
    assert Connection.objects.count() == 0
    with pytest.raises(RegionalError):
        connection_add(owner=alice, other=alice)


def test_outsider_cannot_mark_at_a_meeting_they_cannot_see(came, as_user):
    response = as_user(came["users"]["carol"]).post(
        reverse("regional:connection_create", args=[came["meeting"].pk, came["members"]["alice"].pk])
    )

    assert response.status_code == 404
    assert Connection.objects.count() == 0


def test_cannot_remove_someone_not_on_ones_list(came, as_user):
    response = as_user(came["users"]["alice"]).post(
        reverse("regional:connection_delete", args=[came["members"]["bob"].pk])
    )

    assert response.status_code == 404


# --- stories ---------------------------------------------------------------------------------------------------


@pytest.fixture
def stories(net):
    make = CollaborationStory.objects.create
    make(
        network=net["network"],
        chapter=net["shizuoka"],
        author=net["members"]["alice"],
        title="茶農家の事業承継",
        organisations="しずおか信用金庫、静岡県庁",
        body="対話会で出会った二人が",
        outcome="3件の承継が成立",
        year=2025,
    )
    make(
        network=net["network"],
        chapter=net["aichi"],
        author=net["members"]["carol"],
        title="大学発の部品試作",
        organisations="名古屋工科大学、富士精機株式会社",
        body="研究室と町工場",
        outcome="試作品が完成",
        year=2026,
    )
    other = make_network("九州官民ネットワーク", ("福岡支部",))
    outsider = join(other.chapters.get(), name="福岡 さん")
    make(
        network=other,
        chapter=other.chapters.get(),
        author=outsider,
        title="別ネットワークの事例",
        organisations="福岡市",
        body="x",
        outcome="y",
        year=2026,
    )
    return net


def test_story_library_spans_the_network_not_other_networks(stories, as_user):
    response = as_user(stories["users"]["alice"]).get(reverse("regional:story_list"))

    assert "茶農家の事業承継" in response.text
    assert "大学発の部品試作" in response.text
    assert "別ネットワークの事例" not in response.text


def test_story_search_matches_every_word(stories, as_user):
    response = as_user(stories["users"]["alice"]).get(reverse("regional:story_list"), {"q": "信用金庫 承継"})

    assert "茶農家の事業承継" in response.text
    assert "大学発の部品試作" not in response.text


def test_story_of_another_network_and_outsiders_404(stories, as_user):
    foreign = CollaborationStory.objects.get(title="別ネットワークの事例")
    mine = CollaborationStory.objects.get(title="茶農家の事業承継")

    assert (
        as_user(stories["users"]["alice"]).get(reverse("regional:story_detail", args=[foreign.pk])).status_code == 404
    )
    assert (
        as_user(stories["users"]["outsider"]).get(reverse("regional:story_detail", args=[mine.pk])).status_code == 404
    )


def test_post_a_story(stories, as_user):
    response = as_user(stories["users"]["bob"]).post(
        reverse("regional:story_new"),
        {
            "chapter": str(stories["shizuoka"].pk),
            "title": "共同受注",
            "organisations": "富士精機株式会社、静岡県庁",
            "year": "2026",
            "body": "経緯",
            "outcome": "受注",
        },
    )

    story = CollaborationStory.objects.get(title="共同受注")
    assert response.status_code == 302
    assert (story.network, story.chapter, story.author) == (
        stories["network"],
        stories["shizuoka"],
        stories["members"]["bob"],
    )


def test_story_cannot_be_posted_to_a_chapter_one_is_not_in(stories, as_user):
    response = as_user(stories["users"]["bob"]).post(
        reverse("regional:story_new"),
        {
            "chapter": str(stories["aichi"].pk),
            "title": "t",
            "organisations": "o",
            "year": "2026",
            "body": "b",
            "outcome": "o",
        },
    )

    assert response.status_code == 400
    assert "正しく選択してください。" in response.text
    assert not CollaborationStory.objects.filter(title="t").exists()


def test_story_form_errors_in_japanese(stories, as_user):
    response = as_user(stories["users"]["bob"]).post(reverse("regional:story_new"), {"title": "", "year": "1800"})

    assert response.status_code == 400
    assert "この値は 1990 以上でなければなりません。" in response.text
    assert CollaborationStory.objects.count() == 3


def test_story_list_queries_do_not_grow_with_rows(stories, as_user, django_assert_max_num_queries):
    client = as_user(stories["users"]["alice"])
    url = reverse("regional:story_list")
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for i in range(10):
        CollaborationStory.objects.create(
            network=stories["network"],
            chapter=stories["shizuoka"],
            author=stories["members"]["bob"],
            title=f"追加の事例 {i}",
            organisations="A",
            body="b",
            outcome="o",
            year=2026,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)
