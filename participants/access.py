"""The participants app's reads of its confidential (institution-scoped) models past the scope.

Each function says why it may ignore the institution scope; nothing else in participants' app code uses
the `unscoped` managers or `scopes_disabled`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CompanyContact, User

__all__ = ["company_contacts_of_user"]


# --- personal data: export and erasure ---


def company_contacts_of_user(user: User) -> QuerySet[CompanyContact]:
    """Unscoped: the person's own contact rows, whichever institution registered the company (export, erasure)."""
    return CompanyContact.unscoped.filter(user=user)
