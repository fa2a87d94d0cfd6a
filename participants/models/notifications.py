"""In-app notifications and the reminder ledger every app's periodic reminders go through.

A `Reminder` row is the unique record of one reminder (kind, object, due date, recipient): the scan that
finds due reminders creates it with `get_or_create`, so a second beat tick finds it already there. The
row is delivered at most once in the normal course (a claimed, unsent row is retried only after its
claim expires), and a row whose worker died before sending stays unsent and is picked up by the next
scan, so it is never lost.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import MailDeliveryStatus
from .accounts import User


class Reminder(models.Model):
    kind = models.CharField(_("種類"), max_length=64)
    # The object the reminder is about, as "app_label.model:pk"; kept as text so any app can use it.
    object_key = models.CharField(_("対象"), max_length=100)
    due_date = models.DateField(_("基準日"))
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("宛先"))
    # Template context (ids and plain values only), rendered at delivery in the recipient's language.
    context = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("リンク"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("送信処理の開始"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    # Sends that went out although another worker had taken the claim over (participants.services.mail_ledger).
    duplicates = models.PositiveSmallIntegerField(_("重複送信"), default=0)
    last_error = models.TextField(_("最後のエラー"), blank=True)

    class Meta:
        verbose_name = _("リマインダー")
        verbose_name_plural = _("リマインダー")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_key", "due_date", "recipient"], name="reminder_unique_key")
        ]
        indexes = [models.Index(fields=["sent_at", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_key} {self.due_date} → {self.recipient_id}"


class MailDelivery(models.Model):
    """The send ledger: one row per mail (kind, target, recipient, version), claimed before it is sent and
    marked after (participants.services.mail_ledger.mail_once). `version` is derived from what the mail
    says (e.g. a second interview's date and place), so a real change is a new mail and a repeat is not."""

    kind = models.CharField(_("種類"), max_length=64)
    # The object the mail is about, as "app_label.model:pk".
    target = models.CharField(_("対象"), max_length=100)
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="mail_deliveries", verbose_name=_("宛先")
    )
    version = models.CharField(_("版"), max_length=64)
    status = models.CharField(
        _("状態"), max_length=16, choices=MailDeliveryStatus.choices, default=MailDeliveryStatus.FAILED
    )
    claim_token = models.CharField(_("送信処理の識別子"), max_length=32, blank=True)
    claimed_at = models.DateTimeField(_("送信処理の開始"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    duplicates = models.PositiveSmallIntegerField(_("重複送信"), default=0)
    last_error = models.TextField(_("最後のエラー"), blank=True)
    # The Celery task that sends it (name and keyword arguments), so that an unsent row can be redelivered.
    task_name = models.CharField(_("タスク"), max_length=200, blank=True)
    task_kwargs = models.JSONField(_("タスクの引数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("メール送信記録")
        verbose_name_plural = _("メール送信記録")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "target", "recipient", "version"], name="mail_delivery_unique_key")
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} v{self.version} → {self.recipient_id}"


class Notification(models.Model):
    """A message in a user's in-app inbox. Every email the platform sends also lands here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("宛先")
    )
    kind = models.CharField(_("種類"), max_length=64)
    title = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"), blank=True)
    url = models.CharField(_("リンク"), max_length=300, blank=True)
    reminder = models.ForeignKey(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    # A copy for someone who oversees the work (the coordinator's dashboard), not the person who must act.
    is_copy = models.BooleanField(_("写し"), default=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title
