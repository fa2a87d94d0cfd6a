from __future__ import annotations

import hashlib
from collections.abc import Callable

from allauth.usersessions import app_settings as usersessions_settings
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from sks.access import request_scope
from sks.views import error_404

# Pages a staff member without MFA may still reach: enrolment itself, signing out, verifying an
# address, an invitation link (a used one says so), the language switch, the health check and the icon.
MFA_EXEMPT_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_reauthenticate",
        "invitation_accept",
        "set_language",
        "healthz",
        "favicon",
    }
)


class StaffMFARequiredMiddleware:
    """Sends a staff user (any staff role, or Django staff) who has no TOTP to enrol before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "requires_mfa", False)
            and not self._exempt(request)
            and not getattr(user, "has_totp", False)  # User.account_flags: the query that gave the roles
        ):
            messages.warning(
                request,
                _("職員アカウントには二要素認証が必要です。認証アプリを登録してから続けてください。"),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 page reveals nothing
        name = match.url_name or ""
        return name in MFA_EXEMPT_URL_NAMES or name.startswith("mfa_")


class InstitutionScopeMiddleware:
    """Activates the institution scope for the whole request; sks.access.request_scope decides which."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope(request):
            return self.get_response(request)


class SessionActivityMiddleware:
    """allauth's session tracking ("last seen" on the sessions page), written at most once per
    `SESSION_ACTIVITY_INTERVAL` seconds per session and client instead of on every request.

    allauth's own middleware runs an UPDATE and a commit on each signed-in request: a read then costs a
    write, and on the embedded SQLite default concurrent reads queue on the write lock. The session row
    itself is created at sign-in (allauth's `user_logged_in` receiver), so "sign out my other sessions"
    works whatever this middleware skips. A change of IP address or browser is recorded at once: it is
    part of the throttle key.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            usersessions_settings.TRACK_ACTIVITY
            and session is not None
            and session.session_key
            and user is not None
            and user.is_authenticated
            and cache.add(self._throttle_key(request, session.session_key), 1, settings.SESSION_ACTIVITY_INTERVAL)
        ):
            from allauth.usersessions.models import UserSession

            UserSession.objects.create_from_request(request)
        return self.get_response(request)

    @staticmethod
    def _throttle_key(request: HttpRequest, session_key: str) -> str:
        client = "\n".join((session_key, request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_USER_AGENT", "")))
        return "session-activity:" + hashlib.sha256(client.encode()).hexdigest()


class DebugNotFoundPageMiddleware:
    """Under DEBUG, a 404 shows the product's page, not Django's technical page with the URL list.

    `make run` serves with DEBUG on, and people try the product there: a mistyped address or a page they
    may not see should look as it will in production. Technical 500 pages stay (they are for developers).
    Last in MIDDLEWARE, so the page renders inside the request's scope, as Django's own handler404 does.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No URL pattern matched: Django has already answered with its technical page.
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return error_404(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return error_404(request, exception)
        return None
