import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from participants.models import User
from tests.e2e.locators import label

pytestmark = pytest.mark.browser

EMAIL = "yamada@example.jp"
PASSWORD = "Shinsei-genneki-2026"  # passes every validator in AUTH_PASSWORD_VALIDATORS


def test_senior_signup_verify_login_sees_japanese_dashboard(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="新現役として登録する", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.get_by_label(label("氏名")).fill("山田 太郎")
    page.get_by_label(label("氏名（カナ）")).fill("やまだ たろう")  # hiragana: saved as katakana
    page.get_by_label(label("メールアドレス")).fill(EMAIL)
    page.get_by_label(label("パスワード")).fill(PASSWORD)
    page.get_by_label(label("パスワード (再入力)")).fill(PASSWORD)
    page.get_by_role("button", name="ユーザー登録").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("メールアドレスを確認してください")
    expect(page.get_by_role("status")).to_contain_text(f"確認メールを {EMAIL} へ送信しました")
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert User.objects.get(email=EMAIL).name_kana == "ヤマダ タロウ"
    body = str(mail.outbox[0].body)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", body)
    assert link is not None, body

    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("メールアドレスの確認")
    page.get_by_role("button", name="確認する").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("status")).to_contain_text(f"{EMAIL} を確認しました")
    page.get_by_label(label("メールアドレス")).fill(EMAIL)
    page.get_by_label(label("パスワード")).fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("山田 太郎 さん、こんにちは")
    expect(page.get_by_role("heading", name="次にすること")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
