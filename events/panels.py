"""This app's panels on the dashboard (registered with participants.dashboard by EventsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.dashboard import Panel, next_step, register_dashboard_panel
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR, Role


def senior_applications_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Events a senior can apply to now, with their status; without the pledge only how many there are."""
    if SENIOR not in user.roles:
        return None
    from participants.selectors import senior_has_current_pledge

    from .access import senior_profile_of
    from .selectors.selection import senior_event_rows

    try:
        profile = senior_profile_of(user)
    except Http404:
        return None
    rows = [row for row in senior_event_rows(user=user, senior=profile) if row.accepting]
    if not rows:
        return None
    has_pledge = senior_has_current_pledge(profile)
    context = {"rows": rows if has_pledge else [], "count": len(rows), "has_pledge": has_pledge}
    step = None
    to_apply = [row for row in rows if row.application_status not in ("submitted", "withdrawn")]
    if has_pledge and to_apply:
        # The nearest deadline first: the event the senior would miss soonest.
        row = min(to_apply, key=lambda r: (r.event.application_deadline, r.event.pk))
        deadline = date_format(row.event.application_deadline, "Y年n月j日")
        if row.application_status == "draft":
            title = _("応募の下書きを仕上げましょう")
            text = _("「%(title)s」の応募は下書きのままです。締切は%(deadline)sです。")
        else:
            title = _("交流会に応募しましょう")
            text = _(
                "「%(title)s」の課題一覧から、支援できそうな企業を選んで応募してください。締切は%(deadline)sです。"
            )
        step = next_step(
            title=title,
            text=text % {"title": row.event.title, "deadline": deadline},
            url=reverse("events:senior_application", args=[row.event.pk]),
            label=_("課題を見て応募する"),
        )
    return Panel(template="events/senior_applications_panel.html", context=context, order=20, step=step)


def staff_pending_decisions_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Bank staff: their institution's companies in selection, with how many applicants await an answer."""
    if not user.roles & set(INSTITUTION_ROLES):
        return None
    from .selectors.selection import staff_pending_decisions

    rows = staff_pending_decisions(user=user)
    if not rows:
        return None
    pending = sum(row.pending for row in rows)
    context = {"rows": rows, "pending": pending}
    step = None
    if pending:
        first = next(row for row in rows if row.pending)
        step = next_step(
            title=_("応募者に回答しましょう"),
            text=ngettext(
                "未回答の応募が %(n)d件 あります。企業と相談して、面談するかどうかを回答してください。",
                "未回答の応募が %(n)d件 あります。企業と相談して、面談するかどうかを回答してください。",
                pending,
            )
            % {"n": pending},
            url=reverse("events:staff_applicants", args=[first.enrolment.pk]),
            label=_("%(company)sの応募者を見る") % {"company": first.enrolment.company.name},
        )
    return Panel(template="events/staff_applicants_panel.html", context=context, order=30, step=step)


def company_hearing_panel(request: HttpRequest, user: Any) -> Panel | None:
    """A company contact: the hearing sheets waiting for its approval, and the way to its events."""
    if COMPANY not in user.roles:
        return None
    from .selectors.hearings import contact_enrolment_list

    rows = list(contact_enrolment_list(user=user))
    waiting = [e for e in rows if getattr(e, "hearing", None) is not None and e.hearing.status == "submitted"]
    step = None
    if waiting:
        first = waiting[0]
        step = next_step(
            title=_("事前ヒアリングシートを確認してください"),
            text=_(
                "「%(event)s」に向けて、担当の金融機関が%(company)sのシートを作りました。"
                "内容を確認して、承認するか、直してほしい点を伝えてください。"
            )
            % {"event": first.event.title, "company": first.company.name},
            url=reverse("events:company_hearing", args=[first.pk]),
            label=_("シートを確認する"),
        )
    return Panel(template="events/company_panel.html", context={"rows": rows, "waiting": waiting}, order=10, step=step)


def staff_hearing_panel(request: HttpRequest, user: Any) -> Panel | None:
    """Bank staff: hearing sheets of their institution still to write, fix or get approved."""
    if not user.roles & set(INSTITUTION_ROLES):
        return None
    from .selectors.hearings import staff_open_hearings

    rows = list(staff_open_hearings(user=user))
    if not rows:
        return None
    # Sheets waiting for the company are the company's move; the staff's are those to write or fix.
    to_write = [e for e in rows if getattr(e, "hearing", None) is None or e.hearing.status in ("draft", "returned")]
    step = None
    if to_write:
        first = to_write[0]
        step = next_step(
            title=_("事前ヒアリングシートを仕上げましょう"),
            text=ngettext(
                "書きかけ・差し戻しのシートが %(n)d件 あります。最初は%(company)s（締切 %(deadline)s）です。",
                "書きかけ・差し戻しのシートが %(n)d件 あります。最初は%(company)s（締切 %(deadline)s）です。",
                len(to_write),
            )
            % {
                "n": len(to_write),
                "company": first.company.name,
                "deadline": date_format(first.event.hearing_deadline, "n月j日"),
            },
            url=reverse("events:hearing_detail", args=[first.pk]),
            label=_("シートを書く"),
        )
    return Panel(template="events/staff_event_panel.html", context={"rows": rows}, order=25, step=step)


# --- the coordinator's panel --------------------------------------------------------------------------------------

_OVERDUE_SHOWN = 10


def coordinator_preparation_panel(request: HttpRequest, user: Any) -> Panel | None:
    """For coordinators: the overdue checklist items across their events (made to stand out), and their
    upcoming events with their status."""
    if Role.COORDINATOR not in user.roles:
        return None
    from .selectors.events import checklist_overdue_for_coordinator, events_upcoming_for_coordinator

    overdue = list(checklist_overdue_for_coordinator(user=user)[: _OVERDUE_SHOWN + 1])
    count = len(overdue)
    if count > _OVERDUE_SHOWN:
        count = checklist_overdue_for_coordinator(user=user).count()
    upcoming = list(events_upcoming_for_coordinator(user=user)[:5])
    context = {
        "overdue": overdue[:_OVERDUE_SHOWN],
        "overdue_count": count,
        "overdue_more": max(count - _OVERDUE_SHOWN, 0),
        "events": upcoming,
    }
    if overdue:
        first = overdue[0]
        step = next_step(
            title=ngettext("期限を過ぎた準備が %(n)d件 あります", "期限を過ぎた準備が %(n)d件 あります", count)
            % {"n": count},
            text=_(
                "いちばん古いのは「%(item)s」（%(event)s、期限 %(due)s）です。済んでいれば、チェックを付けてください。"
            )
            % {"item": first.title, "event": first.event.title, "due": date_format(first.due_date, "n月j日")},
            url=reverse("events:checklist", args=[first.event_id]) + f"#item-{first.pk}",
            label=_("チェックリストを開く"),
        )
    elif upcoming:
        step = next_step(
            title=_("次の交流会の準備を進めましょう"),
            text=_("「%(event)s」（%(date)s）は「%(status)s」です。")
            % {
                "event": upcoming[0].title,
                "date": date_format(upcoming[0].date, "Y年n月j日"),
                "status": upcoming[0].get_status_display(),
            },
            url=reverse("events:event_detail", args=[upcoming[0].pk]),
            label=_("交流会を開く"),
        )
    else:
        step = next_step(
            title=_("交流会を作りましょう"),
            text=_("日時・会場・面談の回数を決めると、準備のチェックリストが期日つきで作られます。"),
            url=reverse("events:event_create"),
            label=_("交流会を作る"),
        )
    return Panel(template="events/panel_coordinator.html", context=context, order=10, step=step)


def register_panels() -> None:
    for panel in (
        coordinator_preparation_panel,
        senior_applications_panel,
        staff_pending_decisions_panel,
        company_hearing_panel,
        staff_hearing_panel,
    ):
        register_dashboard_panel(panel)
