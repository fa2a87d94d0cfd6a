from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("マッチング")

    def ready(self) -> None:
        # Registers this app's dashboard panel with participants.dashboard.
        from events.signals import event_status_changed

        from . import demo, panels  # noqa: F401  (demo registers the follow-up demo seeder)
        from .personal_data import register_personal_data
        from .receivers import event_closed_send_summary, event_published_send_fit_mails

        event_status_changed.connect(event_closed_send_summary, dispatch_uid="matching.event_closed_send_summary")
        event_status_changed.connect(
            event_published_send_fit_mails, dispatch_uid="matching.event_published_send_fit_mails"
        )
        # What this app holds about a person, for the export and erasure that walk sks.personal_data.
        register_personal_data()
