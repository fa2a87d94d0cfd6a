"""The alumni journey: the office uploads a roster; an alumnus signs up through the network's link
and is verified by it; reads the news and sends feedback; the office answers and the alumnus sees 対応済;
the alumnus RSVPs to a meetup.

axe-core and the CSP guard run on every page (tests/e2e/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from alumni import services
from alumni.models import AlumniMember, MeetupRsvp
from participants.models import User
from tests.e2e.locators import label
from tests.e2e.session import sign_in
from tests.factories import alumni_network, alumni_viewer

pytestmark = pytest.mark.browser


def test_alumni_roster_signup_news_feedback_rsvp(page: Page, live_server, tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    network = alumni_network()
    office = alumni_viewer(network, network.office)
    services.news_save(
        viewer=office, news=None, title="キャリア相談会のご案内", body="オンラインで開催します。", category="career",
        status="published",
    )  # fmt: skip
    services.meetup_create(
        viewer=office, title="OB・OG交流会（新春）", description="", venue="大手町",
        starts_at=timezone.now() + dt.timedelta(days=14), capacity=20,
    )  # fmt: skip

    # 1. The office uploads the roster.
    roster = tmp_path / "名簿.csv"
    roster.write_text("氏名,氏名（カナ）,社員番号\n山田 太郎,ヤマダ タロウ,001234\n", encoding="utf-8")
    sign_in(page, live_server, network.office)
    page.goto(live_server.url + reverse("alumni:office_roster", args=[network.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(network.name)
    page.get_by_label(label("名簿ファイル（CSV または Excel）")).set_input_files(str(roster))
    page.get_by_role("button", name="アップロードする").click()
    expect(page.get_by_text("名簿 1 人分を照合用に登録しました")).to_be_visible()

    # 2. An alumnus signs up through the link and is verified by the roster.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("alumni:join", args=[network.join_code]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("への登録")
    page.get_by_label(label("メールアドレス")).fill("taro@example.jp")
    page.get_by_label(label("パスワード")).fill("a-long-pass-phrase-42")
    page.get_by_label(label("パスワード（確認）")).fill("a-long-pass-phrase-42")
    page.get_by_label(label("氏名")).fill("山田 太郎")
    page.get_by_label(label("氏名（カナ）")).fill("ヤマダ タロウ")
    page.get_by_label(label("在職時の社員番号")).fill("１２３４")
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_text("認証済み")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body)
    assert link is not None
    page.goto(live_server.url + urlsplit(link.group(0)).path)  # the mail's site address is not the test server
    page.get_by_role("button", name=re.compile("確認")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # confirmed, the alumnus is asked to sign in
    alumnus = User.objects.get(email="taro@example.jp")
    assert AlumniMember.objects.get(user=alumnus).status == "verified"

    # 3. The alumnus reads the news and sends feedback.
    sign_in(page, live_server, alumnus)
    page.goto(live_server.url + reverse("alumni:network_home", args=[network.pk]))
    page.get_by_role("link", name="キャリア相談会のご案内").click()
    expect(page.get_by_text("オンラインで開催します。")).to_be_visible()
    page.goto(live_server.url + reverse("alumni:feedback", args=[network.pk]))
    page.get_by_label(label("テーマ（任意）")).fill("セミナーの告知")
    page.get_by_label(label("外から見た改善点")).fill("告知が直前すぎます。")
    page.get_by_role("button", name="送信する").click()
    expect(page.locator(".feedback-status")).to_have_text("受付")

    # 4. The office answers; the alumnus sees 対応済.
    sign_in(page, live_server, network.office)
    page.goto(live_server.url + reverse("alumni:office_feedback", args=[network.pk]))
    page.get_by_role("link", name="セミナーの告知").click()
    page.get_by_label(label("状態")).select_option(label="対応済")
    page.get_by_label(label("投稿者への回答")).fill("次回から1か月前に告知します。")
    page.get_by_role("button", name="保存して知らせる").click()
    expect(page.get_by_text("回答を保存しました。")).to_be_visible()
    sign_in(page, live_server, alumnus)
    page.goto(live_server.url + reverse("alumni:feedback", args=[network.pk]))
    expect(page.locator(".feedback-status")).to_have_text("対応済")
    expect(page.get_by_text("次回から1か月前に告知します。")).to_be_visible()

    # 5. The alumnus RSVPs to a meetup.
    page.goto(live_server.url + reverse("alumni:meetup_list", args=[network.pk]))
    page.get_by_role("link", name="OB・OG交流会（新春）").click()
    page.get_by_role("button", name="参加を申し込む").click()
    expect(page.locator(".rsvp-status")).to_have_text("参加")
    assert MeetupRsvp.objects.get(user=alumnus).status == "going"
