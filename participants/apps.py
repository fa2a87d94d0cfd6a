from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        auditlog.register(models.Company)
        auditlog.register(models.SeniorProfile)
        auditlog.register(models.Membership)
        auditlog.register(models.StaffInvitation, exclude_fields=["token_hash"])
        auditlog.register(models.User, include_fields=["email", "name", "is_active", "is_staff", "is_superuser"])

        # What this app holds about a person, for the export and erasure that walk sks.personal_data.
        register_personal_data()
        register_panels()
        register_pages()
