from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.core import validators
from django.utils.translation import gettext_lazy as _

# Django's own length messages end in half-width brackets ("…(%(show_value)d 文字になっています)。") that
# read as foreign in a Japanese form. Every CharField of every form and model checks its length through
# these two validators, so their messages are set once here rather than on each field.
MAX_LENGTH_MESSAGE = _("%(limit_value)d 文字以内で入力してください（現在 %(show_value)d 文字）。")
MIN_LENGTH_MESSAGE = _("%(limit_value)d 文字以上で入力してください（現在 %(show_value)d 文字）。")


class SksConfig(AppConfig):
    name = "sks"
    verbose_name = _("SKS基盤")

    def ready(self) -> None:
        """Make the local directories a fresh clone lacks: reading the settings creates nothing."""
        validators.MaxLengthValidator.message = MAX_LENGTH_MESSAGE
        validators.MinLengthValidator.message = MIN_LENGTH_MESSAGE
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
            # SQLite creates its file but not the directory it goes in (var/ in development).
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WhiteNoise warns at every start while STATIC_ROOT is missing (collectstatic makes it in production).
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # The menu's page addresses are reversed once per process (sks.pages.page_url): forget them when a test
        # swaps the URL configuration, as Django forgets its own reverse caches.
        from django.core.signals import setting_changed

        from .pages import forget_page_urls

        setting_changed.connect(forget_page_urls, dispatch_uid="sks.pages.forget_page_urls")
