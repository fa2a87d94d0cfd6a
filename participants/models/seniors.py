"""新現役 (senior experts): profile, career, the confidentiality pledge and the APPI consent ledger."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sks.models import TimeStampedModel

from ..validators import validate_year
from .accounts import PREFECTURE_CHOICES, Organization, User, prefecture_display
from .reference import ExpertiseArea, Industry, Qualification, Region

WEEKDAYS = [
    (0, _("月")),
    (1, _("火")),
    (2, _("水")),
    (3, _("木")),
    (4, _("金")),
    (5, _("土")),
    (6, _("日")),
]


class SeniorProfile(TimeStampedModel):
    """A 新現役's profile. Name and kana live on the user; everything else here."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="senior_profile")
    birth_year = models.PositiveSmallIntegerField(_("生まれ年"), null=True, blank=True, validators=[validate_year])
    prefecture = models.CharField(_("都道府県"), max_length=2, choices=PREFECTURE_CHOICES, blank=True)
    get_prefecture_display = prefecture_display
    city = models.CharField(_("市区町村"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    self_introduction = models.TextField(_("自己紹介"), blank=True)
    expertise = models.ManyToManyField(ExpertiseArea, blank=True, related_name="seniors", verbose_name=_("専門分野"))
    industries = models.ManyToManyField(Industry, blank=True, related_name="seniors", verbose_name=_("経験のある業種"))
    qualifications = models.ManyToManyField(Qualification, blank=True, related_name="seniors", verbose_name=_("資格"))
    other_qualifications = models.CharField(_("その他の資格"), max_length=200, blank=True)
    days_per_month = models.PositiveSmallIntegerField(
        _("活動できる日数（月あたり）"), null=True, blank=True, validators=[MaxValueValidator(31)]
    )
    # Bit i set = available on weekday i (0 = Monday), so "available on Tuesday" is one indexed test.
    weekdays = models.PositiveSmallIntegerField(_("活動できる曜日"), default=0, validators=[MaxValueValidator(127)])
    travel_regions = models.ManyToManyField(
        Region, blank=True, related_name="seniors", verbose_name=_("訪問できる地域")
    )
    remote_ok = models.BooleanField(_("オンラインでの支援も可能"), default=False)
    fee_min = models.PositiveIntegerField(_("希望謝金（下限・円/回）"), null=True, blank=True)
    fee_max = models.PositiveIntegerField(_("希望謝金（上限・円/回）"), null=True, blank=True)
    registry_number = models.CharField(_("新現役登録番号"), max_length=30, blank=True)
    wizard_step = models.PositiveSmallIntegerField(_("入力中の手順"), default=1)
    # Everything a keyword may match, kept by the services on each save (indexed with pg_trgm).
    search_text = models.TextField(editable=False, blank=True, default="")
    anonymised_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("新現役プロフィール")
        verbose_name_plural = _("新現役プロフィール")
        constraints = [
            models.CheckConstraint(
                name="senior_fee_range_ordered",
                condition=Q(fee_min__isnull=True) | Q(fee_max__isnull=True) | Q(fee_min__lte=models.F("fee_max")),
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    def has_weekday(self, day: int) -> bool:
        return bool(self.weekdays & (1 << day))

    @property
    def weekday_list(self) -> list[int]:
        return [d for d, _label in WEEKDAYS if self.has_weekday(d)]

    def weekday_text(self) -> str:
        """The weekdays ticked, in the active language, joined with 「・」 (「月・水・金」); empty if none."""
        return "・".join(str(label) for d, label in WEEKDAYS if self.has_weekday(d))


class CareerEntry(models.Model):
    senior = models.ForeignKey(SeniorProfile, on_delete=models.CASCADE, related_name="careers")
    employer = models.CharField(_("勤務先"), max_length=200)
    department = models.CharField(_("部署"), max_length=200, blank=True)
    role = models.CharField(_("役職・担当"), max_length=200, blank=True)
    year_from = models.PositiveSmallIntegerField(_("開始年"), null=True, blank=True, validators=[validate_year])
    year_to = models.PositiveSmallIntegerField(
        _("終了年"), null=True, blank=True, validators=[validate_year], help_text=_("在職中は空欄にします。")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("職歴")
        verbose_name_plural = _("職歴")
        ordering = ["position", "year_from", "pk"]
        constraints = [
            models.CheckConstraint(
                name="career_years_ordered",
                condition=Q(year_from__isnull=True) | Q(year_to__isnull=True) | Q(year_from__lte=models.F("year_to")),
            )
        ]

    def __str__(self) -> str:
        return self.employer


class PledgeVersion(models.Model):
    """A version of the confidentiality pledge (守秘義務誓約). The newest one in force is current."""

    version = models.CharField(_("版"), max_length=20, unique=True)
    text = models.TextField(_("本文"))
    effective_from = models.DateTimeField(_("適用開始"), default=timezone.now)

    class Meta:
        verbose_name = _("守秘義務誓約の版")
        verbose_name_plural = _("守秘義務誓約の版")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.version


class PledgeAcceptance(models.Model):
    senior = models.ForeignKey(SeniorProfile, on_delete=models.CASCADE, related_name="pledges")
    pledge = models.ForeignKey(PledgeVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("同意日時"), default=timezone.now)

    class Meta:
        verbose_name = _("守秘義務誓約への同意")
        verbose_name_plural = _("守秘義務誓約への同意")
        constraints = [models.UniqueConstraint(fields=["senior", "pledge"], name="pledge_accepted_once")]

    def __str__(self) -> str:
        return f"{self.senior} / {self.pledge}"


class ConsentPurpose(models.Model):
    """A version of the purpose text the senior consents to (APPI 利用目的)."""

    version = models.CharField(_("版"), max_length=20, unique=True)
    text = models.TextField(_("利用目的"))
    effective_from = models.DateTimeField(_("適用開始"), default=timezone.now)

    class Meta:
        verbose_name = _("利用目的の版")
        verbose_name_plural = _("利用目的の版")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.version


class Consent(models.Model):
    """One entry of the consent ledger: granted at a time, for a purpose version; withdrawn at a time."""

    senior = models.ForeignKey(SeniorProfile, on_delete=models.CASCADE, related_name="consents")
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.PROTECT, related_name="consents")
    granted_at = models.DateTimeField(_("同意日時"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("同意記録")
        verbose_name_plural = _("同意記録")
        ordering = ["-granted_at"]
        constraints = [
            # At most one standing consent per senior: the ledger is append-only otherwise.
            models.UniqueConstraint(
                fields=["senior"], condition=Q(withdrawn_at__isnull=True), name="consent_one_standing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.senior} / {self.purpose}"


class ProvisionRecord(models.Model):
    """第三者提供記録: a senior's profile was shown to another organisation's user (APPI art. 29)."""

    senior = models.ForeignKey(SeniorProfile, on_delete=models.CASCADE, related_name="provisions")
    recipient = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("提供先の利用者")
    )
    recipient_organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("提供先")
    )
    provided_at = models.DateTimeField(_("提供日時"), default=timezone.now)
    purpose = models.CharField(_("目的"), max_length=200)
    items = models.CharField(_("提供した項目"), max_length=300)

    class Meta:
        verbose_name = _("第三者提供記録")
        verbose_name_plural = _("第三者提供記録")
        ordering = ["-provided_at"]

    def __str__(self) -> str:
        return f"{self.senior} → {self.recipient_organization}"


class DeletionRequest(models.Model):
    """A senior's request to delete their data; completed by anonymising the profile."""

    senior = models.ForeignKey(SeniorProfile, on_delete=models.CASCADE, related_name="deletion_requests")
    requested_at = models.DateTimeField(_("依頼日時"), default=timezone.now)
    completed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("削除依頼")
        verbose_name_plural = _("削除依頼")

    def __str__(self) -> str:
        return f"{self.senior} ({self.requested_at:%Y-%m-%d})"


__all__ = [
    "WEEKDAYS",
    "CareerEntry",
    "Consent",
    "ConsentPurpose",
    "DeletionRequest",
    "PledgeAcceptance",
    "PledgeVersion",
    "ProvisionRecord",
    "SeniorProfile",
]
