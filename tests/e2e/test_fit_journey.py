"""Fit in the browser: a senior sees 「あなたに合いそうな課題」 with reasons on the issue list and applies as
before; the bank staff member of a company with few applicants opens its applicants and invites a suggested
senior. axe-core and the CSP guard run on every page (conftest)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from participants.models import ExpertiseArea
from sks.roles import Role
from tests.e2e.session import sign_in
from tests.factories import (
    CompanyFactory,
    OrganizationFactory,
    UserFactory,
    approved_hearing,
    enrol_company,
    make_event,
    pledged_senior,
    staff_user,
)

pytestmark = pytest.mark.browser


def test_senior_sees_fits_and_applies_then_staff_invite_a_suggested_senior(page: Page, live_server) -> None:
    bank = OrganizationFactory(name="さくら信用金庫")
    staff = staff_user(Role.BANK_STAFF, bank, name="佐藤 一郎")
    event = make_event(hosts=[bank], status="published")
    enrolment = enrol_company(
        event, company=CompanyFactory(institution=bank, prefecture="14", name="横浜食品"), staff=staff
    )
    approved_hearing(enrolment, title="百貨店への販路", summary="首都圏の百貨店に販路を広げたい。", category="sales")
    other = enrol_company(event, institution=bank, staff=staff)
    approved_hearing(other, title="若手の育成", summary="若手社員を育てたい。", category="hr")
    senior = pledged_senior(user=UserFactory(name="高橋 健"), prefecture="14")
    senior.expertise.set(ExpertiseArea.objects.filter(code="sales-channels"))
    invitee = pledged_senior(user=UserFactory(name="渡辺 誠"), prefecture="14")
    invitee.expertise.set(ExpertiseArea.objects.filter(code="sales-channels"))

    # The senior: the fits load into the issue list, with their reasons, and applying is as before.
    sign_in(page, live_server, senior.user)
    page.goto(reverse("events:senior_issue_list", args=[event.pk]))
    fits = page.locator("section").filter(has=page.get_by_role("heading", name="あなたに合いそうな課題"))
    first = fits.locator(".fit-suggestion").first
    expect(first).to_contain_text("百貨店への販路")
    expect(first).to_contain_text("販路開拓の経験")
    expect(first).to_contain_text("同じ県（神奈川県）")
    # One apply button on the page: the issue list's own (the fit panel loaded into it does not repeat it).
    expect(page.get_by_role("link", name="企業を選んで応募する")).to_have_count(1)
    page.get_by_role("link", name="企業を選んで応募する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("応募する企業と提案")
    choice = page.locator("fieldset").filter(has_text="百貨店への販路")
    choice.get_by_role("checkbox", name=re.compile("に応募する$")).check()
    choice.get_by_role("textbox").fill("百貨店との取引経験を生かして、販路づくりをお手伝いします。")
    page.get_by_role("button", name="保存して応募する").click()
    expect(page.get_by_text("応募済", exact=True)).to_be_visible()

    # The bank: one applicant only; the suggestions load below the applicants, and one click invites.
    sign_in(page, live_server, staff)
    page.goto(reverse("events:staff_applicants", args=[enrolment.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("横浜食品 への応募者")
    suggestion = page.locator(".fit-suggestion").filter(has_text="渡辺 誠")
    expect(suggestion).to_contain_text("販路開拓の経験")
    expect(page.locator(".fit-suggestion").filter(has_text="高橋 健")).to_have_count(0)  # applied already
    suggestion.get_by_role("button", name="渡辺 誠 さんを招待する").click()
    expect(page.get_by_text("渡辺 誠 さんを招待しました。")).to_be_visible()
