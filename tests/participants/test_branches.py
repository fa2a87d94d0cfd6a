"""An institution admin manages its own branches (/institution/branches/)."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from participants.models import Branch, Membership, StaffInvitation
from participants.services import BranchInUseError, branch_create, branch_delete, invitation_create
from sks.exceptions import DomainError
from sks.roles import Role
from tests.access import arranging
from tests.factories import BranchFactory, CompanyFactory, MembershipFactory, OrganizationFactory, staff_user
from tests.helpers import assert_isolated

pytestmark = pytest.mark.django_db

NEW_BRANCH = {"name": "駅前支店", "code": "012", "prefecture": "13", "city": "大田区"}


@pytest.fixture
def bank():
    with arranging():
        return OrganizationFactory(name="さくら台信用金庫")


@pytest.fixture
def admin(bank):
    return staff_user(Role.INSTITUTION_ADMIN, bank)


@pytest.fixture
def other_admin():
    return staff_user(Role.INSTITUTION_ADMIN, OrganizationFactory(name="みなと銀行"))


def _events(obj):
    return [
        entry.additional_data["event"]
        for entry in LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")
        if entry.additional_data and "event" in entry.additional_data
    ]


# --- list ------------------------------------------------------------------------------------------


def test_branch_list_shows_own_branches_with_usage(client, admin, bank):
    used = BranchFactory(organization=bank, name="本店営業部", code="001")
    CompanyFactory(institution=bank, branch=used)
    MembershipFactory(organization=bank, branch=used)
    BranchFactory(organization=bank, name="空き支店", code="002")
    client.force_login(admin)

    response = client.get(reverse("participants:branch_list"))

    assert response.status_code == 200
    rows = [(b.name, b.company_count, b.member_count) for b in response.context["page"].object_list]
    # The admin's own membership has no branch, so it counts for neither.
    assert rows == [("本店営業部", 1, 1), ("空き支店", 0, 0)]


def test_branch_list_offers_delete_only_for_unused_branches(client, admin, bank):
    used = BranchFactory(organization=bank, name="本店営業部")
    CompanyFactory(institution=bank, branch=used)
    unused = BranchFactory(organization=bank, name="空き支店")
    client.force_login(admin)

    html = client.get(reverse("participants:branch_list")).content.decode()

    assert reverse("participants:branch_delete", args=[unused.pk]) in html
    assert reverse("participants:branch_delete", args=[used.pk]) not in html


def test_branch_list_other_institution_branches_not_shown(client, admin, other_admin):
    BranchFactory(organization=other_admin.memberships.get().organization, name="よその支店")
    client.force_login(admin)

    response = client.get(reverse("participants:branch_list"))

    assert list(response.context["page"].object_list) == []
    assert "よその支店" not in response.content.decode()


def test_branch_list_queries_constant(client, admin, bank, django_assert_max_num_queries):
    CompanyFactory(institution=bank, branch=BranchFactory(organization=bank))
    client.force_login(admin)
    client.get(reverse("participants:branch_list"))  # warm the session
    with django_assert_max_num_queries(14) as one_row:
        client.get(reverse("participants:branch_list"))
    for _ in range(9):
        branch = BranchFactory(organization=bank)
        CompanyFactory(institution=bank, branch=branch)
        MembershipFactory(organization=bank, branch=branch)

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get(reverse("participants:branch_list"))

    assert len(response.context["page"].object_list) == 10


def test_branch_list_bank_staff_gets_404(client, bank):
    client.force_login(staff_user(Role.BANK_STAFF, bank))

    response = client.get(reverse("participants:branch_list"))

    assert response.status_code == 404


def test_branch_list_coordinator_gets_404(client):
    client.force_login(staff_user(Role.COORDINATOR))

    response = client.get(reverse("participants:branch_list"))

    assert response.status_code == 404


# --- create ----------------------------------------------------------------------------------------


def test_branch_create_saves_branch_and_audits(client, admin, bank):
    client.force_login(admin)

    response = client.post(reverse("participants:branch_create"), {"organization": bank.pk, **NEW_BRANCH})

    assert response.status_code == 302
    assert response.url == reverse("participants:branch_list")
    branch = Branch.objects.get(organization=bank)
    assert (branch.name, branch.code, branch.prefecture, branch.city) == ("駅前支店", "012", "13", "大田区")
    assert _events(branch) == ["branch.created"]


def test_branch_create_single_institution_is_preset(client, admin, bank):
    client.force_login(admin)

    html = client.get(reverse("participants:branch_create")).content.decode()

    assert f'<input type="hidden" name="organization" value="{bank.pk}"' in html


def test_branch_create_admin_of_two_institutions_chooses(client, admin, bank):
    second = OrganizationFactory(name="第二信用組合")
    MembershipFactory(user=admin, organization=second, role=Role.INSTITUTION_ADMIN)
    client.force_login(admin)

    response = client.post(reverse("participants:branch_create"), {"organization": second.pk, **NEW_BRANCH})

    assert response.status_code == 302
    assert Branch.objects.get(name="駅前支店").organization == second


def test_branch_create_duplicate_name_error_beside_field(client, admin, bank):
    BranchFactory(organization=bank, name="駅前支店")
    client.force_login(admin)

    response = client.post(reverse("participants:branch_create"), {"organization": bank.pk, **NEW_BRANCH})

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["「駅前支店」という支店はすでに登録されています。"]}
    assert 'id="id_name-errors"' in response.content.decode()
    assert Branch.objects.filter(organization=bank).count() == 1


def test_branch_create_duplicate_name_in_full_width_digits_error(client, admin, bank):
    BranchFactory(organization=bank, name="第1支店")
    client.force_login(admin)

    response = client.post(
        reverse("participants:branch_create"), {"organization": bank.pk, **NEW_BRANCH, "name": "第１支店"}
    )

    assert response.context["form"].errors == {"name": ["「第1支店」という支店はすでに登録されています。"]}


def test_branch_create_same_name_as_other_institution_allowed(client, admin, bank, other_admin):
    BranchFactory(organization=other_admin.memberships.get().organization, name="駅前支店")
    client.force_login(admin)

    response = client.post(reverse("participants:branch_create"), {"organization": bank.pk, **NEW_BRANCH})

    assert response.status_code == 302
    assert Branch.objects.filter(name="駅前支店").count() == 2


def test_branch_create_blank_name_error_beside_field(client, admin, bank):
    client.force_login(admin)

    response = client.post(reverse("participants:branch_create"), {"organization": bank.pk, **NEW_BRANCH, "name": "　"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]
    assert Branch.objects.count() == 0


def test_branch_create_bad_code_error_beside_field(client, admin, bank):
    client.force_login(admin)

    response = client.post(
        reverse("participants:branch_create"), {"organization": bank.pk, **NEW_BRANCH, "code": "駅前"}
    )

    assert response.context["form"].errors == {"code": ["店番は半角の数字・英字で入力してください（例：001）。"]}
    assert Branch.objects.count() == 0


def test_branch_create_full_width_code_is_normalised(client, admin, bank):
    client.force_login(admin)

    client.post(reverse("participants:branch_create"), {"organization": bank.pk, **NEW_BRANCH, "code": "０１２"})

    assert Branch.objects.get().code == "012"


def test_branch_create_unknown_prefecture_error_beside_field(client, admin, bank):
    client.force_login(admin)

    response = client.post(
        reverse("participants:branch_create"), {"organization": bank.pk, **NEW_BRANCH, "prefecture": "99"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["prefecture"]
    assert Branch.objects.count() == 0


def test_branch_create_for_other_institution_is_refused(client, admin, other_admin):
    other_bank = other_admin.memberships.get().organization
    client.force_login(admin)

    response = client.post(reverse("participants:branch_create"), {"organization": other_bank.pk, **NEW_BRANCH})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organization"]
    assert Branch.objects.count() == 0


def test_branch_create_service_by_bank_staff_raises(bank):
    staff = staff_user(Role.BANK_STAFF, bank)

    with pytest.raises(DomainError):
        branch_create(by=staff, organization=bank, name="勝手な支店")

    assert Branch.objects.count() == 0


# --- edit ------------------------------------------------------------------------------------------


def test_branch_edit_saves_changes_and_audits(client, admin, bank):
    branch = BranchFactory(organization=bank, name="旧支店", code="001", prefecture="13", city="")
    client.force_login(admin)

    response = client.post(reverse("participants:branch_edit", args=[branch.pk]), NEW_BRANCH)

    assert response.status_code == 302
    branch.refresh_from_db()
    assert (branch.name, branch.code, branch.prefecture, branch.city) == ("駅前支店", "012", "13", "大田区")
    entry = LogEntry.objects.get_for_object(branch).filter(additional_data__event="branch.updated").get()
    assert entry.additional_data["changed"] == {
        "name": ["旧支店", "駅前支店"],
        "code": ["001", "012"],
        "city": ["", "大田区"],
    }


def test_branch_edit_shows_current_values(client, admin, bank):
    branch = BranchFactory(organization=bank, name="本店営業部", code="001")
    client.force_login(admin)

    response = client.get(reverse("participants:branch_edit", args=[branch.pk]))

    assert response.context["form"]["name"].value() == "本店営業部"
    assert "organization" not in response.context["form"].fields


def test_branch_edit_keeping_own_name_is_allowed(client, admin, bank):
    branch = BranchFactory(organization=bank, name="駅前支店", code="001")
    client.force_login(admin)

    response = client.post(reverse("participants:branch_edit", args=[branch.pk]), NEW_BRANCH)

    assert response.status_code == 302
    assert Branch.objects.get(pk=branch.pk).code == "012"


def test_branch_edit_to_existing_name_error_beside_field(client, admin, bank):
    BranchFactory(organization=bank, name="駅前支店")
    branch = BranchFactory(organization=bank, name="本店営業部")
    client.force_login(admin)

    response = client.post(reverse("participants:branch_edit", args=[branch.pk]), NEW_BRANCH)

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["「駅前支店」という支店はすでに登録されています。"]}
    assert Branch.objects.get(pk=branch.pk).name == "本店営業部"


# --- delete ----------------------------------------------------------------------------------------


def test_branch_delete_unused_deletes_and_audits(client, admin, bank):
    branch = BranchFactory(organization=bank, name="空き支店")
    pk = branch.pk
    client.force_login(admin)

    response = client.post(reverse("participants:branch_delete", args=[pk]))

    assert response.status_code == 302
    assert Branch.objects.filter(pk=pk).exists() is False
    events = [
        e.additional_data["event"]
        for e in LogEntry.objects.filter(object_pk=str(pk), content_type__model="branch")
        if e.additional_data
    ]
    assert events == ["branch.deleted"]


def test_branch_delete_confirmation_page_unused_offers_button(client, admin, bank):
    branch = BranchFactory(organization=bank)
    client.force_login(admin)

    response = client.get(reverse("participants:branch_delete", args=[branch.pk]))

    assert response.context["in_use"] is False
    assert "削除する" in response.content.decode()


def test_branch_delete_confirmation_page_used_explains_instead(client, admin, bank):
    branch = BranchFactory(organization=bank)
    CompanyFactory(institution=bank, branch=branch)
    client.force_login(admin)

    response = client.get(reverse("participants:branch_delete", args=[branch.pk]))

    html = response.content.decode()
    assert response.context["in_use"] is True
    assert "削除できません" in html
    assert "削除する</button>" not in html


def test_branch_delete_with_company_is_refused(client, admin, bank):
    branch = BranchFactory(organization=bank, name="本店営業部")
    CompanyFactory(institution=bank, branch=branch)
    client.force_login(admin)

    response = client.post(reverse("participants:branch_delete", args=[branch.pk]), follow=True)

    assert Branch.objects.filter(pk=branch.pk).exists() is True
    assert [str(m) for m in response.context["messages"]] == [
        "「本店営業部」は企業・職員・未使用の招待に使われているため削除できません。先に担当支店や所属を変更してください。"
    ]


def test_branch_delete_with_inactive_member_is_refused(admin, bank):
    branch = BranchFactory(organization=bank)
    MembershipFactory(organization=bank, branch=branch, is_active=False)

    with pytest.raises(BranchInUseError):
        branch_delete(branch=branch, by=admin)

    assert Branch.objects.filter(pk=branch.pk).exists() is True


def test_branch_delete_with_open_invitation_is_refused(admin, bank):
    branch = BranchFactory(organization=bank)
    invitation_create(by=admin, email="new@example.jp", organization=bank, role=Role.BANK_STAFF, branch=branch)

    with pytest.raises(BranchInUseError):
        branch_delete(branch=branch, by=admin)

    assert Branch.objects.filter(pk=branch.pk).exists() is True


def test_branch_delete_with_only_expired_invitation_is_allowed(admin, bank):
    branch = BranchFactory(organization=bank)
    invitation, _token = invitation_create(
        by=admin, email="new@example.jp", organization=bank, role=Role.BANK_STAFF, branch=branch
    )
    StaffInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))

    branch_delete(branch=branch, by=admin)

    assert Branch.objects.filter(pk=branch.pk).exists() is False


# --- isolation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["branch_edit", "branch_delete"])
def test_branch_pages_other_institution_admin_gets_404(admin, bank, other_admin, name):
    branch = BranchFactory(organization=bank)

    assert_isolated(reverse(f"participants:{name}", args=[branch.pk]), owner=admin, outsider=other_admin)


def test_branch_edit_post_other_institution_admin_gets_404(client, bank, other_admin):
    branch = BranchFactory(organization=bank, name="本店営業部")
    client.force_login(other_admin)

    response = client.post(reverse("participants:branch_edit", args=[branch.pk]), NEW_BRANCH)

    assert response.status_code == 404
    assert Branch.objects.get(pk=branch.pk).name == "本店営業部"


def test_branch_delete_post_other_institution_admin_gets_404(client, bank, other_admin):
    branch = BranchFactory(organization=bank)
    client.force_login(other_admin)

    response = client.post(reverse("participants:branch_delete", args=[branch.pk]))

    assert response.status_code == 404
    assert Branch.objects.filter(pk=branch.pk).exists() is True


def test_branch_pages_bank_staff_of_same_institution_get_404(client, bank):
    branch = BranchFactory(organization=bank)
    client.force_login(staff_user(Role.BANK_STAFF, bank))

    statuses = [
        client.get(reverse("participants:branch_create")).status_code,
        client.get(reverse("participants:branch_edit", args=[branch.pk])).status_code,
        client.post(reverse("participants:branch_delete", args=[branch.pk])).status_code,
    ]

    assert statuses == [404, 404, 404]
    assert Branch.objects.filter(pk=branch.pk).exists() is True


def test_branch_pages_deactivated_admin_gets_404(client, admin, bank):
    branch = BranchFactory(organization=bank)
    Membership.objects.filter(user=admin).update(is_active=False)
    client.force_login(admin)

    response = client.get(reverse("participants:branch_edit", args=[branch.pk]))

    assert response.status_code == 404
