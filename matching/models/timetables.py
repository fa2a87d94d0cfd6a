"""Timetables of an event's interviews: versions (draft, published), their meetings and the solver's run.

A timetable's meetings pair an enrolled company (its table, with its bank staff member) and a senior in one
slot (round) of the event's grid. Who may see which meetings is decided in matching.selectors: the
coordinator all of the event's, bank staff their own institution's tables, a senior their own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.enums import RequestKind
from events.models import Event, EventCompany
from participants.models import SeniorProfile, User

from ..enums import AttendanceStatus, SolveStatus, TimetableStatus


class Timetable(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="timetables", verbose_name=_("交流会"))
    version = models.PositiveIntegerField(_("版"))
    status = models.CharField(_("状態"), max_length=20, choices=TimetableStatus.choices, default=TimetableStatus.DRAFT)
    # The engine's input as built from the event (sks-timetable-problem/1), kept for reproducing and for
    # validating hand edits against the same constraints.
    problem = models.JSONField(_("問題"), default=dict)
    solve_status = models.CharField(
        _("計算の状態"), max_length=20, choices=SolveStatus.choices, default=SolveStatus.QUEUED
    )
    solve_progress = models.PositiveSmallIntegerField(_("計算の進み具合（%）"), default=0)
    solve_error = models.TextField(_("計算のエラー"), blank=True)
    time_limit = models.PositiveSmallIntegerField(_("制限時間（秒）"), default=20)
    score = models.IntegerField(_("スコア"), null=True, blank=True)
    bound = models.IntegerField(_("スコアの上限"), null=True, blank=True)
    gaps = models.PositiveIntegerField(_("空き時間"), null=True, blank=True)
    optimal = models.BooleanField(_("最適と証明済み"), default=False)
    seconds = models.FloatField(_("計算時間（秒）"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("元の版")
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    published_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("時間割")
        verbose_name_plural = _("時間割")
        ordering = ["event", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["event", "version"], name="timetable_unique_version"),
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(status="published"), name="timetable_one_published"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} v{self.version}"


class TimetableMeeting(models.Model):
    timetable = models.ForeignKey(Timetable, on_delete=models.CASCADE, related_name="meetings")
    enrolment = models.ForeignKey(
        EventCompany, on_delete=models.CASCADE, related_name="timetable_meetings", verbose_name=_("企業")
    )
    senior = models.ForeignKey(
        SeniorProfile, on_delete=models.CASCADE, related_name="timetable_meetings", verbose_name=_("新現役")
    )
    slot = models.PositiveSmallIntegerField(_("回"))  # 0-based round of the event's grid
    kind = models.CharField(_("種類"), max_length=20, choices=RequestKind.choices)
    pinned = models.BooleanField(_("固定"), default=False)

    class Meta:
        verbose_name = _("面談")
        verbose_name_plural = _("面談")
        ordering = ["timetable", "slot", "enrolment", "senior"]
        constraints = [
            models.UniqueConstraint(fields=["timetable", "enrolment", "senior"], name="meeting_pair_once"),
        ]
        indexes = [models.Index(fields=["timetable", "slot"])]

    def __str__(self) -> str:
        return f"{self.timetable} #{self.slot}: {self.enrolment_id}×{self.senior_id}"


class Attendance(models.Model):
    """One participant on the event day: a senior or a company's table (with its bank staff member).

    Rows are created on first use (check-in or no-show); a participant without a row is expected.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("交流会"))
    senior = models.ForeignKey(
        SeniorProfile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("新現役"),
    )
    enrolment = models.ForeignKey(
        EventCompany,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("企業"),
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.EXPECTED
    )
    checked_in_at = models.DateTimeField(_("受付日時"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("欠席の記録日時"), null=True, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # A senior who came without being in the timetable (walk-in) or who waits for a freed seat (standby).
    walk_in = models.BooleanField(_("当日参加"), default=False)
    standby = models.BooleanField(_("空席待ち"), default=False)
    # A walk-in's wishes: these pairs join the problem as requests of kind "senior" when the timetable
    # is repaired.
    # On the day: a late arrival or an early departure (0-based rounds, inclusive; empty = as planned).
    arrival_slot = models.PositiveSmallIntegerField(_("当日の到着の回"), null=True, blank=True)
    leaving_slot = models.PositiveSmallIntegerField(_("当日の退出の回"), null=True, blank=True)
    wanted = models.ManyToManyField(
        EventCompany, blank=True, related_name="walk_in_wishes", verbose_name=_("面談を希望する企業")
    )

    class Meta:
        verbose_name = _("当日の出欠")
        verbose_name_plural = _("当日の出欠")
        constraints = [
            models.CheckConstraint(
                name="attendance_one_participant",
                condition=(models.Q(senior__isnull=False) & models.Q(enrolment__isnull=True))
                | (models.Q(senior__isnull=True) & models.Q(enrolment__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["event", "senior"], condition=models.Q(senior__isnull=False), name="attendance_unique_senior"
            ),
            models.UniqueConstraint(
                fields=["event", "enrolment"],
                condition=models.Q(enrolment__isnull=False),
                name="attendance_unique_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.senior_id or self.enrolment_id}: {self.status}"
