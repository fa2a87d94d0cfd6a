"""This app's panels on the dashboard (registered with participants.dashboard by MatchingConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.dashboard import Panel, next_step, register_dashboard_panel
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR

from .selectors.publish import user_has_published_schedule


def schedule_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Seniors, bank staff and company contacts: a link to their schedule once a timetable is published."""
    if not user.roles & {SENIOR, COMPANY, *INSTITUTION_ROLES}:
        return None
    if not user_has_published_schedule(user=user):
        return None
    # The panel asks the user to check their schedule: so does the dashboard, after anything more pressing.
    step = next_step(
        title=_("あなたの時間割を確認しましょう"),
        text=_("交流会の時間割が公開されました。面談の時刻とテーブルを確認してください。"),
        url=reverse("matching:my_schedule"),
        label=_("あなたの時間割を見る"),
    )
    return Panel(template="matching/schedule_panel.html", context={}, order=5, step=step, step_order=900)


# --- after the event (statistics) ---
def statistics_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Coordinators, bank staff and local governments: the matching rate of their scope, and the way to
    the statistics page."""
    from django.http import Http404

    from .selectors.statistics import StatFilters, statistics_scope_for, totals, user_may_see_statistics

    if not user_may_see_statistics(user):
        return None
    try:
        scope = statistics_scope_for(user=user)
    except Http404:
        return None
    return Panel(
        template="matching/statistics/panel.html",
        context={"scope": scope, "totals": totals(scope=scope, filters=StatFilters(), parts="enrolments")},
        order=40,
    )


# --- after the event (results, second interviews) ---
def followup_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Bank staff and institution admins: interviews to record and second interviews to move on."""
    if not user.roles & INSTITUTION_ROLES:
        return None
    from .selectors.followup import followup_todo

    todo = followup_todo(user=user)
    if todo.empty:
        return None
    if todo.unrecorded:
        event, n = todo.unrecorded[0]
        step = next_step(
            title=_("面談の結果を記録しましょう"),
            text=ngettext(
                "「%(title)s」の面談結果がまだ %(n)d件 記録されていません。",
                "「%(title)s」の面談結果がまだ %(n)d件 記録されていません。",
                n,
            )
            % {"title": event.title, "n": n},
            url=reverse("matching:followup_tables", args=[event.pk]),
            label=_("面談結果を記録する"),
        )
    elif todo.unscheduled:
        step = next_step(
            title=_("二次面談の日程を決めましょう"),
            text=ngettext(
                "日程が決まっていない二次面談が %(n)d件 あります。",
                "日程が決まっていない二次面談が %(n)d件 あります。",
                todo.unscheduled,
            )
            % {"n": todo.unscheduled},
            url=reverse("matching:second_interview_list"),
            label=_("二次面談へ"),
        )
    else:
        step = next_step(
            title=_("二次面談の結果を記録しましょう"),
            text=ngettext(
                "実施済で結果が未記録の二次面談が %(n)d件 あります。",
                "実施済で結果が未記録の二次面談が %(n)d件 あります。",
                todo.without_outcome,
            )
            % {"n": todo.without_outcome},
            url=reverse("matching:second_interview_list") + "?status=held",
            label=_("結果を記録する"),
        )
    return Panel(template="matching/followup/panel.html", context={"todo": todo}, order=6, step=step)


# --- fit ---
def fit_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Seniors under the pledge in force: 「あなたに合いそうな課題」 of each event open for applications."""
    if SENIOR not in user.roles:
        return None
    from .selectors.fit import fit_panel_rows

    rows = fit_panel_rows(user=user)
    if not rows:
        return None
    return Panel(template="matching/fit/panel.html", context={"rows": rows}, order=4)


def register_panels() -> None:
    for panel in (schedule_panel, statistics_panel, followup_panel, fit_panel):
        register_dashboard_panel(panel)
