from __future__ import annotations

import pytest

from participants.models import User
from regional.enums import ChapterRole, Sector
from tests.factories import UserFactory

from .helpers import chapter_of, join, make_meeting, make_network


@pytest.fixture
def net(db):
    """A network with two chapters: 静岡 (an organiser and two members) and 愛知 (one member), and an
    outsider who belongs to no chapter."""
    network = make_network()
    shizuoka, aichi = chapter_of(network, "静岡支部"), chapter_of(network, "愛知支部")
    users = {
        k: UserFactory(name=n)
        for k, n in [
            ("organiser", "世話人 一郎"),
            ("alice", "青木 花子"),
            ("bob", "馬場 太郎"),
            ("carol", "川上 圭"),
            ("outsider", "外山 守"),
        ]
    }
    members = {
        "organiser": join(shizuoka, users["organiser"], name="世話人 一郎", role=ChapterRole.ORGANISER),
        "alice": join(
            shizuoka,
            users["alice"],
            name="青木 花子",
            sector=Sector.FINANCIAL,
            organisation="しずおか信用金庫",
            title="支店長",
        ),
        "bob": join(
            shizuoka,
            users["bob"],
            name="馬場 太郎",
            sector=Sector.COMPANY,
            organisation="富士精機株式会社",
            title="代表取締役",
        ),
        "carol": join(
            aichi, users["carol"], name="川上 圭", sector=Sector.UNIVERSITY, organisation="名古屋工科大学", title="教授"
        ),
    }
    meeting = make_meeting(shizuoka)
    return {
        "network": network,
        "shizuoka": shizuoka,
        "aichi": aichi,
        "users": users,
        "members": members,
        "meeting": meeting,
        "aichi_meeting": make_meeting(aichi, title="愛知の対話会"),
    }


@pytest.fixture
def as_user(client):
    def login(user: User):
        client.force_login(user)
        return client

    return login
