"""Audit trail on top of django-auditlog.

Changes to registered models are logged by auditlog itself, with the actor and IP address that
`AuditlogMiddleware` records for the request. This module adds the two things auditlog leaves to us:
reads of confidential records (`audit_read`) and named domain events such as `invitation.accepted`
(`audit`).
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.db import models


def audit_read(*, obj: models.Model) -> None:
    """Record that the current user read `obj` (an ACCESS entry; the model must be registered)."""
    accessed.send(sender=obj.__class__, instance=obj)


def audit(*, obj: models.Model, action: str, user: Any = None, data: dict[str, Any] | None = None) -> LogEntry:
    """Record a named domain event on `obj`; `user` overrides the request's actor (tasks have none)."""
    extra: dict[str, Any] = {"event": action, **(data or {})}
    kwargs: dict[str, Any] = {"action": LogEntry.Action.UPDATE, "additional_data": extra, "changes": {}}
    if user is not None and getattr(user, "is_authenticated", False):
        kwargs["actor"] = user
    entry = LogEntry.objects.log_create(obj, force_log=True, **kwargs)
    assert entry is not None  # force_log always creates
    return entry
