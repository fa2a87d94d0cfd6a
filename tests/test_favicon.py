"""The site's icon: linked from every page and answered at /favicon.ico."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from sks.roles import Role
from tests.access import arranging
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_static_icon(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain == [(static("favicon.ico"), 302)]
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # the ICO header


def test_favicon_ico_for_staff_without_mfa_is_not_sent_to_enrolment(client):
    with arranging():
        user = staff_user(Role.BANK_STAFF, mfa=False)
    client.force_login(user)

    response = client.get("/favicon.ico")

    assert (response.status_code, response.url) == (302, static("favicon.ico"))


def test_pages_link_the_icon(client):
    response = client.get(reverse("home"))

    assert f'<link rel="icon" href="{static("favicon.ico")}"' in response.content.decode()
    assert finders.find("favicon.ico") is not None
