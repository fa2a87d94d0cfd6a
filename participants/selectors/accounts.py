"""Reads that carry rules. Views call these; they never `.get()` a confidential model themselves."""

from __future__ import annotations

from django.db.models import QuerySet

from sks.access import get_or_404
from sks.roles import Role

from ..enums import OrganizationKind
from ..models import Branch, Organization, StaffInvitation, User


def organizations_invitable_by(*, user: User) -> QuerySet[Organization]:
    if Role.COORDINATOR in user.roles:
        return Organization.objects.all()
    admin_of = [m.organization_id for m in user.active_memberships if m.role == Role.INSTITUTION_ADMIN]
    return Organization.objects.filter(pk__in=admin_of, kind=OrganizationKind.FINANCIAL_INSTITUTION)


def roles_invitable_by(*, user: User, organization: Organization) -> frozenset[str]:
    if Role.COORDINATOR in user.roles:
        return organization.grantable_roles()
    if organizations_invitable_by(user=user).filter(pk=organization.pk).exists():
        return frozenset({Role.BANK_STAFF, Role.INSTITUTION_ADMIN})
    return frozenset()


def branches_invitable_by(*, user: User) -> QuerySet[Branch]:
    return Branch.objects.filter(organization__in=organizations_invitable_by(user=user)).select_related("organization")


def invitation_list_for(*, user: User) -> QuerySet[StaffInvitation]:
    return (
        StaffInvitation.objects.filter(organization__in=organizations_invitable_by(user=user))
        .select_related("organization", "branch", "invited_by", "accepted_user")
        .order_by("-created_at")
    )


def access_invitation(*, user: User, pk: int) -> StaffInvitation:
    return get_or_404(invitation_list_for(user=user), pk=pk)


def invitation_for_token(*, token: str) -> StaffInvitation | None:
    return (
        StaffInvitation.objects.select_related("organization", "branch")
        .filter(token_hash=StaffInvitation.hash_token(token))
        .first()
    )
