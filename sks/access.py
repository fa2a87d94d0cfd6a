"""Institution isolation and role checks: the mechanism every app uses (STYLE.md rule 3).

* Institution-owned models use `InstitutionScopedManager()`: every query is filtered to the institutions
  of the current request's user, and a query with no scope active raises `ScopeError` (so a forgotten
  filter fails loudly in tests instead of leaking another bank's clients).
* `InstitutionScopeMiddleware` (sks.middleware) activates the scope that `request_scope` chooses for each
  request; a superuser's scope is lifted only under the Django admin. Celery tasks and management commands
  must choose explicitly.
* Each app reads its confidential models around the scope only in its own `access.py` (and management
  commands, demo data and migrations), each such read with its reason; tests/test_access_sources.py
  enforces it.
* Views fetch confidential rows only through `access_<thing>(*, user, pk)` selectors, which answer
  `Http404` both when the row is missing and when it is forbidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django_scopes import ScopedManager, scope, scopes_disabled

from sks.roles import ANY_SIGNED_IN

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from participants.models import User

__all__ = [
    "InstitutionScopedManager",
    "UnscopedManager",
    "get_or_404",
    "institution_ids_for",
    "institution_scope",
    "is_admin_path",
    "request_scope",
    "role_required",
    "scopes_disabled",
    "signed_in_required",
    "signed_in_user",
    "user_has_any_role",
]

SCOPE_DIMENSION = "institution"

M = TypeVar("M", bound=models.Model)


def InstitutionScopedManager(field: str = "institution") -> Any:
    """A manager filtered to the current institution scope; `field` is the lookup to the institution."""
    return ScopedManager(**{SCOPE_DIMENSION: field})


class UnscopedManager(models.Manager):  # type: ignore[type-arg]  # generic over the model it is attached to
    """A second, deliberately unscoped manager, used only in the app's `access.py` for the reads each role's
    rule limits itself (coordinators, company contacts, seniors) and for system paths. Declare it after the
    scoped `objects`, which stays the default manager."""


def institution_ids_for(user: User | AnonymousUser | None) -> list[int]:
    """Ids of the financial institutions whose client data `user` may see (empty for everyone else)."""
    if user is None or not user.is_authenticated:
        return []
    return list(getattr(user, "institution_ids", []))


@contextmanager
def institution_scope(user: User | AnonymousUser | None) -> Iterator[None]:
    with scope(**{SCOPE_DIMENSION: institution_ids_for(user)}):
        yield


def is_admin_path(path: str) -> bool:
    """Whether `path` is a page of the Django admin (its URL prefix resolved, not assumed)."""
    try:
        prefix = reverse("admin:index")
    except NoReverseMatch:  # a URLconf without the admin (some tests): nothing is under it
        return False
    return path.startswith(prefix)


def request_scope(request: HttpRequest) -> AbstractContextManager[None]:
    """The institution scope to run `request` in: the user's own institutions, except for a superuser in the
    Django admin."""
    user = request.user
    if user.is_authenticated and user.is_superuser and is_admin_path(request.path):
        # Scope bypass: platform operators work in the Django admin, whose lists span every institution.
        # Only there: on the site's own pages a superuser sees what their own memberships allow.
        return scopes_disabled()
    return institution_scope(user)


def user_has_any_role(user: User | AnonymousUser | None, roles: Iterable[str]) -> bool:
    if user is None or not user.is_authenticated:
        return False
    roles = set(roles)
    return ANY_SIGNED_IN in roles or bool(set(getattr(user, "roles", frozenset())) & roles)


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Anonymous users go to the login page; signed-in users without one of `roles` get 404.

    404 rather than 403: a page that is not for you looks the same as a page that does not exist.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                # Imported here: auth.views needs the user model, which imports this module.
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not user_has_any_role(request.user, roles):
                raise Http404
            return view(request, *args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # type: ignore[attr-defined]  # read by the permission matrix test
        return wrapped

    return decorator


def signed_in_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for every signed-in user, whatever their roles (anonymous users go to the login page). It
    declares so like `role_required` does, so the page registry and the permission matrix can read it."""
    return role_required(ANY_SIGNED_IN)(view)


def signed_in_user(request: HttpRequest) -> User:
    """The request's user as the project's User, in a view that `role_required` has guarded."""
    assert request.user.is_authenticated, "use behind role_required or login_required"
    return request.user  # type: ignore[return-value]  # AUTH_USER_MODEL is participants.User


def get_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one row of an already-authorised queryset; missing and forbidden look the same."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
