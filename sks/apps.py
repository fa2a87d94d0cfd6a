from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SksConfig(AppConfig):
    name = "sks"
    verbose_name = _("SKS基盤")

    def ready(self) -> None:
        """Make the local directories a fresh clone lacks: reading the settings creates nothing."""
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
            # SQLite creates its file but not the directory it goes in (var/ in development).
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WhiteNoise warns at every start while STATIC_ROOT is missing (collectstatic makes it in production).
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
