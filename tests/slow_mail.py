"""A mail backend that hangs before it writes, so that a test can kill a Celery worker in the middle of a send.

Used only by the workers tests/test_celery_reminders.py starts (selected in tests/reminder_worker_settings.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend


class SlowEmailBackend(EmailBackend):
    """Django's file backend (EMAIL_FILE_PATH), after a pause of SLOW_MAIL_SECONDS (default 60)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "60")))
        return super().send_messages(email_messages)
