"""This app's pages in the main menu (sks.pages), registered by RegionalConfig.ready(). Both pages are open to
every signed-in user (their views say so with `signed_in_required`); the menu offers them to the people
each area is for."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sks.pages import register_page
from sks.roles import INSTITUTION_ROLES, STAFF_ROLES, Role


def _at_work(user: Any) -> bool:
    # Regional networks gather people at work (public servants, bank, company and university staff).
    return bool(user.roles & STAFF_ROLES)


def _government_or_bank(user: Any) -> bool:
    # Governments post regional challenges; financial institutions join them as partners.
    return bool(user.roles & (INSTITUTION_ROLES | {Role.LOCAL_GOVERNMENT}))


def register_pages() -> None:
    register_page("regional:home", label=_("地域ネットワーク"), order=160, visible=_at_work)
    register_page("regional:challenge_list", label=_("官民連携"), order=170, visible=_government_or_bank)
