from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlumniConfig(AppConfig):
    name = "alumni"
    verbose_name = _("OB・OGネットワーク")

    def ready(self) -> None:
        """Everything this app registers, in one place: nothing registers itself by being imported."""
        from auditlog.registry import auditlog

        from participants.conflicts import register_conflict_source
        from participants.demo import register_demo_seeder

        from . import models
        from .demo import DEMO_LOGINS, seed_alumni_demo
        from .pages import register_pages
        from .panels import register_panels
        from .personal_data import register_personal_data
        from .services import conflict_source

        # Personal data (APPI): who is a member, and what the office decided about them.
        auditlog.register(models.AlumniMember, exclude_fields=["search_text"])
        auditlog.register(models.Feedback)
        register_demo_seeder(seed_alumni_demo, logins=DEMO_LOGINS)
        # The companies members declared they must not be matched with, for the matching engine's problem.
        register_conflict_source(conflict_source)
        # What this app holds about a person, for the export and erasure that walk sks.personal_data.
        register_personal_data()
        register_panels()
        register_pages()
