"""Person names in lists wrap only between family and given name (the person_name filter + .name-part)."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from sks.roles import Role
from tests.access import arranging
from tests.factories import OrganizationFactory, staff_user


def render(name: object) -> str:
    return Template("{% load sks_tags %}{{ name|person_name }}").render(Context({"name": name}))


def test_person_name_wraps_each_part_in_a_nowrap_span():
    assert render("佐々木 真由美") == '<span class="name-part">佐々木</span> <span class="name-part">真由美</span>'


def test_person_name_with_full_width_space_or_none_keeps_each_part_whole():
    assert render("佐々木\u3000真由美") == '<span class="name-part">佐々木</span> <span class="name-part">真由美</span>'
    assert render("佐々木真由美") == '<span class="name-part">佐々木真由美</span>'
    assert render(None) == ""


def test_person_name_escapes_markup():
    assert render("<b>x</b>") == '<span class="name-part">&lt;b&gt;x&lt;/b&gt;</span>'


@pytest.mark.django_db
def test_staff_list_renders_names_in_nowrap_parts(client):
    with arranging():
        bank = OrganizationFactory()
        admin = staff_user(Role.INSTITUTION_ADMIN, bank)
        staff_user(Role.BANK_STAFF, bank, name="佐々木 真由美")
    client.force_login(admin)

    response = client.get(reverse("participants:staff_list"))

    assert '<span class="name-part">佐々木</span> <span class="name-part">真由美</span>' in response.content.decode()


def test_stylesheet_keeps_name_parts_on_one_line():
    from django.contrib.staticfiles import finders

    for stylesheet in ("css/sks.css", "css/timetable_print.css"):
        with open(finders.find(stylesheet), encoding="utf-8") as f:
            assert ".name-part { white-space: nowrap; }" in f.read()
