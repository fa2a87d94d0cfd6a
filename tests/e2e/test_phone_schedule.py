"""The senior's schedule on a phone (390 px): one card per meeting, nothing wider than the screen, and every
scrollable region reachable by keyboard (axe: scrollable-region-focusable), there and on the coordinator's
timetable grid.

axe-core (serious and critical) and the CSP guard run on every page as in every browser test
(tests/e2e/conftest.py); the checks here add the width and the one rule by name.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sks.roles import Role
from tests.e2e.session import screenshot, sign_in
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    approved_hearing,
    enrol_company,
    make_event,
    make_timetable,
    pledged_senior,
    staff_user,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Elements of the main content wider than the viewport or reaching past its right edge, ignoring what sits
# inside a scrollable region (those scroll on their own and are focusable).
_OVERFLOW = """
(selector) => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll(selector + ' *')) {
    if (el.closest('[role=region][tabindex="0"]') && !el.matches('[role=region][tabindex="0"]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 1 || box.left < -1) {
      out.push(`${el.tagName}.${el.className} ${Math.round(box.left)}-${Math.round(box.right)}`);
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, out};
}
"""

_AXE_RULE = """
async (rule) => {
  // The page guard audits every document once; axe refuses a second run while that one is going.
  if (window.__sksAxeAudit) await window.__sksAxeAudit;
  const results = await window.axe.run(document, { runOnly: { type: 'rule', values: [rule] } });
  return results.violations.map((v) => v.nodes.map((n) => n.html).join(' | '));
}
"""


def _phone_world():
    bank = OrganizationFactory(name="さくら信用金庫")
    coordinator = staff_user(Role.COORDINATOR)
    event = make_event(
        coordinator_org=coordinator.active_memberships[0].organization,
        hosts=[bank],
        status="timetabling",
        title="第7回 新現役交流会（スマートフォンでの確認）",
        date=dt.date.today() + dt.timedelta(days=20),
        rounds=6,
    )
    senior = pledged_senior(user=UserFactory(name="高橋 健"))
    meetings = []
    for n in range(6):
        enrolment = enrol_company(event, institution=bank, staff=staff_user(Role.BANK_STAFF, bank))
        approved_hearing(
            enrolment,
            title=f"精密部品の販路開拓と海外展開の進め方（その{n + 1}）",
            summary="首都圏と東南アジアの量販店への販路を広げたい。展示会の出展方法と代理店の探し方を知りたい。" * 2,
        )
        meetings.append((enrolment, senior, n, "mutual"))
    make_timetable(event, meetings, status="published")
    return {"coordinator": coordinator, "senior": senior, "event": event}


def _assert_fits(page: Page, selector: str) -> None:
    result = page.evaluate(_OVERFLOW, selector)
    assert (result["scrollWidth"], result["out"]) == (result["width"], [])


def _assert_rule_passes(page: Page, rule: str) -> None:
    page.wait_for_function("() => !!window.axe && !!window.__sksAxeAudit")  # the page guard's audit
    assert page.evaluate(_AXE_RULE, rule) == []


def test_senior_schedule_at_390px_reads_as_cards_without_sideways_scrolling(page: Page, live_server) -> None:
    world = _phone_world()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world["senior"].user)

    page.goto(reverse("matching:my_schedule"))

    expect(page.get_by_role("heading", level=1)).to_have_text("あなたの時間割")
    cards = page.locator(".schedule-cards .schedule-item")
    expect(cards).to_have_count(6)
    first = cards.first
    expect(first.locator(".schedule-item-time")).to_have_text("13:00〜13:20")
    expect(first.get_by_text("精密部品の販路開拓と海外展開の進め方（その1）")).to_be_visible()
    expect(first.locator(".schedule-table-no")).to_be_visible()
    expect(page.locator(".schedule-table")).to_be_hidden()
    # The issue uses the card's whole width (a narrow column made each meeting a tall, mostly blank row).
    issue = first.locator(".schedule-item-issue")
    expect(issue).to_contain_text("首都圏と東南アジア")
    assert issue.bounding_box()["width"] > 0.7 * PHONE["width"]
    assert first.bounding_box()["height"] < 600
    _assert_fits(page, "main")
    _assert_rule_passes(page, "scrollable-region-focusable")
    screenshot(page, "phone-schedule")


def test_senior_schedule_at_1280px_is_a_table_in_a_focusable_region(page: Page, live_server) -> None:
    world = _phone_world()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, world["senior"].user)

    page.goto(reverse("matching:my_schedule"))

    expect(page.locator(".schedule-table")).to_be_visible()
    expect(page.locator(".schedule-cards")).to_be_hidden()
    region = page.get_by_role("region", name="あなたの面談")
    expect(region).to_have_attribute("tabindex", "0")
    _assert_rule_passes(page, "scrollable-region-focusable")


def test_timetable_grid_at_390px_scrolls_in_a_focusable_region(page: Page, live_server) -> None:
    world = _phone_world()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world["coordinator"])
    timetable = world["event"].timetables.get()

    page.goto(reverse("matching:timetable_detail", args=[timetable.pk]))

    region = page.get_by_role("region", name="時間割表（横にスクロールできます）")
    expect(region).to_be_visible()
    # The grid is wider than the phone: it scrolls inside its region, the page itself does not.
    assert region.evaluate("(el) => el.scrollWidth > el.clientWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    _assert_fits(page, "body")
    _assert_rule_passes(page, "scrollable-region-focusable")


def test_senior_pages_at_390px_fit_the_screen(page: Page, live_server) -> None:
    """The pledge, the issue list, the application and the survey: nothing wider than a phone."""
    world = _phone_world()
    senior = world["senior"]
    published = make_event(
        coordinator_org=world["coordinator"].active_memberships[0].organization,
        status="published",
        title="第8回 新現役交流会（応募受付中）",
    )
    approved_hearing(enrol_company(published), title="食品の海外展開と輸出の手続き（東南アジア向け）")
    held = make_event(
        coordinator_org=world["coordinator"].active_memberships[0].organization,
        status="follow_up",
        title="第5回 新現役交流会（開催済）",
        date=dt.date.today() - dt.timedelta(days=20),
    )
    make_timetable(held, [(enrol_company(held), senior, 0, "mutual")], status="published")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, senior.user)

    for url in (
        reverse("participants:senior_pledge"),
        reverse("events:senior_issue_list", args=[published.pk]),
        reverse("events:senior_application", args=[published.pk]),
        reverse("matching:survey", args=[held.pk]),
        reverse("matching:my_schedule"),
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _assert_fits(page, "body")
        _assert_rule_passes(page, "scrollable-region-focusable")
