"""This app's pages in the main menu (sks.pages), registered by MatchingConfig.ready(). Who sees each is
read from the view's @role_required."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sks.pages import register_page


def register_pages() -> None:
    register_page("matching:my_schedule", label=_("時間割"), order=80)
    register_page("matching:second_interview_list", label=_("二次面談"), order=90)
    register_page("matching:agreement_list", label=_("支援成立"), order=100)
    register_page("matching:statistics", label=_("統計"), order=110)
