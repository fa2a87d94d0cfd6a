"""A coordinator builds a timetable, moves a meeting by hand, publishes it; the senior finds their schedule;
on the day one senior does not come, and the coordinator repairs and republishes the timetable.

axe-core and the CSP guard run on every page (tests/e2e/conftest.py). The solve runs as an in-process task.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from events.enums import ChoiceDecision
from matching.models import Timetable, TimetableMeeting
from sks.roles import Role
from tests.e2e.locators import label
from tests.e2e.session import screenshot, sign_in
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    approved_hearing,
    enrol_company,
    make_application,
    make_event,
    pledged_senior,
    staff_user,
)

pytestmark = pytest.mark.browser


def test_coordinator_builds_and_publishes_a_timetable_senior_sees_it(page: Page, live_server, audit_page) -> None:
    bank = OrganizationFactory(name="さくら信用金庫")
    coordinator = staff_user(Role.COORDINATOR)
    event = make_event(
        coordinator_org=coordinator.active_memberships[0].organization,
        hosts=[bank],
        status="selection",
        title="第6回 新現役交流会",
        rounds=4,
    )
    staff = staff_user(Role.BANK_STAFF, bank, name="融資 次郎")
    enrolment = enrol_company(event, institution=bank, staff=staff)
    approved_hearing(enrolment, title="精密部品の販路開拓")
    senior = pledged_senior(user=UserFactory(name="高橋 健"))
    make_application(senior, [enrolment], decisions=[ChoiceDecision.ACCEPTED])
    absentee = pledged_senior(user=UserFactory(name="佐藤 花子"))
    make_application(absentee, [enrolment], decisions=[ChoiceDecision.ACCEPTED])

    sign_in(page, live_server, coordinator)
    page.goto(reverse("matching:timetable_list", args=[event.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("時間割")
    page.get_by_label(label("計算の制限時間（秒）")).fill("3")
    page.get_by_role("button", name="時間割を作る").click()
    expect(page.locator(".tt-meeting").filter(has_text="高橋 健").first).to_be_visible(timeout=20000)

    screenshot(page, "timetable-grid")

    # A hand edit: move 高橋's meeting to a round where the table is free.
    meeting = TimetableMeeting.objects.get(senior=senior)
    taken = set(TimetableMeeting.objects.filter(timetable=meeting.timetable).values_list("slot", flat=True))
    free_round = min(r for r in range(4) if r not in taken) + 1
    page.locator(f"#move-{meeting.pk}").locator("xpath=ancestor::details").locator("summary").click()
    page.locator(f"#move-{meeting.pk}").select_option(str(free_round))
    page.locator(f"#move-{meeting.pk}").locator("xpath=ancestor::form").get_by_role("button", name="移動する").click()
    expect(page.get_by_text(f"面談を第{free_round}回に移動しました。")).to_be_visible()
    assert TimetableMeeting.objects.get(pk=meeting.pk).slot == free_round - 1
    page.get_by_role("link", name="この版を公開する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("時間割の公開")
    page.get_by_label(
        label("参加者全員（新現役・同席する職員・企業）に、時間割をメールで送ることを確認しました")
    ).check()
    page.get_by_role("button", name="公開して全員に送る").click()
    expect(page.get_by_text("公開済").first).to_be_visible()

    # On the day: the coordinator checks the senior in with one tap; the count updates without a reload.
    page.goto(reverse("matching:checkin", args=[event.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("当日受付")
    expect(page.locator('[data-count="seniors-checked-in"]')).to_have_text("0")
    page.locator(".checkin-row").filter(has_text="高橋 健").get_by_role("button", name="受付する").first.click()
    expect(page.locator('[data-count="seniors-checked-in"]')).to_have_text("1")
    screenshot(page, "timetable-checkin")
    audit_page()

    sign_in(page, live_server, senior.user)
    page.goto(reverse("matching:my_schedule"))
    expect(page.get_by_role("heading", level=1)).to_have_text("あなたの時間割")
    expect(page.get_by_text("第6回 新現役交流会")).to_be_visible()
    expect(page.get_by_text("精密部品の販路開拓").first).to_be_visible()
    screenshot(page, "timetable-schedule")

    # 佐藤 does not come: mark the no-show at check-in, repair, look at the change and republish.
    sign_in(page, live_server, coordinator)
    page.goto(reverse("matching:checkin", args=[event.pk]))
    row = page.locator(".checkin-row").filter(has_text="佐藤 花子")
    row.locator("summary", has_text="欠席").click()
    row.get_by_role("button", name="欠席にする").click()
    expect(page.locator('[data-count="seniors-no-show"]')).to_have_text("1")
    page.goto(reverse("matching:repair", args=[event.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("当日の時間割の修正")
    page.get_by_role("button", name="欠席・当日参加を反映して時間割を直す").click()
    expect(page.get_by_text("第2版").first).to_be_visible()
    page.goto(reverse("matching:repair", args=[event.pk]))
    expect(page.get_by_role("heading", name="なくなった面談（1件）")).to_be_visible()
    screenshot(page, "timetable-repair")
    page.get_by_role("link", name="公開する").click()
    page.get_by_label(
        label("公開中の版から時間割が変わった参加者に、新しい時間割をメールで送ることを確認しました")
    ).check()
    page.get_by_role("button", name="公開して変更を知らせる").click()
    expect(page.get_by_text("時間割が変わった参加者に、新しい時間割をメールでお送りします。")).to_be_visible()
    repaired = Timetable.objects.get(event=event, status="published")
    assert repaired.version == 2
    assert set(repaired.meetings.values_list("senior__user__name", "slot")) == {("高橋 健", free_round - 1)}
