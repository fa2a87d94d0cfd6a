from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sks.access import InstitutionScopedManager, UnscopedManager
from sks.models import TimeStampedModel

from ..enums import OrganizationKind
from ..validators import validate_corporate_number, validate_katakana, validate_year
from .accounts import PREFECTURE_CHOICES, Branch, Organization, User, prefecture_display
from .reference import Industry


class Company(TimeStampedModel):
    """A client company, owned by the financial institution that registered it."""

    institution = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="companies",
        limit_choices_to={"kind": OrganizationKind.FINANCIAL_INSTITUTION},
        verbose_name=_("登録金融機関"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="companies", verbose_name=_("担当支店")
    )
    responsible_staff = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("担当者")
    )
    client_code = models.CharField(
        _("取引先コード"),
        max_length=30,
        blank=True,
        help_text=_("自機関で使っている取引先の番号。一括取込で更新するときの目印になります。"),
    )
    corporate_number = models.CharField(
        _("法人番号"),
        max_length=13,
        blank=True,
        validators=[validate_corporate_number],
        help_text=_("13桁の数字。個人事業主の場合は空欄にしてください。"),
    )
    name = models.CharField(_("企業名"), max_length=200)
    name_kana = models.CharField(_("企業名（カナ）"), max_length=200, blank=True, validators=[validate_katakana])
    prefecture = models.CharField(_("都道府県"), max_length=2, choices=PREFECTURE_CHOICES, blank=True)
    get_prefecture_display = prefecture_display
    city = models.CharField(_("市区町村"), max_length=100, blank=True)
    industry_major = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
        verbose_name=_("業種（大分類）"),
    )
    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"parent__isnull": False},
        verbose_name=_("業種（中分類）"),
    )
    employees = models.PositiveIntegerField(_("従業員数"), null=True, blank=True)
    capital = models.PositiveBigIntegerField(_("資本金（円）"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("創業年"), null=True, blank=True, validators=[validate_year])
    president_name = models.CharField(_("代表者名"), max_length=100, blank=True)
    phone = models.CharField(
        _("電話番号"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9０-９+\-() ]{6,20}$", _("電話番号は数字とハイフンで入力してください。"))],
    )
    email = models.EmailField(_("連絡先メールアドレス"), blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)
    internal_notes = models.TextField(_("社内メモ（自機関のみ閲覧）"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("登録者")
    )

    objects = InstitutionScopedManager("institution")

    class Meta:
        verbose_name = _("企業")
        verbose_name_plural = _("企業")
        ordering = ["name_kana", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "corporate_number"],
                condition=~Q(corporate_number=""),
                name="company_unique_corporate_number",
            ),
            models.UniqueConstraint(
                fields=["institution", "client_code"],
                condition=~Q(client_code=""),
                name="company_unique_client_code",
            ),
        ]
        indexes = [models.Index(fields=["institution", "name"])]

    def __str__(self) -> str:
        return self.name


class CompanyContact(TimeStampedModel):
    """A person who signs in for a client company (usually its president) to approve its hearing sheet.

    The login is optional: bank staff can record the company's approval on its behalf instead.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("企業"))
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="company_contacts", verbose_name=_("ユーザー")
    )
    is_active = models.BooleanField(_("有効"), default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("登録者")
    )

    objects = InstitutionScopedManager("company__institution")
    # The contact's own pages look themselves up by user, outside any institution scope: participants/access.py.
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("企業の連絡担当者")
        verbose_name_plural = _("企業の連絡担当者")
        constraints = [models.UniqueConstraint(fields=["company", "user"], name="company_contact_unique")]

    def __str__(self) -> str:
        return f"{self.user} / {self.company}"
