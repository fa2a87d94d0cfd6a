from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionalConfig(AppConfig):
    name = "regional"
    verbose_name = _("地域ネットワーク・官民連携")

    def ready(self) -> None:
        """Everything this app registers, in one place: nothing registers itself by being imported."""
        from auditlog.registry import auditlog

        from participants.demo import register_demo_seeder

        from . import models
        from .demo import seed_regional_demo
        from .pages import register_pages
        from .panels import register_panels
        from .personal_data import register_personal_data

        register_demo_seeder(seed_regional_demo)
        register_panels()
        register_pages()

        # Every contribution is audited (who recorded what amount from which source), and so are the
        # agreements recorded on applications and the chapter roles that give access.
        auditlog.register(models.Contribution)
        auditlog.register(models.PartnerApplication)
        auditlog.register(models.ChapterMembership)
        auditlog.register(models.Campaign)
        # What this app holds about a person, for the export and erasure that walk sks.personal_data.
        register_personal_data()
