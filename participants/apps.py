from django.apps import AppConfig
from django.db.models import Model
from django.utils.translation import gettext_lazy as _


def _own_columns(model: type[Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields]


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("参加者")

    def ready(self) -> None:
        """Everything this app registers, in one place: nothing registers itself by being imported."""
        from auditlog.registry import auditlog

        from . import models
        from .pages import register_pages
        from .panels import register_panels
        from .personal_data import register_personal_data

        # Confidential: a company belongs to its institution; senior profiles are personal data (APPI).
        # Only their own columns: auditlog would otherwise log each reverse relation (another app's rows
        # pointing here) as the text of its manager, which says nothing ("events.EventCompany.None").
        auditlog.register(models.Company, include_fields=_own_columns(models.Company))
        auditlog.register(models.SeniorProfile, include_fields=_own_columns(models.SeniorProfile))
        auditlog.register(models.Membership)
        auditlog.register(models.StaffInvitation, exclude_fields=["token_hash"])
        auditlog.register(models.User, include_fields=["email", "name", "is_active", "is_staff", "is_superuser"])

        # What this app holds about a person, for the export and erasure that walk sks.personal_data.
        register_personal_data()
        register_panels()
        register_pages()

        from .receivers import connect_receivers

        connect_receivers()
