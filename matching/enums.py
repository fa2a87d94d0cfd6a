"""Statuses and kinds of the matching app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimetableStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PUBLISHED = "published", _("公開済")
    SUPERSEDED = "superseded", _("過去の版")


class SolveStatus(models.TextChoices):
    QUEUED = "queued", _("計算待ち")
    RUNNING = "running", _("計算中")
    DONE = "done", _("計算済")
    FAILED = "failed", _("計算できませんでした")
    MANUAL = "manual", _("手作業")


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", _("未到着")
    CHECKED_IN = "checked_in", _("受付済")
    NO_SHOW = "no_show", _("欠席")


# --- after the event: results, second interviews, agreements, surveys ---
class Wish(models.TextChoices):
    """Whether one side wants to meet the other again after the interview."""

    YES = "yes", _("また会いたい")
    MAYBE = "maybe", _("検討中")
    NO = "no", _("希望しない")


class SecondInterviewStatus(models.TextChoices):
    PROPOSED = "proposed", _("提案")
    SCHEDULING = "scheduling", _("日程調整中")
    CONFIRMED = "confirmed", _("確定")
    HELD = "held", _("実施済")
    AGREED = "agreed", _("支援成立")
    NOT_AGREED = "not_agreed", _("不成立")
    CANCELLED = "cancelled", _("中止")


# The ladder; the three outcomes follow HELD (CANCELLED may end any open step).
SECOND_INTERVIEW_OPEN: list[str] = [
    SecondInterviewStatus.PROPOSED,
    SecondInterviewStatus.SCHEDULING,
    SecondInterviewStatus.CONFIRMED,
    SecondInterviewStatus.HELD,
]


class NotAgreedReason(models.TextChoices):
    FEE = "fee", _("謝金・費用の条件が合わない")
    TIMING = "timing", _("時期が合わない")
    EXPERTISE = "expertise", _("求める専門性と合わない")
    COMPANY_DECLINED = "company_declined", _("企業が見送った")
    SENIOR_DECLINED = "senior_declined", _("新現役が辞退した")
    SOLVED = "solved", _("課題が解決済み・不要になった")
    OTHER = "other", _("その他")


class AgreementKind(models.TextChoices):
    SUBSIDISED = "subsidised", _("専門家派遣（国の補助事業）")
    PRIVATE = "private", _("顧問契約（企業との直接契約）")
    EMPLOYMENT = "employment", _("雇用")


class SurveyRole(models.TextChoices):
    SENIOR = "senior", _("新現役")
    BANK_STAFF = "bank_staff", _("金融機関職員")
    COMPANY = "company", _("企業")
