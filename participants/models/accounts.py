from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from localflavor.jp.jp_prefectures import JP_PREFECTURE_CODES

from sks.db import PK_MARKER, CompiledQuery
from sks.models import TimeStampedModel
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR, STAFF_ROLES

from ..enums import ROLES_BY_KIND, FinancialInstitutionType, OrganizationKind, Role
from ..validators import validate_katakana

# JIS X 0401 codes ("01" 北海道 … "47" 沖縄県), labelled in Japanese by localflavor.
PREFECTURE_CHOICES = JP_PREFECTURE_CODES
_PREFECTURE_NAMES = dict(PREFECTURE_CHOICES)


def prefecture_display(self: models.Model) -> str:
    """`get_prefecture_display` for the models with a prefecture: the name, in the active language.

    Django's generated method builds a hashable copy of all 47 choices on every call, translating each lazy
    name to hash it: 20 search results cost 2,000 translations. Set in a model's own class body
    (`get_prefecture_display = prefecture_display`), it replaces Django's (which is only added when absent).
    """
    code = self.prefecture  # type: ignore[attr-defined]  # every model that uses it has the field
    return str(_PREFECTURE_NAMES.get(code, code))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. The email address is the login; roles come from memberships."""

    email = models.EmailField(_("メールアドレス"), unique=True)
    name = models.CharField(_("氏名"), max_length=100, blank=True)
    name_kana = models.CharField(_("氏名（カナ）"), max_length=100, blank=True, validators=[validate_katakana])
    is_active = models.BooleanField(_("有効"), default=True)
    is_staff = models.BooleanField(_("管理サイトへのアクセス"), default=False)
    date_joined = models.DateTimeField(_("登録日時"), default=timezone.now)
    # Emails and notifications are written in this language; the language switch keeps it current.
    language = models.CharField(_("表示言語"), max_length=8, choices=settings.LANGUAGES, default="ja")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email

    # What a request learns once about its user (cached properties below); refresh_from_db forgets them too.
    _REQUEST_CACHES = ("account_flags", "active_memberships", "roles", "institution_ids", "_senior_profile_of")

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        for name in self._REQUEST_CACHES:
            self.__dict__.pop(name, None)

    @cached_property
    def account_flags(self) -> Mapping[str, object]:
        """What every signed-in request asks about its user, in one query: whether they are a 新現役, a company
        contact, have an active membership, and a TOTP authenticator (what allauth's is_mfa_enabled asks).

        The statement is the ORM's (`_account_flags_queryset`), compiled once per process and database: building
        and compiling a query with four subqueries took more time than PostgreSQL took to answer it."""
        rows = _ACCOUNT_FLAGS_QUERY.rows(self.pk)
        return (
            {name: bool(value) for name, value in zip(_ACCOUNT_FLAGS_QUERY.columns, rows[0], strict=True)}
            if rows
            else {}
        )

    @cached_property
    def active_memberships(self) -> list[Membership]:
        """The active memberships with their organisation and branch, as `_active_memberships_queryset` gives
        them, read with its statement compiled once per process and database (every staff request asks: the
        ORM took three times longer to build that statement with its two joins than PostgreSQL to answer)."""
        if not self.account_flags.get("has_membership"):
            return []  # most people (新現役, company contacts, members) have none: no second query
        return _compiled_active_memberships(self.pk)

    @property
    def has_totp(self) -> bool:
        """Whether the user has a TOTP authenticator (allauth's `is_mfa_enabled(user, types=["totp"])`), as it
        stood when this request first asked about the user."""
        return bool(self.account_flags.get("has_totp_authenticator"))

    @cached_property
    def roles(self) -> frozenset[str]:
        roles = {m.role for m in self.active_memberships}
        flags = self.account_flags
        if flags.get("is_senior"):
            roles.add(SENIOR)
        if flags.get("is_contact"):
            roles.add(COMPANY)
        return frozenset(roles)

    @property
    def staff_roles(self) -> frozenset[str]:
        return self.roles & STAFF_ROLES

    @property
    def requires_mfa(self) -> bool:
        return bool(self.staff_roles) or self.is_staff or self.is_superuser

    @cached_property
    def institution_ids(self) -> list[int]:
        """Financial institutions whose client companies this user may see."""
        return sorted(
            {
                m.organization_id
                for m in self.active_memberships
                if m.role in INSTITUTION_ROLES and m.organization.kind == OrganizationKind.FINANCIAL_INSTITUTION
            }
        )


class Organization(TimeStampedModel):
    name = models.CharField(_("名称"), max_length=200, unique=True)
    name_kana = models.CharField(_("名称（カナ）"), max_length=200, blank=True, validators=[validate_katakana])
    kind = models.CharField(_("種別"), max_length=32, choices=OrganizationKind.choices)
    institution_type = models.CharField(
        _("金融機関の業態"),
        max_length=32,
        choices=FinancialInstitutionType.choices,
        blank=True,
        help_text=_("金融機関の場合のみ選びます。"),
    )
    prefecture = models.CharField(_("都道府県"), max_length=20, choices=PREFECTURE_CHOICES, blank=True)
    get_prefecture_display = prefecture_display
    city = models.CharField(_("市区町村"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="organization_institution_type_iff_fi",
                condition=(Q(kind=OrganizationKind.FINANCIAL_INSTITUTION) & ~Q(institution_type=""))
                | (~Q(kind=OrganizationKind.FINANCIAL_INSTITUTION) & Q(institution_type="")),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == OrganizationKind.FINANCIAL_INSTITUTION and not self.institution_type:
            raise ValidationError({"institution_type": _("金融機関の業態を選んでください。")})
        if self.kind != OrganizationKind.FINANCIAL_INSTITUTION and self.institution_type:
            raise ValidationError({"institution_type": _("業態は金融機関にだけ設定できます。")})

    def grantable_roles(self) -> frozenset[str]:
        return ROLES_BY_KIND.get(self.kind, frozenset())


class Branch(TimeStampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="branches", verbose_name=_("組織")
    )
    name = models.CharField(_("支店名"), max_length=100)
    code = models.CharField(_("店番"), max_length=10, blank=True)
    prefecture = models.CharField(_("都道府県"), max_length=20, choices=PREFECTURE_CHOICES, blank=True)
    get_prefecture_display = prefecture_display
    city = models.CharField(_("市区町村"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("支店")
        verbose_name_plural = _("支店")
        ordering = ["organization", "code", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="branch_unique_name")]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.name}"


class Membership(TimeStampedModel):
    """A user's role in an organisation (optionally at one branch)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("ユーザー"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("組織")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("支店")
    )
    role = models.CharField(_("役割"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.organization} / {self.get_role_display()}"

    def clean(self) -> None:
        if self.branch is not None and self.branch.organization_id != self.organization_id:
            raise ValidationError({"branch": _("この組織の支店を選んでください。")})
        if self.role and self.organization_id and self.role not in self.organization.grantable_roles():
            raise ValidationError({"role": _("この組織ではこの役割を設定できません。")})


class StaffInvitation(TimeStampedModel):
    """An invitation for one email address to join an organisation in one role.

    Only the SHA-256 of the token is stored; the link in the email carries the token itself.
    """

    email = models.EmailField(_("メールアドレス"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("組織")
    )
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("支店"))
    role = models.CharField(_("役割"), max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("招待した人")
    )
    expires_at = models.DateTimeField(_("有効期限"))
    accepted_at = models.DateTimeField(_("受諾日時"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("受諾したユーザー")
    )
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("職員招待")
        verbose_name_plural = _("職員招待")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.get_role_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


_ACCOUNT_FLAGS = ("is_senior", "is_contact", "has_membership", "has_totp_authenticator")


def _active_memberships_queryset(pk: int) -> models.QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=pk, is_active=True)
        .select_related("organization", "branch")
        .order_by("organization__name", "role")
    )


# The models read by the memberships' statement, each with its lookup prefix, in the order of their columns: the
# membership, its organisation, its branch (NULL columns for a membership without one: a LEFT JOIN).
_MEMBERSHIP_PARTS: tuple[tuple[str, type[models.Model]], ...] = (
    ("", Membership),
    ("organization__", Organization),
    ("branch__", Branch),
)


@functools.cache
def _attnames(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


_MEMBERSHIPS_QUERY = CompiledQuery(
    lambda pk: _active_memberships_queryset(pk).values_list(
        *(prefix + name for prefix, model in _MEMBERSHIP_PARTS for name in _attnames(model))
    ),
    PK_MARKER,
)


def _compiled_active_memberships(pk: int) -> list[Membership]:
    memberships = []
    for row in _MEMBERSHIPS_QUERY.rows(pk):
        parts, start = [], 0
        for _prefix, model in _MEMBERSHIP_PARTS:
            names = _attnames(model)
            parts.append(model.from_db(DEFAULT_DB_ALIAS, names, row[start : start + len(names)]))
            start += len(names)
        membership, organization, branch = parts
        assert isinstance(membership, Membership)
        membership.organization = organization  # type: ignore[assignment]  # an Organization, by _MEMBERSHIP_PARTS
        membership.branch = branch if membership.branch_id is not None else None  # type: ignore[assignment]  # a Branch
        memberships.append(membership)
    return memberships


def _account_flags_queryset(pk: int) -> models.QuerySet[User]:
    # Imported here: participants.access imports the models package, which is being loaded (this module).
    from allauth.mfa.models import Authenticator

    from ..access import is_company_contact
    from .seniors import SeniorProfile

    user = models.OuterRef("pk")
    return (
        User.objects.filter(pk=pk)
        .annotate(
            is_senior=models.Exists(SeniorProfile.objects.filter(user=user)),
            is_contact=is_company_contact(user),
            has_membership=models.Exists(Membership.objects.filter(user=user, is_active=True)),
            has_totp_authenticator=models.Exists(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)),
        )
        .values(*_ACCOUNT_FLAGS)
    )


_ACCOUNT_FLAGS_QUERY = CompiledQuery(_account_flags_queryset, PK_MARKER)
