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
