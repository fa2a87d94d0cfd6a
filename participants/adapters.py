"""allauth's account adapter: the platform's name in mail, and no second password question while enrolling.

Connected by `ACCOUNT_ADAPTER` in the settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SITE_NAME = _("SKS 新現役交流会プラットフォーム")


@dataclass(frozen=True)
class PlatformSite:
    """What allauth's mail templates read as `current_site`: the platform's name, not the request's host."""

    name: str | Promise
    domain: str


def platform_site() -> PlatformSite:
    return PlatformSite(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def password_given_at(request: HttpRequest) -> float | None:
    """When the signed-in user last typed their password in this session (sign-in or set-up), if they did."""
    records = get_authentication_records(request, request.user)  # type: ignore[arg-type]  # a signed-in user here
    times = [record["at"] for record in records if record.get("method") == "password" and "at" in record]
    return max(times) if times else None


def sign_in_with_new_password(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Sign in a user who has just chosen their password on one of our pages, as if they had typed it here."""
    get_adapter(request).login(request, user)
    # allauth's own record of a password given (internal: allauth has no public call for it), so that its
    # reauthentication check and ours see the sign-in as allauth's login form would have left it.
    record_authentication(request, user, method="password")


def is_enrolling_after_fresh_password(request: HttpRequest) -> bool:
    """The user typed their password moments ago and had no second factor before: they are enrolling.

    allauth asks for the password again before any change to the second factors, even right after the
    password was given: for a newcomer that is the same question twice in a row. A password given within
    allauth's reauthentication timeout, by a user who enrolled no authenticator before it, is answer enough.
    """
    user = request.user
    if not user.is_authenticated:
        return False
    given_at = password_given_at(request)
    if given_at is None or time.time() - given_at >= account_settings.REAUTHENTICATION_TIMEOUT:
        return False
    before = datetime.fromtimestamp(given_at, tz=UTC)
    return not Authenticator.objects.filter(user=user, created_at__lt=before).exists()


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Without django.contrib.sites, allauth names the request's host as the site ("Hello from 127.0.0.1").
        super().send_mail(template_prefix, email, {**context, "current_site": platform_site()})

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        return not (app == "allauth.mfa" and request is not None and is_enrolling_after_fresh_password(request))
