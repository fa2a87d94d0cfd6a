import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from participants.demo import seed_logins
from participants.models import Branch, Company, Membership, Organization, User
from sks.roles import Role
from tests.access import every
from tests.factories import senior_user, staff_user

pytestmark = pytest.mark.django_db


def test_404_page_is_japanese(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


@override_settings(DEBUG=False)
def test_500_page_is_japanese_and_needs_no_request_context():
    html = render_to_string("500.html")

    assert "エラーが発生しました" in html
    assert '<html lang="ja">' in html


def test_403_page_is_japanese(client):
    client.force_login(senior_user())

    response = client.get("/admin/login/")

    assert response.status_code == 403
    assert "アクセスできません" in response.content.decode()


def test_language_switch_to_english(client):
    client.force_login(senior_user(name="山田 太郎"))

    client.post(reverse("set_language"), {"language": "en", "next": reverse("dashboard")})
    response = client.get(reverse("dashboard"))

    assert response.headers["Content-Language"] == "en"
    assert "Hello, 山田 太郎" in response.content.decode()


def test_dashboard_bank_staff_points_to_companies(client):
    client.force_login(staff_user(Role.BANK_STAFF))

    html = client.get(reverse("dashboard")).content.decode()

    assert reverse("participants:company_list") in html
    assert reverse("participants:invitation_list") not in html


def test_dashboard_senior_without_profile_asks_for_it(client):
    user = senior_user()
    user.senior_profile.birth_year = None
    user.senior_profile.save()
    client.force_login(user)

    html = client.get(reverse("dashboard")).content.decode()

    assert "プロフィールを入力しましょう" in html


def test_senior_profile_bad_birth_year_error_beside_field(client):
    client.force_login(senior_user())

    response = client.post(
        reverse("participants:senior_profile_step", args=[1]),
        {"name": "山田 太郎", "name_kana": "ヤマダ タロウ", "birth_year": "58"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_birth_year-errors"' in html
    assert "58年生まれはありえません。" in html


def test_senior_profile_saves(client):
    user = senior_user()
    client.force_login(user)

    response = client.post(
        reverse("participants:senior_profile_step", args=[1]),
        {"name": "山田 太郎", "name_kana": "ヤマダ タロウ", "birth_year": "1958", "prefecture": "14"},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert (user.name, user.senior_profile.birth_year, user.senior_profile.prefecture) == ("山田 太郎", 1958, "14")


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    counts = [every(m).count() for m in (User, Organization, Branch, Membership, Company)]

    call_command("seed_demo")

    assert [every(m).count() for m in (User, Organization, Branch, Membership, Company)] == counts
    assert counts[1] == 6


def test_seed_demo_logins_exist_with_their_roles():
    call_command("seed_demo")

    for login in seed_logins():
        user = User.objects.get(email=login.email)
        assert user.check_password("sks-demo-2026")
        assert user.requires_mfa == login.needs_totp


def test_seed_demo_has_three_institution_types_and_a_city():
    call_command("seed_demo")

    kinds = set(Organization.objects.values_list("kind", "institution_type"))
    assert {("financial_institution", "shinkin"), ("financial_institution", "shinkumi")} <= kinds
    assert ("financial_institution", "regional_bank") in kinds
    assert ("local_government", "") in kinds
    assert ("coordinator", "") in kinds


def test_dashboard_senior_without_pledge_or_consent_is_asked_for_both(client):
    client.force_login(senior_user())

    html = client.get(reverse("dashboard")).content.decode()

    assert reverse("participants:senior_pledge") in html
    assert reverse("participants:senior_consent") in html


def test_dashboard_institution_admin_points_to_staff_management(client):
    client.force_login(staff_user(Role.INSTITUTION_ADMIN))

    html = client.get(reverse("dashboard")).content.decode()

    assert reverse("participants:staff_list") in html
    assert reverse("participants:branch_list") in html
    assert reverse("participants:company_import") in html


def test_dashboard_coordinator_points_to_search_not_companies(client):
    client.force_login(staff_user(Role.COORDINATOR))

    html = client.get(reverse("dashboard")).content.decode()

    assert reverse("participants:senior_search") in html
    assert reverse("participants:company_list") not in html
