"""An institution admin manages its own staff (/institution/staff/)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from auditlog.models import LogEntry
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from participants.models import Membership, User
from participants.selectors import membership_list_for
from participants.services import (
    LastAdminError,
    MembershipError,
    membership_deactivate,
    membership_reactivate,
    membership_update,
    user_sessions_end,
)
from sks.exceptions import DomainError
from sks.roles import SENIOR, Role
from tests.access import arranging
from tests.factories import (
    BranchFactory,
    MembershipFactory,
    OrganizationFactory,
    SeniorProfileFactory,
    staff_user,
)
from tests.helpers import assert_isolated

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def bank():
    with arranging():
        return OrganizationFactory(name="さくら台信用金庫")


@pytest.fixture
def admin(bank):
    return staff_user(Role.INSTITUTION_ADMIN, bank, name="管理 花子", email="admin@sakura.example.jp")


@pytest.fixture
def staff(bank):
    return staff_user(Role.BANK_STAFF, bank, name="職員 一郎", email="ichiro@sakura.example.jp")


@pytest.fixture
def other_admin():
    return staff_user(Role.INSTITUTION_ADMIN, OrganizationFactory(name="みなと銀行"))


def _membership(user):
    return Membership.objects.get(user=user)


def _events(membership):
    return [
        entry.additional_data
        for entry in LogEntry.objects.get_for_object(membership).order_by("timestamp", "pk")
        if entry.additional_data and "event" in entry.additional_data
    ]


def _signed_in_client(user):
    """A browser of `user` that has made a request, as after a real login (allauth tracks the session)."""
    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse("dashboard")).status_code == 200
    return browser


def _is_signed_out(browser):
    response = browser.get(reverse("dashboard"))
    return response.status_code == 302 and response.url.startswith(reverse("account_login"))


# --- list ------------------------------------------------------------------------------------------


def test_staff_list_shows_each_members_details(client, admin, staff, bank):
    branch = BranchFactory(organization=bank, name="駅前支店")
    Membership.objects.filter(user=staff).update(branch=branch)
    User.objects.filter(pk=staff.pk).update(last_login=datetime(2026, 4, 1, 9, 30, tzinfo=TOKYO))
    client.force_login(admin)

    response = client.get(reverse("participants:staff_list"))

    rows = {
        m.user.email: (m.user.name, m.branch.name if m.branch else None, m.role, m.is_active, m.mfa_enabled)
        for m in response.context["page"].object_list
    }
    assert rows == {
        "admin@sakura.example.jp": ("管理 花子", None, Role.INSTITUTION_ADMIN, True, True),
        "ichiro@sakura.example.jp": ("職員 一郎", "駅前支店", Role.BANK_STAFF, True, True),
    }
    html = response.content.decode()
    assert "2026年4月1日 09:30" in html
    assert "駅前支店" in html


def test_staff_list_mfa_column_matches_allauth(client, admin, bank):
    no_mfa = staff_user(Role.BANK_STAFF, bank, mfa=False)
    client.force_login(admin)

    response = client.get(reverse("participants:staff_list"))

    flags = {m.user_id: m.mfa_enabled for m in response.context["page"].object_list}
    assert flags == {
        admin.pk: is_mfa_enabled(admin, types=["totp"]),
        no_mfa.pk: is_mfa_enabled(no_mfa, types=["totp"]),
    }
    assert flags == {admin.pk: True, no_mfa.pk: False}
    assert "未登録" in response.content.decode()


def test_staff_list_other_institution_staff_not_shown(client, admin, other_admin):
    staff_user(Role.BANK_STAFF, other_admin.memberships.get().organization, email="secret@minato.example.jp")
    client.force_login(admin)

    response = client.get(reverse("participants:staff_list"))

    assert [m.user for m in response.context["page"].object_list] == [admin]
    assert "secret@minato.example.jp" not in response.content.decode()


def test_staff_list_alumni_office_of_same_institution_not_managed_here(admin, bank):
    staff_user(Role.ALUMNI_OFFICE, bank)

    members = list(membership_list_for(user=admin))

    assert [m.user for m in members] == [admin]


def test_staff_list_queries_constant(client, admin, bank, django_assert_max_num_queries):
    client.force_login(admin)
    client.get(reverse("participants:staff_list"))  # warm the session
    with django_assert_max_num_queries(14) as one_row:
        client.get(reverse("participants:staff_list"))
    for i in range(9):
        staff_user(Role.BANK_STAFF, bank, mfa=i % 2 == 0)
        Membership.objects.filter(branch__isnull=True, role=Role.BANK_STAFF).update(
            branch=BranchFactory(organization=bank)
        )

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get(reverse("participants:staff_list"))

    assert len(response.context["page"].object_list) == 10


def test_staff_list_links_to_invitations(client, admin):
    client.force_login(admin)

    html = client.get(reverse("participants:staff_list")).content.decode()

    assert f'href="{reverse("participants:invitation_list")}"' in html


def test_staff_list_bank_staff_gets_404(client, staff):
    client.force_login(staff)

    response = client.get(reverse("participants:staff_list"))

    assert response.status_code == 404


def test_staff_list_coordinator_gets_404(client):
    client.force_login(staff_user(Role.COORDINATOR))

    response = client.get(reverse("participants:staff_list"))

    assert response.status_code == 404


# --- inviting to a branch --------------------------------------------------------------------------


def test_invitation_to_branch_from_staff_page_adds_member_at_that_branch(client, admin, bank):
    branch = BranchFactory(organization=bank, name="駅前支店")
    client.force_login(admin)
    staff_page = client.get(reverse("participants:staff_list")).content.decode()
    invite_url = re.search(r'href="([^"]+)">職員を招待する<', staff_page).group(1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        invited = client.post(
            invite_url,
            {"email": "new@sakura.example.jp", "organization": bank.pk, "branch": branch.pk, "role": Role.BANK_STAFF},
        )
    link = re.search(r"https?://[^/]+(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)
    client.logout()
    client.post(
        link,
        {
            "email": "new@sakura.example.jp",
            "name": "新人 職員",
            "name_kana": "シンジン ショクイン",
            "password1": "Kinyu-shokuin-77",
            "password2": "Kinyu-shokuin-77",
        },
    )
    client.force_login(admin)

    response = client.get(reverse("participants:staff_list"))

    assert invited.status_code == 302
    rows = {m.user.email: (m.branch.name if m.branch else None, m.role) for m in response.context["page"].object_list}
    assert rows["new@sakura.example.jp"] == ("駅前支店", Role.BANK_STAFF)


def test_invitation_branch_of_other_institution_is_refused(client, admin, bank, other_admin):
    other_branch = BranchFactory(organization=other_admin.memberships.get().organization)
    client.force_login(admin)

    response = client.post(
        reverse("participants:invitation_list"),
        {"email": "x@example.jp", "organization": bank.pk, "branch": other_branch.pk, "role": Role.BANK_STAFF},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["branch"]


# --- role and branch -------------------------------------------------------------------------------


def test_staff_edit_promotes_to_admin_and_audits(client, admin, staff):
    membership = _membership(staff)
    client.force_login(admin)

    response = client.post(reverse("participants:staff_edit", args=[membership.pk]), {"role": Role.INSTITUTION_ADMIN})

    assert response.status_code == 302
    assert response.url == reverse("participants:staff_list")
    membership.refresh_from_db()
    assert membership.role == Role.INSTITUTION_ADMIN
    assert _events(membership) == [
        {"event": "membership.role_changed", "from": Role.BANK_STAFF, "to": Role.INSTITUTION_ADMIN}
    ]
    assert LogEntry.objects.get_for_object(membership).filter(additional_data__isnull=False).get().actor == admin


def test_staff_edit_moves_to_branch_and_audits(client, admin, staff, bank):
    branch = BranchFactory(organization=bank)
    membership = _membership(staff)
    client.force_login(admin)

    client.post(
        reverse("participants:staff_edit", args=[membership.pk]), {"role": Role.BANK_STAFF, "branch": branch.pk}
    )

    membership.refresh_from_db()
    assert membership.branch == branch
    assert _events(membership) == [{"event": "membership.branch_changed", "from": None, "to": branch.pk}]


def test_staff_edit_branch_of_other_institution_error_beside_field(client, admin, staff, other_admin):
    other_branch = BranchFactory(organization=other_admin.memberships.get().organization)
    membership = _membership(staff)
    client.force_login(admin)

    response = client.post(
        reverse("participants:staff_edit", args=[membership.pk]), {"role": Role.BANK_STAFF, "branch": other_branch.pk}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["branch"]
    assert _membership(staff).branch is None


def test_staff_edit_unknown_role_error_beside_field(client, admin, staff):
    membership = _membership(staff)
    client.force_login(admin)

    response = client.post(reverse("participants:staff_edit", args=[membership.pk]), {"role": Role.COORDINATOR})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["role"]
    assert _membership(staff).role == Role.BANK_STAFF


def test_staff_edit_last_admin_cannot_demote_self(client, admin):
    membership = _membership(admin)
    client.force_login(admin)

    response = client.post(reverse("participants:staff_edit", args=[membership.pk]), {"role": Role.BANK_STAFF})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": [
            "あなたはこの金融機関で最後の有効な管理者のため、この変更はできません。先に別の職員を管理者にしてください。"
        ]
    }
    assert _membership(admin).role == Role.INSTITUTION_ADMIN


def test_staff_edit_admin_can_demote_self_when_another_admin_exists(client, admin, bank):
    staff_user(Role.INSTITUTION_ADMIN, bank)
    membership = _membership(admin)
    client.force_login(admin)

    response = client.post(reverse("participants:staff_edit", args=[membership.pk]), {"role": Role.BANK_STAFF})

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert _membership(admin).role == Role.BANK_STAFF
    assert client.get(reverse("participants:staff_list")).status_code == 404


def test_staff_edit_inactive_other_admin_does_not_count_as_admin(admin, bank):
    other = staff_user(Role.INSTITUTION_ADMIN, bank)
    Membership.objects.filter(user=other).update(is_active=False)

    with pytest.raises(LastAdminError):
        membership_update(membership=_membership(admin), by=admin, role=Role.BANK_STAFF, branch=None)


def test_staff_edit_role_already_held_error_beside_field(client, admin, staff, bank):
    MembershipFactory(user=staff, organization=bank, role=Role.INSTITUTION_ADMIN, is_active=False)
    membership = Membership.objects.get(user=staff, role=Role.BANK_STAFF)
    client.force_login(admin)

    response = client.post(reverse("participants:staff_edit", args=[membership.pk]), {"role": Role.INSTITUTION_ADMIN})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": ["この方はこの金融機関で、すでにこの役割の所属を持っています。一覧で確認してください。"]
    }
    assert Membership.objects.get(pk=membership.pk).role == Role.BANK_STAFF


def test_membership_update_by_bank_staff_raises(staff, admin):
    with pytest.raises(DomainError):
        membership_update(membership=_membership(admin), by=staff, role=Role.BANK_STAFF, branch=None)

    assert _membership(admin).role == Role.INSTITUTION_ADMIN


# --- deactivate ------------------------------------------------------------------------------------


def test_staff_deactivate_switches_off_membership_and_account_and_audits(client, admin, staff):
    membership = _membership(staff)
    client.force_login(admin)

    response = client.post(reverse("participants:staff_deactivate", args=[membership.pk]))

    assert response.status_code == 302
    assert response.url == reverse("participants:staff_list")
    assert _membership(staff).is_active is False
    assert User.objects.get(pk=staff.pk).is_active is False
    assert _events(membership) == [{"event": "membership.deactivated", "user_deactivated": True, "sessions_ended": 0}]


def test_staff_deactivate_signs_out_the_members_browsers_at_once(client, admin, staff):
    phone, desktop = _signed_in_client(staff), _signed_in_client(staff)
    client.force_login(admin)

    client.post(reverse("participants:staff_deactivate", args=[_membership(staff).pk]))

    assert (_is_signed_out(phone), _is_signed_out(desktop)) == (True, True)
    assert UserSession.objects.filter(user=staff).count() == 0
    assert _events(_membership(staff))[0]["sessions_ended"] == 2


def test_staff_deactivate_senior_keeps_account_but_is_signed_out(client, admin, staff):
    SeniorProfileFactory(user=staff)
    browser = _signed_in_client(staff)
    client.force_login(admin)

    client.post(reverse("participants:staff_deactivate", args=[_membership(staff).pk]))

    assert User.objects.get(pk=staff.pk).is_active is True
    assert User.objects.get(pk=staff.pk).roles == frozenset({SENIOR})
    assert _is_signed_out(browser) is True


def test_staff_deactivate_member_elsewhere_keeps_account_but_is_signed_out(client, admin, staff):
    MembershipFactory(user=staff, organization=OrganizationFactory(name="別の信用組合"), role=Role.BANK_STAFF)
    browser = _signed_in_client(staff)
    client.force_login(admin)

    client.post(
        reverse(
            "participants:staff_deactivate",
            args=[Membership.objects.get(user=staff, organization__name="さくら台信用金庫").pk],
        )
    )

    assert User.objects.get(pk=staff.pk).is_active is True
    assert _is_signed_out(browser) is True


def test_user_sessions_end_untracked_session_is_ended_too(staff):
    browser = Client()
    browser.force_login(staff)  # a login outside allauth, before any request: no UserSession yet
    assert UserSession.objects.filter(user=staff).count() == 0

    ended = user_sessions_end(user=staff)

    assert ended == 1
    assert Session.objects.count() == 0
    assert _is_signed_out(browser) is True


def test_user_sessions_end_leaves_other_users_signed_in(admin, staff):
    admin_browser = _signed_in_client(admin)
    _signed_in_client(staff)

    user_sessions_end(user=staff)

    assert _is_signed_out(admin_browser) is False


def test_staff_deactivate_last_admin_cannot_deactivate_self(client, admin):
    membership = _membership(admin)
    client.force_login(admin)

    response = client.post(reverse("participants:staff_deactivate", args=[membership.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "あなたはこの金融機関で最後の有効な管理者のため、この変更はできません。先に別の職員を管理者にしてください。"
    ]
    assert _membership(admin).is_active is True
    assert User.objects.get(pk=admin.pk).is_active is True


def test_staff_deactivate_self_with_another_admin_signs_out(client, admin, bank):
    staff_user(Role.INSTITUTION_ADMIN, bank)
    membership = _membership(admin)
    client.force_login(admin)

    response = client.post(reverse("participants:staff_deactivate", args=[membership.pk]))

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert _membership(admin).is_active is False
    assert _is_signed_out(client) is True


def test_staff_deactivate_confirmation_page_shows_member(client, admin, staff):
    client.force_login(admin)

    response = client.get(reverse("participants:staff_deactivate", args=[_membership(staff).pk]))

    assert response.status_code == 200
    assert "ichiro@sakura.example.jp" in response.content.decode()
    assert _membership(staff).is_active is True


def test_membership_deactivate_twice_raises(admin, staff):
    membership_deactivate(membership=_membership(staff), by=admin)

    with pytest.raises(MembershipError):
        membership_deactivate(membership=_membership(staff), by=admin)


def test_staff_deactivated_member_cannot_log_in(client, admin, staff):
    membership_deactivate(membership=_membership(staff), by=admin)

    response = client.post(
        reverse("account_login"), {"login": "ichiro@sakura.example.jp", "password": "correct-horse-battery-9"}
    )

    assert (response.status_code, response.url) == (302, reverse("account_inactive"))
    assert "_auth_user_id" not in client.session


# --- reactivate ------------------------------------------------------------------------------------


def test_staff_reactivate_restores_membership_and_account_and_audits(client, admin, staff):
    membership_deactivate(membership=_membership(staff), by=admin)
    client.force_login(admin)

    response = client.post(reverse("participants:staff_reactivate", args=[_membership(staff).pk]))

    assert response.status_code == 302
    assert _membership(staff).is_active is True
    assert User.objects.get(pk=staff.pk).is_active is True
    assert User.objects.get(pk=staff.pk).roles == frozenset({Role.BANK_STAFF})
    assert [e["event"] for e in _events(_membership(staff))] == ["membership.deactivated", "membership.reactivated"]
    assert _events(_membership(staff))[-1]["user_reactivated"] is True


def test_staff_reactivate_active_member_says_so(client, admin, staff):
    client.force_login(admin)

    response = client.post(reverse("participants:staff_reactivate", args=[_membership(staff).pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["この所属はすでに有効です。"]


def test_staff_list_offers_reactivation_for_inactive_member(client, admin, staff):
    membership_deactivate(membership=_membership(staff), by=admin)
    client.force_login(admin)

    html = client.get(reverse("participants:staff_list")).content.decode()

    assert reverse("participants:staff_reactivate", args=[_membership(staff).pk]) in html
    assert reverse("participants:staff_deactivate", args=[_membership(staff).pk]) not in html


def test_membership_reactivate_by_other_institution_admin_raises(admin, staff, other_admin):
    membership_deactivate(membership=_membership(staff), by=admin)

    with pytest.raises(DomainError):
        membership_reactivate(membership=_membership(staff), by=other_admin)

    assert _membership(staff).is_active is False


# --- isolation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["staff_edit", "staff_deactivate"])
def test_staff_pages_other_institution_admin_gets_404(admin, staff, other_admin, name):
    url = reverse(f"participants:{name}", args=[_membership(staff).pk])

    assert_isolated(url, owner=admin, outsider=other_admin)


def test_staff_reactivate_other_institution_admin_gets_404(admin, staff, other_admin):
    membership_deactivate(membership=_membership(staff), by=admin)
    url = reverse("participants:staff_reactivate", args=[_membership(staff).pk])

    assert_isolated(url, owner=admin, outsider=other_admin, method="post")


def test_staff_edit_post_other_institution_admin_gets_404(client, staff, other_admin):
    client.force_login(other_admin)

    response = client.post(
        reverse("participants:staff_edit", args=[_membership(staff).pk]), {"role": Role.INSTITUTION_ADMIN}
    )

    assert response.status_code == 404
    assert _membership(staff).role == Role.BANK_STAFF


def test_staff_deactivate_post_other_institution_admin_gets_404(client, staff, other_admin):
    client.force_login(other_admin)

    response = client.post(reverse("participants:staff_deactivate", args=[_membership(staff).pk]))

    assert response.status_code == 404
    assert _membership(staff).is_active is True
    assert User.objects.get(pk=staff.pk).is_active is True


def test_staff_reactivate_post_other_institution_admin_gets_404_and_changes_nothing(client, admin, staff, other_admin):
    membership_deactivate(membership=_membership(staff), by=admin)
    client.force_login(other_admin)

    response = client.post(reverse("participants:staff_reactivate", args=[_membership(staff).pk]))

    assert response.status_code == 404
    assert _membership(staff).is_active is False


def test_staff_pages_bank_staff_of_same_institution_get_404(client, admin, staff):
    client.force_login(staff)
    admin_membership = _membership(admin)

    statuses = [
        client.post(
            reverse("participants:staff_edit", args=[admin_membership.pk]), {"role": Role.BANK_STAFF}
        ).status_code,
        client.post(reverse("participants:staff_deactivate", args=[admin_membership.pk])).status_code,
    ]

    assert statuses == [404, 404]
    assert (_membership(admin).role, _membership(admin).is_active) == (Role.INSTITUTION_ADMIN, True)
