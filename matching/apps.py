from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("マッチング")

    def ready(self) -> None:
        """Everything this app registers, in one place: nothing registers itself by being imported."""
        from participants.demo import register_demo_seeder

        from .demo import seed_fit_demo, seed_followup_demo
        from .pages import register_pages
        from .panels import register_panels
        from .personal_data import register_personal_data
        from .receivers import connect_receivers

        register_demo_seeder(seed_followup_demo)
        register_demo_seeder(seed_fit_demo)
        # What this app holds about a person, for the export and erasure that walk sks.personal_data.
        register_personal_data()
        register_panels()
        register_pages()
        connect_receivers()
