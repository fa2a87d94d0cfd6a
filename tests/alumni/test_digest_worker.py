"""The alumni digest with the real broker and a real worker (CI: Redis and PostgreSQL; skipped elsewhere):
enqueued twice for the same period, mailed once."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from alumni import services
from alumni.enums import NewsStatus
from alumni.models import DigestDelivery, NewsPost
from tests.access import arranging, every
from tests.factories import UserFactory, alumni_member, alumni_network, alumni_viewer

MONDAY = dt.date(2026, 12, 7)


@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery_worker")  # one pytest worker runs them all: they share the session's Celery worker
@pytest.mark.django_db(transaction=True)
def test_digest_mailed_once_by_the_real_worker(celery_worker_process: Path) -> None:
    with arranging():
        network = alumni_network()
        alumni_member(network, user=UserFactory(email="digest-worker@example.jp"))
        viewer = alumni_viewer(network, network.office)
    news = services.news_save(
        viewer=viewer, news=None, title="先週のお知らせ", body="b", category="notice", status=NewsStatus.PUBLISHED
    )
    with arranging():
        NewsPost.objects.filter(pk=news.pk).update(publish_at=dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC))

    assert services.digests_enqueue(today=MONDAY) == 1
    assert services.digests_enqueue(today=MONDAY) == 1  # not yet delivered: enqueued again, still mailed once

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not every(DigestDelivery).exists():
        time.sleep(0.2)
    time.sleep(2)  # the second task's turn
    mails = [f for f in celery_worker_process.glob("*.log") if b"digest-worker@example.jp" in f.read_bytes()]
    assert every(DigestDelivery).get().period == "2026-W49"
    assert len(mails) == 1
