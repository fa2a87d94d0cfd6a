"""Writes for the coordinator: create and change an event, move it along its lifecycle, and keep its
preparation checklist.

The lifecycle is a straight line (events.enums.EVENT_STATUS_ORDER); each step has its own service here,
which checks the current status and the step's preconditions, sets `status` and `status_changed_at`, and
writes an `event.status_changed` audit entry. `EVENT_ACTIONS` maps the action name the transition form
posts to its service.

The preparation checklist is derived from the event date; see `checklist_schedule` for the rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.enums import OrganizationKind
from participants.models import PREFECTURE_CHOICES, Organization, User
from sks.audit import audit
from sks.exceptions import DomainError

from ..access import coordinator_org_ids, enrolments_of_event
from ..enums import ChecklistTaskKind, EventStatus
from ..exceptions import EventStateError
from ..models import ChecklistItem, Event, EventHost
from ..selectors.events import (
    EVENT_EDITABLE_STATUSES,
    EVENT_TRANSITIONS_BY_ACTION,
    MAX_EVENT_HOSTS,
    checklist_owner_choices,
    event_transition_blocker,
)
from ..signals import event_status_changed

__all__ = [
    "DEADLINE_FIELDS",
    "EVENT_ACTIONS",
    "ChecklistError",
    "EventFields",
    "EventSetupError",
    "checklist_item_add",
    "checklist_item_toggle_done",
    "checklist_item_update",
    "checklist_lead_months",
    "checklist_schedule",
    "event_close",
    "event_create",
    "event_mark_held",
    "event_open_recruitment",
    "event_publish_issue_list",
    "event_start_follow_up",
    "event_start_hearing",
    "event_start_selection",
    "event_start_timetabling",
    "event_update",
    "parse_break_after",
]


class EventSetupError(DomainError):
    """An event cannot be saved as given; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ChecklistError(DomainError):
    """A checklist item cannot be saved as given; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class EventFields(TypedDict, total=False):
    title: str
    date: dt.date
    venue: str
    address: str
    prefecture: str
    start_time: dt.time
    slot_minutes: int
    rounds: int
    break_after: list[int]
    break_minutes: int
    tables: int
    table_capacity: int
    enrolment_deadline: dt.date
    hearing_deadline: dt.date
    issue_list_date: dt.date
    application_deadline: dt.date
    selection_deadline: dt.date
    max_choices_per_senior: int
    min_interviews_per_company: int


_EVENT_FIELD_NAMES: tuple[str, ...] = tuple(EventFields.__annotations__)

# In the order they must fall: each no earlier than the one before it, the last no later than the event.
DEADLINE_FIELDS: tuple[str, ...] = (
    "enrolment_deadline",
    "hearing_deadline",
    "issue_list_date",
    "application_deadline",
    "selection_deadline",
    "date",
)

# (field, lowest, highest): the same bounds as the model's validators, checked here for every caller.
_NUMBER_BOUNDS: tuple[tuple[str, int, int], ...] = (
    ("slot_minutes", 5, 120),
    ("rounds", 1, 30),
    ("break_minutes", 0, 120),
    ("tables", 1, 200),
    ("table_capacity", 1, 5),
    ("max_choices_per_senior", 1, 30),
    ("min_interviews_per_company", 0, 30),
)

_TEXT_LIMITS: tuple[tuple[str, int, bool], ...] = (("title", 200, True), ("venue", 200, True), ("address", 300, False))

_EARLIEST_DATE, _LATEST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)

_PREFECTURES = frozenset(code for code, _label in PREFECTURE_CHOICES)


def _label(field: str) -> str:
    return str(getattr(Event._meta.get_field(field), "verbose_name", field))


def _check_coordinates(*, by: User, coordinator_id: int | None, error: type[DomainError] = EventSetupError) -> None:
    if coordinator_id is None or coordinator_id not in coordinator_org_ids(by):
        raise error(_("この交流会を操作する権限がありません。"))


# --- validation -----------------------------------------------------------------------------------------


def parse_break_after(text: str) -> list[int]:
    """ "3, 5" (also full-width digits, 、 or spaces between) as round numbers; ValueError if not numbers."""
    normalised = unicodedata.normalize("NFKC", text or "")
    parts = [p for p in re.split(r"[,、\s]+", normalised) if p]
    if any(not p.isascii() or not p.isdigit() for p in parts):
        raise ValueError(text)
    return sorted({int(p) for p in parts})


def _check_grid(values: dict[str, Any]) -> list[int]:
    """The grid's numbers are in range and it ends on the same day; returns the breaks, sorted."""
    for field, lowest, highest in _NUMBER_BOUNDS:
        value = values[field]
        if not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= highest:
            raise EventSetupError(
                _("%(field)sは%(low)sから%(high)sまでの数字にしてください。")
                % {"field": _label(field), "low": lowest, "high": highest},
                field=field,
            )
    rounds = values["rounds"]
    try:
        breaks = sorted({int(b) for b in values["break_after"] or []})
    except (TypeError, ValueError):
        raise EventSetupError(_("休憩を入れる回は数字で指定してください。"), field="break_after") from None
    if any(not 1 <= b <= rounds - 1 for b in breaks):
        if rounds == 1:
            message = _("面談が1回だけのときは休憩を入れられません。")
        else:
            message = _("休憩を入れる回は1から%(last)sまでの数字にしてください（最後の回の後には入れられません）。") % {
                "last": rounds - 1
            }
        raise EventSetupError(message, field="break_after")
    start = values["start_time"]
    minutes = start.hour * 60 + start.minute + rounds * values["slot_minutes"] + len(breaks) * values["break_minutes"]
    if minutes > 24 * 60:
        raise EventSetupError(
            _("面談が日付をまたいでしまいます。開始時刻・面談時間・回数を見直してください。"), field="rounds"
        )
    return breaks


def _check_values(values: dict[str, Any]) -> dict[str, Any]:
    """Every rule of an event's own fields; returns the values with text stripped and breaks normalised."""
    cleaned = dict(values)
    for field, limit, required in _TEXT_LIMITS:
        text = (cleaned.get(field) or "").strip()
        if required and not text:
            raise EventSetupError(_("%(field)sを入力してください。") % {"field": _label(field)}, field=field)
        if len(text) > limit:
            raise EventSetupError(
                _("%(field)sは%(limit)s文字以内にしてください。") % {"field": _label(field), "limit": limit},
                field=field,
            )
        cleaned[field] = text
    if cleaned.get("prefecture") and cleaned["prefecture"] not in _PREFECTURES:
        raise EventSetupError(_("都道府県を一覧から選んでください。"), field="prefecture")
    cleaned["break_after"] = _check_grid(cleaned)
    for field in DEADLINE_FIELDS:
        # Also keeps the checklist's date arithmetic within the calendar.
        if not _EARLIEST_DATE <= cleaned[field] <= _LATEST_DATE:
            raise EventSetupError(
                _("%(field)sは2000年から2099年までの日付にしてください。") % {"field": _label(field)}, field=field
            )
    for earlier, later in pairwise(DEADLINE_FIELDS):
        if cleaned[later] < cleaned[earlier]:
            raise EventSetupError(
                _("%(later)sは%(earlier)sと同じ日か、それより後の日付にしてください。")
                % {"later": _label(later), "earlier": _label(earlier)},
                field=later,
            )
    return cleaned


def _check_organisations(
    *, coordinator: Organization | None, hosts: Sequence[Organization] | None, co_hosts: Sequence[Organization] | None
) -> None:
    if coordinator is not None and coordinator.kind != OrganizationKind.COORDINATOR:
        raise EventSetupError(_("コーディネート団体を選んでください。"), field="coordinator")
    if hosts is not None:
        if not 1 <= len({h.pk for h in hosts}) <= MAX_EVENT_HOSTS:
            raise EventSetupError(
                _("主催金融機関は1機関から%(max)s機関まで選んでください。") % {"max": MAX_EVENT_HOSTS}, field="hosts"
            )
        if any(h.kind != OrganizationKind.FINANCIAL_INSTITUTION for h in hosts):
            raise EventSetupError(_("主催には金融機関だけを選べます。"), field="hosts")
    if co_hosts is not None and any(c.kind != OrganizationKind.LOCAL_GOVERNMENT for c in co_hosts):
        raise EventSetupError(_("共催には自治体だけを選べます。"), field="co_hosts")


# --- the preparation checklist ------------------------------------------------------------------------------

# Generated tasks, in the order they are listed for the same due date.
_GENERATED_KINDS: tuple[str, ...] = (
    ChecklistTaskKind.HOST_AGREEMENT,
    ChecklistTaskKind.VENUE,
    ChecklistTaskKind.BRANCH_BRIEFING,
    ChecklistTaskKind.COMPANY_RECRUITMENT,
    ChecklistTaskKind.HEARINGS,
    ChecklistTaskKind.ISSUE_LIST,
    ChecklistTaskKind.SENIOR_RECRUITMENT,
    ChecklistTaskKind.SELECTION,
    ChecklistTaskKind.TIMETABLE,
    ChecklistTaskKind.PRINTING,
)


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` earlier, or that month's last day if it is shorter (5/31 → 2/28)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def checklist_lead_months(*, first_time: bool) -> int:
    """First-time organisers need about 4 months of preparation, repeat organisers about 3 (DESIGN.md)."""
    return 4 if first_time else 3


def checklist_schedule(*, date: dt.date, first_time: bool, deadlines: dict[str, dt.date]) -> list[tuple[str, dt.date]]:
    """The generated tasks of an event and their due dates.

    The rule. `lead` is 4 months before the event date when ANY host is a first-time host
    (EventHost.is_first_event), 3 months otherwise (same day of the month, or the month's last day):

    * 共催機関との開催合意 (host agreement): date − lead
    * 会場の確保 (venue): date − lead + 14 days
    * 支店長説明会 (branch-manager briefing): date − lead + 28 days
    * 参加企業の募集 (company recruitment): the enrolment deadline
    * 事前ヒアリングの実施 (hearings): the hearing deadline
    * 課題一覧の作成・公開 (issue list): the issue-list date
    * 新現役の募集 (senior recruitment): the application deadline
    * 相互選考の締切 (selection): the selection deadline
    * 時間割の作成 (timetable): 5 days before the event, but not before the selection deadline
    * 配布資料の印刷 (printing): 3 days before the event, but not before the timetable is due

    `deadlines` holds the five deadline fields of the event by name.
    """
    start = _months_before(date, checklist_lead_months(first_time=first_time))
    timetable = max(date - dt.timedelta(days=5), deadlines["selection_deadline"])
    due: dict[str, dt.date] = {
        ChecklistTaskKind.HOST_AGREEMENT: start,
        ChecklistTaskKind.VENUE: start + dt.timedelta(days=14),
        ChecklistTaskKind.BRANCH_BRIEFING: start + dt.timedelta(days=28),
        ChecklistTaskKind.COMPANY_RECRUITMENT: deadlines["enrolment_deadline"],
        ChecklistTaskKind.HEARINGS: deadlines["hearing_deadline"],
        ChecklistTaskKind.ISSUE_LIST: deadlines["issue_list_date"],
        ChecklistTaskKind.SENIOR_RECRUITMENT: deadlines["application_deadline"],
        ChecklistTaskKind.SELECTION: deadlines["selection_deadline"],
        ChecklistTaskKind.TIMETABLE: timetable,
        ChecklistTaskKind.PRINTING: max(date - dt.timedelta(days=3), timetable),
    }
    return [(str(kind), due[kind]) for kind in _GENERATED_KINDS]


def _event_schedule(event: Event) -> dict[str, dt.date]:
    first_time = event.event_hosts.filter(is_first_event=True).exists()
    deadlines = {name: getattr(event, name) for name in DEADLINE_FIELDS[:-1]}
    return dict(checklist_schedule(date=event.date, first_time=first_time, deadlines=deadlines))


def _checklist_sync(*, event: Event, owner: User | None, previous: dict[str, dt.date] | None) -> None:
    """Create the generated items that are missing; move the not-done ones whose computed date changed.

    Done items and custom items are never touched. With `previous` (the schedule before a change), only
    the tasks whose computed date changed move, so a date the coordinator adjusted by hand on another
    task stays as it is.
    """
    schedule = _event_schedule(event)
    labels = dict(ChecklistTaskKind.choices)
    existing: dict[str, ChecklistItem] = {}
    for row in ChecklistItem.objects.filter(event=event).exclude(kind=ChecklistTaskKind.CUSTOM).order_by("pk"):
        existing.setdefault(row.kind, row)
    for position, (kind, due) in enumerate(schedule.items()):
        item = existing.get(kind)
        if item is None:
            ChecklistItem.objects.create(
                event=event, kind=kind, title=str(labels[kind]), due_date=due, owner=owner, position=position
            )
        elif item.done_at is None and item.due_date != due and (previous is None or previous.get(kind) != due):
            item.due_date = due
            item.save(update_fields=["due_date"])


# --- create and change ----------------------------------------------------------------------------------------


def _host_rows(*, event: Event, hosts: Iterable[Organization]) -> tuple[list[int], list[int]]:
    """Make the event's hosts exactly `hosts`; returns the ids added and removed."""
    wanted = {h.pk for h in hosts}
    current = set(event.event_hosts.values_list("institution_id", flat=True))
    removed = sorted(current - wanted)
    if removed:
        # Filtered by this event: whether a leaving host still has companies enrolled in it.
        blocked = (
            Organization.objects.filter(
                pk__in=enrolments_of_event(event=event).filter(institution_id__in=removed).values("institution_id")
            )
            .order_by("name")
            .values_list("name", flat=True)
        )
        names = list(blocked)
        if names:
            raise EventSetupError(
                _("%(names)sは企業を登録済みのため、主催から外せません。") % {"names": "、".join(names)}, field="hosts"
            )
        EventHost.objects.filter(event=event, institution_id__in=removed).delete()
    added = sorted(wanted - current)
    hosted_before = set(
        EventHost.objects.filter(institution_id__in=added).exclude(event=event).values_list("institution_id", flat=True)
    )
    EventHost.objects.bulk_create(
        [EventHost(event=event, institution_id=pk, is_first_event=pk not in hosted_before) for pk in added]
    )
    return added, removed


@transaction.atomic
def event_create(
    *,
    by: User,
    title: str,
    coordinator: Organization,
    hosts: Sequence[Organization],
    co_hosts: Sequence[Organization] = (),
    date: dt.date,
    venue: str,
    address: str = "",
    prefecture: str = "",
    start_time: dt.time = dt.time(13, 0),
    slot_minutes: int = 20,
    rounds: int = 6,
    break_after: Sequence[int] = (),
    break_minutes: int = 10,
    tables: int = 10,
    table_capacity: int = 1,
    enrolment_deadline: dt.date,
    hearing_deadline: dt.date,
    issue_list_date: dt.date,
    application_deadline: dt.date,
    selection_deadline: dt.date,
    max_choices_per_senior: int = 5,
    min_interviews_per_company: int = 3,
) -> Event:
    """A new event in 準備中, coordinated by one of `by`'s own coordinator organisations, with its checklist.

    Each host is marked `is_first_event` when the institution has never hosted an event before.
    """
    _check_organisations(coordinator=coordinator, hosts=hosts, co_hosts=co_hosts)
    _check_coordinates(by=by, coordinator_id=coordinator.pk)
    values = _check_values(
        {
            "title": title,
            "date": date,
            "venue": venue,
            "address": address,
            "prefecture": prefecture,
            "start_time": start_time,
            "slot_minutes": slot_minutes,
            "rounds": rounds,
            "break_after": list(break_after),
            "break_minutes": break_minutes,
            "tables": tables,
            "table_capacity": table_capacity,
            "enrolment_deadline": enrolment_deadline,
            "hearing_deadline": hearing_deadline,
            "issue_list_date": issue_list_date,
            "application_deadline": application_deadline,
            "selection_deadline": selection_deadline,
            "max_choices_per_senior": max_choices_per_senior,
            "min_interviews_per_company": min_interviews_per_company,
        }
    )
    event = Event.objects.create(
        coordinator=coordinator, created_by=by, status=EventStatus.PREPARING, status_changed_at=timezone.now(), **values
    )
    _host_rows(event=event, hosts=hosts)
    event.co_hosts.set(co_hosts)
    _checklist_sync(event=event, owner=by, previous=None)
    audit(
        obj=event,
        action="event.created",
        user=by,
        data={"hosts": sorted(h.pk for h in hosts), "co_hosts": sorted(c.pk for c in co_hosts), "date": str(date)},
    )
    return event


def _lock_editable(*, event: Event, by: User) -> Event:
    _check_coordinates(by=by, coordinator_id=event.coordinator_id)
    # The row as stored (a bound form may have changed the caller's instance), locked against a
    # transition or another edit at the same moment.
    current = Event.objects.select_for_update().get(pk=event.pk)
    if current.status not in EVENT_EDITABLE_STATUSES:
        raise EventStateError(
            _("「%(status)s」の交流会の設定は変更できません。") % {"status": current.get_status_display()}
        )
    return current


@transaction.atomic
def event_update(
    *,
    event: Event,
    by: User,
    hosts: Sequence[Organization] | None = None,
    co_hosts: Sequence[Organization] | None = None,
    **fields: Unpack[EventFields],
) -> Event:
    """Change an event's set-up (until it has been held); fields not given keep their value.

    When the date, the deadlines or the hosts change, the due dates of the generated checklist items
    that are not done yet follow; done items and custom items stay as they are.
    """
    current = _lock_editable(event=event, by=by)
    _check_organisations(coordinator=None, hosts=hosts, co_hosts=co_hosts)
    unknown = set(fields) - set(_EVENT_FIELD_NAMES)
    if unknown:
        raise TypeError(f"event_update() got unexpected fields: {sorted(unknown)}")
    before = _event_schedule(current)
    merged = {name: fields.get(name, getattr(current, name)) for name in _EVENT_FIELD_NAMES}
    values = _check_values(merged)
    changed = sorted(name for name, value in values.items() if getattr(current, name) != value)
    for name in changed:
        setattr(current, name, values[name])
    if changed:
        current.save(update_fields=[*changed, "updated_at"])
    added: list[int] = []
    removed: list[int] = []
    if hosts is not None:
        added, removed = _host_rows(event=current, hosts=hosts)
    if co_hosts is not None:
        current.co_hosts.set(co_hosts)
    if _event_schedule(current) != before:
        _checklist_sync(event=current, owner=current.created_by or by, previous=before)
    audit(
        obj=current,
        action="event.updated",
        user=by,
        data={"fields": changed, "hosts_added": added, "hosts_removed": removed},
    )
    return current


# --- the lifecycle ----------------------------------------------------------------------------------------------


def _transition(*, event: Event, by: User, action: str) -> Event:
    transition = EVENT_TRANSITIONS_BY_ACTION[action]
    _check_coordinates(by=by, coordinator_id=event.coordinator_id, error=EventStateError)
    # Locked: two coordinators pressing the button at once must not both move the event.
    current = Event.objects.select_for_update().get(pk=event.pk)
    if current.status != transition.source:
        raise EventStateError(
            _("「%(label)s」は「%(source)s」の交流会でのみできます。この交流会はいま「%(status)s」です。")
            % {
                "label": transition.label,
                "source": EventStatus(transition.source).label,
                "status": current.get_status_display(),
            }
        )
    blocker = event_transition_blocker(event=current, transition=transition)
    if blocker is not None:
        raise EventStateError(blocker)
    now = timezone.now()
    current.status = transition.target
    current.status_changed_at = now
    update_fields = ["status", "status_changed_at", "updated_at"]
    if transition.target == EventStatus.PUBLISHED:
        current.issue_list_published_at = now
        update_fields.append("issue_list_published_at")
    current.save(update_fields=update_fields)
    audit(
        obj=current, action="event.status_changed", user=by, data={"from": transition.source, "to": transition.target}
    )
    # The caller's instance shows the new state as well.
    for name in update_fields:
        setattr(event, name, getattr(current, name))
    event_status_changed.send(sender=Event, event=current, source=transition.source, target=transition.target, by=by)
    return current


@transaction.atomic
def event_open_recruitment(*, event: Event, by: User) -> Event:
    """準備中 → 企業募集中: host staff may enrol their client companies."""
    return _transition(event=event, by=by, action="open_recruitment")


@transaction.atomic
def event_start_hearing(*, event: Event, by: User) -> Event:
    """企業募集中 → ヒアリング中; needs at least one enrolled company."""
    return _transition(event=event, by=by, action="start_hearing")


@transaction.atomic
def event_publish_issue_list(*, event: Event, by: User) -> Event:
    """ヒアリング中 → 課題公開済 (applications open); needs at least one publishable hearing sheet."""
    return _transition(event=event, by=by, action="publish_issue_list")


@transaction.atomic
def event_start_selection(*, event: Event, by: User) -> Event:
    """課題公開済 → 選考中."""
    return _transition(event=event, by=by, action="start_selection")


@transaction.atomic
def event_start_timetabling(*, event: Event, by: User) -> Event:
    """選考中 → 時間割作成中."""
    return _transition(event=event, by=by, action="start_timetabling")


@transaction.atomic
def event_mark_held(*, event: Event, by: User) -> Event:
    """時間割作成中 → 開催済; not before the event date (Asia/Tokyo)."""
    return _transition(event=event, by=by, action="mark_held")


@transaction.atomic
def event_start_follow_up(*, event: Event, by: User) -> Event:
    """開催済 → フォローアップ中."""
    return _transition(event=event, by=by, action="start_follow_up")


@transaction.atomic
def event_close(*, event: Event, by: User) -> Event:
    """フォローアップ中 → 終了."""
    return _transition(event=event, by=by, action="close")


# The transition form posts one of these names; each maps to the one service allowed to take that step.
EVENT_ACTIONS: dict[str, Callable[..., Event]] = {
    "open_recruitment": event_open_recruitment,
    "start_hearing": event_start_hearing,
    "publish_issue_list": event_publish_issue_list,
    "start_selection": event_start_selection,
    "start_timetabling": event_start_timetabling,
    "mark_held": event_mark_held,
    "start_follow_up": event_start_follow_up,
    "close": event_close,
}


# --- checklist items -----------------------------------------------------------------------------------------


def _check_item(*, event: Event, title: str, due_date: dt.date | None, owner: User | None) -> str:
    title = (title or "").strip()
    if not title:
        raise ChecklistError(_("作業の内容を入力してください。"), field="title")
    if len(title) > 200:
        raise ChecklistError(_("作業の内容は200文字以内にしてください。"), field="title")
    if due_date is None:
        raise ChecklistError(_("期限を入力してください。"), field="due_date")
    if owner is not None and not checklist_owner_choices(event=event).filter(pk=owner.pk).exists():
        raise ChecklistError(_("担当者は、この交流会のコーディネーターから選んでください。"), field="owner")
    return title


@transaction.atomic
def checklist_item_add(
    *, event: Event, by: User, title: str, due_date: dt.date, owner: User | None = None, notes: str = ""
) -> ChecklistItem:
    """A task of the coordinator's own (kind その他), owned by `owner` or else by `by`."""
    _check_coordinates(by=by, coordinator_id=event.coordinator_id, error=ChecklistError)
    title = _check_item(event=event, title=title, due_date=due_date, owner=owner)
    item = ChecklistItem.objects.create(
        event=event,
        kind=ChecklistTaskKind.CUSTOM,
        title=title,
        due_date=due_date,
        owner=owner or by,
        notes=notes.strip(),
        position=len(_GENERATED_KINDS),
    )
    audit(obj=item, action="checklist_item.added", user=by, data={"event_id": event.pk})
    return item


@transaction.atomic
def checklist_item_update(
    *, item: ChecklistItem, by: User, title: str, due_date: dt.date, owner: User | None, notes: str = ""
) -> ChecklistItem:
    _check_coordinates(by=by, coordinator_id=item.event.coordinator_id, error=ChecklistError)
    item.title = _check_item(event=item.event, title=title, due_date=due_date, owner=owner)
    item.due_date = due_date
    item.owner = owner
    item.notes = notes.strip()
    item.save(update_fields=["title", "due_date", "owner", "notes"])
    audit(obj=item, action="checklist_item.updated", user=by, data={"event_id": item.event_id})
    return item


@transaction.atomic
def checklist_item_toggle_done(*, item: ChecklistItem, by: User) -> ChecklistItem:
    """Mark the item done (when, by whom), or not done again."""
    _check_coordinates(by=by, coordinator_id=item.event.coordinator_id, error=ChecklistError)
    item = ChecklistItem.objects.select_for_update().select_related("event").get(pk=item.pk)
    if item.done_at is None:
        item.done_at, item.done_by = timezone.now(), by
        action = "checklist_item.done"
    else:
        item.done_at, item.done_by = None, None
        action = "checklist_item.reopened"
    item.save(update_fields=["done_at", "done_by"])
    audit(obj=item, action=action, user=by, data={"event_id": item.event_id})
    return item
