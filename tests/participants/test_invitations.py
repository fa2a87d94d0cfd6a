import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from participants.models import Membership, StaffInvitation, User
from participants.services import InvitationError, invitation_accept, invitation_create
from sks.roles import Role
from tests.factories import BranchFactory, OrganizationFactory, senior_user, staff_user

pytestmark = pytest.mark.django_db

NEW_STAFF = {
    "name": "新人 職員",
    "name_kana": "シンジン ショクイン",
    "password1": "Kinyu-shokuin-77",
    "password2": "Kinyu-shokuin-77",
}


@pytest.fixture
def bank():
    return OrganizationFactory(name="さくら台信用金庫")


@pytest.fixture
def admin(bank):
    return staff_user(Role.INSTITUTION_ADMIN, bank)


def _invite(client, admin, bank, email="new@bank.example.jp", role=Role.BANK_STAFF):
    branch = BranchFactory(organization=bank)
    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("participants:invitation_list"),
            {"email": email, "organization": bank.pk, "branch": branch.pk, "role": role},
        )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    return re.search(r"https?://[^/]+(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_invitation_email_link_creates_staff_with_membership(client, admin, bank):
    path = _invite(client, admin, bank)

    response = client.post(path, {"email": "new@bank.example.jp", **NEW_STAFF})

    assert response.status_code == 302
    user = User.objects.get(email="new@bank.example.jp")
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role) == (bank, Role.BANK_STAFF)
    assert EmailAddress.objects.get(user=user).verified is True
    assert mail.outbox[-1].to == ["new@bank.example.jp"]


def test_invitation_accepts_the_kana_in_hiragana_and_saves_katakana(client, admin, bank):
    path = _invite(client, admin, bank)

    response = client.post(path, {"email": "new@bank.example.jp", **NEW_STAFF, "name_kana": "しんじん しょくいん"})

    assert response.status_code == 302
    assert User.objects.get(email="new@bank.example.jp").name_kana == "シンジン ショクイン"


def test_invitation_used_twice_is_refused(client, admin, bank):
    path = _invite(client, admin, bank)
    client.post(path, {"email": "new@bank.example.jp", **NEW_STAFF})

    second_get = client.get(path)
    second_post = client.post(path, {"email": "new@bank.example.jp", **NEW_STAFF})

    assert second_get.status_code == 410
    assert "すでに使われています" in second_get.content.decode()
    assert second_post.status_code == 410
    assert User.objects.filter(email="new@bank.example.jp").count() == 1


def test_invitation_by_another_email_is_refused(client, admin, bank):
    path = _invite(client, admin, bank)

    response = client.post(path, {"email": "intruder@example.jp", **NEW_STAFF})

    assert response.status_code == 200
    assert "別のメールアドレス宛て" in response.content.decode()
    assert not User.objects.filter(email="intruder@example.jp").exists()
    assert StaffInvitation.objects.get().accepted_at is None


def test_invitation_signed_in_as_another_user_is_refused(client, admin, bank):
    path = _invite(client, admin, bank)
    client.force_login(senior_user(email="someone-else@example.jp"))

    response = client.post(path)

    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="someone-else@example.jp").exists()


def test_invitation_signed_in_as_invited_senior_adds_membership(client, admin, bank):
    senior = senior_user(email="new@bank.example.jp")
    path = _invite(client, admin, bank)
    client.force_login(senior)

    response = client.post(path)

    assert response.status_code == 302
    assert User.objects.get(pk=senior.pk).roles == frozenset({"senior", Role.BANK_STAFF})


def test_invitation_expired_is_refused(client, admin, bank):
    path = _invite(client, admin, bank)

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(path, {"email": "new@bank.example.jp", **NEW_STAFF})

    assert response.status_code == 410
    assert "有効期限が切れています" in response.content.decode()


def test_invitation_unknown_token_is_refused(client):
    response = client.get(reverse("participants:invitation_accept", args=["not-a-token"]))

    assert response.status_code == 410


def test_invitation_revoked_is_refused(client, admin, bank):
    path = _invite(client, admin, bank)
    invitation = StaffInvitation.objects.get()
    client.force_login(admin)
    client.post(reverse("participants:invitation_revoke", args=[invitation.pk]))
    client.logout()

    response = client.get(path)

    assert response.status_code == 410
    assert "取り消されています" in response.content.decode()


def test_institution_admin_cannot_invite_to_another_institution(admin):
    other_bank = OrganizationFactory()

    with pytest.raises(InvitationError):
        invitation_create(by=admin, email="x@example.jp", organization=other_bank, role=Role.BANK_STAFF)


def test_institution_admin_cannot_invite_coordinator(admin, bank):
    with pytest.raises(InvitationError):
        invitation_create(by=admin, email="x@example.jp", organization=bank, role=Role.COORDINATOR)


def test_coordinator_can_invite_first_institution_admin(bank):
    coordinator = staff_user(Role.COORDINATOR)

    _invitation, token = invitation_create(
        by=coordinator, email="Boss@Bank.example.jp", organization=bank, role=Role.INSTITUTION_ADMIN
    )
    user = invitation_accept(token=token, email="boss@bank.example.jp", name="理事長", password="Rijicho-pass-88")

    assert user.roles == frozenset({Role.INSTITUTION_ADMIN})


def test_invitation_form_other_institution_not_offered(client, admin):
    other_bank = OrganizationFactory(name="別の銀行")
    client.force_login(admin)

    response = client.post(
        reverse("participants:invitation_list"),
        {"email": "x@example.jp", "organization": other_bank.pk, "role": Role.BANK_STAFF},
    )

    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
    assert StaffInvitation.objects.count() == 0


def test_invitation_revoke_other_institution_gets_404(client, admin, bank):
    other_admin = staff_user(Role.INSTITUTION_ADMIN, OrganizationFactory())
    invitation, _token = invitation_create(by=admin, email="x@example.jp", organization=bank, role=Role.BANK_STAFF)
    client.force_login(other_admin)

    response = client.post(reverse("participants:invitation_revoke", args=[invitation.pk]))

    assert response.status_code == 404
    assert StaffInvitation.objects.get().revoked_at is None


def test_invitation_list_other_institution_does_not_show_invitations(client, admin, bank):
    invitation_create(by=admin, email="secret-hire@example.jp", organization=bank, role=Role.BANK_STAFF)
    client.force_login(staff_user(Role.INSTITUTION_ADMIN, OrganizationFactory()))

    response = client.get(reverse("participants:invitation_list"))

    assert "secret-hire@example.jp" not in response.content.decode()


def test_invitation_token_is_stored_hashed(admin, bank):
    invitation, token = invitation_create(by=admin, email="x@example.jp", organization=bank, role=Role.BANK_STAFF)

    assert invitation.token_hash == StaffInvitation.hash_token(token)
    assert token not in invitation.token_hash


def test_invitation_form_preselects_the_admins_own_institution(client, admin, bank):
    client.force_login(admin)

    html = client.get(reverse("participants:invitation_list")).content.decode()

    assert f'<option value="{bank.pk}" selected>' in html
