"""The issue's journey end to end: a senior signs up, completes the wizard, accepts the pledge and the
consent, and a coordinator then finds them by searching for 「販路」."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import Page, expect

from participants.reference import load_reference_data
from sks.roles import Role
from tests.e2e.locators import label
from tests.factories import staff_user

pytestmark = pytest.mark.browser

EMAIL = "kobayashi@example.jp"
PASSWORD = "Shinsei-genneki-2026"


def test_senior_signs_up_completes_profile_and_is_found_by_coordinator(page: Page, live_server) -> None:
    load_reference_data()  # transactional tests flush what migration 0002 loaded
    page.goto("/accounts/signup/")
    page.get_by_label(label("氏名")).fill("小林 修")
    page.get_by_label(label("氏名（カナ）")).fill("コバヤシ オサム")
    page.get_by_label(label("メールアドレス")).fill(EMAIL)
    page.get_by_label(label("パスワード")).fill(PASSWORD)
    page.get_by_label(label("パスワード (再入力)")).fill(PASSWORD)
    page.get_by_role("button", name="ユーザー登録").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", str(mail.outbox[0].body))
    assert link is not None
    page.goto(link.group(1))
    page.get_by_role("button", name="確認する").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.get_by_label(label("メールアドレス")).fill(EMAIL)
    page.get_by_label(label("パスワード")).fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.goto("/profile/step/1/")
    page.get_by_label(label("生まれ年")).fill("1956")
    page.get_by_role("button", name="保存して次へ").click()
    expect(page.get_by_role("heading", level=2, name="手順 2 / 5：職歴")).to_be_visible()
    page.locator("#id_careers-0-employer").fill("東海食品工業株式会社")
    page.get_by_role("button", name="保存して次へ").click()
    expect(page.get_by_role("heading", level=2, name="手順 3 / 5：専門分野・業種・資格")).to_be_visible()
    page.get_by_text("販路開拓", exact=True).click()
    page.get_by_role("button", name="保存して次へ").click()
    expect(page.get_by_role("heading", level=2, name="手順 4 / 5：自己紹介")).to_be_visible()
    page.get_by_label(label("自己紹介")).fill("食品メーカーで海外販路開拓の経験があります。")
    page.get_by_role("button", name="保存して次へ").click()
    expect(page.get_by_role("heading", level=2, name="手順 5 / 5：活動条件")).to_be_visible()
    page.get_by_role("button", name="保存して終わる").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("プロフィール")

    page.goto("/profile/pledge/")
    page.get_by_label("上記の内容を読み、守秘義務を守ることを誓約します").check()
    page.get_by_role("button", name="誓約する").click()
    expect(page.get_by_role("status").last).to_contain_text("に、この版に誓約しました。")
    page.goto("/profile/consent/")
    page.get_by_label("上記の利用目的に同意します").check()
    page.get_by_role("button", name="同意する").click()
    expect(page.get_by_text("同意を記録しました。")).to_be_visible()

    # A coordinator, in a fresh session (signing in with TOTP is covered by test_staff_mfa.py).
    client = Client()
    client.force_login(staff_user(Role.COORDINATOR))
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/seniors/search/?q=販路")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="小林 修")).to_be_visible()
