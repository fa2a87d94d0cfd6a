"""Celery with the real broker and a real worker process (CI runs these on Redis and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from participants.models import StaffInvitation
from participants.services import invitation_create
from sks.celery import app
from sks.roles import Role
from tests.conftest import need
from tests.factories import OrganizationFactory, staff_user

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """A real `celery worker` process on the test database; mail goes to files we can read."""
    need(bool(settings.REDIS_URL), "REDIS_URL is not set: no broker for a real Celery worker")
    need(connection.vendor == "postgresql", "the worker needs a database shared across processes (PostgreSQL)")
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": "filemail://" + str(mail_dir),
    }
    log = open(mail_dir.parent / "worker.log", "w")  # noqa: SIM115 (kept open for the worker's lifetime)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sks",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--hostname=pytest@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1.0):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the Celery worker did not start: " + (mail_dir.parent / "worker.log").read_text())
    yield mail_dir
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_invitation_email_sent_by_real_worker(celery_worker_process, unscoped):
    bank = OrganizationFactory(name="ワーカー信用金庫")
    admin = staff_user(Role.INSTITUTION_ADMIN, bank)

    invitation, token = invitation_create(
        by=admin, email="worker-test@example.jp", organization=bank, role=Role.BANK_STAFF
    )

    deadline = time.monotonic() + 30
    files: list[Path] = []
    while time.monotonic() < deadline and not files:
        time.sleep(0.2)
        files = list(celery_worker_process.glob("*.log"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes().split(b"-" * 79)[0].strip())
    body = message.get_payload(decode=True).decode()
    assert message["To"] == "worker-test@example.jp"
    assert str(make_header(decode_header(message["Subject"]))) == "[SKS] SKSへの招待"
    assert f"/invitations/{token}/" in body
    assert StaffInvitation.objects.get(pk=invitation.pk).accepted_at is None
