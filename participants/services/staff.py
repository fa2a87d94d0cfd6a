"""Writes for an institution admin managing its branches and staff (STYLE.md rule 2)."""

from __future__ import annotations

import unicodedata
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from sks.audit import audit
from sks.exceptions import DomainError
from sks.roles import INSTITUTION_ROLES, Role

from ..models import Branch, Membership, Organization, SeniorProfile, User
from ..selectors.staff import branch_is_in_use, institutions_administered_by

__all__ = [
    "BranchError",
    "BranchInUseError",
    "BranchNameTakenError",
    "LastAdminError",
    "MembershipError",
    "MembershipRoleTakenError",
    "branch_create",
    "branch_delete",
    "branch_update",
    "membership_deactivate",
    "membership_reactivate",
    "membership_update",
    "user_sessions_end",
]


class BranchError(DomainError):
    pass


class BranchNameTakenError(BranchError):
    pass


class BranchInUseError(BranchError):
    pass


class MembershipError(DomainError):
    pass


class LastAdminError(MembershipError):
    pass


class MembershipRoleTakenError(MembershipError):
    pass


def _clean_text(value: str) -> str:
    # NFKC makes full-width digits and half-width katakana the same as their usual forms, so that
    # 「第１支店」 and 「第1支店」 count as the same name.
    return unicodedata.normalize("NFKC", value).strip()


def _ensure_admin_of(*, by: User, organization_id: int) -> None:
    if not institutions_administered_by(user=by).filter(pk=organization_id).exists():
        raise DomainError(_("この金融機関の支店や職員を管理する権限がありません。"))


# --- branches --------------------------------------------------------------------------------------


def _save_branch(branch: Branch) -> None:
    taken = (
        Branch.objects.filter(organization_id=branch.organization_id, name=branch.name).exclude(pk=branch.pk).exists()
    )
    if taken:
        raise BranchNameTakenError(_("「%(name)s」という支店はすでに登録されています。") % {"name": branch.name})
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not break the caller's transaction
            branch.save()
    except IntegrityError:
        raise BranchNameTakenError(
            _("「%(name)s」という支店はすでに登録されています。") % {"name": branch.name}
        ) from None


@transaction.atomic
def branch_create(
    *, by: User, organization: Organization, name: str, code: str = "", prefecture: str = "", city: str = ""
) -> Branch:
    _ensure_admin_of(by=by, organization_id=organization.pk)
    branch = Branch(
        organization=organization,
        name=_clean_text(name),
        code=_clean_text(code),
        prefecture=prefecture,
        city=city.strip(),
    )
    _save_branch(branch)
    audit(obj=branch, action="branch.created", user=by)
    return branch


@transaction.atomic
def branch_update(
    *, branch: Branch, by: User, name: str, code: str = "", prefecture: str = "", city: str = ""
) -> Branch:
    _ensure_admin_of(by=by, organization_id=branch.organization_id)
    before = {"name": branch.name, "code": branch.code, "prefecture": branch.prefecture, "city": branch.city}
    branch.name, branch.code = _clean_text(name), _clean_text(code)
    branch.prefecture, branch.city = prefecture, city.strip()
    _save_branch(branch)
    after = {"name": branch.name, "code": branch.code, "prefecture": branch.prefecture, "city": branch.city}
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changed:
        audit(obj=branch, action="branch.updated", user=by, data={"changed": changed})
    return branch


@transaction.atomic
def branch_delete(*, branch: Branch, by: User) -> None:
    """Delete a branch nothing uses. Companies and staff records keep their branch, so a used one stays."""
    _ensure_admin_of(by=by, organization_id=branch.organization_id)
    in_use_message = _(
        "「%(name)s」は企業・職員・未使用の招待に使われているため削除できません。先に担当支店や所属を変更してください。"
    ) % {"name": branch.name}
    if branch_is_in_use(branch=branch):
        raise BranchInUseError(in_use_message)
    audit(obj=branch, action="branch.deleted", user=by, data={"name": branch.name, "code": branch.code})
    try:
        with transaction.atomic():
            branch.delete()
    except ProtectedError:  # a row of another app that points at branches and that this check does not know
        raise BranchInUseError(in_use_message) from None


# --- staff memberships -----------------------------------------------------------------------------


def _ensure_not_last_admin(*, membership: Membership, by: User) -> None:
    """Refuse a change that would leave the institution with no active admin."""
    if membership.role != Role.INSTITUTION_ADMIN or not membership.is_active:
        return
    # Lock the institution so that two admins demoting each other at once cannot both succeed.
    Organization.objects.select_for_update().filter(pk=membership.organization_id).first()
    others = (
        Membership.objects.filter(
            organization_id=membership.organization_id,
            role=Role.INSTITUTION_ADMIN,
            is_active=True,
            user__is_active=True,
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    if others:
        return
    if membership.user_id == by.pk:
        raise LastAdminError(
            _(
                "あなたはこの金融機関で最後の有効な管理者のため、この変更はできません。"
                "先に別の職員を管理者にしてください。"
            )
        )
    raise LastAdminError(
        _("%(name)sさんはこの金融機関で最後の有効な管理者のため、この変更はできません。") % {"name": membership.user}
    )


@transaction.atomic
def membership_update(*, membership: Membership, by: User, role: str, branch: Branch | None) -> Membership:
    """Change a staff member's role (bank staff ↔ institution admin) and branch."""
    _ensure_admin_of(by=by, organization_id=membership.organization_id)
    if role not in INSTITUTION_ROLES:
        raise MembershipError(_("金融機関職員か金融機関管理者を選んでください。"))
    if branch is not None and branch.organization_id != membership.organization_id:
        raise MembershipError(_("この金融機関の支店を選んでください。"))
    old_role, old_branch_id = membership.role, membership.branch_id
    if role != old_role:
        if Membership.objects.filter(
            user_id=membership.user_id, organization_id=membership.organization_id, role=role
        ).exists():
            raise MembershipRoleTakenError(
                _("この方はこの金融機関で、すでにこの役割の所属を持っています。一覧で確認してください。")
            )
        if old_role == Role.INSTITUTION_ADMIN:
            _ensure_not_last_admin(membership=membership, by=by)
    membership.role = role
    membership.branch = branch
    membership.save(update_fields=["role", "branch", "updated_at"])
    if role != old_role:
        audit(obj=membership, action="membership.role_changed", user=by, data={"from": old_role, "to": role})
    if membership.branch_id != old_branch_id:
        audit(
            obj=membership,
            action="membership.branch_changed",
            user=by,
            data={"from": old_branch_id, "to": membership.branch_id},
        )
    return membership


def user_sessions_end(*, user: User) -> int:
    """End every session of `user` at once, on every device. Returns how many were ended."""
    ended = 0
    for user_session in UserSession.objects.filter(user_id=user.pk):
        user_session.end()
        ended += 1
    # allauth tracks a session from its login or first request on; a session that has made neither
    # (a login outside allauth that was never used) is found in the session table itself. Scanning it
    # is slow on a big table, but staff are deactivated rarely and a forgotten session is worse.
    # Any engine that keeps sessions in the table: Django's db and cached_db, and sks.sessions.
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if issubclass(store_class, DatabaseSessionStore):
        sessions = Session.objects.filter(expire_date__gt=timezone.now()).only("session_key", "session_data")
        for session in sessions.iterator():
            if session.get_decoded().get(SESSION_KEY) == str(user.pk):
                store_class().delete(session.session_key)
                ended += 1
    return ended


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User) -> Membership:
    """Take a staff member off the institution and sign them out everywhere.

    Their account is switched off too unless they still belong somewhere or are a 新現役 (a senior
    keeps their own account).
    """
    _ensure_admin_of(by=by, organization_id=membership.organization_id)
    if not membership.is_active:
        raise MembershipError(_("この所属はすでに無効です。"))
    _ensure_not_last_admin(membership=membership, by=by)
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    user = membership.user
    still_belongs = Membership.objects.filter(user_id=user.pk, is_active=True).exists()
    is_senior = SeniorProfile.objects.filter(user_id=user.pk).exists()
    user_deactivated = user.is_active and not still_belongs and not is_senior
    if user_deactivated:
        user.is_active = False
        user.save(update_fields=["is_active"])
    sessions_ended = user_sessions_end(user=user)
    audit(
        obj=membership,
        action="membership.deactivated",
        user=by,
        data={"user_deactivated": user_deactivated, "sessions_ended": sessions_ended},
    )
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership, by: User) -> Membership:
    """Undo a deactivation: the membership, and the account if it was switched off."""
    _ensure_admin_of(by=by, organization_id=membership.organization_id)
    if membership.is_active:
        raise MembershipError(_("この所属はすでに有効です。"))
    membership.is_active = True
    membership.save(update_fields=["is_active", "updated_at"])
    user = membership.user
    user_reactivated = not user.is_active
    if user_reactivated:
        user.is_active = True
        user.save(update_fields=["is_active"])
    audit(obj=membership, action="membership.reactivated", user=by, data={"user_reactivated": user_reactivated})
    return membership
