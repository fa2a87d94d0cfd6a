from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("交流会")

    def ready(self) -> None:
        """Everything this app registers, in one place: nothing registers itself by being imported."""
        from participants.demo import register_demo_seeder

        from .demo import DEMO_LOGINS, seed_events_demo
        from .pages import register_pages
        from .panels import register_panels
        from .personal_data import register_personal_data

        register_demo_seeder(seed_events_demo, logins=DEMO_LOGINS)
        # What this app holds about a person, for the export and erasure that walk sks.personal_data.
        register_personal_data()
        register_panels()
        register_pages()
