"""A newcomer's first minutes as staff: invitation → password → authenticator → recovery codes → dashboard."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, Request, expect

from participants.models import User
from participants.services import invitation_create
from sks.roles import Role
from tests.access import arranging, every
from tests.e2e.locators import label
from tests.e2e.test_staff_mfa import totp_code
from tests.factories import OrganizationFactory, staff_user

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Kinyu-shokuin-77"


def test_staff_onboarding_from_invitation_to_dashboard_asks_each_question_once(page: Page) -> None:
    with arranging():
        bank = OrganizationFactory(name="さくら台信用金庫")
        admin = staff_user(Role.INSTITUTION_ADMIN, bank)
        _invitation, token = invitation_create(
            by=admin, email="new@bank.example.jp", organization=bank, role=Role.BANK_STAFF
        )
    visited: list[str] = []
    page.on("request", lambda r: visited.append(r.url) if _is_page(page, r) else None)

    page.goto(f"/invitations/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("アカウントの作成")
    page.get_by_label(label("氏名")).fill("新人 職員")
    page.get_by_label(label("氏名（カナ）")).fill("シンジン ショクイン")
    page.get_by_label(label("パスワード")).fill(NEW_PASSWORD)
    page.get_by_label(label("パスワード（確認）")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="アカウントを作成する").click()

    # Straight on to the authenticator: the password just chosen is not asked for again.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("認証アプリを有効化する")
    main = page.get_by_role("main")
    for app in ("Google Authenticator", "Microsoft Authenticator", "IIJ SmartKey"):
        expect(main).to_contain_text(app)
    secret = page.get_by_label("認証アプリシークレット").input_value()
    page.get_by_label(label("認証アプリコード")).fill(totp_code(secret))
    page.get_by_role("button", name="有効化する").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(page.get_by_label("未使用のコード")).not_to_be_empty()
    page.get_by_role("main").get_by_role("link", name="続ける").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("新人 職員 さん、こんにちは")
    asked_again = [url for url in visited if re.search(r"/accounts/(login|reauthenticate)/", url)]
    assert asked_again == []
    user = every(User).get(email="new@bank.example.jp")
    assert sorted(every(Authenticator).filter(user=user).values_list("type", flat=True)) == [
        Authenticator.Type.RECOVERY_CODES,
        Authenticator.Type.TOTP,
    ]


def _is_page(page: Page, request: Request) -> bool:
    return request.is_navigation_request() and request.frame == page.main_frame
