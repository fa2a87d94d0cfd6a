"""Reads for an institution admin managing its branches and staff.

Only institution admins of a financial institution act here, and only on their own institution(s);
everyone else, coordinators included for now, finds nothing (views answer 404).
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from sks.access import get_or_404
from sks.roles import INSTITUTION_ROLES, Role

from ..enums import OrganizationKind
from ..models import Branch, Membership, Organization, StaffInvitation, User

__all__ = [
    "access_branch",
    "access_membership",
    "branch_choices_for_membership",
    "branch_is_in_use",
    "branch_list_for",
    "institution_staff",
    "institutions_administered_by",
    "is_active_staff_of",
    "membership_list_for",
]


def institutions_administered_by(*, user: User) -> QuerySet[Organization]:
    """The financial institutions in which `user` holds an active institution-admin membership."""
    admin_of = [m.organization_id for m in user.active_memberships if m.role == Role.INSTITUTION_ADMIN]
    return Organization.objects.filter(pk__in=admin_of, kind=OrganizationKind.FINANCIAL_INSTITUTION).order_by("name")


def _usable_invitations() -> QuerySet[StaffInvitation]:
    return StaffInvitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def branch_list_for(*, user: User) -> QuerySet[Branch]:
    """The admin's branches, each with how many companies and members use it (deletion needs none)."""
    member_count = (
        Membership.objects.filter(branch=OuterRef("pk")).order_by().values("branch").annotate(n=Count("pk")).values("n")
    )
    return (
        Branch.objects.filter(organization__in=institutions_administered_by(user=user))
        .select_related("organization")
        # A join, not a query on Company: its scoped manager is for client data, and a count reveals none.
        .annotate(
            company_count=Count("companies", distinct=True),
            member_count=Coalesce(Subquery(member_count, output_field=IntegerField()), Value(0)),
            has_open_invitations=Exists(_usable_invitations().filter(branch=OuterRef("pk"))),
        )
        .order_by("organization__name", "code", "name")
    )


def access_branch(*, user: User, pk: int) -> Branch:
    return get_or_404(branch_list_for(user=user), pk=pk)


def branch_is_in_use(*, branch: Branch) -> bool:
    """A branch is in use while companies, memberships (active or not) or open invitations point at it."""
    return (
        Branch.objects.filter(pk=branch.pk).filter(Q(companies__isnull=False) | Q(memberships__isnull=False)).exists()
        or _usable_invitations().filter(branch=branch).exists()
    )


def membership_list_for(*, user: User) -> QuerySet[Membership]:
    """Bank staff and admins of the admin's institutions, with whether each has enrolled a TOTP authenticator.

    The flag is the query `allauth.mfa.utils.is_mfa_enabled(user, types=["totp"])` runs, done in one
    annotation so that the list costs the same number of queries for 1 or 1,000 staff.
    """
    return (
        Membership.objects.filter(
            organization__in=institutions_administered_by(user=user), role__in=sorted(INSTITUTION_ROLES)
        )
        .select_related("user", "organization", "branch")
        .annotate(
            mfa_enabled=Exists(Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP))
        )
        .order_by("organization__name", "-is_active", "user__name_kana", "user__email", "role")
    )


def access_membership(*, user: User, pk: int) -> Membership:
    return get_or_404(membership_list_for(user=user), pk=pk)


def branch_choices_for_membership(*, membership: Membership) -> QuerySet[Branch]:
    return Branch.objects.filter(organization_id=membership.organization_id).order_by("code", "name")


# --- staff of an institution, as other apps choose them (attending staff, responsible staff) -----------


def is_active_staff_of(user: User | None, institution_id: int) -> bool:
    """Whether `user` is active bank staff or an admin of the institution (one query)."""
    if user is None or not user.is_active:
        return False
    return user.memberships.filter(organization_id=institution_id, is_active=True, role__in=INSTITUTION_ROLES).exists()


def institution_staff(*, institution_ids: list[int] | tuple[int, ...]) -> QuerySet[User]:
    """Active bank staff and admins of the given institutions, by name."""
    return (
        User.objects.filter(
            memberships__organization_id__in=list(institution_ids),
            memberships__is_active=True,
            memberships__role__in=INSTITUTION_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("name_kana", "name", "email")
    )
