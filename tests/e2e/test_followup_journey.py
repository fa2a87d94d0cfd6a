"""After the event: the bank staff member records the results at their table, schedules the second
interview that follows a mutual "yes", marks 支援成立 with subsidised visits and logs a visit.

axe-core and the CSP guard run on every page (tests/e2e/conftest.py). Tasks (the invitations) run in-process.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import AgreementVisit, InterviewResult, SecondInterview, SupportAgreement
from sks.roles import Role
from tests.access import arranging, every
from tests.e2e.locators import label
from tests.e2e.session import screenshot, sign_in
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    approved_hearing,
    enrol_company,
    make_event,
    make_result,
    make_timetable,
    pledged_senior,
    staff_user,
)

pytestmark = pytest.mark.browser


def test_staff_records_results_schedules_second_interview_and_logs_a_visit(page: Page, live_server, audit_page) -> None:
    bank = OrganizationFactory(name="さくら信用金庫")
    coordinator = staff_user(Role.COORDINATOR)
    event = make_event(
        coordinator_org=coordinator.active_memberships[0].organization,
        hosts=[bank],
        status="follow_up",
        title="第6回 新現役交流会",
        date=timezone.localdate() - dt.timedelta(days=30),
        rounds=4,
    )
    staff = staff_user(Role.BANK_STAFF, bank, name="融資 次郎")
    enrolment = enrol_company(event, institution=bank, staff=staff)
    approved_hearing(enrolment, title="精密部品の販路開拓")
    takahashi = pledged_senior(user=UserFactory(name="高橋 健"))
    sato = pledged_senior(user=UserFactory(name="佐藤 花子"))
    make_timetable(event, [(enrolment, takahashi, 0, "mutual"), (enrolment, sato, 1, "mutual")], status="published")
    with arranging():  # has already said they want to meet again
        make_result(enrolment, takahashi, senior_wish="yes")

    # Before: the bank's matching rate on the dashboard is 0% (one company took part, none supported yet).
    sign_in(page, live_server, staff)
    page.goto(reverse("dashboard"))
    expect(page.locator(".statistics-panel .statistics-figure")).to_have_text("0.0%")

    # 1. Results at the table: one row per interview, saved per row without a reload.
    page.goto(reverse("matching:followup_tables", args=[event.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("面談結果の記録")
    expect(page.get_by_role("cell", name="0 / 2")).to_be_visible()
    page.get_by_role("link", name="結果を記録する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(enrolment.company.name)
    row = page.locator(f"#row-{takahashi.pk}")
    row.get_by_text("また会いたい", exact=True).click()
    row.get_by_label("メモ").fill("海外展開の経験が豊富。ぜひもう一度。")
    row.get_by_role("button", name="保存").click()
    expect(page.locator(f"#row-{takahashi.pk}").get_by_text("保存しました")).to_be_visible()
    row = page.locator(f"#row-{sato.pk}")
    row.get_by_role("button", name="保存").click()
    expect(
        page.locator(f"#row-{sato.pk}").get_by_text("企業の希望（また会いたい・検討中・希望しない）を選んでください。")
    ).to_be_visible()
    page.locator(f"#row-{sato.pk}").get_by_text("希望しない", exact=True).click()
    page.locator(f"#row-{sato.pk}").get_by_role("button", name="保存").click()
    expect(page.locator(f"#row-{sato.pk}").get_by_text("保存しました")).to_be_visible()
    audit_page()
    screenshot(page, "followup-table")
    assert sorted(every(InterviewResult).values_list("senior__user__name", "company_wish")) == [
        ("佐藤 花子", "no"),
        ("高橋 健", "yes"),
    ]
    si = every(SecondInterview).get()
    assert si.status == "proposed"

    # 2. The mutual "yes" became a proposal: schedule it. A day already gone is refused beside the date.
    page.goto(reverse("matching:second_interview_list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("二次面談")
    page.get_by_role("link", name=enrolment.company.name).click()
    page.get_by_role("button", name="日程調整を始める").click()
    expect(page.get_by_text("日程調整を始めました。")).to_be_visible()
    day = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label(label("日付")).fill(day.isoformat())
    page.get_by_label(label("開始時刻")).fill("14:00")
    page.get_by_label(label("場所")).fill("さくら信用金庫 本店 応接室")
    page.get_by_role("button", name="日程を確定して知らせる").click()
    expect(page.locator("#id_schedule-date-errors")).to_contain_text("過ぎた日")
    assert [m for m in mail.outbox if "二次面談" in m.subject] == []
    page.get_by_label(label("日付")).fill((day + dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="日程を確定して知らせる").click()
    expect(page.get_by_text("日程を確定しました。", exact=False)).to_be_visible()
    screenshot(page, "followup-second-interview")
    assert sorted(m.to[0] for m in mail.outbox if "二次面談" in m.subject) == sorted(
        [staff.email, takahashi.user.email]
    )
    # Time passes: the second interview took place yesterday at 14:00 (arranged, not clicked).
    with arranging():
        SecondInterview.objects.filter(pk=si.pk).update(
            scheduled_at=dt.datetime.combine(day, dt.time(14), tzinfo=ZoneInfo("Asia/Tokyo"))
        )
    page.reload()
    page.get_by_role("button", name="実施済にする").click()
    expect(page.get_by_text("二次面談を実施済にしました。", exact=False)).to_be_visible()

    # 3. 支援成立 with subsidised visits (3 by default).
    page.get_by_label(label("開始日")).fill(day.isoformat())
    page.get_by_role("button", name="支援成立を記録する").click()
    expect(page.get_by_text("支援成立を記録しました。", exact=False)).to_be_visible()
    expect(page.get_by_text("3回のうち 残り3回")).to_be_visible()

    # 4. Log a visit: the remaining count goes down.
    page.get_by_label(label("訪問日")).fill(day.isoformat())
    page.get_by_label(label("時間")).fill("2")
    page.get_by_label(label("内容")).fill("工場を見学し、海外展開の課題を整理しました。")
    page.get_by_role("button", name="訪問を記録する").click()
    expect(page.get_by_text("訪問を記録しました。")).to_be_visible()
    expect(page.get_by_text("3回のうち 残り2回")).to_be_visible()
    screenshot(page, "followup-agreement")
    agreement = every(SupportAgreement).get()
    assert (agreement.kind, agreement.subsidised_visits, every(AgreementVisit).count()) == ("subsidised", 3, 1)

    # 5. The matching rate on the dashboard and on the statistics page has changed: 1 of 1 company supported.
    page.goto(reverse("dashboard"))
    expect(page.locator(".statistics-panel .statistics-figure")).to_have_text("100.0%")
    page.get_by_role("link", name="統計を見る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("統計")
    expect(page.get_by_role("row").filter(has_text="第6回 新現役交流会").first).to_contain_text("100.0%")
    screenshot(page, "followup-statistics")
