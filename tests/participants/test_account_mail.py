"""allauth's account mail speaks as the platform, to the person by name."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "yamada@example.jp",
    "password1": "Shinsei-genneki-2026",
    "password2": "Shinsei-genneki-2026",
    "name": "山田 太郎",
    "name_kana": "ヤマダ タロウ",
}


def test_verification_mail_greets_the_user_by_name_from_the_platform(client):
    client.post(reverse("account_signup"), SIGNUP)

    body = mail.outbox[0].body
    assert body.splitlines()[0] == "山田 太郎 様"
    assert "SKS 新現役交流会プラットフォーム" in body
    assert "testserver" not in body.replace("http://testserver/", "")


def test_password_reset_mail_names_the_platform_not_the_host(client):
    client.post(reverse("account_signup"), SIGNUP)
    mail.outbox.clear()

    client.post(reverse("account_reset_password"), {"email": SIGNUP["email"]})

    body = mail.outbox[0].body
    assert "SKS 新現役交流会プラットフォーム" in body
    assert "testserver" not in body.replace("http://testserver/", "")
