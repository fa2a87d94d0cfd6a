"""After the event a senior answers the survey from their schedule page; the coordinator reads the result.

axe-core and the CSP guard run on every page (tests/e2e/conftest.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import SurveyResponse
from sks.roles import Role
from tests.e2e.locators import label
from tests.e2e.session import sign_in
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


def test_senior_answers_the_survey_and_the_coordinator_reads_it(page: Page, live_server) -> None:
    bank = OrganizationFactory(name="さくら信用金庫")
    coordinator = staff_user(Role.COORDINATOR)
    event = make_event(
        coordinator_org=coordinator.active_memberships[0].organization,
        hosts=[bank],
        status="follow_up",
        title="第6回 新現役交流会",
        date=timezone.localdate() - dt.timedelta(days=10),
    )
    enrolment = enrol_company(event, institution=bank, staff=staff_user(Role.BANK_STAFF, bank))
    approved_hearing(enrolment, title="精密部品の販路開拓")
    senior = pledged_senior(user=UserFactory(name="高橋 健"))
    make_timetable(event, [(enrolment, senior, 0, "mutual")], status="published")

    sign_in(page, live_server, senior.user)
    page.goto(reverse("matching:my_schedule"))
    page.get_by_role("link", name="交流会のアンケートに答える").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("交流会アンケート")
    page.get_by_role("button", name="回答を送る").click()  # nothing chosen: told where, nothing saved
    expect(page.locator("#satisfaction-errors")).to_be_visible()
    page.locator(".survey-choice").filter(has_text="4").click()
    page.get_by_label(label("ご意見・ご感想（任意）")).fill("初めてでしたが、よい出会いがありました。")
    page.get_by_role("button", name="回答を送る").click()
    expect(page.get_by_text("ご回答ありがとうございました。")).to_be_visible()
    assert list(SurveyResponse.objects.values_list("role", "satisfaction")) == [("senior", 4)]

    sign_in(page, live_server, coordinator)
    page.goto(reverse("matching:survey_results", args=[event.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("アンケート結果")
    expect(page.get_by_text("初めてでしたが、よい出会いがありました。")).to_be_visible()
