"""Events (交流会), their preparation checklist, enrolled companies with hearing sheets, and mutual selection.

Confidentiality: an enrolment and its hearing sheet belong to the institution that registered the company.
Their default managers are institution-scoped (sks.access), so bank staff only ever query their own rows.
Coordinators, seniors and company contacts reach them through the `unscoped` managers, only inside
events/access.py, whose functions apply each role's rule (tests/test_access_sources.py enforces it).
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participants.enums import OrganizationKind
from participants.models import (
    PREFECTURE_CHOICES,
    Company,
    ExpertiseArea,
    Organization,
    PledgeAcceptance,
    SeniorProfile,
    User,
    prefecture_display,
)
from sks.access import InstitutionScopedManager, UnscopedManager
from sks.models import TimeStampedModel

from .enums import (
    ApplicationStatus,
    ApprovalMethod,
    ChecklistTaskKind,
    ChoiceDecision,
    EventStatus,
    HearingStatus,
    IssueCategory,
    PaymentCapacity,
    SupportForm,
)


class Event(TimeStampedModel):
    """A 新現役交流会: one day of three-party interviews, hosted by one or more institutions."""

    title = models.CharField(_("名称"), max_length=200)
    coordinator = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="coordinated_events",
        limit_choices_to={"kind": OrganizationKind.COORDINATOR},
        verbose_name=_("コーディネート団体"),
    )
    hosts = models.ManyToManyField(
        Organization, through="EventHost", related_name="hosted_events", verbose_name=_("主催金融機関")
    )
    co_hosts = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="co_hosted_events",
        limit_choices_to={"kind": OrganizationKind.LOCAL_GOVERNMENT},
        verbose_name=_("共催自治体"),
    )
    date = models.DateField(_("開催日"))
    venue = models.CharField(_("会場"), max_length=200)
    address = models.CharField(_("会場の住所"), max_length=300, blank=True)
    prefecture = models.CharField(_("都道府県"), max_length=2, choices=PREFECTURE_CHOICES, blank=True)
    get_prefecture_display = prefecture_display

    # The interview grid.
    start_time = models.TimeField(_("面談開始時刻"), default=dt.time(13, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("1回の面談時間（分）"), default=20, validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    rounds = models.PositiveSmallIntegerField(
        _("面談の回数"), default=6, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    break_after = models.JSONField(
        _("休憩を入れる回"), default=list, blank=True, help_text=_("この回の後に休憩を入れます（例: 3）。")
    )
    break_minutes = models.PositiveSmallIntegerField(
        _("休憩時間（分）"), default=10, validators=[MaxValueValidator(120)]
    )
    tables = models.PositiveSmallIntegerField(
        _("テーブル数"), default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    table_capacity = models.PositiveSmallIntegerField(
        _("1テーブルの新現役の定員"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1なら1対1の面談、2以上ならグループ面談です。"),
    )

    # Deadlines.
    enrolment_deadline = models.DateField(_("企業登録の締切"))
    hearing_deadline = models.DateField(_("ヒアリングの締切"))
    issue_list_date = models.DateField(_("課題一覧の公開日"))
    application_deadline = models.DateField(_("新現役の応募締切"))
    selection_deadline = models.DateField(_("企業の選考締切"))

    # Selection rules the coordinator sets.
    max_choices_per_senior = models.PositiveSmallIntegerField(
        _("新現役1人が選べる企業数"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    min_interviews_per_company = models.PositiveSmallIntegerField(
        _("1社あたりの最低面談数"), default=3, validators=[MaxValueValidator(30)]
    )

    status = models.CharField(_("状態"), max_length=20, choices=EventStatus.choices, default=EventStatus.PREPARING)
    status_changed_at = models.DateTimeField(_("状態の変更日時"), null=True, blank=True)
    issue_list_published_at = models.DateTimeField(_("課題一覧の公開日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("作成者")
    )

    class Meta:
        verbose_name = _("交流会")
        verbose_name_plural = _("交流会")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["status", "date"])]
        constraints = [
            models.CheckConstraint(
                name="event_deadlines_ordered",
                condition=Q(enrolment_deadline__lte=models.F("hearing_deadline"))
                & Q(hearing_deadline__lte=models.F("issue_list_date"))
                & Q(issue_list_date__lte=models.F("application_deadline"))
                & Q(application_deadline__lte=models.F("selection_deadline"))
                & Q(selection_deadline__lte=models.F("date")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def slot_times(self) -> list[tuple[dt.time, dt.time]]:
        """Start and end of each interview round, with the breaks in between."""
        start = dt.datetime.combine(self.date, self.start_time)
        breaks = {int(b) for b in (self.break_after or [])}
        times: list[tuple[dt.time, dt.time]] = []
        for round_no in range(1, self.rounds + 1):
            end = start + dt.timedelta(minutes=self.slot_minutes)
            times.append((start.time(), end.time()))
            start = end + dt.timedelta(minutes=self.break_minutes if round_no in breaks else 0)
        return times


class EventHost(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_hosts")
    institution = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="event_hostings",
        limit_choices_to={"kind": OrganizationKind.FINANCIAL_INSTITUTION},
        verbose_name=_("主催金融機関"),
    )
    # Fixed when the host is added: a first-time host needs 4 months of preparation, a repeat host 3.
    is_first_event = models.BooleanField(_("初めての開催"), default=False)

    class Meta:
        verbose_name = _("主催金融機関")
        verbose_name_plural = _("主催金融機関")
        constraints = [models.UniqueConstraint(fields=["event", "institution"], name="event_host_unique")]

    def __str__(self) -> str:
        return f"{self.event} / {self.institution}"


class ChecklistItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checklist")
    kind = models.CharField(_("種類"), max_length=32, choices=ChecklistTaskKind.choices)
    title = models.CharField(_("作業"), max_length=200)
    due_date = models.DateField(_("期限"))
    owner = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="checklist_items", verbose_name=_("担当者")
    )
    notes = models.TextField(_("メモ"), blank=True)
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    done_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("完了にした人")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("準備チェックリスト")
        verbose_name_plural = _("準備チェックリスト")
        ordering = ["due_date", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class EventCompany(TimeStampedModel):
    """A client company enrolled in an event by its institution's staff (one row per event and company)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("交流会"))
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("企業"))
    # The company's institution, kept here so the scope and every filter need no join.
    institution = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("登録金融機関")
    )
    attending_staff = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="attended_enrolments", verbose_name=_("同席する職員")
    )
    enrolled_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("登録者")
    )
    min_interviews = models.PositiveSmallIntegerField(
        _("最低面談数"), null=True, blank=True, help_text=_("空欄なら交流会の設定に従います。")
    )
    # The rounds the table is staffed: from `arrival_slot` to `leaving_slot` (0-based, inclusive); empty
    # means from the first round / to the last. Fed into the timetable problem's `available`.
    arrival_slot = models.PositiveSmallIntegerField(_("参加開始の回"), null=True, blank=True)
    leaving_slot = models.PositiveSmallIntegerField(_("参加終了の回"), null=True, blank=True)

    objects = InstitutionScopedManager("institution")
    unscoped = UnscopedManager()  # only for events/access.py

    class Meta:
        verbose_name = _("参加企業")
        verbose_name_plural = _("参加企業")
        ordering = ["event", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "company"], name="event_company_unique")]

    def __str__(self) -> str:
        return f"{self.event} / {self.company}"

    @property
    def floor(self) -> int:
        return self.min_interviews if self.min_interviews is not None else self.event.min_interviews_per_company


class HearingSheet(TimeStampedModel):
    """The pre-hearing (事前ヒアリング) of one enrolled company, and the anonymised summary published from it."""

    enrolment = models.OneToOneField(EventCompany, on_delete=models.CASCADE, related_name="hearing")
    status = models.CharField(_("状態"), max_length=20, choices=HearingStatus.choices, default=HearingStatus.DRAFT)
    support_form = models.CharField(_("希望する支援の形"), max_length=20, choices=SupportForm.choices, blank=True)
    payment_capacity = models.CharField(
        _("支払える謝金の目安"), max_length=20, choices=PaymentCapacity.choices, blank=True
    )
    payment_note = models.CharField(_("謝金についての補足"), max_length=300, blank=True)
    interviewer = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ヒアリング担当者")
    )
    interviewed_on = models.DateField(_("ヒアリング実施日"), null=True, blank=True)
    internal_notes = models.TextField(_("内部メモ（自機関のみ閲覧）"), blank=True)

    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    returned_at = models.DateTimeField(_("差し戻し日時"), null=True, blank=True)
    return_comment = models.TextField(_("企業からのコメント"), blank=True)
    approved_at = models.DateTimeField(_("承認日時"), null=True, blank=True)
    approval_method = models.CharField(_("承認の方法"), max_length=20, choices=ApprovalMethod.choices, blank=True)
    approved_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承認の記録者"),
        help_text=_("企業がログインして承認したときは企業の担当者、職員が代わりに記録したときはその職員。"),
    )
    approval_note = models.CharField(_("承認についてのメモ"), max_length=300, blank=True)
    name_disclosure_agreed = models.BooleanField(
        _("企業名の公開に同意"), default=False, help_text=_("同意がない限り、課題一覧では企業名を伏せます。")
    )

    # Written by the coordinator from the approved sheet; this is all a senior ever sees before selection.
    public_title = models.CharField(_("公開用の見出し"), max_length=200, blank=True)
    public_summary = models.TextField(_("公開用の課題概要"), blank=True)
    show_name = models.BooleanField(_("課題一覧に企業名を表示"), default=False)
    summary_updated_at = models.DateTimeField(_("概要の更新日時"), null=True, blank=True)
    summary_updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = InstitutionScopedManager("enrolment__institution")
    unscoped = UnscopedManager()  # only for events/access.py

    class Meta:
        verbose_name = _("事前ヒアリングシート")
        verbose_name_plural = _("事前ヒアリングシート")
        constraints = [
            models.CheckConstraint(
                name="hearing_show_name_needs_agreement",
                condition=Q(show_name=False) | Q(name_disclosure_agreed=True),
            )
        ]

    def __str__(self) -> str:
        return str(self.enrolment)

    @property
    def is_publishable(self) -> bool:
        return self.status == HearingStatus.APPROVED and bool(self.public_title and self.public_summary)


class HearingIssue(models.Model):
    sheet = models.ForeignKey(HearingSheet, on_delete=models.CASCADE, related_name="issues")
    category = models.CharField(_("課題の分類"), max_length=20, choices=IssueCategory.choices)
    description = models.TextField(_("課題の内容"))
    expertise = models.ManyToManyField(ExpertiseArea, blank=True, related_name="+", verbose_name=_("求める専門分野"))
    expertise_note = models.CharField(_("求める人材像"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = InstitutionScopedManager("sheet__enrolment__institution")
    unscoped = UnscopedManager()  # only for events/access.py

    class Meta:
        verbose_name = _("経営課題")
        verbose_name_plural = _("経営課題")
        ordering = ["sheet", "position", "pk"]

    def __str__(self) -> str:
        return self.get_category_display()


class SeniorApplication(TimeStampedModel):
    """A senior's application to one event, with their chosen companies (ApplicationChoice)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="applications", verbose_name=_("交流会"))
    senior = models.ForeignKey(
        SeniorProfile, on_delete=models.CASCADE, related_name="applications", verbose_name=_("新現役")
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # The pledge in force when the senior first saw the issue list for this application.
    pledge = models.ForeignKey(
        PledgeAcceptance, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("守秘誓約")
    )
    submitted_at = models.DateTimeField(_("応募日時"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("辞退日時"), null=True, blank=True)
    # When the senior can be there (0-based rounds, inclusive; empty = from the first / to the last) and
    # how many interviews they want at most (empty = as many as the rounds allow).
    arrival_slot = models.PositiveSmallIntegerField(_("到着する回"), null=True, blank=True)
    leaving_slot = models.PositiveSmallIntegerField(_("退出する回"), null=True, blank=True)
    max_meetings = models.PositiveSmallIntegerField(_("面談数の上限"), null=True, blank=True)

    class Meta:
        verbose_name = _("新現役の応募")
        verbose_name_plural = _("新現役の応募")
        ordering = ["event", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "senior"], name="application_unique")]

    def __str__(self) -> str:
        return f"{self.event} / {self.senior}"


class ApplicationChoice(models.Model):
    """A company a senior chose, with their proposal, and the company's decision on it."""

    application = models.ForeignKey(SeniorApplication, on_delete=models.CASCADE, related_name="choices")
    enrolment = models.ForeignKey(
        EventCompany, on_delete=models.CASCADE, related_name="choices", verbose_name=_("企業")
    )
    proposal = models.TextField(_("提案（どのように支援できるか）"), max_length=1000)
    position = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField(
        _("企業の回答"), max_length=20, choices=ChoiceDecision.choices, default=ChoiceDecision.PENDING
    )
    decided_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("応募先の企業")
        verbose_name_plural = _("応募先の企業")
        ordering = ["application", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "enrolment"], name="choice_unique")]

    def __str__(self) -> str:
        return f"{self.application} → {self.enrolment_id}"


class SeniorInvitation(models.Model):
    """A company (through its bank staff) invites a senior who did not apply to it."""

    enrolment = models.ForeignKey(EventCompany, on_delete=models.CASCADE, related_name="invitations")
    senior = models.ForeignKey(
        SeniorProfile, on_delete=models.CASCADE, related_name="event_invitations", verbose_name=_("新現役")
    )
    message = models.TextField(_("招待のメッセージ"), max_length=1000, blank=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("招待日時"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("新現役への招待")
        verbose_name_plural = _("新現役への招待")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "senior"], name="senior_invitation_unique")]

    def __str__(self) -> str:
        return f"{self.enrolment} → {self.senior}"
