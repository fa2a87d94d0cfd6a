from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("参加者")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models
        from .personal_data import register_personal_data
        from .views import notifications  # noqa: F401  (registers the notifications dashboard panel)

        # Confidential: a company belongs to its institution; senior profiles are personal data (APPI).
        auditlog.register(models.Company)
        auditlog.register(models.SeniorProfile)
        auditlog.register(models.Membership)
        auditlog.register(models.StaffInvitation, exclude_fields=["token_hash"])
        auditlog.register(models.User, include_fields=["email", "name", "is_active", "is_staff", "is_superuser"])

        # What this app holds about a person, for the export and erasure that walk sks.personal_data.
        register_personal_data()
