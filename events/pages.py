"""This app's pages in the main menu (sks.pages), registered by EventsConfig.ready(). Who sees each is read
from the view's @role_required."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sks.pages import register_page


def register_pages() -> None:
    register_page("events:senior_event_list", label=_("交流会に応募"), order=30)
    register_page("events:company_home", label=_("自社の交流会"), order=40)
    register_page("events:staff_event_list", label=_("主催する交流会"), order=50)
    register_page("events:event_list", label=_("交流会の運営"), order=70)
