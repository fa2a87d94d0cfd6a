import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from participants.models import SeniorProfile, User
from sks.roles import SENIOR, Role
from tests.factories import PASSWORD, UserFactory, senior_user, staff_user

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "yamada@example.jp",
    "password1": "Shinsei-genneki-2026",
    "password2": "Shinsei-genneki-2026",
    "name": "山田 太郎",
    "name_kana": "ヤマダ タロウ",
}


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_creates_senior_and_sends_verification_mail(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    user = User.objects.get(email="yamada@example.jp")
    assert (user.name, user.name_kana) == ("山田 太郎", "ヤマダ タロウ")
    assert SeniorProfile.objects.filter(user=user).exists()
    assert user.roles == frozenset({SENIOR})
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.parametrize("typed", ["やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ\u3000タロウ", "やまだ　タロウ"])
def test_signup_kana_in_hiragana_or_half_width_is_saved_as_katakana(client, typed):
    response = client.post(reverse("account_signup"), {**SIGNUP, "name_kana": typed})

    assert response.status_code == 302
    assert User.objects.get(email="yamada@example.jp").name_kana == "ヤマダ タロウ"


def test_signup_kana_not_kana_shows_error_beside_field(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "name_kana": "山田 Taro"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "全角カタカナで入力してください" in html
    assert 'id="id_name_kana-errors"' in html
    assert not User.objects.filter(email="yamada@example.jp").exists()


def test_login_before_verification_is_refused(client):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()

    response = _login(client, SIGNUP["email"], SIGNUP["password1"])

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verification_link_then_login_reaches_japanese_dashboard(client):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    path = re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)

    client.post(path)
    response = _login(client, SIGNUP["email"], SIGNUP["password1"])
    dashboard = client.get(response.url)

    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified is True
    assert response.url == reverse("dashboard")
    assert dashboard.status_code == 200
    assert "山田 太郎 さん、こんにちは" in dashboard.content.decode()
    assert dashboard.headers["Content-Language"] == "ja"


def test_login_locked_after_five_failures_even_with_right_password(client):
    user = senior_user(email="locked@example.jp")
    for _ in range(5):
        failed = _login(client, user.email, "wrong-password")
        assert failed.status_code == 200

    response = _login(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "ログイン失敗が連続しています" in response.content.decode()


def test_login_other_address_not_locked_by_someone_elses_failures(client):
    locked, other = senior_user(email="a@example.jp"), senior_user(email="b@example.jp")
    for _ in range(5):
        _login(client, locked.email, "wrong-password")

    response = _login(client, other.email, PASSWORD)

    assert response.status_code == 302


def test_password_reset_does_not_reveal_whether_address_exists(client):
    senior_user(email="known@example.jp")

    known = client.post(reverse("account_reset_password"), {"email": "known@example.jp"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.jp"})

    assert (known.status_code, unknown.status_code) == (302, 302)
    assert known.url == unknown.url
    # allauth still mails the unknown address, telling it that no account exists there.
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.jp", "nobody@example.jp"]


def test_signup_with_existing_address_does_not_reveal_it(client):
    senior_user(email="taken@example.jp")

    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "taken@example.jp"})

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")


def test_sessions_page_lists_and_ends_other_sessions(client):
    user = senior_user()
    other_device = client.__class__()
    assert _login(other_device, user.email, PASSWORD).status_code == 302
    assert _login(client, user.email, PASSWORD).status_code == 302

    listing = client.get(reverse("usersessions_list"))
    client.post(reverse("usersessions_list"))  # "sign out other sessions"

    assert listing.status_code == 200
    assert other_device.get(reverse("dashboard")).status_code == 302


def test_staff_without_mfa_is_sent_to_enrol(client):
    user = staff_user(Role.BANK_STAFF, mfa=False)
    client.force_login(user)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", sorted(Role.values))
def test_every_staff_role_requires_mfa(client, role):
    client.force_login(staff_user(role, mfa=False))

    response = client.get(reverse("participants:invitation_list"))

    assert (response.status_code, response.url) == (302, reverse("mfa_activate_totp"))


def test_staff_with_mfa_reaches_dashboard(client):
    client.force_login(staff_user(Role.BANK_STAFF))

    assert client.get(reverse("dashboard")).status_code == 200


def test_senior_is_not_asked_for_mfa(client):
    client.force_login(senior_user())

    assert client.get(reverse("dashboard")).status_code == 200


def test_staff_login_with_mfa_asks_for_code(client):
    user = staff_user(Role.BANK_STAFF)

    response = _login(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/")
    login = client.get(response.url)

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert login.status_code == 302
    assert login.url.startswith(reverse("account_login"))


def test_admin_refuses_signed_in_non_staff(client):
    client.force_login(senior_user())

    assert client.get("/admin/login/").status_code == 403


def test_superuser_without_mfa_is_sent_to_enrol(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get("/admin/")

    assert response.url == reverse("mfa_activate_totp")
