"""Helpers the browser journeys share: a signed-in browser, and pictures for a person to look at."""

from __future__ import annotations

import os

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS_DIR


def sign_in(page: Page, live_server, user) -> None:
    """Sign the browser in as `user` with a session made by Django's test client, replacing any other.

    Signing in through the login and TOTP pages is tested in test_staff_mfa.py; here a session will do.
    """
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.clear_cookies()
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])


def screenshot(page: Page, name: str) -> None:
    """With SKS_SCREENSHOTS=1, keep a picture of the whole page in test-artifacts/<name>.png."""
    if os.environ.get("SKS_SCREENSHOTS") == "1":
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)
