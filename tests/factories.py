from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from participants.enums import FinancialInstitutionType, OrganizationKind
from participants.models import Branch, Company, Membership, Organization, SeniorProfile, User
from sks.roles import Role

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    name = factory.Sequence(lambda n: f"利用者{n}")
    name_kana = "リヨウシャ"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"テスト信用金庫{n}")
    kind = OrganizationKind.FINANCIAL_INSTITUTION
    institution_type = FinancialInstitutionType.SHINKIN
    prefecture = "13"


class CoordinatorOrgFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"コーディネート団体{n}")
    kind = OrganizationKind.COORDINATOR
    institution_type = ""


class LocalGovernmentFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"テスト市{n}")
    kind = OrganizationKind.LOCAL_GOVERNMENT
    institution_type = ""


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"第{n}支店")
    code = factory.Sequence(lambda n: f"{n:03d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.BANK_STAFF


class SeniorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeniorProfile

    user = factory.SubFactory(UserFactory)
    birth_year = 1958
    prefecture = "14"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    institution = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"株式会社テスト製作所{n}")
    name_kana = "テストセイサクショ"
    prefecture = "13"
    city = "大田区"


def enrol_totp(user: User) -> str:
    """Give `user` a TOTP authenticator and recovery codes, as enrolment does, and return the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def staff_user(role: str, organization: Organization | None = None, *, mfa: bool = True, **kwargs: object) -> User:
    if organization is None:
        organization = {
            Role.COORDINATOR: CoordinatorOrgFactory,
            Role.LOCAL_GOVERNMENT: LocalGovernmentFactory,
        }.get(role, OrganizationFactory)()
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organization=organization, role=role)
    if mfa:
        enrol_totp(user)
    return User.objects.get(pk=user.pk)


def senior_user(**kwargs: object) -> User:
    profile = SeniorProfileFactory(user=UserFactory(**kwargs))
    return User.objects.get(pk=profile.user.pk)


# --- search ---
def searchable_senior(*, user: User | None = None, **profile_fields: object) -> SeniorProfile:
    """A senior institutions may see: a standing consent to the purpose in force (reference data)."""
    # Imported here so that this area's additions stay in this block (the file is shared by areas).
    from participants.models import Consent, ConsentPurpose
    from participants.services import senior_refresh_search_text

    profile = SeniorProfileFactory(user=user or UserFactory(), **profile_fields)
    Consent.objects.create(senior=profile, purpose=ConsentPurpose.objects.order_by("-effective_from").first())
    senior_refresh_search_text(profile=profile)
    return profile


# --- companies ---
def corporate_number(body: int | str) -> str:
    """A valid 法人番号: the check digit (国税庁 rule) in front of a 12-digit body."""
    digits = f"{int(body):012d}"
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(digits)))
    return f"{9 - total % 9}{digits}"


def company_import_token(
    user: User, content: bytes = "企業名\n株式会社取込テスト\n".encode(), filename: str = "companies.csv"
) -> str:
    """An upload kept for `user`'s confirmation page, as the upload view leaves it; returns the token."""
    # Imported here so that this area's additions stay in this block (the file is shared by areas).
    from participants.services import company_import_store

    institution = Organization.objects.get(pk=user.institution_ids[0])
    return company_import_store(by=user, institution=institution, content=content, filename=filename)
