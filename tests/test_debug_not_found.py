"""Under DEBUG (`make run`), a 404 shows the product's page, not Django's technical page."""

import pytest
from django.test import override_settings

from sks.roles import Role
from tests.access import arranging
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

TECHNICAL_PAGE = "Using the URLconf defined in"


@override_settings(DEBUG=True)
def test_debug_unknown_address_shows_the_product_404_page(client):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>ページが見つかりません</h1>" in html
    assert TECHNICAL_PAGE not in html


@override_settings(DEBUG=True)
def test_debug_missing_object_shows_the_product_404_page(client):
    with arranging():
        user = staff_user(Role.BANK_STAFF)
    client.force_login(user)

    response = client.get("/companies/999999/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>ページが見つかりません</h1>" in html
    assert "Raised by:" not in html


@override_settings(DEBUG=True)
def test_debug_address_without_trailing_slash_still_redirects(client):
    response = client.get("/dashboard")

    assert (response.status_code, response.url) == (301, "/dashboard/")
