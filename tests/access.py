"""The one place where tests go around the institution scope, and only to arrange or to check.

Production runs every request inside a scope (`sks.middleware` → `sks.access.request_scope`), and so does
the code under test: a test never switches the scope off around the call it tests. It may switch it off
only to arrange its world (factories writing rows of several institutions) and to check what ended up in
the database, and it says which by the helper it uses:

    with arranging():
        enrolment = enrol_company(event, institution=bank)
    result = service(actor=staff, ...)          # runs scoped, as in production
    assert every(EventCompany).count() == 1     # the check sees every institution's rows

`as_user(user)` runs a block in the scope a request by `user` would get, for services and selectors called
outside a request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django_scopes import scopes_disabled

from sks.access import institution_scope

M = TypeVar("M", bound=Model)


@contextmanager
def arranging() -> Iterator[None]:
    """Set-up: write or read any institution's rows. Not for the call under test."""
    # Scope bypass: arranging a test's world spans institutions by design.
    with scopes_disabled():
        yield


def every(model: type[M]) -> QuerySet[M]:
    """Every row of `model`, whatever institution owns it: for checking what the code under test wrote."""
    manager: Any = getattr(model, "unscoped", None) or model._default_manager  # scope bypass: checking
    if hasattr(manager, "with_scopes_disabled"):  # a scoped model with no second manager (Company)
        manager = manager.with_scopes_disabled()
    return manager.all()


@contextmanager
def as_user(user: Any) -> Iterator[None]:
    """Run the block in the scope a request by `user` would run in."""
    with institution_scope(user):
        yield
