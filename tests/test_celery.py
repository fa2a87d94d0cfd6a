"""Celery with the real broker and a real worker process (CI runs these on Redis and PostgreSQL); the worker is
the session's, `celery_worker_process` in tests/conftest.py."""

from __future__ import annotations

import time
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from participants.models import StaffInvitation
from participants.services import invitation_create
from sks.roles import Role
from tests.access import arranging, every
from tests.factories import OrganizationFactory, staff_user


@pytest.mark.celery_worker
@pytest.mark.xdist_group("celery_worker")  # one pytest worker runs them all: they share the session's Celery worker
@pytest.mark.django_db(transaction=True)
def test_invitation_email_sent_by_real_worker(celery_worker_process):
    with arranging():
        bank = OrganizationFactory(name="ワーカー信用金庫")
        admin = staff_user(Role.INSTITUTION_ADMIN, bank)

    invitation, token = invitation_create(
        by=admin, email="worker-test@example.jp", organization=bank, role=Role.BANK_STAFF
    )

    deadline = time.monotonic() + 30
    files: list[Path] = []
    while time.monotonic() < deadline and not files:
        time.sleep(0.2)
        # The session's worker is shared (tests/conftest.py): other tests' mail may be in the directory too.
        files = [f for f in celery_worker_process.glob("*.log") if b"worker-test@example.jp" in f.read_bytes()]
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes().split(b"-" * 79)[0].strip())
    body = message.get_payload(decode=True).decode()
    assert message["To"] == "worker-test@example.jp"
    assert str(make_header(decode_header(message["Subject"]))) == "[SKS] SKSへの招待"
    assert f"/invitations/{token}/" in body
    assert every(StaffInvitation).get(pk=invitation.pk).accepted_at is None
