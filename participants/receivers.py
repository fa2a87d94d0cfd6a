"""This app's receivers, connected from ParticipantsConfig.ready() (nothing connects itself on import)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save


def reference_changed(**_kwargs: Any) -> None:
    """A reference table (expertise areas, industries, qualifications, regions) changed: every form fragment
    cached with its lists is stale (participants.selectors.reference_version)."""
    from .selectors.reference import reference_changed as bump

    bump()


def connect_receivers() -> None:
    """Called from ParticipantsConfig.ready(); dispatch_uid keeps a second call from connecting twice."""
    from .models import ExpertiseArea, Industry, Qualification, Region

    for model in (ExpertiseArea, Industry, Qualification, Region):
        label = model._meta.label_lower
        post_save.connect(reference_changed, sender=model, dispatch_uid=f"participants.reference_saved.{label}")
        post_delete.connect(reference_changed, sender=model, dispatch_uid=f"participants.reference_deleted.{label}")
    # Migrations (and the seeds' bulk inserts, which send no post_save) may write reference rows.
    post_migrate.connect(reference_changed, dispatch_uid="participants.reference_migrated")
