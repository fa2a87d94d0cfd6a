"""Company contacts: bank staff invite a client company's own login; the person sets a password and signs in."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from participants.models import CompanyContact, Notification, User
from participants.services.contacts import CompanyContactError, company_contact_invite
from sks.roles import COMPANY, Role
from tests.access import arranging, every
from tests.factories import CompanyFactory, OrganizationFactory, company_contact, senior_user, staff_user
from tests.helpers import assert_isolated

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "president-chooses-this-7"


@pytest.fixture
def world():
    with arranging():
        bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
        return {
            "bank_a": bank_a,
            "company": CompanyFactory(institution=bank_a, name="株式会社川崎精密", president_name="川崎 一郎"),
            "staff_a": staff_user(Role.BANK_STAFF, bank_a),
            "staff_b": staff_user(Role.BANK_STAFF, bank_b),
        }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite(world, client_or_none=None, **data: str):
    client = client_or_none or client_for(world["staff_a"])
    return client.post(
        reverse("participants:company_contact_invite", args=[world["company"].pk]),
        {"name": "川崎 一郎", "email": "president@kawasaki.example.jp", **data},
    )


def test_company_contact_invite_view_creates_login_and_mails_link(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(world)

    user = User.objects.get(email="president@kawasaki.example.jp")
    contact = every(CompanyContact).get(user=user)
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("participants:company_detail", args=[world["company"].pk]),
    )
    assert (user.name, user.has_usable_password(), COMPANY in user.roles) == ("川崎 一郎", False, True)
    assert (contact.company, contact.created_by, contact.is_active) == (world["company"], world["staff_a"], True)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("president@kawasaki.example.jp", True, True)
    ]
    assert [m.to for m in mailoutbox] == [["president@kawasaki.example.jp"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert Notification.objects.filter(user=user, kind="company_contact_invited").count() == 1
    assert LogEntry.objects.filter(additional_data__event="company_contact.invited").count() == 1


def test_company_contact_invite_link_sets_password_and_logs_in(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(world)
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body).group(1)
    browser = Client()

    opened = browser.get(path)
    form_page = browser.get(opened["Location"])
    done = browser.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    logged_in = browser.post(
        reverse("account_login"), {"login": "president@kawasaki.example.jp", "password": NEW_PASSWORD}
    )
    home = browser.get(reverse("events:company_home"))

    assert (opened.status_code, form_page.status_code, done.status_code) == (302, 200, 302)
    assert User.objects.get(email="president@kawasaki.example.jp").has_usable_password() is True
    assert (logged_in.status_code, logged_in["Location"]) == (302, reverse("dashboard"))
    assert home.status_code == 200


def test_company_contact_invite_link_works_only_once(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(world)
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body).group(1)
    browser = Client()
    opened = browser.get(path)
    browser.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client().get(path)

    assert again.context["token_fail"] is True


def test_company_contact_invite_staff_email_refused(world):
    response = invite(world, email=world["staff_b"].email.upper())

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "このメールアドレスは金融機関・コーディネーターなどの職員のアカウントで使われているため、"
        "企業の担当者には登録できません。企業の方のメールアドレスを入力してください。"
    ]
    assert every(CompanyContact).count() == 0


def test_company_contact_invite_senior_email_refused(world):
    senior = senior_user()

    with pytest.raises(CompanyContactError) as error:
        company_contact_invite(company=world["company"], by=world["staff_a"], name="新現役", email=senior.email)

    assert error.value.field == "email"
    assert error.value.message.startswith("このメールアドレスは新現役のアカウントで使われているため")


def test_company_contact_invite_again_resends_without_duplicate(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(world)
        invite(world)

    assert every(CompanyContact).count() == 1
    assert len(mailoutbox) == 2
    assert LogEntry.objects.filter(additional_data__event="company_contact.reinvited").count() == 1


def test_company_contact_invite_reuses_contact_of_another_company(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    other_company = CompanyFactory(institution=OrganizationFactory())
    existing = company_contact(other_company, email="shared@example.jp")

    with django_capture_on_commit_callbacks(execute=True):
        invite(world, email="shared@example.jp")

    assert sorted(c.company.name for c in every(CompanyContact).filter(user=existing)) == sorted(
        [other_company.name, "株式会社川崎精密"]
    )
    # The person already has a password: the mail sends them to the login page instead.
    assert reverse("account_login") in mailoutbox[0].body


def test_company_contact_invite_other_institution_gets_404(world):
    url = reverse("participants:company_contact_invite", args=[world["company"].pk])

    assert_isolated(url, owner=world["staff_a"], outsider=world["staff_b"])
    assert invite(world, client_for(world["staff_b"])).status_code == 404


def test_company_contact_invite_service_refuses_other_institutions_company(world):
    with pytest.raises(CompanyContactError):
        company_contact_invite(company=world["company"], by=world["staff_b"], name="x", email="x@example.jp")


def test_company_contact_invite_bad_email_shows_japanese_error(world):
    response = invite(world, email="not-an-address")

    assert response.context["form"].errors["email"] == [
        "メールアドレスの形式が正しくありません（例：president@example.co.jp）。"
    ]


def test_company_detail_lists_contacts_and_invite_link(world):
    company_contact(world["company"], email="boss@kawasaki.example.jp")

    response = client_for(world["staff_a"]).get(reverse("participants:company_detail", args=[world["company"].pk]))

    body = response.content.decode()
    assert "boss@kawasaki.example.jp" in body
    assert reverse("participants:company_contact_invite", args=[world["company"].pk]) in body


def test_company_detail_contacts_and_events_queries_constant(
    world, django_assert_num_queries, django_assert_max_num_queries
):
    from tests.factories import enrol_company, make_event

    company, bank = world["company"], world["bank_a"]
    company_contact(company, email="first@kawasaki.example.jp")
    enrol_company(make_event(hosts=[bank], title="第1回"), company=company, staff=world["staff_a"])
    client = client_for(world["staff_a"])
    url = reverse("participants:company_detail", args=[company.pk])
    client.get(url)  # warm the per-process caches (reference data, sessions)
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    for n in range(2, 5):
        company_contact(company, email=f"contact{n}@kawasaki.example.jp")
        enrol_company(make_event(hosts=[bank], title=f"第{n}回"), company=company, staff=world["staff_a"])

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)

    body = response.content.decode()
    assert [body.count(f"第{n}回") for n in range(1, 5)] == [1, 1, 1, 1]
    assert "contact4@kawasaki.example.jp" in body
