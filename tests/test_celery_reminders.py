"""Reminders with the real broker and real worker processes (CI runs these on Redis and PostgreSQL).

Each test starts its own `celery worker` (settings: tests/reminder_worker_settings.py) on a private queue, so
that the session's other worker (tests/test_celery.py) cannot take these tasks. Mail goes to files.

* Two beat ticks of the same day: each reminder is mailed exactly once.
* A worker killed with SIGKILL while it is sending: after its claim expires, the next tick has another worker
  send the reminder, exactly once.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from events.tasks import task_send_event_reminders
from participants.models import Notification, Reminder
from participants.tasks import task_redeliver_reminders
from sks.roles import Role
from tests.access import arranging
from tests.celery_worker import mails, wait_until, worker_pool
from tests.factories import CoordinatorOrgFactory, OrganizationFactory, enrol_company, make_event, staff_user

QUEUE = f"sks-test-reminders-{uuid.uuid4().hex[:12]}"
AS_OF = dt.date(2026, 3, 9)
HEARING_DEADLINE = AS_OF + dt.timedelta(days=7)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.xdist_group("celery_worker"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start a worker on QUEUE: `start_worker(name, mail_dir, **env)`. All are stopped at the end."""
    with worker_pool(QUEUE, tmp_path) as start:
        yield start


def tick() -> int:
    """One beat tick for AS_OF, run by whichever worker listens on QUEUE."""
    result = task_send_event_reminders.apply_async(kwargs={"as_of": AS_OF.isoformat()}, queue=QUEUE)
    return result.get(timeout=60)


@pytest.fixture
def hearing_event():
    with arranging():
        coord_org = CoordinatorOrgFactory(name="ワーカー交流会事務局")
        staff_user(Role.COORDINATOR, coord_org)
        bank = OrganizationFactory(name="ワーカー信用金庫")
    return make_event(
        coordinator_org=coord_org,
        hosts=[bank],
        status="hearing",
        date=dt.date(2026, 5, 15),
        title="ワーカー交流会",
        enrolment_deadline=dt.date(2026, 3, 1),
        hearing_deadline=HEARING_DEADLINE,
        issue_list_date=dt.date(2026, 3, 25),
        application_deadline=dt.date(2026, 4, 10),
        selection_deadline=dt.date(2026, 4, 20),
    )


def test_two_beat_ticks_mail_each_reminder_once(start_worker, hearing_event, tmp_path):
    with arranging():
        bank = hearing_event.hosts.get()
        staff_a, staff_b = staff_user(Role.BANK_STAFF, bank), staff_user(Role.BANK_STAFF, bank)
    enrol_company(hearing_event, staff=staff_a)
    enrol_company(hearing_event, staff=staff_b)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    start_worker("reminders", mail_dir)

    created = [tick(), tick()]
    wait_until(lambda: Reminder.objects.filter(sent_at__isnull=False).count() == 2)
    time.sleep(2)  # room for a duplicate to show up, were there one

    subject = "[SKS] 【あと7日】事前ヒアリングシートを提出してください（ワーカー交流会）"
    assert created == [2, 0]
    assert sorted(mails(mail_dir)) == sorted([(staff_a.email, subject), (staff_b.email, subject)])
    assert len(list(mail_dir.glob("*.log"))) == 2
    assert list(Reminder.objects.order_by("recipient_id").values_list("recipient_id", "attempts")) == [
        (staff_a.pk, 1),
        (staff_b.pk, 1),
    ]
    assert Notification.objects.filter(is_copy=False).count() == 2
    assert Notification.objects.filter(is_copy=True).count() == 2  # one copy of each for the coordinator


def test_worker_killed_mid_send_reminder_delivered_once_after_claim_expires(start_worker, hearing_event, tmp_path):
    with arranging():
        staff = staff_user(Role.BANK_STAFF, hearing_event.hosts.get())
    enrol_company(hearing_event, staff=staff)
    slow_dir, mail_dir = tmp_path / "slow-mail", tmp_path / "mail"
    slow_dir.mkdir()
    mail_dir.mkdir()

    # A worker whose mail server hangs: it claims the reminder, then never finishes the send.
    slow = start_worker("reminders-slow", slow_dir, SKS_TEST_SLOW_MAIL="1", SLOW_MAIL_SECONDS="120")
    assert tick() == 1
    wait_until(lambda: Reminder.objects.filter(claimed_at__isnull=False).exists())
    slow.kill()  # SIGKILL: no shutdown, no acknowledgement, no cleanup
    slow.wait(timeout=30)
    killed = Reminder.objects.get()
    assert (killed.sent_at, killed.attempts, mails(slow_dir)) == (None, 1, [])

    # Another worker, with claims that expire after a second; the next tick finds the reminder unsent.
    start_worker("reminders", mail_dir, REMINDER_CLAIM_SECONDS="1")
    wait_until(lambda: (dt.datetime.now(dt.UTC) - killed.claimed_at).total_seconds() > 1.5, timeout=10)
    assert tick() == 0  # nothing new is scheduled
    # The 15-minute beat task (the only redelivery) finds the reminder unsent with an expired claim.
    assert task_redeliver_reminders.apply_async(queue=QUEUE).get(timeout=60) == 1
    wait_until(lambda: Reminder.objects.filter(sent_at__isnull=False).exists())
    time.sleep(2)  # room for a duplicate to show up, were there one

    reminder = Reminder.objects.get()
    subject = "[SKS] 【あと7日】事前ヒアリングシートを提出してください（ワーカー交流会）"
    assert mails(mail_dir) == [(staff.email, subject)]
    assert (mails(slow_dir), reminder.attempts, reminder.last_error) == ([], 2, "")
    assert Notification.objects.filter(user=staff, reminder=reminder).count() == 1
