"""The weekly or monthly digest mail: once per member and period, only what is new, as the member chose."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from alumni import services
from alumni.enums import DigestFrequency, NewsStatus
from alumni.models import DigestDelivery, NewsPost
from tests.factories import UserFactory, alumni_member, alumni_network, alumni_viewer

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 12, 7)  # the week before: 2026-W49, Monday 11/30 to Sunday 12/6


@pytest.fixture
def network():
    return alumni_network()


def published_at(network, title: str, when: dt.datetime) -> NewsPost:
    news = services.news_save(
        viewer=alumni_viewer(network, network.office), news=None, title=title, body="b", category="notice",
        status=NewsStatus.PUBLISHED,
    )  # fmt: skip
    NewsPost.objects.filter(pk=news.pk).update(publish_at=when)
    return news


def tokyo(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def test_digest_previous_period_keys():
    assert services.digest_previous_period(frequency="weekly", today=MONDAY)[0] == "2026-W49"
    assert services.digest_previous_period(frequency="weekly", today=dt.date(2026, 12, 13))[0] == "2026-W49"
    assert services.digest_previous_period(frequency="monthly", today=dt.date(2027, 1, 5))[0] == "2026-12"


def test_digest_sent_once_per_member_and_period(network, django_capture_on_commit_callbacks):
    member = alumni_member(network, user=UserFactory(email="weekly@example.jp"))
    published_at(network, "先週のお知らせ", tokyo(dt.date(2026, 12, 2)))
    published_at(network, "今週のお知らせ", tokyo(MONDAY))

    with django_capture_on_commit_callbacks(execute=True):
        first = services.digests_enqueue(today=MONDAY)
        second = services.digests_enqueue(today=MONDAY + dt.timedelta(days=1))
        again = services.digest_deliver(member_id=member.pk, frequency="weekly", today=MONDAY)

    assert (first, second, again) == (1, 0, False)
    assert DigestDelivery.objects.get().period == "2026-W49"
    assert [m.to for m in mail.outbox] == [["weekly@example.jp"]]
    assert "先週のお知らせ" in mail.outbox[0].body
    assert "今週のお知らせ" not in mail.outbox[0].body


def test_digest_follows_the_members_choice(network, django_capture_on_commit_callbacks):
    alumni_member(network, digest_frequency=DigestFrequency.NEVER)
    monthly = alumni_member(network, digest_frequency=DigestFrequency.MONTHLY)
    published_at(network, "11月のお知らせ", tokyo(dt.date(2026, 11, 20)))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_enqueue(today=dt.date(2026, 12, 1)) == 1

    assert DigestDelivery.objects.get().member == monthly
    assert "11月のお知らせ" in mail.outbox[0].body


def test_digest_with_nothing_new_is_recorded_not_mailed(network):
    member = alumni_member(network)

    sent = services.digest_deliver(member_id=member.pk, frequency="weekly", today=MONDAY)

    assert sent is False
    assert DigestDelivery.objects.get(member=member).item_count == 0
    assert mail.outbox == []


def test_digest_of_another_network_is_not_included(network, django_capture_on_commit_callbacks):
    member = alumni_member(network)
    published_at(alumni_network(), "よそのお知らせ", tokyo(dt.date(2026, 12, 2)))

    assert services.digest_deliver(member_id=member.pk, frequency="weekly", today=MONDAY) is False
