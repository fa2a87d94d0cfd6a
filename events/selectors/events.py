"""Reads for the coordinator setting up and running an event: the event list, the status ladder with the
next allowed step (and why it may not be taken yet), and the preparation checklist.

Only coordinators of the event's coordinator organisation act here; everyone else finds nothing (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, F, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.enums import OrganizationKind
from participants.models import Organization, User
from sks.access import get_or_404
from sks.roles import Role

from ..access import coordinator_org_ids, enrolments_of_event, events_for_coordinator, hearing_sheets_of_event
from ..enums import EVENT_STATUS_ORDER, EventStatus, HearingStatus
from ..models import ChecklistItem, Event, EventHost

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: annotations only

__all__ = [
    "EVENT_EDITABLE_STATUSES",
    "EVENT_TRANSITIONS",
    "EVENT_TRANSITIONS_BY_ACTION",
    "MAX_EVENT_HOSTS",
    "EventNextStep",
    "EventTransition",
    "LadderStep",
    "access_checklist_item_for_coordinator",
    "checklist_for_event",
    "checklist_item_for_form",
    "checklist_overdue_for_coordinator",
    "checklist_owner_choices",
    "coordinator_orgs_of",
    "event_co_host_choices",
    "event_company_count",
    "event_for_form",
    "event_host_choices",
    "event_list_for_coordinator",
    "event_next_step",
    "event_status_ladder",
    "event_transition_blocker",
    "events_upcoming_for_coordinator",
]

# Joint events of up to 13 institutions are real (DESIGN.md).
MAX_EVENT_HOSTS = 13

# The event's set-up may be changed until it has been held.
EVENT_EDITABLE_STATUSES: frozenset[str] = frozenset(EVENT_STATUS_ORDER[: EVENT_STATUS_ORDER.index(EventStatus.HELD)])


@dataclass(frozen=True)
class EventTransition:
    """One step of the straight-line lifecycle; `action` is what the transition form posts."""

    action: str
    source: str
    target: str
    label: StrOrPromise
    confirm: StrOrPromise


EVENT_TRANSITIONS: tuple[EventTransition, ...] = (
    EventTransition(
        "open_recruitment",
        EventStatus.PREPARING,
        EventStatus.RECRUITING,
        gettext_lazy("企業の募集を始める"),
        gettext_lazy("主催金融機関の職員が、取引先企業をこの交流会に登録できるようになります。"),
    ),
    EventTransition(
        "start_hearing",
        EventStatus.RECRUITING,
        EventStatus.HEARING,
        gettext_lazy("事前ヒアリングを始める"),
        gettext_lazy("企業の募集を締め切り、登録された企業の事前ヒアリングに進みます。"),
    ),
    EventTransition(
        "publish_issue_list",
        EventStatus.HEARING,
        EventStatus.PUBLISHED,
        gettext_lazy("課題一覧を公開する"),
        gettext_lazy(
            "企業が承認し、公開用の概要がそろった課題が、守秘義務を誓約した新現役に公開されます。応募の受付が始まります。"
        ),
    ),
    EventTransition(
        "start_selection",
        EventStatus.PUBLISHED,
        EventStatus.SELECTION,
        gettext_lazy("相互選考に進む"),
        gettext_lazy("新現役の応募を締め切り、企業による選考に進みます。"),
    ),
    EventTransition(
        "start_timetabling",
        EventStatus.SELECTION,
        EventStatus.TIMETABLING,
        gettext_lazy("時間割の作成に進む"),
        gettext_lazy("選考を締め切り、面談の時間割の作成に進みます。"),
    ),
    EventTransition(
        "mark_held",
        EventStatus.TIMETABLING,
        EventStatus.HELD,
        gettext_lazy("開催済みにする"),
        gettext_lazy("交流会が開催されたことを記録します。これ以降、交流会の設定は変更できません。"),
    ),
    EventTransition(
        "start_follow_up",
        EventStatus.HELD,
        EventStatus.FOLLOW_UP,
        gettext_lazy("フォローアップを始める"),
        gettext_lazy("二次面談と支援の成立を追いかける段階に進みます。"),
    ),
    EventTransition(
        "close",
        EventStatus.FOLLOW_UP,
        EventStatus.CLOSED,
        gettext_lazy("交流会を終了する"),
        gettext_lazy("この交流会を終了します。終了した交流会は元に戻せません。"),
    ),
)

EVENT_TRANSITIONS_BY_ACTION: dict[str, EventTransition] = {t.action: t for t in EVENT_TRANSITIONS}
_TRANSITION_FROM: dict[str, EventTransition] = {t.source: t for t in EVENT_TRANSITIONS}


# --- events -------------------------------------------------------------------------------------------


def coordinator_orgs_of(*, user: User) -> QuerySet[Organization]:
    """The coordinator organisations in which `user` coordinates (an event belongs to one of them)."""
    return Organization.objects.filter(pk__in=coordinator_org_ids(user), kind=OrganizationKind.COORDINATOR).order_by(
        "name"
    )


def event_host_choices() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrganizationKind.FINANCIAL_INSTITUTION).order_by("name_kana", "name")


def event_co_host_choices() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrganizationKind.LOCAL_GOVERNMENT).order_by("name_kana", "name")


def event_list_for_coordinator(*, user: User, today: dt.date | None = None) -> QuerySet[Event]:
    """The coordinator's events, upcoming ones first (soonest first), then past ones (latest first).

    Each carries `company_count`, the number of enrolled companies: a count over the join, which
    reveals no institution's client data, so the institution-scoped manager is not involved.
    """
    today = today or timezone.localdate()
    return (
        events_for_coordinator(user=user)
        .select_related("coordinator")
        .prefetch_related(
            Prefetch(
                "event_hosts", queryset=EventHost.objects.select_related("institution").order_by("institution__name")
            )
        )
        .annotate(
            company_count=Count("enrolments", distinct=True),
            is_past=Case(When(date__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()),
            upcoming_date=Case(When(date__gte=today, then=F("date")), default=None),
        )
        .order_by("is_past", "upcoming_date", "-date", "-pk")
    )


def event_company_count(*, event: Event) -> int:
    """How many companies are enrolled, across every host institution (a number, no client data)."""
    # Every host institution's: the coordinator's view spans them all.
    return enrolments_of_event(event=event).count()


def events_upcoming_for_coordinator(*, user: User, today: dt.date | None = None) -> QuerySet[Event]:
    """The coordinator's events from today on, soonest first (the dashboard panel)."""
    today = today or timezone.localdate()
    return (
        events_for_coordinator(user=user)
        .filter(date__gte=today)
        .exclude(status=EventStatus.CLOSED)
        .order_by("date", "pk")
    )


@dataclass(frozen=True)
class LadderStep:
    status: str
    label: StrOrPromise
    state: str  # "done", "current" or "todo"


def event_status_ladder(*, event: Event) -> list[LadderStep]:
    current = EVENT_STATUS_ORDER.index(event.status)
    labels = dict(EventStatus.choices)
    return [
        LadderStep(status, labels[status], "done" if i < current else "current" if i == current else "todo")
        for i, status in enumerate(EVENT_STATUS_ORDER)
    ]


def event_transition_blocker(*, event: Event, transition: EventTransition, today: dt.date | None = None) -> str | None:
    """Why `transition` cannot be taken now although the event is in its source status, or None.

    The services refuse with exactly this message, so the page and the refusal always agree.
    """
    if transition.action == "start_hearing":
        # Filtered by this event: a coordinator's check across every host institution's enrolments.
        if not enrolments_of_event(event=event).exists():
            return _("まだ企業が1社も登録されていません。主催金融機関が企業を登録してから進めてください。")
    elif transition.action == "publish_issue_list":
        # Every host's (see above); mirrors HearingSheet.is_publishable in one query.
        publishable = (
            hearing_sheets_of_event(event=event)
            .filter(status=HearingStatus.APPROVED)
            .exclude(public_title="")
            .exclude(public_summary="")
        )
        if not publishable.exists():
            return _(
                "公開できる課題がありません。企業が承認したヒアリングシートに、公開用の見出しと概要を書いてから公開してください。"
            )
    elif transition.action == "mark_held":
        today = today or timezone.localdate()
        if today < event.date:
            return _("開催日（%(date)s）より前には開催済みにできません。") % {"date": _japanese_date(event.date)}
    return None


@dataclass(frozen=True)
class EventNextStep:
    transition: EventTransition
    blocker: str | None

    @property
    def allowed(self) -> bool:
        return self.blocker is None


def event_next_step(*, event: Event, today: dt.date | None = None) -> EventNextStep | None:
    """The one transition the event may take next (None once closed), and what still stands in its way."""
    transition = _TRANSITION_FROM.get(event.status)
    if transition is None:
        return None
    return EventNextStep(transition, event_transition_blocker(event=event, transition=transition, today=today))


def _japanese_date(day: dt.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


# --- checklist ----------------------------------------------------------------------------------------


def checklist_for_event(*, event: Event) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(event=event).select_related("owner", "done_by")


def checklist_owner_choices(*, event: Event) -> QuerySet[User]:
    """Who may own a checklist item: the active coordinators of the event's coordinator organisation."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=event.coordinator_id,
            memberships__role=Role.COORDINATOR,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("name", "email")
    )


def access_checklist_item_for_coordinator(*, user: User, pk: object) -> ChecklistItem:
    qs = ChecklistItem.objects.filter(event__coordinator_id__in=coordinator_org_ids(user)).select_related(
        "event", "owner"
    )
    return get_or_404(qs, pk=pk)


def checklist_overdue_for_coordinator(*, user: User, today: dt.date | None = None) -> QuerySet[ChecklistItem]:
    """Items past their due date and not done, across the coordinator's events (closed events excepted).

    Items of a closed event no longer matter; until then, every overdue item is shown.
    """
    today = today or timezone.localdate()
    return (
        ChecklistItem.objects.filter(
            event__coordinator_id__in=coordinator_org_ids(user), due_date__lt=today, done_at__isnull=True
        )
        .exclude(event__status=EventStatus.CLOSED)
        .select_related("event", "owner")
        .order_by("due_date", "event__date", "position", "pk")
    )


def event_for_form(event: Event) -> Event:
    """A fresh copy of an event the caller has authorised, for a bound ModelForm to write its typed values on
    (the page keeps showing the saved event if the form is invalid)."""
    return Event.objects.get(pk=event.pk)


def checklist_item_for_form(item: ChecklistItem) -> ChecklistItem:
    """A fresh copy of an authorised checklist item, for its bound form (as event_for_form)."""
    return ChecklistItem.objects.get(pk=item.pk)
