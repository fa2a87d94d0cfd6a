"""participants.access: the company-contact reads that go around the scope stay limited to the person."""

import pytest

from participants.access import contacts_of_companies, is_active_contact_of
from participants.models import CompanyContact
from sks.roles import COMPANY
from tests.access import arranging
from tests.factories import CompanyFactory, UserFactory, company_contact, senior_user

pytestmark = pytest.mark.django_db


def test_is_active_contact_of_own_company_only():
    own, other = CompanyFactory(), CompanyFactory()
    user = company_contact(own)

    assert (
        is_active_contact_of(user=user, company_id=own.pk),
        is_active_contact_of(user=user, company_id=other.pk),
    ) == (
        True,
        False,
    )


def test_company_role_follows_the_active_contact_row():
    company = CompanyFactory()
    user = company_contact(company)
    assert COMPANY in user.roles

    with arranging():
        CompanyContact.objects.filter(user=user).update(is_active=False)
    user.refresh_from_db()  # forgets the roles and account flags cached on the user

    assert COMPANY not in user.roles


def test_contacts_of_companies_only_those_companies():
    first, second = CompanyFactory(), CompanyFactory()
    mine = company_contact(first)
    company_contact(second)

    assert [c.user for c in contacts_of_companies(company_ids=[first.pk])] == [mine]


def test_account_flags_answer_as_the_orm_query_does():
    # User.account_flags runs the ORM's statement compiled once; each flag must read as the queryset reads it.
    from participants.models.accounts import _account_flags_queryset
    from sks.roles import Role
    from tests.factories import staff_user

    people = [
        senior_user(),
        company_contact(CompanyFactory()),
        staff_user(Role.BANK_STAFF),
        staff_user(Role.BANK_STAFF, mfa=False),
        UserFactory(),
    ]
    seen = set()
    for user in people:
        expected = {k: bool(v) for k, v in _account_flags_queryset(user.pk).get().items()}
        assert user.account_flags == expected
        seen.add(tuple(sorted(expected.items())))
    assert len(seen) == len(people)  # every flag told apart, each person differently


def test_active_memberships_read_as_the_orm_query_does(django_assert_num_queries):
    # User.active_memberships runs the ORM's statement compiled once and builds the rows itself: the same
    # memberships, in the same order, with every column of each, its organisation and its branch.
    from participants.models import Membership, User
    from participants.models.accounts import _active_memberships_queryset
    from sks.roles import Role
    from tests.factories import BranchFactory, CoordinatorOrgFactory, MembershipFactory, OrganizationFactory

    def columns(obj):
        return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}

    bank = OrganizationFactory(name="横浜テスト信用金庫")
    branch = BranchFactory(organization=bank, name="関内支店")
    person = UserFactory()
    MembershipFactory(user=person, organization=bank, branch=branch, role=Role.BANK_STAFF)
    MembershipFactory(user=person, organization=bank, role=Role.INSTITUTION_ADMIN)
    MembershipFactory(user=person, organization=CoordinatorOrgFactory(name="あおば交流会"), role=Role.COORDINATOR)
    MembershipFactory(user=person, organization=OrganizationFactory(name="退会済み銀行"), is_active=False)
    other = UserFactory()
    MembershipFactory(user=other, organization=OrganizationFactory())

    for user in (person, other):
        expected = list(_active_memberships_queryset(user.pk))
        fresh = User.objects.get(pk=user.pk)
        fresh.account_flags  # noqa: B018  (read first: the query counted below is the memberships' alone)
        with django_assert_num_queries(1):
            memberships = fresh.active_memberships
            related = [(m.organization, m.branch) for m in memberships]
        assert [m.pk for m in memberships] == [m.pk for m in expected]
        for got, want, (organization, branch) in zip(memberships, expected, related, strict=True):
            assert isinstance(got, Membership)
            assert columns(got) == columns(want)
            assert columns(organization) == columns(want.organization)
            assert (branch and columns(branch)) == (want.branch and columns(want.branch))
            assert not got._state.adding
    assert len(User.objects.get(pk=person.pk).active_memberships) == 3  # the inactive one left out
    assert [m.branch for m in User.objects.get(pk=person.pk).active_memberships].count(None) == 2
