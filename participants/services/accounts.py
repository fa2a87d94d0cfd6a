"""Every write to participants goes through a function here (STYLE.md rule 2)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from sks.audit import audit
from sks.exceptions import DomainError
from sks.tasks import enqueue_on_commit

from ..models import Branch, Membership, Organization, SeniorProfile, StaffInvitation, User
from ..selectors import roles_invitable_by
from .mail_ledger import mail_send_within_budget


class InvitationError(DomainError):
    pass


@transaction.atomic
def senior_register(*, user: User, name: str, name_kana: str) -> SeniorProfile:
    """Called when someone signs up openly: they join as a 新現役."""
    user.name = name
    user.name_kana = name_kana
    user.save(update_fields=["name", "name_kana"])
    profile, _created = SeniorProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def invitation_create(
    *, by: User, email: str, organization: Organization, role: str, branch: Branch | None = None
) -> tuple[StaffInvitation, str]:
    """Invite `email` to `organization` as `role`. Returns the invitation and the one-time token."""
    email = email.strip().lower()
    if role not in roles_invitable_by(user=by, organization=organization):
        raise InvitationError(_("この組織にこの役割で招待する権限がありません。"))
    if branch is not None and branch.organization_id != organization.pk:
        raise InvitationError(_("支店は招待先の組織のものを選んでください。"))
    if Membership.objects.filter(user__email__iexact=email, organization=organization, role=role).exists():
        raise InvitationError(_("このメールアドレスの方は、すでにこの組織でこの役割を持っています。"))
    # A new invitation replaces any open one for the same address and organisation.
    StaffInvitation.objects.filter(
        email__iexact=email, organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation.objects.create(
        email=email,
        organization=organization,
        branch=branch,
        role=role,
        token_hash=StaffInvitation.hash_token(token),
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.STAFF_INVITATION_DAYS),
    )
    from ..tasks import task_send_invitation_email

    enqueue_on_commit(task_send_invitation_email, invitation_id=invitation.pk, token=token)
    return invitation, token


def invitation_send_email(*, invitation: StaffInvitation, url: str) -> bool:
    """Send the invitation mail; a used or revoked invitation is not sent (so a retried task is harmless)."""
    if not invitation.is_usable:
        return False
    context = {"invitation": invitation, "url": url}
    # Not in the send ledger (its recipient is an address, not an account yet); the usable check above makes a
    # retry after acceptance a no-op, and the budget keeps a slow server from holding the worker.
    mail_send_within_budget(
        EmailMessage(
            subject=settings.EMAIL_SUBJECT_PREFIX + _("SKSへの招待"),
            body=render_to_string("participants/email/invitation.txt", context),
            to=[invitation.email],
        )
    )
    return True


@transaction.atomic
def invitation_revoke(*, invitation: StaffInvitation, by: User) -> StaffInvitation:
    if invitation.accepted_at is not None:
        raise InvitationError(_("受諾済みの招待は取り消せません。"))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit(obj=invitation, action="invitation.revoked", user=by)
    return invitation


def invitation_check_usable(invitation: StaffInvitation | None, email: str) -> StaffInvitation:
    if invitation is None:
        raise InvitationError(_("この招待リンクは無効です。"))
    if invitation.accepted_at is not None:
        raise InvitationError(_("この招待リンクはすでに使われています。"))
    if invitation.revoked_at is not None:
        raise InvitationError(_("この招待は取り消されています。招待した方に連絡してください。"))
    if invitation.is_expired:
        raise InvitationError(_("この招待リンクは有効期限が切れています。招待した方に再送を依頼してください。"))
    if email.strip().lower() != invitation.email.lower():
        raise InvitationError(
            _("この招待リンクは別のメールアドレス宛てです。招待されたメールアドレスで登録してください。")
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    email: str,
    user: User | None = None,
    name: str = "",
    name_kana: str = "",
    password: str | None = None,
) -> User:
    """Accept an invitation, either as a new user (name and password given) or as the signed-in `user`.

    The link works once, for the invited address only, before it expires. Opening it proves the
    address, so the new account's email counts as verified.
    """
    invitation = (
        StaffInvitation.objects.select_for_update()
        .select_related("organization")
        .filter(token_hash=StaffInvitation.hash_token(token))
        .first()
    )
    invitation = invitation_check_usable(invitation, email)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                _("このメールアドレスはすでに登録されています。ログインしてから招待リンクを開いてください。")
            )
        user = User.objects.create_user(email=invitation.email, password=password, name=name, name_kana=name_kana)
    EmailAddress.objects.update_or_create(
        user=user, email=invitation.email, defaults={"verified": True, "primary": True}
    )
    Membership.objects.update_or_create(
        user=user,
        organization=invitation.organization,
        role=invitation.role,
        defaults={"branch": invitation.branch, "is_active": True},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user", "updated_at"])
    audit(obj=invitation, action="invitation.accepted", user=user)
    return user
