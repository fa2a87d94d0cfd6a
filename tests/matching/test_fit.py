"""Fit on the Django side: who may be suggested (consent and pledge), isolation of banks, the senior's own
list, the coordinator's 応募が少ない課題, and the publish-time mail (once per event and senior, opt-out)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from events.models import HearingIssue
from events.services import event_publish_issue_list
from matching.models import FitMailOptOut
from matching.selectors.fit import fit_issues_for_senior, fit_suggestions_for_enrolment, fit_thin_issues
from matching.services.fit import FIT_MAIL_KIND, fit_mail_opt_out_token, fit_mails_schedule
from participants.models import Consent, ExpertiseArea, Industry, Reminder
from participants.services import senior_consent_withdraw
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    CompanyFactory,
    OrganizationFactory,
    UserFactory,
    approved_hearing,
    enrol_company,
    make_agreement,
    make_application,
    make_event,
    pledged_senior,
    searchable_senior,
    staff_user,
)
from tests.helpers import assert_isolated

pytestmark = pytest.mark.django_db


def _areas(profile, *codes):
    profile.expertise.set(ExpertiseArea.objects.filter(code__in=codes))
    return profile


@pytest.fixture
def world():
    """A published joint event of banks A and B; A's food maker in Niigata wants 販路開拓, B's company 財務."""
    with arranging():
        bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
        coord = staff_user(Role.COORDINATOR)
        event = make_event(
            coordinator_org=coord.active_memberships[0].organization, hosts=[bank_a, bank_b], status="published"
        )
        staff_a, staff_b = staff_user(Role.BANK_STAFF, bank_a), staff_user(Role.BANK_STAFF, bank_b)
        food = CompanyFactory(
            institution=bank_a,
            prefecture="15",
            industry_major=Industry.objects.get(code="E"),
            industry=Industry.objects.get(code="09"),
        )
        sales = enrol_company(event, company=food, staff=staff_a)
        approved_hearing(sales, title="百貨店への販路", summary="首都圏の百貨店に販路を広げたい。", category="sales")
        finance = enrol_company(event, institution=bank_b, staff=staff_b)
        approved_hearing(finance, title="資金繰りの改善", summary="資金繰りを安定させたい。", category="finance")
        return {
            "event": event,
            "coord": coord,
            "staff_a": staff_a,
            "staff_b": staff_b,
            "sales": sales,
            "finance": finance,
        }


def _seller(name="販路 太郎", **fields):
    senior = pledged_senior(user=UserFactory(name=name), prefecture="15", **fields)
    return _areas(senior, "sales-channels")


# --- who may be suggested ---------------------------------------------------------------------------------


def test_suggestions_name_the_fitting_senior_with_reasons(world):
    seller = _seller()
    _areas(pledged_senior(user=UserFactory(name="財務 花子")), "finance")

    suggestions = fit_suggestions_for_enrolment(enrolment=world["sales"])

    assert [s.senior for s in suggestions] == [seller]
    assert suggestions[0].reasons[:2] == ["販路開拓の経験", "同じ県（新潟県）"]


def test_a_senior_without_the_matching_consent_is_never_suggested(world):
    _seller()
    withdrawn = _seller(name="撤回 次郎")
    senior_consent_withdraw(profile=withdrawn)
    never_consented = _areas(searchable_senior(user=UserFactory(name="未同意")), "sales-channels")
    Consent.objects.filter(senior=never_consented).delete()

    names = [s.senior.user.name for s in fit_suggestions_for_enrolment(enrolment=world["sales"])]

    assert names == ["販路 太郎"]


def test_a_senior_without_the_pledge_is_never_suggested(world):
    _areas(searchable_senior(user=UserFactory(name="誓約なし"), prefecture="15"), "sales-channels")

    assert fit_suggestions_for_enrolment(enrolment=world["sales"]) == []


def test_seniors_who_applied_are_not_suggested(world):
    applied = _seller(name="応募 済子")
    other = _seller()
    make_application(applied, [world["sales"]])

    assert [s.senior for s in fit_suggestions_for_enrolment(enrolment=world["sales"])] == [other]


def test_a_success_in_the_category_raises_the_senior_and_says_so(world):
    plain = _seller(name="初めて 一郎")
    proven = _seller(name="実績 二郎")
    past = make_event(hosts=[world["sales"].institution], status="closed")
    for _ in range(2):
        enrolment = enrol_company(past, institution=world["sales"].institution)
        approved_hearing(enrolment, category="sales")
        make_agreement(enrolment, proven)

    suggestions = fit_suggestions_for_enrolment(enrolment=world["sales"])

    assert [s.senior for s in suggestions] == [proven, plain]
    assert "この分類で支援成立 2 件" in suggestions[0].reasons


# --- pages and isolation --------------------------------------------------------------------------------------


def test_bank_staff_see_suggestions_and_the_invite_button(world, login_as):
    _seller()
    response = login_as(world["staff_a"]).get(reverse("matching:fit_enrolment_suggestions", args=[world["sales"].pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "販路開拓の経験" in body
    assert reverse("events:staff_invite", args=[world["sales"].pk]) in body
    assert "販路 太郎 さんを招待する" in body


def test_another_banks_staff_get_404_on_suggestions(world):
    _seller()
    url = reverse("matching:fit_enrolment_suggestions", args=[world["sales"].pk])

    assert_isolated(url, owner=world["staff_a"], outsider=world["staff_b"])


def test_the_coordinator_sees_suggestions_without_inviting(world, login_as):
    _seller()
    response = login_as(world["coord"]).get(reverse("matching:fit_enrolment_suggestions", args=[world["sales"].pk]))

    assert response.status_code == 200
    assert "販路開拓の経験" in response.content.decode()
    assert "さんを招待する" not in response.content.decode()


def test_senior_sees_their_own_fits_in_order_with_reasons(world, login_as):
    seller = _seller()
    response = login_as(seller.user).get(reverse("matching:fit_senior_event", args=[world["event"].pk]))

    assert response.status_code == 200
    suggestions = response.context["suggestions"]
    assert [s.enrolment_id for s in suggestions] == [world["sales"].pk, world["finance"].pk]
    assert suggestions[0].reasons[0] == "販路開拓の経験"
    assert "あなたに合いそうな課題" in response.content.decode()


def test_the_senior_list_reads_only_published_fields(world):
    # The confidential description and the JSIC middle group never shape a senior's reasons.
    seller = _seller(name="食品 三郎")
    seller.industries.set(Industry.objects.filter(code="09"))
    with arranging():
        HearingIssue.objects.filter(sheet__enrolment=world["sales"]).update(description="食料品の秘密の事情")

    [first, *_rest] = fit_issues_for_senior(event=world["event"], senior=seller)

    assert "同業種（食料品製造業）の経験" not in first.reasons
    assert "同業種（製造業）の経験" in first.reasons


def test_senior_without_the_pledge_is_sent_to_the_issue_list_gate(world, login_as):
    senior = _areas(searchable_senior(user=UserFactory()), "sales-channels")
    response = login_as(senior.user).get(reverse("matching:fit_senior_event", args=[world["event"].pk]))

    assert response.status_code == 302
    assert response.url == reverse("events:senior_issue_list", args=[world["event"].pk])


def test_coordinator_sees_thin_issues_with_suggestions(world, login_as):
    seller = _seller()
    _areas(pledged_senior(user=UserFactory(name="財務 花子")), "finance")

    thin = fit_thin_issues(event=world["event"])
    assert [t.enrolment for t in thin] == [world["sales"], world["finance"]]
    assert [s.senior for s in thin[0].suggestions] == [seller]

    response = login_as(world["coord"]).get(reverse("matching:fit_thin_issues", args=[world["event"].pk]))
    assert response.status_code == 200
    assert "応募が少ない課題" in response.content.decode()


def test_an_issue_with_three_fitting_applicants_is_not_thin(world):
    for n in range(3):
        make_application(_seller(name=f"応募 {n}"), [world["sales"]])

    assert [t.enrolment for t in fit_thin_issues(event=world["event"])] == [world["finance"]]


# --- the publish-time mail --------------------------------------------------------------------------------------


def test_publishing_the_issue_list_mails_each_fitting_senior_once(django_capture_on_commit_callbacks):
    bank = OrganizationFactory()
    coord = staff_user(Role.COORDINATOR)
    event = make_event(coordinator_org=coord.active_memberships[0].organization, hosts=[bank], status="hearing")
    company = CompanyFactory(institution=bank, prefecture="15")
    enrolment = enrol_company(event, company=company)
    approved_hearing(enrolment, title="百貨店への販路", category="sales")
    seller = _seller()
    _areas(pledged_senior(user=UserFactory(name="人事 花子")), "hr-development")  # no fit: no mail

    with django_capture_on_commit_callbacks(execute=True):
        event_publish_issue_list(event=event, by=coord)

    assert [m.to for m in mail.outbox] == [[seller.user.email]]
    body = mail.outbox[0].body
    assert "百貨店への販路" in body
    assert "販路開拓の経験" in body
    assert reverse("matching:fit_mail_opt_out", args=[fit_mail_opt_out_token(seller)]) in body

    # Once per event and senior: a second run (a retried task) records and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert fit_mails_schedule(event_id=event.pk) == 0
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(kind=FIT_MAIL_KIND, recipient=seller.user).count() == 1


def test_the_mail_honours_the_opt_out(world, django_capture_on_commit_callbacks):
    seller = _seller()
    FitMailOptOut.objects.create(senior=seller)

    with django_capture_on_commit_callbacks(execute=True):
        assert fit_mails_schedule(event_id=world["event"].pk) == 0
    assert mail.outbox == []


def test_opt_out_link_get_changes_nothing_and_post_opts_out(world, client):
    seller = _seller()
    url = reverse("matching:fit_mail_opt_out", args=[fit_mail_opt_out_token(seller)])

    response = client.get(url)
    assert response.status_code == 200
    assert not FitMailOptOut.objects.exists()

    response = client.post(url)
    assert response.status_code == 200
    assert list(FitMailOptOut.objects.values_list("senior_id", flat=True)) == [seller.pk]
    client.post(url)  # again: still one row
    assert FitMailOptOut.objects.count() == 1


def test_a_forged_opt_out_token_is_404_with_a_message(client):
    response = client.post(reverse("matching:fit_mail_opt_out", args=["1:forged"]))

    assert response.status_code == 404
    assert "このリンクは正しくありません" in response.content.decode()


# --- the demo ------------------------------------------------------------------------------------------------------


def test_seed_demo_shows_fits_and_the_success_raises_the_demo_senior(login_as):
    from django.core.management import call_command

    from events.access import enrolments_of_event
    from events.demo import SINGLE_TITLE
    from events.models import Event
    from participants.models import SeniorProfile

    call_command("seed_demo")
    event = Event.objects.get(title=SINGLE_TITLE)
    me = SeniorProfile.objects.get(user__email="senior@demo.sks.example.jp")

    response = login_as(me.user).get(reverse("matching:fit_senior_event", args=[event.pk]))
    first = response.context["suggestions"][0]
    assert (first.title, first.reasons[0]) == ("精密部品メーカーの東南アジア販路開拓", "海外展開の経験")
    assert "この分類で支援成立 1 件" in first.reasons

    kawasaki = enrolments_of_event(event=event).get(company__name="株式会社川崎精密工業")
    suggestions = fit_suggestions_for_enrolment(enrolment=kawasaki)
    assert [s.senior.user.name for s in suggestions] == ["山本 隆", "加藤 弘", "吉田 恵子"]
    assert "この分類で支援成立 1 件" in suggestions[0].reasons


def test_the_mail_run_in_batches_mails_every_recipient_once(world, monkeypatch, django_capture_on_commit_callbacks):
    from matching.services import fit as fit_services
    from matching.tasks import task_send_fit_mails

    monkeypatch.setattr(fit_services, "BATCH", 2)
    sellers = [_seller(name=f"販路 {n}") for n in range(5)]

    with django_capture_on_commit_callbacks(execute=True):
        assert task_send_fit_mails.delay(event_id=world["event"].pk).get() == 3
    with django_capture_on_commit_callbacks(execute=True):
        task_send_fit_mails.delay(event_id=world["event"].pk)  # a repeated run: nothing twice

    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.user.email for s in sellers)


def test_the_fit_panel_inside_the_issue_list_does_not_repeat_its_apply_button(world, login_as):
    """The standalone page offers the apply button; the panel loaded into the issue list (htmx) leaves it
    to the list, so the page has one."""
    seller = _seller()
    client = login_as(seller.user)
    url = reverse("matching:fit_senior_event", args=[world["event"].pk])

    standalone = client.get(url).content.decode()
    embedded = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    issue_list = client.get(reverse("events:senior_issue_list", args=[world["event"].pk])).content.decode()

    assert standalone.count("企業を選んで応募する") == 1
    assert "企業を選んで応募する" not in embedded
    assert issue_list.count("企業を選んで応募する") == 1


# --- a senior's own facts, kept per process for the profile's version -----------------------------------------


def test_own_facts_follow_every_profile_change_and_the_track_record(world, django_assert_num_queries):
    # The dashboard's fit panel keeps a senior's profile facts per process, keyed by the profile's updated_at:
    # each change the senior can make moves it, and the track record (agreements, no-shows) is read each time.
    from matching.selectors.fit import own_senior_facts, senior_facts
    from participants.models import Region, SeniorProfile
    from participants.services import (
        senior_careers_replace,
        senior_conditions_update,
        senior_expertise_update,
        senior_introduction_update,
    )
    from participants.services.seniors import CareerInput

    senior = _seller()

    def fresh():  # each request reads the profile anew
        return SeniorProfile.objects.get(pk=senior.pk)

    def check():
        profile = fresh()
        assert own_senior_facts(profile) == senior_facts([profile.pk])[0]

    check()
    profile = fresh()
    with django_assert_num_queries(2):  # kept: only the agreements and the no-shows are read
        own_senior_facts(profile)

    senior_careers_replace(profile=fresh(), careers=[CareerInput(employer="百貨店", role="営業部長")])
    check()
    assert "営業部長" in own_senior_facts(fresh()).career_text
    senior_expertise_update(
        profile=fresh(),
        expertise=ExpertiseArea.objects.filter(code__in=["sales-channels", "finance"]),
        industries=Industry.objects.filter(code="E"),
        qualifications=[],
        other_qualifications="",
    )
    check()
    assert {"sales-channels", "finance"} <= own_senior_facts(fresh()).expertise
    assert own_senior_facts(fresh()).industry_majors == {"E"}
    senior_introduction_update(profile=fresh(), self_introduction="新潟の販路開拓を手伝います。")
    check()
    senior_conditions_update(
        profile=fresh(),
        days_per_month=4,
        weekdays=[0, 2],
        travel_regions=Region.objects.all()[:1],
        remote_ok=True,
        fee_min=None,
        fee_max=None,
        registry_number="",
    )
    check()
    assert own_senior_facts(fresh()).remote_ok is True

    make_agreement(world["sales"], senior=fresh())
    check()
    assert own_senior_facts(fresh()).agreements
