"""This app's page in the main menu (sks.pages), registered by AlumniConfig.ready(). The alumni home is open
to every signed-in user (it answers with the networks they belong to, or nothing); the menu offers it to the
alumni office. Members reach their network from the dashboard's panel: a menu entry for them would cost a
query on every page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sks.pages import register_page
from sks.roles import Role


def _office(user: Any) -> bool:
    return Role.ALUMNI_OFFICE in user.roles


def register_pages() -> None:
    register_page("alumni:home", label=_("OB・OGネットワーク"), order=155, visible=_office)
