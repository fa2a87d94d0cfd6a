"""Follow-up reminders with the real broker and real worker processes (CI runs these on Redis and PostgreSQL).

Like tests/test_celery_reminders.py (the harness is tests/celery_worker.py), each test starts its own
`celery worker` (settings: tests/reminder_worker_settings.py) on a private queue, so that no other test's
worker can take these tasks. Mail goes to files.

* Two beat ticks of the follow-up task the same day: each reminder is mailed exactly once.
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
from zoneinfo import ZoneInfo

import pytest

from matching.models import SecondInterview
from matching.tasks import task_send_followup_reminders
from participants.models import Notification, Reminder
from participants.tasks import task_redeliver_reminders
from sks.roles import Role
from tests.access import arranging
from tests.celery_worker import mails, wait_until, worker_pool
from tests.factories import (
    CoordinatorOrgFactory,
    OrganizationFactory,
    SeniorProfileFactory,
    company_contact,
    enrol_company,
    make_event,
    make_second_interview,
    staff_user,
)

QUEUE = f"sks-test-followup-{uuid.uuid4().hex[:12]}"
TOKYO = ZoneInfo("Asia/Tokyo")
AS_OF = dt.date(2026, 3, 9)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.xdist_group("celery_worker"),
    pytest.mark.django_db(transaction=True),
]
# (Plain senior profiles: a transactional test flushes the reference data that pledged seniors need.)


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start a worker on QUEUE: `start_worker(name, mail_dir, **env)`. All are stopped at the end."""
    with worker_pool(QUEUE, tmp_path) as start:
        yield start


def tick() -> int:
    """One beat tick of the follow-up task for AS_OF, run by whichever worker listens on QUEUE."""
    result = task_send_followup_reminders.apply_async(kwargs={"as_of": AS_OF.isoformat()}, queue=QUEUE)
    return result.get(timeout=60)


@pytest.fixture
def followup():
    """An event in follow-up with one staff member handling a second interview proposed 7 days before AS_OF."""
    with arranging():
        coord_org = CoordinatorOrgFactory(name="ワーカー交流会事務局")
        staff_user(Role.COORDINATOR, coord_org)
        bank = OrganizationFactory(name="ワーカー信用金庫")
        event = make_event(
            coordinator_org=coord_org,
            hosts=[bank],
            status="follow_up",
            date=dt.date(2026, 2, 20),
            title="ワーカー交流会",
        )
        staff = staff_user(Role.BANK_STAFF, bank)
        enrolment = enrol_company(event, staff=staff)
        si = make_second_interview(enrolment, SeniorProfileFactory())
        SecondInterview.objects.filter(pk=si.pk).update(
            proposed_at=dt.datetime.combine(AS_OF - dt.timedelta(days=7), dt.time(11), tzinfo=TOKYO)
        )
        return {"event": event, "bank": bank, "staff": staff, "enrolment": enrolment}


def test_two_beat_ticks_mail_each_followup_reminder_once(start_worker, followup, tmp_path):
    # Also a second interview confirmed for 00:30 JST tomorrow: its eve is AS_OF in Tokyo (UTC says the 9th).
    enrolment = followup["enrolment"]
    with arranging():
        senior = SeniorProfileFactory()
    contact = company_contact(enrolment.company)
    make_second_interview(
        enrolment,
        senior,
        status="confirmed",
        scheduled_at=dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(0, 30), tzinfo=TOKYO),
        place="ワーカー信用金庫 本店",
    )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    start_worker("followup", mail_dir)

    created = [tick(), tick()]
    wait_until(lambda: Reminder.objects.filter(sent_at__isnull=False).count() == 4)
    time.sleep(2)  # room for a duplicate to show up, were there one

    company = enrolment.company.name
    unscheduled = f"[SKS] 【提案から7日】二次面談の日程を調整してください（{company}）"
    tomorrow = f"[SKS] 【明日】二次面談のご案内：2026年3月10日 00:30（{company}）"
    staff = followup["staff"]
    assert created == [4, 0]
    assert sorted(mails(mail_dir)) == sorted(
        [(staff.email, unscheduled), (staff.email, tomorrow), (senior.user.email, tomorrow), (contact.email, tomorrow)]
    )
    assert list(Reminder.objects.values_list("attempts", flat=True)) == [1, 1, 1, 1]
    assert Notification.objects.count() == 4


def test_worker_killed_mid_send_followup_reminder_delivered_once(start_worker, followup, tmp_path):
    slow_dir, mail_dir = tmp_path / "slow-mail", tmp_path / "mail"
    slow_dir.mkdir()
    mail_dir.mkdir()

    # A worker whose mail server hangs: it claims the reminder, then never finishes the send.
    slow = start_worker("followup-slow", slow_dir, SKS_TEST_SLOW_MAIL="1", SLOW_MAIL_SECONDS="120")
    assert tick() == 1
    wait_until(lambda: Reminder.objects.filter(claimed_at__isnull=False).exists())
    slow.kill()  # SIGKILL: no shutdown, no acknowledgement, no cleanup
    slow.wait(timeout=30)
    killed = Reminder.objects.get()
    assert (killed.sent_at, killed.attempts, mails(slow_dir)) == (None, 1, [])

    # Another worker, with claims that expire after a second; the next tick finds the reminder unsent.
    start_worker("followup", mail_dir, REMINDER_CLAIM_SECONDS="1")
    wait_until(lambda: (dt.datetime.now(dt.UTC) - killed.claimed_at).total_seconds() > 1.5, timeout=10)
    assert tick() == 0  # nothing new is scheduled
    # The 15-minute beat task (the only redelivery) finds the reminder unsent with an expired claim.
    assert task_redeliver_reminders.apply_async(queue=QUEUE).get(timeout=60) == 1
    wait_until(lambda: Reminder.objects.filter(sent_at__isnull=False).exists())
    time.sleep(2)  # room for a duplicate to show up, were there one

    reminder = Reminder.objects.get()
    subject = f"[SKS] 【提案から7日】二次面談の日程を調整してください（{followup['enrolment'].company.name}）"
    assert mails(mail_dir) == [(followup["staff"].email, subject)]
    assert (mails(slow_dir), reminder.attempts, reminder.last_error) == ([], 2, "")
    assert Notification.objects.filter(user=followup["staff"], reminder=reminder).count() == 1
