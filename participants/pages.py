"""This app's pages in the main menu and its next steps on the dashboard (sks.pages), registered by
ParticipantsConfig.ready(). Who sees each is read from the view's @role_required."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sks.pages import register_page, register_step
from sks.roles import Role


def _not_institution_admin(user: Any) -> bool:
    # An institution admin invites from the staff page (職員の管理), so the menu does not list it twice.
    return Role.INSTITUTION_ADMIN not in user.roles


def _coordinator(user: Any) -> bool:
    # The invitation step is the coordinator's first task; an institution admin has the staff step instead.
    return Role.COORDINATOR in user.roles


def register_pages() -> None:
    # The menu (events and matching slot their pages between these by `order`).
    register_page("participants:senior_profile_edit", label=_("プロフィール"), order=10)
    register_page("participants:senior_consent", label=_("同意の管理"), order=20)
    register_page("participants:company_list", label=_("取引先企業"), order=60)
    register_page("participants:senior_search", label=_("新現役を探す"), order=120)
    register_page("participants:staff_list", label=_("職員の管理"), order=130)
    register_page("participants:branch_list", label=_("支店の管理"), order=140)
    register_page("participants:invitation_list", label=_("職員の招待"), order=150, visible=_not_institution_admin)

    # The dashboard's next steps for staff (a senior's steps follow their profile: participants.views.dashboard).
    register_step(
        "participants:company_import",
        title=_("取引先企業を登録しましょう"),
        text=_("1社ずつ登録するか、Excel や CSV のファイルからまとめて取り込めます。"),
        label=_("ファイルから一括取込"),
        order=10,
        other_url_name="participants:company_create",
        other_label=_("1社ずつ登録"),
    )
    register_step(
        "participants:company_list",
        title=_("取引先企業を確認しましょう"),
        text=_("自機関が登録した企業だけが表示されます。他の金融機関からは見えません。"),
        label=_("取引先企業の一覧へ"),
        order=20,
    )
    register_step(
        "participants:senior_search",
        title=_("新現役を探しましょう"),
        text=_("専門分野・業種・資格・地域などで、公開に同意した新現役を探せます。"),
        label=_("新現役を探す"),
        order=30,
    )
    register_step(
        "participants:staff_list",
        title=_("職員と支店を管理しましょう"),
        text=_("職員の招待・役割の変更・利用停止、支店の登録ができます。"),
        label=_("職員の管理へ"),
        order=40,
    )
    register_step(
        "participants:invitation_list",
        title=_("職員を招待しましょう"),
        text=_("招待リンクは、招待したメールアドレスで一度だけ、有効期限内に使えます。"),
        label=_("職員の招待へ"),
        order=50,
        visible=_coordinator,
    )
