"""A senior fills in the profile wizard, accepts the pledge, grants and withdraws consent, reads their data
and finally deletes their registration: every page audited by axe-core and checked against the CSP."""

import re

import pytest
from playwright.sync_api import Page, expect

from participants.reference import load_reference_data
from tests.e2e.locators import label
from tests.factories import PASSWORD, senior_user

pytestmark = pytest.mark.browser

EMAIL = "yamamoto@example.jp"


def sign_in(page: Page) -> None:
    load_reference_data()  # transactional tests flush what migration 0002 loaded
    senior_user(email=EMAIL, name="山本 隆", name_kana="ヤマモト タカシ")
    page.goto("/accounts/login/")
    page.get_by_label(label("メールアドレス")).fill(EMAIL)
    page.get_by_label(label("パスワード")).fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_senior_fills_wizard_pledges_and_consents(page: Page) -> None:
    sign_in(page)
    page.get_by_role("link", name="プロフィール", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("プロフィール")
    expect(page.locator(".completeness-percent")).to_have_text("28%")
    page.get_by_role("link", name="入力を始める").click()

    # Step 1, with an impossible birth year first.
    expect(page.get_by_role("heading", level=2, name="手順 1 / 5：基本情報")).to_be_visible()
    page.get_by_label(label("生まれ年")).fill("1800")
    page.get_by_label(label("市区町村")).fill("横浜市港北区")
    page.get_by_label(label("電話番号")).fill("045-555-0101")
    page.get_by_role("button", name="保存して次へ").click()
    expect(page.locator("#id_birth_year-errors")).to_contain_text("1800年生まれはありえません。")
    page.get_by_label(label("生まれ年")).fill("昭和32年")
    page.get_by_role("button", name="保存して次へ").click()

    # Step 2: one career, then one more row, then save.
    expect(page.get_by_role("heading", level=2, name="手順 2 / 5：職歴")).to_be_visible()
    page.locator("#id_careers-0-employer").fill("東洋電機株式会社")
    page.locator("#id_careers-0-year_from").fill("1980")
    page.locator("#id_careers-0-year_to").fill("2012")
    page.get_by_role("button", name="保存して、職歴の入力欄を1行増やす").click()
    expect(page.locator("#id_careers-2-employer")).to_be_visible()
    page.locator("#id_careers-1-employer").fill("東洋電機サービス株式会社")
    page.get_by_role("button", name="保存して後で続ける").click()

    # Back on the overview: resume where we left off.
    expect(page.get_by_role("heading", level=1)).to_have_text("プロフィール")
    page.get_by_role("link", name="手順2「職歴」から続ける").click()
    expect(page.locator("#id_careers-1-employer")).to_have_value("東洋電機サービス株式会社")
    page.get_by_role("button", name="保存して次へ").click()

    # Step 3: large tiles.
    expect(page.get_by_role("heading", level=2, name="手順 3 / 5：専門分野・業種・資格")).to_be_visible()
    page.get_by_text("販路開拓", exact=True).click()
    page.get_by_text("製造業", exact=True).click()
    expect(page.get_by_label("販路開拓", exact=True)).to_be_checked()
    page.get_by_role("button", name="保存して次へ").click()

    expect(page.get_by_role("heading", level=2, name="手順 4 / 5：自己紹介")).to_be_visible()
    page.get_by_label(label("自己紹介")).fill("電機メーカーで海外営業を32年担当しました。")
    page.get_by_role("button", name="保存して次へ").click()

    # Step 5, with a reversed fee range first.
    expect(page.get_by_role("heading", level=2, name="手順 5 / 5：活動条件")).to_be_visible()
    page.get_by_label(label("活動できる日数（月あたり）")).fill("4")
    page.get_by_text("月", exact=True).click()
    page.get_by_text("関東", exact=True).click()
    page.get_by_label(label("希望謝金の下限（円／1回）")).fill("3万円")
    page.get_by_label(label("希望謝金の上限（円／1回）")).fill("10000")
    page.get_by_role("button", name="保存して終わる").click()
    expect(page.locator("#id_fee_max-errors")).to_contain_text("上限は下限と同じか")
    page.get_by_label(label("希望謝金の上限（円／1回）")).fill("50000")
    page.get_by_role("button", name="保存して終わる").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("プロフィール")
    expect(page.locator(".completeness-percent")).to_have_text("100%")
    expect(page.get_by_text("30,000円〜50,000円")).to_be_visible()

    # The pledge.
    page.get_by_role("link", name="読んで誓約する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("守秘義務の誓約")
    page.get_by_label("上記の内容を読み、守秘義務を守ることを誓約します").check()
    page.get_by_role("button", name="誓約する").click()
    expect(page.get_by_role("status").last).to_contain_text("に、この版に誓約しました。")

    # Consent: grant, then withdraw.
    page.goto("/profile/consent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("個人情報の利用への同意")
    page.get_by_label("上記の利用目的に同意します").check()
    page.get_by_role("button", name="同意する").click()
    expect(page.get_by_text("同意を記録しました。")).to_be_visible()
    page.get_by_role("button", name="同意を撤回する").click()
    expect(page.get_by_text("同意を撤回しました。")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(1)

    # One's own data, with a print button that JavaScript shows.
    page.goto("/profile/data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登録されているあなたの情報")
    expect(page.get_by_role("button", name="このページを印刷する")).to_be_visible()
    expect(page.get_by_text("東洋電機サービス株式会社")).to_be_visible()


def test_senior_deletes_registration(page: Page) -> None:
    sign_in(page)
    page.goto("/profile/delete/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登録の削除（退会）")
    page.get_by_role("button", name="登録を削除する").click()
    expect(page.locator("#id_confirm-errors")).to_contain_text("削除するには、チェックを入れてください。")
    page.get_by_label("上記を理解したうえで、登録と個人情報の削除を依頼します").check()
    page.get_by_role("button", name="登録を削除する").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("登録と個人情報を削除しました。")
    page.goto("/accounts/login/")
    page.get_by_label(label("メールアドレス")).fill(EMAIL)
    page.get_by_label(label("パスワード")).fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
