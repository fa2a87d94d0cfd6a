"""The whole path through the real pages: a coordinator creates a joint event of two banks and opens
company recruitment; each bank's staff enrol a client company and fill its hearing sheet; one company approves
through its own login and the other bank records its company's approval; the coordinator writes the anonymised
summaries and publishes the issue list; a senior accepts the confidentiality pledge and applies; the first
bank's staff accept the senior. axe-core and the CSP guard run on every page (conftest).

Only the people, organisations and companies are arranged with factories; everything else is done by
pressing the buttons a user would press. SKS_SCREENSHOTS=1 also saves the main pages to
test-artifacts/journey-<n>.png, to look at them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event, EventCompany
from sks.roles import Role
from tests.access import every
from tests.e2e.locators import label
from tests.e2e.session import screenshot, sign_in
from tests.factories import (
    CompanyFactory,
    OrganizationFactory,
    UserFactory,
    company_contact,
    searchable_senior,
    staff_user,
)

pytestmark = pytest.mark.browser

TITLE = "第5回 新現役交流会 in 大田区"
COMPANY_1 = "株式会社さくら精密工業"
COMPANY_2 = "みどり食品株式会社"
NOTES_1 = "社長の後継者問題は口外しないこと（さくら内部メモ）"
NOTES_2 = "借入の条件変更を相談中（みどり内部メモ）"
SUMMARY_TITLE_1 = "精密部品の新しい販路を開拓したい"
SUMMARY_TITLE_2 = "若手社員の育成の仕組みを作りたい"


def heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def enrol_and_fill_hearing(
    page: Page,
    *,
    company: str,
    category: str,
    description: str,
    notes: str,
    shot: int | None = None,
    second_issue: tuple[str, str] | None = None,
) -> None:
    """On the staff's event page: enrol `company`, fill its hearing sheet with one issue (and, given
    `second_issue`, a second one through 「保存して、課題をもう1件入力する」), submit it."""
    page.get_by_role("link", name="企業を登録する").click()
    heading(page, "交流会に企業を登録する")
    page.get_by_label(label("参加する企業")).select_option(label=f"{company}（東京都）")
    page.get_by_role("button", name="登録する").click()
    heading(page, TITLE)
    expect(page.get_by_text(f"「{company}」を登録しました。")).to_be_visible()

    page.get_by_role("row", name=re.compile(company)).get_by_role("link", name="シートを入力").click()
    heading(page, f"{company} の事前ヒアリングシート")
    page.get_by_label(label("希望する支援の形")).select_option(label="継続的な支援")
    page.get_by_label(label("支払える謝金の目安")).select_option(label="月5万円程度まで")
    page.get_by_label(label("ヒアリング実施日")).fill(timezone.localdate().isoformat())
    page.get_by_label(label("課題の分類")).select_option(label=category)
    page.get_by_label(label("課題の内容")).fill(description)
    page.get_by_label(label("内部メモ（自機関のみ閲覧）")).fill(notes)
    if second_issue is not None:
        page.get_by_role("button", name="保存して、課題をもう1件入力する").click()
        expect(page.get_by_text("ヒアリングシートを保存しました。次の課題を入力してください。")).to_be_visible()
        page.get_by_label(label("課題の分類")).last.select_option(label=second_issue[0])
        page.get_by_label(label("課題の内容")).last.fill(second_issue[1])
    if shot is not None:
        screenshot(page, f"journey-{shot}")
    page.get_by_role("button", name="保存する").click()
    heading(page, f"{company} の事前ヒアリング")
    expect(page.get_by_text("ヒアリングシートを保存しました。")).to_be_visible()
    if second_issue is not None:
        expect(page.get_by_text(second_issue[1])).to_be_visible()

    page.get_by_role("button", name="企業に提出する").click()
    heading(page, f"{company} の事前ヒアリング")
    expect(page.get_by_text(re.compile("^企業に提出しました。"))).to_be_visible()


def take_next_step(page: Page, action: str, status: str) -> None:
    """On the coordinator's event page: open the confirmation of the next step and confirm it."""
    page.get_by_text(f"{action}…", exact=True).click()
    page.get_by_role("button", name=f"はい、{action}").click()
    heading(page, TITLE)
    expect(page.get_by_text(f"「{action}」を行いました。交流会は「{status}」になりました。")).to_be_visible()


def write_summary(page: Page, *, company: str, title: str, summary: str, shot: int | None = None) -> None:
    """On the coordinator's hearing list: write the anonymised summary of `company`'s approved sheet."""
    page.get_by_role("link", name=company, exact=True).click()
    heading(page, f"{company} の公開用の概要")
    expect(page.get_by_text(NOTES_1)).to_have_count(0)
    expect(page.get_by_text(NOTES_2)).to_have_count(0)
    page.get_by_label(label("公開用の見出し")).fill(title)
    page.get_by_label(label("公開用の課題概要")).fill(summary)
    if shot is not None:
        screenshot(page, f"journey-{shot}")
    page.get_by_role("button", name="概要を保存する").click()
    heading(page, "事前ヒアリングと公開用の概要")
    expect(page.get_by_text("公開用の概要を保存しました。")).to_be_visible()


def test_event_from_creation_to_a_senior_accepted(page: Page, live_server) -> None:
    # Arrange: the people and their organisations only.
    sakura = OrganizationFactory(name="さくら信用金庫", name_kana="サクラシンヨウキンコ")
    midori = OrganizationFactory(name="みどり銀行", name_kana="ミドリギンコウ")
    coordinator = staff_user(Role.COORDINATOR, name="中村 調整")
    staff_1 = staff_user(Role.BANK_STAFF, sakura, name="佐藤 一郎")
    staff_2 = staff_user(Role.BANK_STAFF, midori, name="鈴木 次郎")
    company_1 = CompanyFactory(institution=sakura, name=COMPANY_1, employees=40)
    company_2 = CompanyFactory(institution=midori, name=COMPANY_2, employees=150)
    owner_1 = company_contact(company_1, name="山田 社長")
    senior = searchable_senior(user=UserFactory(name="高橋 健", name_kana="タカハシ ケン"))
    today = timezone.localdate()

    def day(days: int) -> str:
        return (today + dt.timedelta(days=days)).isoformat()

    # 1. The coordinator creates the joint event and opens company recruitment.
    sign_in(page, live_server, coordinator)
    page.goto(reverse("events:event_list"))
    heading(page, "交流会の管理")
    page.get_by_role("link", name="交流会を作成する").click()
    heading(page, "交流会の作成")
    page.get_by_label(label("名称")).fill(TITLE)
    page.get_by_role("checkbox", name="さくら信用金庫", exact=True).check()
    page.get_by_role("checkbox", name="みどり銀行", exact=True).check()
    page.get_by_label(label("開催日")).fill(day(60))
    page.get_by_label(label("会場")).fill("大田区産業プラザ")
    page.get_by_label(label("企業登録の締切")).fill(day(7))
    page.get_by_label(label("ヒアリングの締切")).fill(day(14))
    page.get_by_label(label("課題一覧の公開日")).fill(day(21))
    page.get_by_label(label("新現役の応募締切")).fill(day(35))
    page.get_by_label(label("企業の選考締切")).fill(day(42))
    screenshot(page, "journey-1")
    page.get_by_role("button", name="作成する").click()
    heading(page, TITLE)
    expect(page.get_by_text(f"「{TITLE}」を作成しました。準備チェックリストも作成しました。")).to_be_visible()
    event_url = page.url
    take_next_step(page, "企業の募集を始める", "企業募集中")
    screenshot(page, "journey-2")

    # 2. Bank 1's staff enrol their client and fill its hearing sheet while companies are recruited.
    sign_in(page, live_server, staff_1)
    page.goto(reverse("events:staff_event_list"))
    heading(page, "主催する交流会")
    page.get_by_role("link", name=TITLE).click()
    heading(page, TITLE)
    enrol_and_fill_hearing(
        page,
        company=COMPANY_1,
        category="販路開拓",
        description="自動車向けの精密部品を、医療機器メーカーにも売り込みたい。",
        notes=NOTES_1,
        shot=3,
        second_issue=("DX・IT", "受発注をFAXから切り替えたい。"),
    )
    screenshot(page, "journey-4")

    # The coordinator closes recruitment: the hearings phase (a company is enrolled now).
    sign_in(page, live_server, coordinator)
    page.goto(event_url)
    heading(page, TITLE)
    take_next_step(page, "事前ヒアリングを始める", "ヒアリング中")

    # Bank 2's staff enrol theirs during the hearings, and never see bank 1's company.
    sign_in(page, live_server, staff_2)
    page.goto(reverse("events:staff_event_list"))
    heading(page, "主催する交流会")
    page.get_by_role("link", name=TITLE).click()
    heading(page, TITLE)
    enrol_and_fill_hearing(
        page,
        company=COMPANY_2,
        category="人材育成",
        description="入社3年目までの社員が定着せず、育成の仕組みがない。",
        notes=NOTES_2,
    )
    page.get_by_role("link", name=TITLE).click()
    heading(page, TITLE)
    expect(page.get_by_role("link", name=COMPANY_2)).to_be_visible()
    expect(page.get_by_text(COMPANY_1)).to_have_count(0)
    assert COMPANY_1 not in page.content()
    screenshot(page, "journey-5")

    # 3. Bank 2's company has no login: its staff record the approval given by phone.
    page.get_by_role("row", name=re.compile(COMPANY_2)).get_by_role("link", name="承認を記録").click()
    heading(page, f"{COMPANY_2} の承認を記録する")
    expect(page.get_by_label(label("企業の承認を受けた日"))).to_have_value(today.isoformat())
    page.get_by_role("radio", name="電話で確認").check()
    page.get_by_role("radio", name="いいえ").check()
    page.get_by_label(label("承認についてのメモ")).fill("社長に電話で内容を確認いただいた")
    page.get_by_role("button", name="承認を記録する").click()
    heading(page, f"{COMPANY_2} の事前ヒアリング")
    expect(page.get_by_text("企業の承認を記録しました。")).to_be_visible()
    expect(page.get_by_text(re.compile(r"に企業が承認しました（電話で確認）。"))).to_be_visible()

    # Bank 1's company approves through its own login, keeping its name hidden; it never sees the notes.
    sign_in(page, live_server, owner_1)
    page.goto(reverse("events:company_home"))
    heading(page, "参加する交流会")
    page.get_by_role("link", name="内容を確認して承認する").click()
    heading(page, "事前ヒアリングシートの確認")
    screenshot(page, "journey-6")
    expect(page.get_by_text("自動車向けの精密部品を、医療機器メーカーにも売り込みたい。")).to_be_visible()
    assert NOTES_1 not in page.content()
    page.get_by_role("radio", name=re.compile("^いいえ")).check()
    page.get_by_role("button", name="この内容で承認する").click()
    heading(page, "事前ヒアリングシートの確認")
    expect(page.get_by_text("ヒアリングシートを承認しました。ありがとうございました。")).to_be_visible()

    # 4. The coordinator writes both anonymised summaries and publishes the issue list.
    sign_in(page, live_server, coordinator)
    page.goto(event_url)
    heading(page, TITLE)
    page.get_by_role("link", name="事前ヒアリングと公開用の概要").click()
    heading(page, "事前ヒアリングと公開用の概要")
    expect(page.get_by_text("参加企業 2社 ・ 企業承認済 2社 ・ 概要作成済 0社")).to_be_visible()
    write_summary(
        page,
        company=COMPANY_1,
        title=SUMMARY_TITLE_1,
        summary="自動車部品で培った精密加工の技術を、医療機器の分野に広げたい。営業の進め方の助言を求めています。",
        shot=7,
    )
    write_summary(
        page,
        company=COMPANY_2,
        title=SUMMARY_TITLE_2,
        summary="食品製造業。若手社員が定着する育成の仕組みづくりを一緒に考えてくれる方を求めています。",
    )
    expect(page.get_by_text("参加企業 2社 ・ 企業承認済 2社 ・ 概要作成済 2社")).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    heading(page, TITLE)
    take_next_step(page, "課題一覧を公開する", "課題公開済")

    # 5. A senior without the pledge is sent to the pledge page first, then applies to bank 1's company.
    event = Event.objects.get(title=TITLE)
    sign_in(page, live_server, senior.user)
    page.goto(reverse("events:senior_issue_list", args=[event.pk]))
    heading(page, "守秘義務の誓約")
    expect(
        page.get_by_text("課題一覧を見るには、最新の守秘義務の誓約が必要です。誓約すると、元の画面に戻ります。")
    ).to_be_visible()
    screenshot(page, "journey-8")
    page.get_by_label(label("上記の内容を読み、守秘義務を守ることを誓約します")).check()
    page.get_by_role("button", name="誓約する").click()
    # Accepting brings the senior straight back to the issue list they asked for.
    heading(page, "課題一覧")
    expect(page.get_by_text("守秘義務の誓約を受け付けました。")).to_be_visible()
    screenshot(page, "journey-9")
    # Each issue is a heading of the list (the fit panel above may name the same issue again).
    expect(page.get_by_role("heading", name=re.compile(SUMMARY_TITLE_1))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(SUMMARY_TITLE_2))).to_be_visible()
    content = page.content()
    for secret in (NOTES_1, NOTES_2, COMPANY_1, COMPANY_2, "さくら信用金庫", "みどり銀行"):
        assert secret not in content, secret

    page.get_by_role("link", name="企業を選んで応募する").click()
    heading(page, "応募する企業と提案")
    choice = page.locator("fieldset").filter(has_text=SUMMARY_TITLE_1)
    choice.get_by_role("checkbox", name=re.compile("に応募する$")).check()
    choice.get_by_role("textbox").fill(
        "電子部品メーカーで医療機器向けの営業を10年担当しました。展示会と代理店開拓をお手伝いできます。"
    )
    page.get_by_role("button", name="保存して応募する").click()
    heading(page, "応募する企業と提案")
    expect(
        page.get_by_text("応募しました。締切までは内容を変更できます。企業からの回答は、後日お知らせします。")
    ).to_be_visible()
    expect(page.get_by_text("応募済", exact=True)).to_be_visible()
    screenshot(page, "journey-10")
    assert NOTES_1 not in page.content()

    # 6. Bank 1's staff open their company's applicants and accept the senior.
    sign_in(page, live_server, staff_1)
    page.goto(reverse("events:staff_event_list"))
    heading(page, "主催する交流会")
    page.get_by_role("link", name=TITLE).click()
    heading(page, TITLE)
    assert COMPANY_2 not in page.content()
    screenshot(page, "journey-11")
    page.get_by_role("row", name=re.compile(COMPANY_1)).get_by_role("link", name="応募者を見る").click()
    heading(page, f"{COMPANY_1} への応募者")
    applicant = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=re.compile("高橋 健")))
    expect(applicant.get_by_text("未回答", exact=True)).to_be_visible()
    applicant.get_by_role("button", name="面談を希望する").click()
    heading(page, f"{COMPANY_1} への応募者")
    expect(page.get_by_text("「面談を希望」と回答しました。")).to_be_visible()
    expect(applicant.get_by_text("面談を希望", exact=True)).to_be_visible()
    expect(applicant.get_by_role("button", name="面談を希望する")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text(re.compile("面談を希望 1人、見送り 0人、未回答 0人"))).to_be_visible()
    screenshot(page, "journey-12")

    # What the pages did is what the database holds.
    enrolment = every(EventCompany).get(company=company_1)
    assert list(enrolment.choices.values_list("decision", flat=True)) == ["accepted"]
    assert every(EventCompany).get(company=company_2).hearing.approval_method == "phone"
