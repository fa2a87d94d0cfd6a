"""Statuses and kinds of the alumni app (STYLE.md: TextChoices for every status and kind)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberStatus(models.TextChoices):
    PENDING = "pending", _("承認待ち")
    VERIFIED = "verified", _("認証済み")
    REJECTED = "rejected", _("否認")
    LEFT = "left", _("退会")


class PendingReason(models.TextChoices):
    NO_ROSTER = "no_roster", _("名簿がまだ登録されていません")
    NUMBER_UNKNOWN = "number_unknown", _("社員番号が名簿にありません")
    NAME_MISMATCH = "name_mismatch", _("社員番号は名簿にありますが、氏名・カナが一致しません")
    ALREADY_CLAIMED = "already_claimed", _("名簿の該当者はすでに別のアカウントで登録されています")


class Visibility(models.TextChoices):
    MEMBERS = "members", _("会員に公開")
    OFFICE = "office", _("事務局のみ")
    HIDDEN = "hidden", _("非公開")


class NewsCategory(models.TextChoices):
    HR = "hr", _("人事制度")
    SEMINAR = "seminar", _("セミナー")
    CAREER = "career", _("キャリア")
    NOTICE = "notice", _("お知らせ")


class NewsStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SCHEDULED = "scheduled", _("予約公開")
    PUBLISHED = "published", _("公開")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("ご意見の状況", "受付")
    CONSIDERING = "considering", _("検討中")
    DONE = "done", _("対応済")
    DECLINED = "declined", _("見送り")


class PostKind(models.TextChoices):
    ACTIVITY = "activity", _("近況・活動紹介")
    COLLABORATION = "collaboration", _("協業の相談")
    INTRODUCTION = "introduction", _("紹介依頼")
    SPEAKING = "speaking", _("登壇・講師")
    BUSINESS = "business", _("事業相談")


class DigestStatus(models.TextChoices):
    NONE = "none", _("共有しない")
    REQUESTED = "requested", _("共有の承認待ち")
    APPROVED = "approved", _("職員向けダイジェストに掲載")
    DECLINED = "declined", _("掲載しない")


class RsvpStatus(models.TextChoices):
    GOING = "going", _("参加")
    WAITING = "waiting", _("キャンセル待ち")
    CANCELLED = "cancelled", _("取消")


class DigestFrequency(models.TextChoices):
    WEEKLY = "weekly", _("毎週")
    MONTHLY = "monthly", _("毎月")
    NEVER = "never", _("受け取らない")


class HelpKind(models.TextChoices):
    SURGE = "surge", _("窓口の応援（短期）")
    SPEAKER = "speaker", _("セミナー講師")
    MENTORING = "mentoring", _("若手職員のメンター")
    OTHER = "other", _("その他（副業）")


class HelpOutcome(models.TextChoices):
    INTERESTED = "interested", _("関心あり（未対応）")
    CONTACTED = "contacted", _("事務局から連絡済み")
    ENGAGED = "engaged", _("協力が決まった")
    NOT_ENGAGED = "not_engaged", _("今回は見送り")
