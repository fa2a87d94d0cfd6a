"""What follows the event (DESIGN.md process 4): interview results, second interviews (二次面談), support
agreements (支援成立) with their visit log, and the post-event survey.

Every row about a company carries the company's `institution` so that the institution scope (and every
statistic) filters without a join; `objects` is scoped, `unscoped` is for matching/access.py only, whose
functions apply each role's rule (coordinators, company contacts, seniors) or say why they need none.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventCompany
from participants.models import Company, Organization, SeniorProfile, User
from sks.access import InstitutionScopedManager, UnscopedManager
from sks.models import TimeStampedModel

from ..enums import AgreementKind, NotAgreedReason, SecondInterviewStatus, SurveyRole, Wish


class InterviewResult(TimeStampedModel):
    """The result of one interview held on the event day: one row per (company table, senior) pair.

    Keyed on the pair rather than on a timetable meeting, so that a result survives a republished
    (repaired) timetable. The company's side is recorded by its bank staff; the senior records their own.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="interview_results")
    enrolment = models.ForeignKey(
        EventCompany, on_delete=models.CASCADE, related_name="interview_results", verbose_name=_("企業")
    )
    senior = models.ForeignKey(
        SeniorProfile, on_delete=models.CASCADE, related_name="interview_results", verbose_name=_("新現役")
    )
    institution = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    held = models.BooleanField(_("面談を実施した"), default=True)
    company_wish = models.CharField(_("企業の再面談の希望"), max_length=10, choices=Wish.choices, blank=True)
    company_notes = models.TextField(_("メモ（金融機関）"), blank=True)
    company_recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    company_recorded_at = models.DateTimeField(_("企業側の記録日時"), null=True, blank=True)
    senior_wish = models.CharField(_("新現役の再面談の希望"), max_length=10, choices=Wish.choices, blank=True)
    senior_notes = models.TextField(_("新現役のコメント"), blank=True)
    senior_recorded_at = models.DateTimeField(_("新現役の記録日時"), null=True, blank=True)

    objects = InstitutionScopedManager("institution")
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("面談結果")
        verbose_name_plural = _("面談結果")
        ordering = ["event", "enrolment", "senior"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "senior"], name="interview_result_pair_once")]
        indexes = [models.Index(fields=["event", "institution"])]

    def __str__(self) -> str:
        return f"{self.enrolment_id}×{self.senior_id}: {self.company_wish}/{self.senior_wish}"


class SecondInterview(TimeStampedModel):
    """A second interview (二次面談) of one pair, from proposal to outcome. The status changes only in
    matching.services.followup, one service per step."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="second_interviews")
    enrolment = models.ForeignKey(
        EventCompany, on_delete=models.CASCADE, related_name="second_interviews", verbose_name=_("企業")
    )
    senior = models.ForeignKey(
        SeniorProfile, on_delete=models.CASCADE, related_name="second_interviews", verbose_name=_("新現役")
    )
    institution = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    result = models.ForeignKey(
        InterviewResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="second_interviews"
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=SecondInterviewStatus.choices, default=SecondInterviewStatus.PROPOSED
    )
    status_changed_at = models.DateTimeField(_("状態の変更日時"), null=True, blank=True)
    # Proposed by the coordinator for a pair where one side said "maybe" (rather than both "yes").
    by_coordinator = models.BooleanField(_("コーディネーターの判断で提案"), default=False)
    proposed_at = models.DateTimeField(_("提案日時"), auto_now_add=True)
    staff = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="second_interviews", verbose_name=_("担当職員")
    )
    scheduled_at = models.DateTimeField(_("日時"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("所要時間（分）"), default=60)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    online_url = models.URLField(_("オンライン会議のURL"), blank=True)
    held_at = models.DateTimeField(_("実施の記録日時"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("結果の記録日時"), null=True, blank=True)
    not_agreed_reason = models.CharField(_("不成立の理由"), max_length=20, choices=NotAgreedReason.choices, blank=True)
    outcome_note = models.TextField(_("結果についてのメモ"), blank=True)

    objects = InstitutionScopedManager("institution")
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("二次面談")
        verbose_name_plural = _("二次面談")
        ordering = ["event", "enrolment", "senior"]
        constraints = [
            # One live second interview per pair; a cancelled one may be followed by a new proposal.
            models.UniqueConstraint(
                fields=["enrolment", "senior"],
                condition=~models.Q(status="cancelled"),
                name="second_interview_one_open_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self) -> str:
        return f"{self.enrolment_id}×{self.senior_id}: {self.status}"


class SupportAgreement(TimeStampedModel):
    """A support agreement (支援成立). A company may have several, a senior may hold several."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agreements")
    enrolment = models.ForeignKey(
        EventCompany, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("企業")
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("企業"))
    senior = models.ForeignKey(
        SeniorProfile, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("新現役")
    )
    institution = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    second_interview = models.OneToOneField(
        SecondInterview, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreement"
    )
    kind = models.CharField(_("支援の形"), max_length=20, choices=AgreementKind.choices)
    # Subsidised visits paid from the SME agency's budget (kind "subsidised"); default 3.
    subsidised_visits = models.PositiveSmallIntegerField(
        _("補助対象の訪問回数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    start_date = models.DateField(_("開始日"))
    fee = models.PositiveIntegerField(_("謝金・報酬（円）"), null=True, blank=True)
    responsible_staff = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="responsible_agreements", verbose_name=_("担当職員")
    )
    note = models.TextField(_("メモ"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = InstitutionScopedManager("institution")
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("支援成立")
        verbose_name_plural = _("支援成立")
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["event", "enrolment"]), models.Index(fields=["institution", "start_date"])]

    def __str__(self) -> str:
        return f"{self.company_id}×{self.senior_id}: {self.kind}"


class AgreementVisit(models.Model):
    """One visit of the senior to the company under an agreement."""

    agreement = models.ForeignKey(SupportAgreement, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("訪問日"))
    hours = models.DecimalField(
        _("時間"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0.5), MaxValueValidator(24)]
    )
    summary = models.TextField(_("内容"))
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    objects = InstitutionScopedManager("agreement__institution")
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("訪問記録")
        verbose_name_plural = _("訪問記録")
        ordering = ["agreement", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.date}"


class SurveyResponse(models.Model):
    """One participant's answer to an event's post-event survey (one per event and person)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="survey_responses")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="survey_responses")
    role = models.CharField(_("立場"), max_length=20, choices=SurveyRole.choices)
    satisfaction = models.PositiveSmallIntegerField(
        _("満足度"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("ご意見・ご感想"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("回答日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("アンケート回答")
        verbose_name_plural = _("アンケート回答")
        ordering = ["event", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="survey_one_per_event_user"),
            models.CheckConstraint(
                name="survey_satisfaction_1_to_5", condition=models.Q(satisfaction__gte=1, satisfaction__lte=5)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.user_id}: {self.satisfaction}"
