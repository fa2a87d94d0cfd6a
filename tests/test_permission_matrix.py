"""The permission matrix, in the style of pretix's: every URL pattern of the project has a row.

A row says what each kind of user gets for the page (HTTP status of a plain request). The test fails
when a URL pattern has no row, so every new view must state who may see it. Columns:

    anon    not signed in
    senior  a 新現役
    staff   bank staff of institution A (which owns the fixtures)
    admin   institution admin of institution A
    coord   coordinator
    alumni  alumni office staff
    lg      local government staff
    other   bank staff of institution B (another institution)

404 means "not for you" as well as "missing" (DESIGN.md: anything not allowed answers 404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from participants.services import invitation_create
from sks.roles import Role
from tests.factories import (
    BranchFactory,
    CompanyFactory,
    OrganizationFactory,
    company_import_token,
    searchable_senior,
    senior_user,
    staff_user,
)

COLUMNS = ("anon", "senior", "staff", "admin", "coord", "alumni", "lg", "other")


@dataclass(frozen=True)
class Row:
    expect: tuple[int, ...]
    url: Callable[[dict[str, Any]], str] | None = None
    method: str = "get"
    note: str = field(default="")

    def __post_init__(self) -> None:
        assert len(self.expect) == len(COLUMNS)


def everyone(status: int) -> tuple[int, ...]:
    return (status,) * len(COLUMNS)


def signed_in(anon: int, status: int) -> tuple[int, ...]:
    return (anon,) + (status,) * (len(COLUMNS) - 1)


#                     anon senior staff admin coord alumni lg  other
ROWS: dict[str, Row] = {
    "home": Row(signed_in(200, 302)),
    "dashboard": Row(signed_in(302, 200)),
    "healthz": Row(everyone(200)),
    "set_language": Row(everyone(302), note="GET only redirects; the switch is a POST form"),
    # allauth: signed-in users are sent away from the entrance pages.
    "account_login": Row(signed_in(200, 302)),
    "account_logout": Row(signed_in(302, 200)),
    "account_inactive": Row(everyone(200)),
    "account_signup": Row(signed_in(200, 302)),
    "account_reauthenticate": Row(signed_in(302, 200)),
    "account_email": Row(signed_in(302, 200)),
    "account_email_verification_sent": Row(everyone(200)),
    "account_change_password": Row(signed_in(302, 200)),
    "account_set_password": Row(signed_in(302, 302), note="demo users have passwords: sent to change"),
    "account_reset_password": Row(everyone(200)),
    "account_reset_password_done": Row(everyone(200)),
    "account_reset_password_from_key": Row(
        everyone(200), url=lambda c: reverse("account_reset_password_from_key", args=["1", "bad-key"])
    ),
    "account_reset_password_from_key_done": Row(everyone(200)),
    "account_confirm_login_code": Row(everyone(302), note="login by code is off"),
    "account_confirm_email": Row(
        everyone(200), url=lambda c: reverse("account_confirm_email", args=["not-a-real-key"])
    ),
    "mfa_index": Row(signed_in(302, 200)),
    "mfa_authenticate": Row(everyone(302), note="only inside a login in progress"),
    "mfa_reauthenticate": Row((302, 302, 200, 200, 200, 200, 200, 200), note="senior has no MFA to use"),
    "mfa_activate_totp": Row(everyone(302), note="senior: reauthenticate first; staff: already enrolled"),
    "mfa_deactivate_totp": Row((302, 404, 302, 302, 302, 302, 302, 302), note="senior has none to deactivate"),
    "mfa_view_recovery_codes": Row(
        (302, 404, 302, 302, 302, 302, 302, 302), note="senior has none; staff reauthenticate"
    ),
    "mfa_generate_recovery_codes": Row((302, 302, 302, 302, 302, 302, 302, 302), note="reauthentication first"),
    "mfa_download_recovery_codes": Row(
        (302, 404, 302, 302, 302, 302, 302, 302), note="senior has none; staff reauthenticate"
    ),
    "usersessions_list": Row(signed_in(302, 200)),
    #                                   anon senior staff admin coord alumni lg  other
    "participants:company_list": Row((302, 404, 200, 200, 404, 404, 404, 200), note="other sees only its own"),
    "participants:company_detail": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:company_detail", args=[c["company"].pk]),
    ),
    "participants:invitation_list": Row((302, 404, 404, 200, 200, 404, 404, 404)),
    "participants:invitation_revoke": Row(
        (302, 404, 404, 302, 302, 404, 404, 404),
        url=lambda c: reverse("participants:invitation_revoke", args=[c["invitation"].pk]),
        method="post",
    ),
    "participants:invitation_accept": Row(
        everyone(200), url=lambda c: reverse("participants:invitation_accept", args=[c["token"]])
    ),
    "participants:senior_profile_edit": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    # --- companies ---
    "participants:company_create": Row((302, 404, 200, 200, 404, 404, 404, 200), note="other registers for its own"),
    "participants:company_edit": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:company_edit", args=[c["company"].pk]),
    ),
    "participants:company_import": Row((302, 404, 200, 200, 404, 404, 404, 200), note="other imports into its own"),
    "participants:company_import_confirm": Row(
        (302, 404, 200, 404, 404, 404, 404, 404),
        url=lambda c: reverse("participants:company_import_confirm", args=[company_import_token(c["users"]["staff"])]),
        note="the uploader only: a colleague of the same institution gets 404 too",
    ),
    "participants:company_export": Row((302, 404, 200, 200, 404, 404, 404, 200), note="other exports only its own"),
    # --- seniors ---
    # A senior's own pages: only the senior themself; everyone else 404, anonymous users to the login.
    "participants:senior_profile_step": Row(
        (302, 200, 404, 404, 404, 404, 404, 404),
        url=lambda c: reverse("participants:senior_profile_step", args=[1]),
    ),
    "participants:senior_pledge": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    "participants:senior_consent": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    "participants:senior_consent_withdraw": Row(
        (302, 302, 404, 404, 404, 404, 404, 404), method="post", note="senior: back to the consent page"
    ),
    "participants:senior_data_export": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    "participants:senior_data_export_json": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    "participants:senior_delete": Row((302, 200, 404, 404, 404, 404, 404, 404), note="GET: the confirmation page"),
    # --- search ---
    "participants:senior_search": Row((302, 404, 200, 200, 200, 404, 404, 200)),
    "participants:senior_detail": Row(
        (302, 404, 200, 200, 200, 404, 404, 200),
        url=lambda c: reverse("participants:senior_detail", args=[searchable_senior().pk]),
        note="seniors belong to no institution: every institution's staff may see a consenting senior",
    ),
    "participants:senior_provisions": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("participants:senior_provisions", args=[searchable_senior().pk]),
    ),
    # --- institution staff and branches ---
    "participants:branch_list": Row((302, 404, 404, 200, 404, 404, 404, 404)),
    "participants:branch_create": Row((302, 404, 404, 200, 404, 404, 404, 404)),
    "participants:branch_edit": Row(
        (302, 404, 404, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:branch_edit", args=[c["company"].branch.pk]),
    ),
    "participants:branch_delete": Row(
        (302, 404, 404, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:branch_delete", args=[c["company"].branch.pk]),
        note="the confirmation page; this branch is in use, so it explains why it stays",
    ),
    "participants:staff_list": Row((302, 404, 404, 200, 404, 404, 404, 404)),
    "participants:staff_edit": Row(
        (302, 404, 404, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:staff_edit", args=[c["users"]["staff"].memberships.get().pk]),
    ),
    "participants:staff_deactivate": Row(
        (302, 404, 404, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:staff_deactivate", args=[c["users"]["staff"].memberships.get().pk]),
        note="the confirmation page",
    ),
    "participants:staff_reactivate": Row(
        (302, 404, 404, 302, 404, 404, 404, 404),
        url=lambda c: reverse("participants:staff_reactivate", args=[c["users"]["staff"].memberships.get().pk]),
        method="post",
        note="already active: the admin is told so and sent back to the list",
    ),
}

# The Django admin: one row for its whole namespace, checked on its index and login pages.
# Only platform operators (is_staff, with MFA) get in; signed-in non-staff are refused by allauth's
# secure_admin_login.
NAMESPACE_ROWS: dict[str, dict[str, Row]] = {
    "admin": {
        "admin:index": Row(everyone(302)),
        "admin:login": Row(signed_in(302, 403)),
    },
}


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from _walk(pattern, ns)
        elif isinstance(pattern, URLPattern):
            yield ":".join(filter(None, [namespace, pattern.name or "<unnamed>"]))


def all_url_names() -> list[str]:
    return sorted(set(_walk(get_resolver())))


def test_every_url_pattern_has_a_row():
    missing = [name for name in all_url_names() if name not in ROWS and name.split(":")[0] not in NAMESPACE_ROWS]

    assert missing == [], "add a row to ROWS in tests/test_permission_matrix.py for: " + ", ".join(missing)


def test_no_row_without_a_url_pattern():
    names = set(all_url_names())
    assert sorted(set(ROWS) - names) == []


@pytest.fixture
def world(db, unscoped) -> dict[str, Any]:
    bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
    admin_a = staff_user(Role.INSTITUTION_ADMIN, bank_a)
    users = {
        "anon": None,
        "senior": senior_user(),
        "staff": staff_user(Role.BANK_STAFF, bank_a),
        "admin": admin_a,
        "coord": staff_user(Role.COORDINATOR),
        "alumni": staff_user(Role.ALUMNI_OFFICE, OrganizationFactory(name="政策金融公庫")),
        "lg": staff_user(Role.LOCAL_GOVERNMENT),
        "other": staff_user(Role.BANK_STAFF, bank_b),
    }
    company = CompanyFactory(institution=bank_a, branch=BranchFactory(organization=bank_a))
    invitation, token = invitation_create(
        by=admin_a, email="invited@example.jp", organization=bank_a, role=Role.BANK_STAFF
    )
    return {"users": users, "company": company, "invitation": invitation, "token": token}


ALL_ROWS = {**ROWS, **{k: v for rows in NAMESPACE_ROWS.values() for k, v in rows.items()}}


@pytest.mark.parametrize("name", sorted(ALL_ROWS))
def test_permission_matrix(world, name):
    row = ALL_ROWS[name]
    url = row.url(world) if row.url else reverse(name)
    got = []
    for column in COLUMNS:
        client = Client()
        user = world["users"][column]
        if user is not None:
            client.force_login(user)
        got.append(getattr(client, row.method)(url).status_code)

    assert dict(zip(COLUMNS, got, strict=True)) == dict(zip(COLUMNS, row.expect, strict=True))
