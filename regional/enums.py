"""Choices of the regional app: sectors, chapter roles and the statuses of its rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    # The values are the sector identifiers of shared/spec/groups-format.md.
    MINISTRY = "ministry", _("省庁")
    LOCAL_GOVERNMENT = "local_government", _("自治体")
    FINANCIAL = "financial", _("金融機関")
    COMPANY = "company", _("企業")
    UNIVERSITY = "university", _("大学")
    OTHER = "other", _("その他")


class ChapterRole(models.TextChoices):
    MEMBER = "member", _("メンバー")
    ORGANISER = "organiser", _("世話人")


class ChapterMembershipStatus(models.TextChoices):
    PENDING = "pending", _("承認待ち")
    ACTIVE = "active", _("参加中")


class RsvpStatus(models.TextChoices):
    GOING = "going", _("参加")
    CANCELLED = "cancelled", _("取消")


class ChallengeStatus(models.TextChoices):
    OPEN = "open", _("募集中")
    CLOSED = "closed", _("募集終了")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("申込中")
    ACCEPTED = "accepted", _("連携中")
    DECLINED = "declined", _("見送り")


class AgreementKind(models.TextChoices):
    MEMORANDUM = "memorandum", _("覚書")
    PARTNERSHIP = "partnership", _("連携協定")


class ContributionSource(models.TextChoices):
    CORPORATE = "corporate", _("法人寄付")
    POINTS = "points", _("会員のポイント交換")
    EMPLOYEE = "employee", _("従業員寄付")


class ActivityKind(models.TextChoices):
    EVENT = "event", _("イベント")
    MATERIAL = "material", _("資料")
    OUTREACH = "outreach", _("広報・告知")
