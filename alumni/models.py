"""Alumni networks (OB・OG会): one per organisation, closed to everyone but its verified members and its office.

Every read of these rows goes through alumni/access.py, which decides who is a member or the office of which
network; nothing here is visible to anyone else (404, like a missing page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Industry, Organization, User
from participants.validators import validate_year
from sks.models import TimeStampedModel

from .enums import (
    DigestFrequency,
    DigestStatus,
    FeedbackStatus,
    HelpKind,
    HelpOutcome,
    MemberStatus,
    NewsCategory,
    NewsStatus,
    PostKind,
    RsvpStatus,
    Visibility,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The profile fields a member can show to members, to the office only, or to nobody.
PRIVATE_FIELDS: dict[str, StrOrPromise] = {
    "years": _("在籍期間"),
    "departments": _("所属していた部署"),
    "employer": _("現在の勤務先"),
    "job_title": _("現在の役職・担当"),
    "industry": _("現在の業種"),
    "skills": _("スキル・得意分野"),
    "self_introduction": _("自己紹介"),
}


class AlumniNetwork(TimeStampedModel):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="alumni_network", verbose_name=_("組織")
    )
    name = models.CharField(_("ネットワーク名"), max_length=200)
    description = models.TextField(_("説明"), blank=True)
    # The signup link the office hands to its alumni; without it the join page is a 404 like any other.
    join_code = models.CharField(_("参加用コード"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("OB・OGネットワーク")
        verbose_name_plural = _("OB・OGネットワーク")

    def __str__(self) -> str:
        return self.name


class RosterUpload(models.Model):
    network = models.ForeignKey(AlumniNetwork, on_delete=models.CASCADE, related_name="roster_uploads")
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(_("ファイル名"), max_length=200)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("名簿の登録")
        verbose_name_plural = _("名簿の登録")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.network} / {self.filename}"


class RosterEntry(models.Model):
    """One person of an HR roster, kept only as keyed hashes (HMAC-SHA256) of the normalised fields."""

    network = models.ForeignKey(AlumniNetwork, on_delete=models.CASCADE, related_name="roster_entries")
    upload = models.ForeignKey(RosterUpload, on_delete=models.CASCADE, related_name="entries")
    number_hash = models.CharField(max_length=64, db_index=True)
    name_hash = models.CharField(max_length=64)
    kana_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("名簿の行（ハッシュ）")
        verbose_name_plural = _("名簿の行（ハッシュ）")
        constraints = [
            models.UniqueConstraint(fields=["network", "number_hash"], name="alumni_roster_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.network} / {self.number_hash[:8]}"


class AlumniMember(TimeStampedModel):
    network = models.ForeignKey(AlumniNetwork, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_memberships")
    status = models.CharField(_("状態"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.PENDING)
    pending_reasons = models.JSONField(_("承認待ちの理由"), default=list, blank=True)
    roster_entry = models.OneToOneField(
        RosterEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="member"
    )
    year_joined = models.PositiveSmallIntegerField(_("入社年"), null=True, blank=True, validators=[validate_year])
    year_left = models.PositiveSmallIntegerField(_("退職年"), null=True, blank=True, validators=[validate_year])
    departments = models.CharField(_("所属していた部署"), max_length=300, blank=True)
    employer = models.CharField(_("現在の勤務先"), max_length=200, blank=True)
    job_title = models.CharField(_("現在の役職・担当"), max_length=200, blank=True)
    industry = models.ForeignKey(
        Industry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("現在の業種")
    )
    skills = models.TextField(_("スキル・得意分野"), blank=True)
    self_introduction = models.TextField(_("自己紹介"), blank=True)
    # field name (PRIVATE_FIELDS) -> Visibility; a missing field is shown to members.
    privacy = models.JSONField(_("公開範囲"), default=dict, blank=True)
    accepts_contact = models.BooleanField(_("他の会員からの連絡を受け取る"), default=True)
    digest_frequency = models.CharField(
        _("まとめメール"), max_length=16, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    # What the directory search may match: the name and the fields shown to members only.
    search_text = models.TextField(editable=False, blank=True, default="")
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("承認・否認日時"), null=True, blank=True)
    decision_note = models.CharField(_("事務局のメモ"), max_length=300, blank=True)
    left_at = models.DateTimeField(_("退会日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("OB・OG会員")
        verbose_name_plural = _("OB・OG会員")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="alumni_member_once"),
            models.CheckConstraint(
                name="alumni_member_years_ordered",
                condition=Q(year_joined__isnull=True)
                | Q(year_left__isnull=True)
                | Q(year_joined__lte=models.F("year_left")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.network}"

    @property
    def reason_labels(self) -> list[str]:
        from .enums import PendingReason

        return [str(PendingReason(r).label) for r in self.pending_reasons if r in PendingReason.values]

    def visibility(self, field: str) -> str:
        return str(self.privacy.get(field, Visibility.MEMBERS))


class DigestDelivery(models.Model):
    """The ledger of digest mails: one row per member and period (a unique key), so a period is mailed once."""

    member = models.ForeignKey(AlumniMember, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(_("期間"), max_length=16)  # "2026-W49" or "2026-12"
    item_count = models.PositiveIntegerField(_("件数"), default=0)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("まとめメールの送信記録")
        verbose_name_plural = _("まとめメールの送信記録")
        constraints = [models.UniqueConstraint(fields=["member", "period"], name="alumni_digest_once_per_period")]

    def __str__(self) -> str:
        return f"{self.member_id} / {self.period}"


class NewsPost(TimeStampedModel):
    network = models.ForeignKey(AlumniNetwork, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    category = models.CharField(_("カテゴリ"), max_length=16, choices=NewsCategory.choices)
    status = models.CharField(_("状態"), max_length=16, choices=NewsStatus.choices, default=NewsStatus.DRAFT)
    publish_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    mail_members = models.BooleanField(_("会員にメールで知らせる"), default=False)
    mailed_at = models.DateTimeField(_("メール送信日時"), null=True, blank=True)
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("事務局からのお知らせ")
        verbose_name_plural = _("事務局からのお知らせ")
        ordering = ["-publish_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class NewsAttachment(models.Model):
    news = models.ForeignKey(NewsPost, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="alumni/news/%Y/%m/")
    filename = models.CharField(_("ファイル名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")

    def __str__(self) -> str:
        return self.filename


class Feedback(TimeStampedModel):
    network = models.ForeignKey(AlumniNetwork, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_feedback")
    topic = models.CharField(_("テーマ"), max_length=200, blank=True)
    good_points = models.TextField(_("良い点"), blank=True)
    improvements = models.TextField(_("改善してほしい点"), blank=True)
    status = models.CharField(_("状態"), max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.RECEIVED)
    answer = models.TextField(_("事務局からの回答"), blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("フィードバック")
        verbose_name_plural = _("フィードバック")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.topic or str(self.pk)


class MemberPost(TimeStampedModel):
    network = models.ForeignKey(AlumniNetwork, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_posts")
    kind = models.CharField(_("種類"), max_length=16, choices=PostKind.choices)
    title = models.CharField(_("タイトル"), max_length=200)
    body = models.TextField(_("本文"))
    digest_status = models.CharField(
        _("職員への共有"), max_length=16, choices=DigestStatus.choices, default=DigestStatus.NONE
    )
    digest_decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    digest_decided_at = models.DateTimeField(_("共有の判断日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("会員の投稿")
        verbose_name_plural = _("会員の投稿")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PostReply(TimeStampedModel):
    post = models.ForeignKey(MemberPost, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_replies")
    body = models.TextField(_("返信"))

    class Meta:
        verbose_name = _("投稿への返信")
        verbose_name_plural = _("投稿への返信")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.post} / {self.pk}"


class PostInterest(models.Model):
    post = models.ForeignKey(MemberPost, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_interests")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("関心あり")
        verbose_name_plural = _("関心あり")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="alumni_interest_once")]

    def __str__(self) -> str:
        return f"{self.post} / {self.user_id}"


class HelpRequest(TimeStampedModel):
    """協力募集: the organisation asks its alumni for short-term or side-job help."""

    network = models.ForeignKey(AlumniNetwork, on_delete=models.CASCADE, related_name="help_requests")
    kind = models.CharField(_("種類"), max_length=16, choices=HelpKind.choices)
    title = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("内容"))
    is_open = models.BooleanField(_("募集中"), default=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("協力募集")
        verbose_name_plural = _("協力募集")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class HelpInterest(TimeStampedModel):
    """A member's interest in a help request, and what came of it (recorded by the office)."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_help_interests")
    message = models.TextField(_("ひとこと"), blank=True)
    outcome = models.CharField(_("結果"), max_length=16, choices=HelpOutcome.choices, default=HelpOutcome.INTERESTED)
    outcome_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("協力募集への応募")
        verbose_name_plural = _("協力募集への応募")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="alumni_help_interest_once")]

    def __str__(self) -> str:
        return f"{self.request} / {self.user_id}"


class ContactMessage(models.Model):
    """A member's message to another, delivered by mail without either address being shown."""

    network = models.ForeignKey(AlumniNetwork, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_messages_sent")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_messages_received")
    body = models.TextField(_("本文"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("会員間の連絡")
        verbose_name_plural = _("会員間の連絡")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id}"


class Meetup(TimeStampedModel):
    network = models.ForeignKey(AlumniNetwork, on_delete=models.CASCADE, related_name="meetups")
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    venue = models.CharField(_("会場"), max_length=200)
    starts_at = models.DateTimeField(_("開始日時"))
    capacity = models.PositiveIntegerField(_("定員"), validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("OB・OG交流会")
        verbose_name_plural = _("OB・OG交流会")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class MeetupRsvp(TimeStampedModel):
    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_rsvps")
    status = models.CharField(_("状態"), max_length=16, choices=RsvpStatus.choices)
    checked_in_at = models.DateTimeField(_("受付日時"), null=True, blank=True)
    survey_invited_at = models.DateTimeField(_("アンケート依頼日時"), null=True, blank=True)
    survey_answered_at = models.DateTimeField(_("アンケート回答日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("交流会の出欠")
        verbose_name_plural = _("交流会の出欠")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meetup", "user"], name="alumni_rsvp_once")]

    def __str__(self) -> str:
        return f"{self.meetup} / {self.user_id}"


class Worksheet(TimeStampedModel):
    """A meetup's workshop worksheet, filled before or on the day. With the member's agreement its points go to
    the office's feedback queue and its skills to the member's profile."""

    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="worksheets")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alumni_worksheets")
    useful_skills = models.TextField(_("組織で身につけ、いまも役立っているスキル・経験"), blank=True)
    good_points = models.TextField(_("外から見た組織の良い点"), blank=True)
    improvements = models.TextField(_("外から見た組織の改善点"), blank=True)
    feedback = models.OneToOneField(
        Feedback, on_delete=models.SET_NULL, null=True, blank=True, related_name="worksheet"
    )
    skills_added = models.BooleanField(_("スキルをプロフィールに追加済み"), default=False)

    class Meta:
        verbose_name = _("ワークシート")
        verbose_name_plural = _("ワークシート")
        constraints = [models.UniqueConstraint(fields=["meetup", "user"], name="alumni_worksheet_once")]

    def __str__(self) -> str:
        return f"{self.meetup} / {self.user_id}"


class ConflictDeclaration(models.Model):
    """A company the person must never be matched with as a 新現役 (e.g. a former borrower they handled).
    The matching engine's problem builder leaves such pairs out (participants.conflicts)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="conflict_declarations")
    company_name = models.CharField(_("企業名"), max_length=200)
    corporate_number = models.CharField(_("法人番号"), max_length=13, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("利益相反の申告")
        verbose_name_plural = _("利益相反の申告")
        ordering = ["company_name", "pk"]

    def __str__(self) -> str:
        return self.company_name


class MeetupSurveyAnswer(models.Model):
    """An answer to the post-event survey; `respondent` is empty when the member answered anonymously."""

    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="survey_answers")
    respondent = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(
        _("満足度"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("ご意見・ご感想"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("交流会アンケートの回答")
        verbose_name_plural = _("交流会アンケートの回答")

    def __str__(self) -> str:
        return f"{self.meetup} / {self.satisfaction}"


__all__ = [
    "PRIVATE_FIELDS",
    "AlumniMember",
    "AlumniNetwork",
    "ConflictDeclaration",
    "ContactMessage",
    "DigestDelivery",
    "Feedback",
    "HelpInterest",
    "HelpRequest",
    "Meetup",
    "MeetupRsvp",
    "MeetupSurveyAnswer",
    "MemberPost",
    "NewsAttachment",
    "NewsPost",
    "PostInterest",
    "PostReply",
    "RosterEntry",
    "RosterUpload",
    "Worksheet",
]
