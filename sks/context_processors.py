from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main menu, by role. Only links the user may open are shown."""
    user: Any = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        roles = user.roles
        items.append((reverse("dashboard"), _("ダッシュボード")))
        if SENIOR in roles:
            items.append((reverse("participants:senior_profile_edit"), _("プロフィール")))
            items.append((reverse("participants:senior_consent"), _("同意の管理")))
            items.append((reverse("events:senior_event_list"), _("交流会に応募")))
        if COMPANY in roles:
            items.append((reverse("events:company_home"), _("自社の交流会")))
        if roles & INSTITUTION_ROLES:
            items.append((reverse("events:staff_event_list"), _("主催する交流会")))
            items.append((reverse("participants:company_list"), _("取引先企業")))
        if Role.COORDINATOR in roles:
            items.append((reverse("events:event_list"), _("交流会の運営")))
        if roles & (INSTITUTION_ROLES | {SENIOR, COMPANY}):
            items.append((reverse("matching:my_schedule"), _("時間割")))
        if roles & (INSTITUTION_ROLES | {Role.COORDINATOR}):
            items.append((reverse("matching:second_interview_list"), _("二次面談")))
            items.append((reverse("matching:agreement_list"), _("支援成立")))
        if roles & (INSTITUTION_ROLES | {Role.COORDINATOR, Role.LOCAL_GOVERNMENT}):
            items.append((reverse("matching:statistics"), _("統計")))
        if roles & (INSTITUTION_ROLES | {Role.COORDINATOR}):
            items.append((reverse("participants:senior_search"), _("新現役を探す")))
        if Role.INSTITUTION_ADMIN in roles:
            items.append((reverse("participants:staff_list"), _("職員の管理")))
            items.append((reverse("participants:branch_list"), _("支店の管理")))
        elif Role.COORDINATOR in roles:
            items.append((reverse("participants:invitation_list"), _("職員の招待")))
        # Alumni (issue 15): the office by its role; members find their network on the dashboard's panel (a
        # menu link for them would cost a query on every page).
        if Role.ALUMNI_OFFICE in roles:
            items.append((reverse("alumni:home"), _("OB・OGネットワーク")))
        if user.is_staff:
            items.append((reverse("admin:index"), _("管理サイト")))
    return {"nav_items": items}
