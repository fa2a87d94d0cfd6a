"""Bank staff search for 新現役 with htmx, page through, fix a bad filter, open a profile; a coordinator then
sees the 第三者提供記録 that the visit left. axe-core and the CSP guard run on every page (conftest)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from participants.models import CareerEntry, ExpertiseArea
from participants.services import senior_refresh_search_text
from sks.roles import Role
from tests.e2e.session import sign_in
from tests.factories import OrganizationFactory, UserFactory, searchable_senior, staff_user

pytestmark = pytest.mark.browser


def test_bank_staff_search_and_coordinator_sees_what_was_provided(page: Page, live_server) -> None:
    staff = staff_user(Role.BANK_STAFF, OrganizationFactory(name="さくら信用金庫"), name="佐藤 一郎")
    coordinator = staff_user(Role.COORDINATOR)
    for n in range(23):
        senior = searchable_senior(
            user=UserFactory(name=f"高橋 健{n}", name_kana="タカハシ ケン"),
            self_introduction="海外販路開拓の経験があります。社内DX推進を担当しました。",
            weekdays=0b10101,
            days_per_month=8,
        )
        senior.expertise.set(ExpertiseArea.objects.filter(code__in=["sales-channels", "dx-it"]))
        CareerEntry.objects.create(senior=senior, employer="東洋電機株式会社", department="海外事業部", role="部長")
        senior_refresh_search_text(profile=senior)

    sign_in(page, live_server, staff)
    page.goto("/seniors/search/")
    expect(page.get_by_role("heading", level=1)).to_have_text("新現役を探す")
    page.get_by_label("キーワード").fill("販路　DX")
    page.get_by_role("checkbox", name="販路開拓").check()
    page.get_by_role("button", name="この条件で探す").first.click()
    expect(page.get_by_text("23人見つかりました。").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?q=%E8%B2%A9%E8%B7%AF"))  # htmx pushed the search into the URL
    page.get_by_role("link", name="次へ").click()
    expect(page.get_by_text("（21〜23人目）")).to_be_visible()
    page.get_by_label("月あたりの活動日数（この日数以上）").fill("40")
    page.get_by_role("button", name="この条件で探す").last.click()
    expect(page.get_by_text("日数は1〜31の半角数字で入力してください。")).to_be_visible()

    page.goto("/seniors/search/?q=販路")
    page.get_by_role("link", name="高橋 健22").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("高橋 健22")
    expect(page.get_by_text("第三者提供として記録されています")).to_be_visible()
    detail_url = page.url

    sign_in(page, live_server, coordinator)
    page.goto(detail_url)
    page.get_by_role("link", name="第三者提供の記録を見る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("第三者提供の記録")
    expect(page.get_by_role("cell", name="さくら信用金庫")).to_be_visible()
    expect(page.get_by_role("cell", name="佐藤 一郎")).to_be_visible()
