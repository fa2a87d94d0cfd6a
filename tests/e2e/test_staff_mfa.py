import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from sks.roles import Role
from tests.e2e.locators import label
from tests.factories import PASSWORD, staff_user

pytestmark = pytest.mark.browser


def totp_code(secret: str) -> str:
    # A code computed in the last moments of its 30-second window may reach the server in the next one.
    if 30 - time.time() % 30 < 2:
        time.sleep(2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_staff_without_mfa_is_sent_to_totp_enrolment(page: Page) -> None:
    user = staff_user(Role.BANK_STAFF, mfa=False)

    page.goto("/accounts/login/")
    page.get_by_label(label("メールアドレス")).fill(user.email)
    page.get_by_label(label("パスワード")).fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    # The password just typed is not asked for again before enrolment.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.get_by_role("status")).to_contain_text("職員アカウントには二要素認証が必要です")
    expect(page.get_by_role("heading", level=1)).to_have_text("認証アプリを有効化する")
    qr = page.get_by_role("main").get_by_role("img")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not render"
    secret = page.get_by_label("認証アプリシークレット").input_value()
    page.get_by_label(label("認証アプリコード")).fill(totp_code(secret))
    page.get_by_role("button", name="有効化する").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(page.get_by_role("status")).to_contain_text("認証アプリを有効化しました")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="ダッシュボード").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{user.get_short_name()} さん、こんにちは")
    expect(page.get_by_role("heading", name="取引先企業を確認しましょう")).to_be_visible()
    assert list(Authenticator.objects.filter(user=user).values_list("type", flat=True).order_by("type")) == [
        Authenticator.Type.RECOVERY_CODES,
        Authenticator.Type.TOTP,
    ]
