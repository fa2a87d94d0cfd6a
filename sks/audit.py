"""Audit trail on top of django-auditlog.

Changes to registered models are logged by auditlog itself, with the actor and IP address that
`AuditlogMiddleware` records for the request. This module adds the two things auditlog leaves to us:
reads of confidential records (`audit_read`) and named domain events such as `invitation.accepted`
(`audit`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.db import models
from django.db.models.signals import pre_save


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


def audit_request_context() -> dict[str, Any] | None:
    """auditlog's context of the current request (actor, IP address), if a request is being served.

    auditlog never resets its context variable, so a value left by an earlier request can still be
    there: only a context whose signal receiver is still connected is live.
    """
    try:
        context = auditlog_value.get()
    except LookupError:
        return None
    duid = context.get("signal_duid")
    if any(lookup[0] == duid for lookup, *_rest in pre_save.receivers):
        return context
    return None


def audit_actor(user: Any) -> AbstractContextManager[Any]:
    """Attribute the changes saved inside to `user` when no request does it already.

    Inside a request AuditlogMiddleware has set the actor and IP address; a second context there would
    drop the IP address for the rest of the request, so this is then a no-op. Tasks and commands get the
    actor they pass.
    """
    return nullcontext() if audit_request_context() is not None else set_actor(user)
