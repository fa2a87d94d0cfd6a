"""The participants app's one access module: the only place that reads its confidential models unscoped.

`CompanyContact` belongs to the institution of its company (scoped manager `objects`). A company contact
themselves belongs to no institution, so the reads below that serve them, or that serve no request at all,
go around the scope; each says why in its docstring. Everything else uses `CompanyContact.objects`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, QuerySet

from .models.companies import Company, CompanyContact

if TYPE_CHECKING:
    from .models.accounts import User

__all__ = [
    "company_contact_for_task",
    "company_contact_get_or_create",
    "company_contacts_of_user",
    "contacts_of_companies",
    "is_active_contact_of",
    "is_company_contact",
]


def is_company_contact(user: Any) -> Exists:
    """Whether `user` (a User, or an OuterRef to one) is an active contact of any company, as a subquery.

    Unscoped: this decides the user's company role, and the roles decide the scope itself, so it is read
    before any scope can exist (participants.models.User.roles).
    """
    return Exists(CompanyContact.unscoped.filter(user=user, is_active=True))


def is_active_contact_of(*, user: User, company_id: int) -> bool:
    """Whether `user` signs in for the company `company_id`.

    Unscoped: a company contact belongs to no institution; the check is limited to their own row.
    """
    return CompanyContact.unscoped.filter(company_id=company_id, user=user, is_active=True).exists()


def contacts_of_companies(*, company_ids: set[int] | list[int]) -> QuerySet[CompanyContact]:
    """The active contacts (with active accounts) of the given companies.

    System path, unscoped: reminder scans serve no request; the caller chose the companies from the rows it
    notifies about, and each person is told only about their own company.
    """
    return CompanyContact.unscoped.filter(company_id__in=company_ids, is_active=True, user__is_active=True)


def company_contact_get_or_create(*, company: Company, user: User, by: User) -> tuple[CompanyContact, bool]:
    """The contact row of `user` for `company`, made if missing (also an inactive one, to re-invite).

    After authorisation, unscoped: the invite service runs once the caller has authorised `company` for the
    inviting staff member (participants.selectors.access_company); the row is looked up by that company.
    """
    return CompanyContact.unscoped.get_or_create(company=company, user=user, defaults={"created_by": by})


def company_contact_for_task(*, pk: int) -> CompanyContact | None:
    """One contact by id, with its user and company, or None when it is gone.

    System path, unscoped: a Celery task serves no request; the id is the one its own service enqueued.
    """
    return CompanyContact.unscoped.select_related("user", "company").filter(pk=pk).first()


# --- personal data: export and erasure ---


def company_contacts_of_user(user: User) -> QuerySet[CompanyContact]:
    """Unscoped: the person's own contact rows, whichever institution registered the company (export, erasure)."""
    return CompanyContact.unscoped.filter(user=user)
