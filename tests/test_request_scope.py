"""A superuser's scope is lifted only under the Django admin (sks.access.request_scope)."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from participants.models import Company
from sks.middleware import InstitutionScopeMiddleware
from sks.roles import Role
from tests.access import arranging
from tests.factories import BranchFactory, CompanyFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_banks():
    with arranging():
        bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
        own = CompanyFactory(institution=bank_a, branch=BranchFactory(organization=bank_a), name="自行の取引先")
        other = CompanyFactory(institution=bank_b, branch=BranchFactory(organization=bank_b), name="他行の取引先")
        # A platform operator who is also bank staff of bank A, and nothing of bank B.
        operator = staff_user(Role.BANK_STAFF, bank_a, is_staff=True, is_superuser=True)
        return {"own": own, "other": other, "operator": operator}


def _names_seen_at(path: str, user) -> list[str]:
    """The companies `Company.objects` returns inside the middleware for a request to `path`."""
    request = RequestFactory().get(path)
    request.user = user

    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.extend(Company.objects.order_by("name").values_list("name", flat=True))
        return HttpResponse()

    InstitutionScopeMiddleware(view)(request)
    return seen


def test_request_scope_superuser_outside_admin_sees_own_institution_only(two_banks):
    names = _names_seen_at(reverse("participants:company_list"), two_banks["operator"])

    assert names == ["自行の取引先"]


def test_request_scope_superuser_under_admin_sees_every_institution(two_banks):
    names = _names_seen_at(reverse("admin:participants_company_changelist"), two_banks["operator"])

    assert names == ["他行の取引先", "自行の取引先"]


def test_request_scope_admin_prefix_only_at_the_start(two_banks):
    names = _names_seen_at("/companies/admin/", two_banks["operator"])

    assert names == ["自行の取引先"]


def test_superuser_other_bank_company_page_outside_admin_gets_404(client, two_banks):
    client.force_login(two_banks["operator"])

    response = client.get(reverse("participants:company_detail", args=[two_banks["other"].pk]))

    assert response.status_code == 404


def test_superuser_admin_changelist_lists_companies_of_every_institution(client, two_banks):
    client.force_login(two_banks["operator"])

    response = client.get(reverse("admin:participants_company_changelist"))

    assert response.status_code == 200
    content = response.content.decode()
    assert ("自行の取引先" in content, "他行の取引先" in content) == (True, True)
