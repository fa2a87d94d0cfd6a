import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django_scopes import ScopeError, scope

from participants.models import Company
from sks.roles import Role
from tests.access import arranging, as_user
from tests.factories import BranchFactory, CompanyFactory, OrganizationFactory, staff_user
from tests.helpers import assert_isolated

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_banks():
    with arranging():
        bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
        company = CompanyFactory(institution=bank_a, branch=BranchFactory(organization=bank_a), name="秘密の取引先")
        return {
            "company": company,
            "staff_a": staff_user(Role.BANK_STAFF, bank_a),
            "staff_b": staff_user(Role.BANK_STAFF, bank_b),
            "admin_b": staff_user(Role.INSTITUTION_ADMIN, bank_b),
        }


def test_company_detail_other_institution_gets_404(two_banks):
    url = reverse("participants:company_detail", args=[two_banks["company"].pk])

    assert_isolated(url, owner=two_banks["staff_a"], outsider=two_banks["staff_b"])
    assert_isolated(url, owner=two_banks["staff_a"], outsider=two_banks["admin_b"])


def test_company_detail_missing_and_forbidden_look_the_same(client, two_banks):
    client.force_login(two_banks["staff_b"])

    forbidden = client.get(reverse("participants:company_detail", args=[two_banks["company"].pk]))
    missing = client.get(reverse("participants:company_detail", args=[999999]))

    assert (forbidden.status_code, missing.status_code) == (404, 404)
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"|/companies/\d+/')
    assert token.sub(b"", forbidden.content) == token.sub(b"", missing.content)


def test_company_list_other_institution_sees_none_of_its_clients(client, two_banks):
    client.force_login(two_banks["staff_b"])

    response = client.get(reverse("participants:company_list"))

    assert response.status_code == 200
    assert "秘密の取引先" not in response.content.decode()


def test_company_list_owner_sees_its_clients(client, two_banks):
    client.force_login(two_banks["staff_a"])

    response = client.get(reverse("participants:company_list"))

    assert "秘密の取引先" in response.content.decode()


def test_company_list_queries_constant(client, two_banks, django_assert_max_num_queries):
    client.force_login(two_banks["staff_a"])
    client.get(reverse("participants:company_list"))  # warm the session
    bank_a = two_banks["company"].institution
    with django_assert_max_num_queries(12) as one_row:
        client.get(reverse("participants:company_list"))
    for _ in range(9):
        CompanyFactory(institution=bank_a, branch=BranchFactory(organization=bank_a))

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        client.get(reverse("participants:company_list"))


def test_unscoped_company_query_fails_loudly():
    with pytest.raises(ScopeError):
        list(Company.objects.all())


def test_scope_filters_to_the_users_institutions(two_banks):
    with scope(institution=two_banks["staff_b"].institution_ids):
        assert list(Company.objects.all()) == []
    with scope(institution=two_banks["staff_a"].institution_ids):
        assert list(Company.objects.all()) == [two_banks["company"]]


def test_company_detail_read_is_audited_with_actor_and_ip(client, two_banks):
    client.force_login(two_banks["staff_a"])

    client.get(reverse("participants:company_detail", args=[two_banks["company"].pk]), REMOTE_ADDR="203.0.113.7")

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(two_banks["company"].pk))
    assert (entry.actor, entry.remote_addr) == (two_banks["staff_a"], "203.0.113.7")


def test_company_change_is_audited(two_banks):
    company = two_banks["company"]
    company.internal_notes = "新しいメモ"
    with as_user(two_banks["staff_a"]):
        company.save()

    entry = LogEntry.objects.filter(object_pk=str(company.pk), action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["internal_notes"] == ["", "新しいメモ"]


def test_coordinator_does_not_see_company_pages(client, two_banks):
    client.force_login(staff_user(Role.COORDINATOR))

    response = client.get(reverse("participants:company_detail", args=[two_banks["company"].pk]))

    assert response.status_code == 404
