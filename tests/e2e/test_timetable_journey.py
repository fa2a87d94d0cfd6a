"""A coordinator builds a timetable, looks at the grid, publishes it; the senior finds their schedule.

axe-core and the CSP guard run on every page (tests/e2e/conftest.py). The solve runs as an in-process task.
"""

from __future__ import annotations

import os

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from events.enums import ChoiceDecision
from participants.models import User
from sks.roles import Role
from tests.e2e.locators import label
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


def screenshot(page: Page, name: str) -> None:
    # SKS_SCREENSHOTS=1 keeps a picture of each main page in test-artifacts/ for a person to look at.
    if os.environ.get("SKS_SCREENSHOTS"):
        page.screenshot(path=f"test-artifacts/timetable-{name}.png", full_page=True)


def sign_in(page: Page, live_server, user: User) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


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

    sign_in(page, live_server, coordinator)
    page.goto(reverse("matching:timetable_list", args=[event.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("時間割")
    page.get_by_label(label("計算の制限時間（秒）")).fill("3")
    page.get_by_role("button", name="時間割を作る").click()
    expect(page.get_by_role("cell", name="高橋 健").or_(page.get_by_text("高橋 健")).first).to_be_visible(timeout=20000)

    screenshot(page, "grid")
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
    screenshot(page, "checkin")
    audit_page()

    sign_in(page, live_server, senior.user)
    page.goto(reverse("matching:my_schedule"))
    expect(page.get_by_role("heading", level=1)).to_have_text("あなたの時間割")
    expect(page.get_by_text("第6回 新現役交流会")).to_be_visible()
    expect(page.get_by_text("精密部品の販路開拓").first).to_be_visible()
    screenshot(page, "schedule")
