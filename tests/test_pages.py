"""The registry of pages (sks.pages): the menu and the dashboard's next steps follow the roles each view
declares with @role_required, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sks.pages import page_roles, registered_pages, registered_steps
from sks.roles import ANY_SIGNED_IN, COMPANY, SENIOR, Role
from tests.factories import (
    CompanyFactory,
    CoordinatorOrgFactory,
    MembershipFactory,
    OrganizationFactory,
    company_contact,
    senior_user,
    staff_user,
)
from tests.test_permission_matrix import ALL_ROWS, COLUMNS

# What each kind of user sees in the menu today, in order (the dashboard first, the admin site last).
EXPECTED_MENU = {
    SENIOR: ["ダッシュボード", "プロフィール", "同意の管理", "交流会に応募", "時間割"],
    COMPANY: ["ダッシュボード", "自社の交流会", "時間割"],
    Role.BANK_STAFF: [
        "ダッシュボード",
        "主催する交流会",
        "取引先企業",
        "時間割",
        "二次面談",
        "支援成立",
        "統計",
        "新現役を探す",
        "地域ネットワーク",
        "官民連携",
    ],
    Role.INSTITUTION_ADMIN: [
        "ダッシュボード",
        "主催する交流会",
        "取引先企業",
        "時間割",
        "二次面談",
        "支援成立",
        "統計",
        "新現役を探す",
        "職員の管理",
        "支店の管理",
        "地域ネットワーク",
        "官民連携",
    ],
    Role.COORDINATOR: [
        "ダッシュボード",
        "交流会の運営",
        "二次面談",
        "支援成立",
        "統計",
        "新現役を探す",
        "職員の招待",
        "地域ネットワーク",
    ],
    Role.LOCAL_GOVERNMENT: ["ダッシュボード", "統計", "地域ネットワーク", "官民連携"],
    Role.ALUMNI_OFFICE: ["ダッシュボード", "OB・OGネットワーク", "地域ネットワーク"],
}


def _user(role: str) -> Any:
    if role == SENIOR:
        return senior_user()
    if role == COMPANY:
        return company_contact(CompanyFactory(institution=OrganizationFactory()))
    return staff_user(role)


def _menu(user: Any) -> list[tuple[str, str]]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return [(url, str(label)) for url, label in response.context["nav_items"]]


def test_every_registered_page_and_step_has_a_view_that_declares_roles():
    names = [page.url_name for page in registered_pages()] + [step.url_name for step in registered_steps()]
    assert len(names) > 10
    for name in names:
        assert page_roles(name), name


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED_MENU))
def test_menu_of_each_role_is_the_registered_pages_its_views_allow(role):
    user = _user(role)
    assert user.roles == {role}

    menu = _menu(user)

    allowed = [
        (reverse(page.url_name), str(page.label))
        for page in registered_pages()
        if (role in page_roles(page.url_name) or ANY_SIGNED_IN in page_roles(page.url_name))
        and (page.visible is None or page.visible(user))
    ]
    assert menu == [(reverse("dashboard"), "ダッシュボード"), *allowed]
    assert [label for _url, label in menu] == EXPECTED_MENU[role]


@pytest.mark.django_db
def test_menu_of_a_coordinator_who_is_also_institution_admin_has_no_invitation_link_but_the_staff_pages():
    user = staff_user(Role.INSTITUTION_ADMIN)
    MembershipFactory(user=user, organization=CoordinatorOrgFactory(), role=Role.COORDINATOR)
    user = type(user).objects.get(pk=user.pk)
    assert user.roles == {Role.INSTITUTION_ADMIN, Role.COORDINATOR}

    labels = [label for _url, label in _menu(user)]

    assert "職員の招待" not in labels
    assert labels[-4:] == ["職員の管理", "支店の管理", "地域ネットワーク", "官民連携"]
    assert "交流会の運営" in labels


@pytest.mark.django_db
def test_menu_ends_with_the_admin_site_for_staff_accounts():
    user = staff_user(Role.LOCAL_GOVERNMENT)
    user.is_staff = True
    user.save(update_fields=["is_staff"])

    assert [label for _url, label in _menu(user)] == [
        "ダッシュボード",
        "統計",
        "地域ネットワーク",
        "官民連携",
        "管理サイト",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "titles"),
    [
        (
            Role.BANK_STAFF,
            ["取引先企業を登録しましょう", "取引先企業を確認しましょう", "新現役を探しましょう"],
        ),
        (
            Role.INSTITUTION_ADMIN,
            [
                "取引先企業を登録しましょう",
                "取引先企業を確認しましょう",
                "新現役を探しましょう",
                "職員と支店を管理しましょう",
            ],
        ),
        (Role.COORDINATOR, ["新現役を探しましょう", "職員を招待しましょう"]),
        (Role.LOCAL_GOVERNMENT, []),
    ],
)
def test_dashboard_steps_of_each_staff_role_come_from_the_registry(role, titles):
    user = _user(role)
    client = Client()
    client.force_login(user)

    steps = client.get(reverse("dashboard")).context["steps"]

    assert [step["title"] for step in steps] == titles
    for step in steps:
        assert role in page_roles(next(s.url_name for s in registered_steps() if str(s.title) == step["title"]))


# The permission matrix's columns, by the role their user holds.
COLUMN_ROLES = {
    "senior": SENIOR,
    "staff": Role.BANK_STAFF,
    "admin": Role.INSTITUTION_ADMIN,
    "coord": Role.COORDINATOR,
    "alumni": Role.ALUMNI_OFFICE,
    "lg": Role.LOCAL_GOVERNMENT,
    "other": Role.BANK_STAFF,
}


@pytest.mark.parametrize("url_name", sorted({p.url_name for p in registered_pages()}))
def test_permission_matrix_opens_a_menu_page_to_exactly_the_roles_its_view_declares(url_name):
    expected = dict(zip(COLUMNS, ALL_ROWS[url_name].expect, strict=True))
    roles = page_roles(url_name)

    opened = {column for column, role in COLUMN_ROLES.items() if expected[column] == 200}
    if ANY_SIGNED_IN in roles:
        # Open to every signed-in user; what they find is the data's answer (a 404 where there is nothing
        # for them, e.g. an alumni network they do not belong to). Only the anonymous are sent to sign in.
        assert expected["anon"] == 302
        assert all(expected[column] in (200, 404) for column in COLUMN_ROLES), expected
        return
    assert opened == {column for column, role in COLUMN_ROLES.items() if role in roles}


def test_page_urls_are_reversed_once_per_script_prefix_and_forgotten_with_the_url_configuration(settings):
    # The menu asks for the same dozen addresses on every page: sks.pages.page_url keeps them, per script prefix
    # (a site served under /sks/ gets its own), and forgets them when the URL configuration changes.
    from django.urls import clear_script_prefix, set_script_prefix

    from sks.pages import _page_url, page_url

    path = reverse("dashboard")
    assert page_url("dashboard") == path
    try:
        set_script_prefix("/sks/")
        assert page_url("dashboard") == "/sks" + path
    finally:
        clear_script_prefix()
    assert page_url("dashboard") == reverse("dashboard")
    assert _page_url.cache_info().currsize >= 2

    settings.ROOT_URLCONF = settings.ROOT_URLCONF  # a change of the setting, as override_settings sends it
    assert _page_url.cache_info().currsize == 0
