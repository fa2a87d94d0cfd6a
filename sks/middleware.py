from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from sks.access import request_scope

# Pages a staff member without MFA may still reach: enrolment itself, signing out, verifying an
# address, the language switch and the health check.
MFA_EXEMPT_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_reauthenticate",
        "set_language",
        "healthz",
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
            and not is_mfa_enabled(user, types=["totp"])
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
