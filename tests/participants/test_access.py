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
