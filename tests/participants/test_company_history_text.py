"""The company's change history reads as Japanese: each line names a field of the company and its values,
never a related manager's text ("events.EventCompany.None") or a relation's raw name."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from participants.models import Company
from participants.services import company_create, company_update
from sks.roles import Role
from tests.access import arranging, as_user
from tests.factories import BranchFactory, OrganizationFactory, enrol_company, make_event, staff_user

pytestmark = pytest.mark.django_db

RAW = re.compile(r"\w+\.\w+\.None|enrolments|agreements|contacts")


@pytest.fixture
def world():
    with arranging():
        bank = OrganizationFactory(name="A信用金庫")
        branch = BranchFactory(organization=bank, name="川崎支店", code="012")
        staff = staff_user(Role.BANK_STAFF, bank, name="融資 花子")
    return {"bank": bank, "branch": branch, "staff": staff}


def _history_text(client, company: Company) -> str:
    body = client.get(reverse("participants:company_detail", args=[company.pk])).content.decode()
    section = re.search(r'<section class="mt-5" aria-labelledby="company-history">.*?</section>', body, re.S)
    assert section is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section.group(0)))


def test_history_of_a_registered_and_enrolled_company_names_only_its_fields(world, client):
    with as_user(world["staff"]):
        company = company_create(by=world["staff"], institution=world["bank"], name="履歴株式会社", employees=5)
    with arranging():
        enrol_company(make_event(hosts=[world["bank"]]), company=company, staff=world["staff"])
    with as_user(world["staff"]):
        company_update(company=company, by=world["staff"], employees=8, branch=world["branch"])
    client.force_login(world["staff"])

    text = _history_text(client, company)

    assert RAW.findall(text) == []
    assert "企業名：履歴株式会社" in text
    assert "従業員数：5 → 8" in text
    assert "担当支店：— → 川崎支店" in text


def test_history_entries_logged_with_relation_managers_leave_them_out(world, client):
    with as_user(world["staff"]):
        company = company_create(by=world["staff"], institution=world["bank"], name="旧記録株式会社")
    # An entry as auditlog wrote it before the company logged only its own columns.
    with arranging():
        entry = LogEntry.objects.get_for_object(company).get(action=LogEntry.Action.CREATE)
        entry.changes = {
            **entry.changes_dict,
            "enrolments": ["None", "events.EventCompany.None"],
            "agreements": ["None", "matching.SupportAgreement.None"],
            "contacts": ["None", "participants.CompanyContact.None"],
        }
        entry.save(update_fields=["changes"])
    client.force_login(world["staff"])

    text = _history_text(client, company)

    assert RAW.findall(text) == []
    assert "企業名：旧記録株式会社" in text


def test_company_log_entries_hold_only_the_company_columns(world):
    with as_user(world["staff"]):
        company = company_create(by=world["staff"], institution=world["bank"], name="列だけ株式会社")

    with arranging():
        entry = LogEntry.objects.get_for_object(company).get(action=LogEntry.Action.CREATE)
    column_names = {f.name for f in Company._meta.concrete_fields}

    assert sorted(set(entry.changes_dict) - column_names) == []
