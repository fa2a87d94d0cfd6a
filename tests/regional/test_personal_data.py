"""The regional app's entries in the personal-data registry: export and erasure of a network member."""

from __future__ import annotations

import pytest

from regional.models import ChapterPost, CollaborationStory, Connection, NetworkMember
from sks.personal_data import Person, personal_data_erase, personal_data_export

from .helpers import rsvp

pytestmark = pytest.mark.django_db


def test_export_and_erase_a_network_member(net):
    alice, bob = net["members"]["alice"], net["members"]["bob"]
    ChapterPost.objects.create(chapter=net["shizuoka"], author=alice, body="私の投稿")
    Connection.objects.create(owner=alice, other=bob)
    Connection.objects.create(owner=bob, other=alice)
    story = CollaborationStory.objects.create(
        network=net["network"], author=alice, title="事例", organisations="A", body="b", outcome="o", year=2026
    )
    rsvp(net["meeting"], alice)
    person = Person(user=net["users"]["alice"])

    exported = personal_data_export(person)["regional_members"]
    personal_data_erase(person)

    assert exported == [
        {
            "network": "東海地域官民ネットワーク",
            "name": "青木 花子",
            "sector": "金融機関",
            "organisation": "しずおか信用金庫",
            "title": "支店長",
            "chapters": "静岡支部",
            "posts": ["私の投稿"],
            "connections": ["馬場 太郎"],
            "stories": ["事例"],
            "meetings": [{"meeting": "第1回 対話会", "status": "参加", "checked_in_at": None}],
        }
    ]
    alice = NetworkMember.objects.get(pk=alice.pk)
    story.refresh_from_db()
    assert (alice.name, alice.organisation, alice.title) == ("退会した会員", "", "")
    assert list(ChapterPost.objects.values_list("body", flat=True)) == [""]
    assert list(Connection.objects.values_list("owner__name", "other__name")) == [("馬場 太郎", "退会した会員")]
    assert story.author is None
