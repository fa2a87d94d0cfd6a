"""Regional networks (chapters, members, dialogue meetings in small groups, connections, collaboration stories)
and public-private projects (challenges, partners, agreements, campaigns, contributions, volunteers).

A network's rows belong to its chapters, not to a financial institution, so they carry no institution scope:
every read of them goes through `regional/access.py`, which applies the chapter-membership rule (a member sees
only the chapters they belong to; anything else answers 404).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participants.models import Organization
from sks.models import TimeStampedModel

from .enums import (
    ActivityKind,
    AgreementKind,
    ApplicationStatus,
    ChallengeStatus,
    ChapterMembershipStatus,
    ChapterRole,
    ContributionSource,
    RsvpStatus,
    Sector,
)

# --- networks and chapters ---------------------------------------------------------------------------------


class Network(TimeStampedModel):
    name = models.CharField(_("名称"), max_length=200, unique=True)
    description = models.TextField(_("紹介"), blank=True)

    class Meta:
        verbose_name = _("地域ネットワーク")
        verbose_name_plural = verbose_name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Chapter(TimeStampedModel):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("ネットワーク")
    )
    name = models.CharField(_("支部名"), max_length=100)
    region = models.CharField(_("地域"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("支部")
        verbose_name_plural = verbose_name
        ordering = ["network", "name"]
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="regional_chapter_unique_name")]

    def __str__(self) -> str:
        return self.name


class NetworkMember(TimeStampedModel):
    """A person in a network, individually: whatever their organisation, they join as themselves."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="members", verbose_name=_("ネットワーク")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_members", verbose_name=_("ユーザー")
    )
    name = models.CharField(_("表示名"), max_length=100)
    sector = models.CharField(_("セクター"), max_length=32, choices=Sector.choices)
    organisation = models.CharField(_("所属組織"), max_length=200)
    title = models.CharField(_("役職"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("ネットワーク会員")
        verbose_name_plural = verbose_name
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["network", "user"], name="regional_member_unique_user")]

    def __str__(self) -> str:
        return self.name


class ChapterMembership(TimeStampedModel):
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("支部"))
    member = models.ForeignKey(
        NetworkMember, on_delete=models.CASCADE, related_name="chapter_memberships", verbose_name=_("会員")
    )
    role = models.CharField(_("役割"), max_length=16, choices=ChapterRole.choices, default=ChapterRole.MEMBER)
    status = models.CharField(
        _("状態"), max_length=16, choices=ChapterMembershipStatus.choices, default=ChapterMembershipStatus.PENDING
    )

    class Meta:
        verbose_name = _("支部の参加")
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["chapter", "member"], name="regional_chapter_membership_unique")]


class ChapterPost(TimeStampedModel):
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="posts", verbose_name=_("支部"))
    author = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="posts", verbose_name=_("投稿者"))
    body = models.TextField(_("本文"), max_length=4000)

    class Meta:
        verbose_name = _("支部の投稿")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-pk"]


# --- dialogue meetings -------------------------------------------------------------------------------------


class DialogueMeeting(TimeStampedModel):
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("支部"))
    title = models.CharField(_("名称"), max_length=200)
    starts_at = models.DateTimeField(_("開始日時"))
    venue = models.CharField(_("会場"), max_length=200, blank=True)
    description = models.TextField(_("案内"), blank=True)
    capacity = models.PositiveIntegerField(_("定員"), validators=[MinValueValidator(2), MaxValueValidator(2000)])
    rounds = models.PositiveSmallIntegerField(
        _("ラウンド数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    group_size = models.PositiveSmallIntegerField(
        _("1グループの人数"), default=5, validators=[MinValueValidator(2), MaxValueValidator(12)]
    )
    flat = models.BooleanField(
        _("フラットモード"),
        default=True,
        help_text=_("名札や名簿に氏名とセクターだけを表示し、所属組織と役職を出しません。"),
    )
    groups_formed_at = models.DateTimeField(_("グループ編成日時"), null=True, blank=True)
    groups_figures = models.JSONField(_("編成の評価"), default=dict, blank=True)

    class Meta:
        verbose_name = _("対話会")
        verbose_name_plural = verbose_name
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Rsvp(TimeStampedModel):
    """A member's reply to a meeting, and on the day their check-in and the rounds they are there for."""

    meeting = models.ForeignKey(
        DialogueMeeting, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("対話会")
    )
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("会員"))
    status = models.CharField(_("状態"), max_length=16, choices=RsvpStatus.choices, default=RsvpStatus.GOING)
    checked_in_at = models.DateTimeField(_("受付日時"), null=True, blank=True)
    # 0-based rounds: a late arrival joins from `first_round`, an early leaver stays until `last_round`.
    first_round = models.PositiveSmallIntegerField(_("参加開始ラウンド"), default=0)
    last_round = models.PositiveSmallIntegerField(_("参加終了ラウンド"), null=True, blank=True)

    class Meta:
        verbose_name = _("出欠")
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="regional_rsvp_unique")]


class DialogueGroup(models.Model):
    meeting = models.ForeignKey(
        DialogueMeeting, on_delete=models.CASCADE, related_name="groups", verbose_name=_("対話会")
    )
    round = models.PositiveSmallIntegerField(_("ラウンド"))
    number = models.PositiveSmallIntegerField(_("テーブル番号"))
    members = models.ManyToManyField(NetworkMember, related_name="dialogue_groups", verbose_name=_("メンバー"))

    class Meta:
        verbose_name = _("対話グループ")
        verbose_name_plural = verbose_name
        ordering = ["meeting", "round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "round", "number"], name="regional_group_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.round + 1}-{self.number}"


class Connection(TimeStampedModel):
    """Someone a member marks as met. Private to `owner`; shown to both only when each has marked the other."""

    owner = models.ForeignKey(
        NetworkMember, on_delete=models.CASCADE, related_name="connections", verbose_name=_("登録した会員")
    )
    other = models.ForeignKey(
        NetworkMember, on_delete=models.CASCADE, related_name="connected_by", verbose_name=_("相手")
    )
    meeting = models.ForeignKey(
        DialogueMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("対話会")
    )

    class Meta:
        verbose_name = _("つながり")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["owner", "other"], name="regional_connection_unique"),
            models.CheckConstraint(condition=~Q(owner=models.F("other")), name="regional_connection_not_self"),
        ]


class CollaborationStory(TimeStampedModel):
    """A 連携事例: who worked with whom across organisations, and what came of it. The network's case library."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="stories", verbose_name=_("ネットワーク")
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.SET_NULL, null=True, blank=True, related_name="stories", verbose_name=_("支部")
    )
    author = models.ForeignKey(
        NetworkMember, on_delete=models.SET_NULL, null=True, related_name="stories", verbose_name=_("投稿者")
    )
    title = models.CharField(_("題名"), max_length=200)
    organisations = models.CharField(_("連携した組織"), max_length=500, help_text=_("読点（、）で区切って入力します。"))
    body = models.TextField(_("経緯"), max_length=8000)
    outcome = models.TextField(_("成果"), max_length=4000)
    year = models.PositiveSmallIntegerField(_("年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])

    class Meta:
        verbose_name = _("連携事例")
        verbose_name_plural = verbose_name
        ordering = ["-year", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


# --- public-private projects ----------------------------------------------------------------------------------


class Challenge(TimeStampedModel):
    """A regional challenge (地域課題) a local government posts for partners to join; the project around it."""

    government = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="regional_challenges", verbose_name=_("自治体")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登録者")
    )
    theme = models.CharField(_("テーマ"), max_length=200)
    description = models.TextField(_("内容"), max_length=8000)
    region = models.CharField(_("地域"), max_length=100)
    partner_wanted = models.CharField(_("求める連携先"), max_length=300)
    status = models.CharField(_("状態"), max_length=16, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN)

    class Meta:
        verbose_name = _("地域課題")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.theme


class PartnerApplication(TimeStampedModel):
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="applications", verbose_name=_("地域課題")
    )
    partner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("連携先"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申込者")
    )
    message = models.TextField(_("申込内容"), max_length=4000)
    status = models.CharField(
        _("状態"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    # The partnership agreement, recorded when the government accepts.
    agreement_kind = models.CharField(_("協定の種類"), max_length=16, choices=AgreementKind.choices, blank=True)
    agreement_signed_on = models.DateField(_("締結日"), null=True, blank=True)
    agreement_signatories = models.CharField(_("署名者"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("連携の申込")
        verbose_name_plural = verbose_name
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["challenge", "partner"], name="regional_application_unique")]


class Campaign(TimeStampedModel):
    challenge = models.OneToOneField(
        Challenge, on_delete=models.CASCADE, related_name="campaign", verbose_name=_("地域課題")
    )
    title = models.CharField(_("名称"), max_length=200)
    goal_amount = models.PositiveBigIntegerField(_("目標額（円）"), validators=[MinValueValidator(1)])
    # The sum of the contributions, kept by contribution_record with an F() update under a row lock.
    total_amount = models.PositiveBigIntegerField(_("集まった額（円）"), default=0)

    class Meta:
        verbose_name = _("キャンペーン")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.title

    @property
    def progress_percent(self) -> int:
        return min(100, self.total_amount * 100 // self.goal_amount) if self.goal_amount else 0


class Contribution(TimeStampedModel):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("キャンペーン")
    )
    partner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("連携先"))
    source = models.CharField(_("原資"), max_length=16, choices=ContributionSource.choices)
    amount = models.PositiveBigIntegerField(_("金額（円）"), validators=[MinValueValidator(1)])
    note = models.CharField(_("備考"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("記録者")
    )

    class Meta:
        verbose_name = _("寄付・拠出")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-pk"]


class Volunteer(TimeStampedModel):
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="volunteers", verbose_name=_("地域課題")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("職員")
    )
    partner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属"))

    class Meta:
        verbose_name = _("ボランティア")
        verbose_name_plural = verbose_name
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="regional_volunteer_unique")]


class Activity(TimeStampedModel):
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="activities", verbose_name=_("地域課題")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("実施者")
    )
    organisation = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("組織"))
    kind = models.CharField(_("種類"), max_length=16, choices=ActivityKind.choices)
    description = models.CharField(_("内容"), max_length=500)
    happened_on = models.DateField(_("実施日"))

    class Meta:
        verbose_name = _("活動記録")
        verbose_name_plural = verbose_name
        ordering = ["-happened_on", "-pk"]


class ProjectUpdate(TimeStampedModel):
    """News of a project, mailed to its partners and followers in the next daily digest."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="updates", verbose_name=_("地域課題")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("投稿者")
    )
    title = models.CharField(_("見出し"), max_length=200)
    body = models.TextField(_("本文"), max_length=4000)

    class Meta:
        verbose_name = _("プロジェクトのお知らせ")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-pk"]


class ChallengeFollower(TimeStampedModel):
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="followers", verbose_name=_("地域課題")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("フォローした人")
    )

    class Meta:
        verbose_name = _("フォロー")
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="regional_follower_unique")]
