"""Signing in and enrolling a second factor: each question asked once."""

import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.urls import reverse

from participants.services import invitation_create
from sks.roles import Role
from tests.access import arranging
from tests.factories import PASSWORD, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db

NEW_STAFF = {
    "name": "新人 職員",
    "name_kana": "シンジン ショクイン",
    "password1": "Kinyu-shokuin-77",
    "password2": "Kinyu-shokuin-77",
}


def _sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_login_page_with_email_in_query_prefills_the_address(client):
    response = client.get(reverse("account_login") + "?email=new@bank.example.jp")

    assert response.status_code == 200
    assert response.context["form"]["login"].value() == "new@bank.example.jp"


def test_invitation_accepted_signs_in_and_goes_on_to_the_authenticator(client):
    with arranging():
        bank = OrganizationFactory()
        admin = staff_user(Role.INSTITUTION_ADMIN, bank)
        _invitation, token = invitation_create(
            by=admin, email="new@bank.example.jp", organization=bank, role=Role.BANK_STAFF
        )

    accepted = client.post(
        reverse("participants:invitation_accept", args=[token]), {"email": "new@bank.example.jp", **NEW_STAFF}
    )
    enrolment = client.get(accepted.url)

    assert (accepted.status_code, accepted.url) == (302, reverse("mfa_activate_totp"))
    assert enrolment.status_code == 200


def test_staff_without_mfa_after_password_login_enrols_without_reauthentication(client):
    with arranging():
        user = staff_user(Role.BANK_STAFF, mfa=False)
    _sign_in(client, user)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200


def test_staff_without_mfa_long_after_password_login_is_asked_again(client):
    with arranging():
        user = staff_user(Role.BANK_STAFF, mfa=False)
    _sign_in(client, user)
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{**r, "at": time.time() - 3600} for r in records]
    session.save()

    response = client.get(reverse("mfa_activate_totp"))

    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("account_reauthenticate"))


def test_staff_with_mfa_changing_it_after_login_is_still_asked_for_the_password(client):
    with arranging():
        user = staff_user(Role.BANK_STAFF)
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()

    response = client.get(reverse("mfa_generate_recovery_codes"))

    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("account_reauthenticate"))
