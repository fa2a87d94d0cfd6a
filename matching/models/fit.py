"""The senior's choice not to be mailed fit suggestions (the publish-time mail of matching.services.fit)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import SeniorProfile


class FitMailOptOut(models.Model):
    """One row per senior who asked, from the mail's one-click link, not to get 「あなたに合いそうな課題」 mail.

    The mail's exactly-once ledger is participants' Reminder (kind FIT_MAIL_KIND, one row per event and senior).
    """

    senior = models.OneToOneField(
        SeniorProfile, on_delete=models.CASCADE, related_name="fit_mail_opt_out", verbose_name=_("新現役")
    )
    created_at = models.DateTimeField(_("配信停止の日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("おすすめ課題メールの配信停止")
        verbose_name_plural = _("おすすめ課題メールの配信停止")

    def __str__(self) -> str:
        return f"{self.senior_id}"
