"""Django settings for the Celery workers that tests/test_celery_reminders.py starts (never used elsewhere).

The project's settings, plus:

* a private queue (SKS_TEST_QUEUE), so that no other test's worker takes these tasks and no task a killed
  worker left unacknowledged in Redis can reach a later test run;
* on request (SKS_TEST_SLOW_MAIL=1), a mail backend that hangs before writing (tests/slow_mail.py), so the
  test can kill the worker while it is sending.
"""

import os

from sks import settings as _project

# The project's settings (Django reads only the upper-case names), amended below.
globals().update({name: value for name, value in vars(_project).items() if name.isupper()})

CELERY_TASK_DEFAULT_QUEUE = os.environ["SKS_TEST_QUEUE"]
if os.environ.get("SKS_TEST_SLOW_MAIL"):
    EMAIL_BACKEND = "tests.slow_mail.SlowEmailBackend"
