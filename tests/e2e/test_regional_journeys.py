"""Regional networks in the browser: an organiser forms a dialogue meeting's groups, prints the table cards
and places a late arrival; a government posts a challenge, a bank joins under a memorandum and its
contribution moves the campaign's progress bar.

axe-core and the CSP guard run on every page (tests/e2e/conftest.py). Until the group engine
(matching/engine/groups.py) is merged, the groups come from the tests' round-robin stand-in.
"""

from __future__ import annotations

import importlib.util

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from regional.enums import ChapterRole, Sector
from regional.models import Campaign, Rsvp
from sks.roles import Role
from tests.e2e.locators import label
from tests.e2e.session import screenshot, sign_in
from tests.factories import LocalGovernmentFactory, OrganizationFactory, UserFactory, staff_user
from tests.regional.helpers import join, make_meeting, make_network, round_robin_solve, rsvp

pytestmark = pytest.mark.browser


def test_organiser_forms_groups_prints_cards_and_places_a_late_arrival(page: Page, live_server, monkeypatch) -> None:
    if importlib.util.find_spec("matching.engine.groups") is None:
        monkeypatch.setattr("regional.services._solver", lambda: round_robin_solve)
    network = make_network()
    chapter = network.chapters.get(name="静岡支部")
    organiser = UserFactory(name="世話人 一郎")
    join(chapter, organiser, name="世話人 一郎", role=ChapterRole.ORGANISER)
    meeting = make_meeting(chapter, title="第3回 しずおか対話会", starts_at=timezone.now(), rounds=3, group_size=4)
    sectors = list(Sector.values)
    for i in range(8):
        member = join(chapter, name=f"参加 者{i}", sector=sectors[i % 6], organisation=f"組織{i % 4}", title="部長")
        rsvp(meeting, member, checked_in=True)
    late = join(chapter, name="遅刻 太郎", sector=Sector.MINISTRY, organisation="財務局", title="課長")
    rsvp(meeting, late)

    sign_in(page, live_server, organiser)
    page.goto(reverse("regional:meeting_groups", args=[meeting.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("グループ編成")
    page.get_by_role("button", name="グループを編成する").click()
    expect(page.get_by_text("グループを編成しました")).to_be_visible()
    expect(page.get_by_role("heading", name="テーブル 2").first).to_be_visible()
    assert "部長" not in page.content()  # flat mode: no titles

    cards = page.request.get(live_server.url + reverse("regional:meeting_print", args=[meeting.pk, "cards"]))
    assert cards.status == 200
    assert cards.headers["content-type"] == "application/pdf"
    assert cards.body().startswith(b"%PDF")

    # The late arrival comes during round 1: checked in from round 2, then the groups are re-formed from there.
    page.goto(reverse("regional:meeting_checkin", args=[meeting.pk]))
    row = page.locator("tr").filter(has_text="遅刻 太郎")
    row.get_by_label("開始").fill("2")
    row.get_by_role("button", name="受付する").click()
    expect(page.get_by_text("遅刻 太郎さんの受付を更新しました。")).to_be_visible()
    page.goto(reverse("regional:meeting_groups", args=[meeting.pk]))
    page.get_by_label(label("編成するラウンド")).fill("2")
    page.get_by_label(label("計算の制限時間（秒）")).fill("3")
    page.get_by_role("button", name="編成し直す").click()
    expect(page.get_by_text("グループを編成しました")).to_be_visible()
    round_two = page.locator(".group-round").filter(has=page.get_by_role("heading", name="第2ラウンド"))
    expect(round_two.get_by_text("遅刻 太郎")).to_be_visible()
    round_one = page.locator(".group-round").filter(has=page.get_by_role("heading", name="第1ラウンド"))
    expect(round_one.get_by_text("遅刻 太郎")).to_have_count(0)
    screenshot(page, "regional-meeting-groups")
    assert Rsvp.objects.get(member=late).first_round == 1


def test_government_posts_a_challenge_a_bank_joins_and_a_contribution_moves_the_bar(page: Page, live_server) -> None:
    prefecture = LocalGovernmentFactory(name="みどり県")
    official = staff_user(Role.LOCAL_GOVERNMENT, prefecture, name="県 職員")
    bank = OrganizationFactory(name="さくら信用金庫")
    banker = staff_user(Role.BANK_STAFF, bank, name="融資 次郎")

    sign_in(page, live_server, official)
    page.goto(reverse("regional:challenge_new"))
    page.get_by_label(label("自治体")).select_option(str(prefecture.pk))
    page.get_by_label(label("テーマ")).fill("動物愛護センターの再建")
    page.get_by_label(label("内容")).fill("老朽化した施設を建て替えます。")
    page.get_by_label(label("地域")).fill("みどり県全域")
    page.get_by_label(label("求める連携先")).fill("金融機関・カード会社")
    page.get_by_role("button", name="公開する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("動物愛護センターの再建")
    page.get_by_role("link", name="キャンペーンを始める").click()
    page.get_by_label(label("名称")).fill("再建募金")
    page.get_by_label(label("目標額（円）")).fill("1100000000")
    page.get_by_role("button", name="開始する").click()
    expect(page.locator("progress.campaign-progress-bar")).to_have_attribute("value", "0")

    sign_in(page, live_server, banker)
    page.goto(reverse("regional:challenge_list"))
    page.get_by_role("link", name="動物愛護センターの再建").click()
    page.get_by_role("link", name="連携を申し込む").click()
    page.get_by_label(label("連携の提案")).fill("全店で募金を呼びかけます。")
    page.get_by_role("button", name="申し込む").click()
    expect(page.get_by_text("連携を申し込みました。")).to_be_visible()

    sign_in(page, live_server, official)
    page.goto(reverse("regional:challenge_list"))
    page.get_by_role("link", name="動物愛護センターの再建").click()
    page.get_by_role("link", name="承認して協定を記録").click()
    page.get_by_label(label("協定の種類")).select_option("memorandum")
    page.get_by_label(label("締結日")).fill("2026-04-01")
    page.get_by_label(label("署名者")).fill("みどり県知事、さくら信用金庫 理事長")
    page.get_by_role("button", name="承認して記録する").click()
    expect(page.get_by_text("さくら信用金庫 — 覚書")).to_be_visible()

    sign_in(page, live_server, banker)
    page.goto(reverse("regional:challenge_list"))
    page.get_by_role("link", name="動物愛護センターの再建").click()
    page.get_by_label(label("原資")).select_option("points")
    page.get_by_label(label("金額（円）")).fill("275000000")
    page.get_by_role("button", name="記録する").first.click()
    expect(page.get_by_text("寄付・拠出を記録しました。")).to_be_visible()
    expect(page.locator("progress.campaign-progress-bar")).to_have_attribute("value", "275000000")
    expect(page.locator(".campaign-percent")).to_have_text("25")
    assert Campaign.objects.get().total_amount == 275_000_000
