from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SksConfig(AppConfig):
    name = "sks"
    verbose_name = _("SKS基盤")
