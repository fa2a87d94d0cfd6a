"""The preparation checklist: dates derived from the event date (4 months ahead for a first-time host,
3 for a repeat host), regeneration when the event changes, item services and the overdue selector."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from events.enums import ChecklistTaskKind, EventStatus
from events.models import ChecklistItem
from events.selectors import checklist_overdue_for_coordinator
from events.services import (
    ChecklistError,
    checklist_item_add,
    checklist_item_toggle_done,
    checklist_item_update,
    checklist_schedule,
    event_create,
    event_update,
)
from sks.roles import Role
from tests.access import arranging
from tests.factories import CoordinatorOrgFactory, OrganizationFactory, make_event, staff_user

pytestmark = pytest.mark.django_db

D = dt.date
EVENT_DAY = D(2027, 3, 20)
DEADLINES = {
    "enrolment_deadline": D(2027, 1, 29),
    "hearing_deadline": D(2027, 2, 12),
    "issue_list_date": D(2027, 2, 19),
    "application_deadline": D(2027, 3, 5),
    "selection_deadline": D(2027, 3, 12),
}

# The shared tail: everything after the preparation start follows the event's own deadlines.
TAIL = [
    ("company_recruitment", D(2027, 1, 29)),
    ("hearings", D(2027, 2, 12)),
    ("issue_list", D(2027, 2, 19)),
    ("senior_recruitment", D(2027, 3, 5)),
    ("selection", D(2027, 3, 12)),
    ("timetable", D(2027, 3, 15)),
    ("printing", D(2027, 3, 17)),
]
FIRST_TIME = [
    ("host_agreement", D(2026, 11, 20)),
    ("venue", D(2026, 12, 4)),
    ("branch_briefing", D(2026, 12, 18)),
    *TAIL,
]
REPEAT = [
    ("host_agreement", D(2026, 12, 20)),
    ("venue", D(2027, 1, 3)),
    ("branch_briefing", D(2027, 1, 17)),
    *TAIL,
]


@pytest.fixture
def coord_org():
    with arranging():
        return CoordinatorOrgFactory(name="SKS事務局")


@pytest.fixture
def coord(coord_org):
    return staff_user(Role.COORDINATOR, coord_org, name="調整 太郎")


def create(coord, coord_org, hosts, **overrides):
    values = {"title": "交流会", "date": EVENT_DAY, "venue": "産業会館", **DEADLINES, **overrides}
    return event_create(by=coord, coordinator=coord_org, hosts=hosts, **values)


def checklist_dates(event) -> list[tuple[str, dt.date]]:
    items = ChecklistItem.objects.filter(event=event).exclude(kind=ChecklistTaskKind.CUSTOM).order_by("position")
    return list(items.values_list("kind", "due_date"))


def veteran_bank():
    bank = OrganizationFactory(name="経験あり信用金庫")
    make_event(hosts=[bank])
    return bank


# --- the rule -----------------------------------------------------------------------------------------------


def test_checklist_schedule_first_time_host_starts_4_months_ahead():
    assert checklist_schedule(date=EVENT_DAY, first_time=True, deadlines=DEADLINES) == FIRST_TIME


def test_checklist_schedule_repeat_host_starts_3_months_ahead():
    assert checklist_schedule(date=EVENT_DAY, first_time=False, deadlines=DEADLINES) == REPEAT


def test_checklist_schedule_month_end_falls_back_to_the_last_day():
    deadlines = dict.fromkeys(DEADLINES, D(2027, 6, 30))

    schedule = dict(checklist_schedule(date=D(2027, 6, 30), first_time=True, deadlines=deadlines))

    assert schedule["host_agreement"] == D(2027, 2, 28)


def test_checklist_schedule_timetable_and_printing_never_before_selection_deadline():
    deadlines = {**DEADLINES, "selection_deadline": D(2027, 3, 19)}

    schedule = dict(checklist_schedule(date=EVENT_DAY, first_time=False, deadlines=deadlines))

    assert (schedule["timetable"], schedule["printing"]) == (D(2027, 3, 19), D(2027, 3, 19))


# --- generated with the event -------------------------------------------------------------------------------


def test_checklist_of_an_event_with_a_first_time_host(coord, coord_org):
    event = create(coord, coord_org, [OrganizationFactory()])

    assert checklist_dates(event) == FIRST_TIME


def test_checklist_of_an_event_with_a_repeat_host(coord, coord_org):
    event = create(coord, coord_org, [veteran_bank()])

    assert checklist_dates(event) == REPEAT


def test_checklist_of_a_joint_event_with_any_first_time_host_uses_4_months(coord, coord_org):
    event = create(coord, coord_org, [veteran_bank(), OrganizationFactory()])

    assert checklist_dates(event) == FIRST_TIME


def test_checklist_items_have_japanese_titles(coord, coord_org):
    event = create(coord, coord_org, [OrganizationFactory()])

    titles = list(ChecklistItem.objects.filter(event=event).order_by("position").values_list("title", flat=True))
    assert titles[:3] == ["共催機関との開催合意", "会場の確保", "支店長説明会"]


# --- regeneration ---------------------------------------------------------------------------------------------


def test_checklist_date_change_moves_open_items_and_keeps_done_and_custom(coord, coord_org):
    event = create(coord, coord_org, [veteran_bank()])
    agreement = ChecklistItem.objects.get(event=event, kind="host_agreement")
    checklist_item_toggle_done(item=agreement, by=coord)
    custom = checklist_item_add(event=event, by=coord, title="記念品の手配", due_date=D(2027, 3, 1))

    # One week later, every deadline with it.
    week = dt.timedelta(days=7)
    event_update(event=event, by=coord, date=EVENT_DAY + week, **{name: day + week for name, day in DEADLINES.items()})

    dates = dict(checklist_dates(event))
    assert dates["host_agreement"] == D(2026, 12, 20)  # done: unchanged
    assert dates["venue"] == D(2027, 1, 10)
    assert dates["branch_briefing"] == D(2027, 1, 24)
    assert dates["printing"] == D(2027, 3, 24)
    custom.refresh_from_db()
    assert custom.due_date == D(2027, 3, 1)
    assert ChecklistItem.objects.filter(event=event).count() == 11


def test_checklist_adding_a_first_time_host_moves_start_to_4_months(coord, coord_org):
    veteran = veteran_bank()
    event = create(coord, coord_org, [veteran])

    event_update(event=event, by=coord, hosts=[veteran, OrganizationFactory()])

    assert checklist_dates(event) == FIRST_TIME


def test_checklist_unrelated_change_keeps_hand_adjusted_dates(coord, coord_org):
    event = create(coord, coord_org, [veteran_bank()])
    venue = ChecklistItem.objects.get(event=event, kind="venue")
    checklist_item_update(item=venue, by=coord, title=venue.title, due_date=D(2027, 1, 20), owner=coord)

    event_update(event=event, by=coord, venue="別の会場")

    venue.refresh_from_db()
    assert venue.due_date == D(2027, 1, 20)


# --- item services ----------------------------------------------------------------------------------------------


def test_checklist_item_add_custom_defaults_owner_to_creator(coord, coord_org):
    event = make_event(coordinator_org=coord_org)

    item = checklist_item_add(event=event, by=coord, title="  名札の準備 ", due_date=D(2027, 3, 10), notes="100枚")

    assert (item.kind, item.title, item.owner, item.notes) == ("custom", "名札の準備", coord, "100枚")
    entry = LogEntry.objects.get_for_object(item).get()
    assert entry.additional_data == {"event": "checklist_item.added", "event_id": event.pk}


def test_checklist_item_add_refuses_owner_outside_the_coordinator_organisation(coord, coord_org):
    event = make_event(coordinator_org=coord_org)
    outsider = staff_user(Role.COORDINATOR, CoordinatorOrgFactory())

    with pytest.raises(ChecklistError) as exc:
        checklist_item_add(event=event, by=coord, title="作業", due_date=D(2027, 3, 10), owner=outsider)

    assert (exc.value.field, exc.value.message) == (
        "owner",
        "担当者は、この交流会のコーディネーターから選んでください。",
    )


def test_checklist_item_add_accepts_a_colleague_as_owner(coord, coord_org):
    event = make_event(coordinator_org=coord_org)
    colleague = staff_user(Role.COORDINATOR, coord_org)

    item = checklist_item_add(event=event, by=coord, title="作業", due_date=D(2027, 3, 10), owner=colleague)

    assert item.owner == colleague


def test_checklist_item_add_refused_for_another_coordinator_organisation(coord):
    event = make_event(coordinator_org=CoordinatorOrgFactory())

    with pytest.raises(ChecklistError):
        checklist_item_add(event=event, by=coord, title="作業", due_date=D(2027, 3, 10))


def test_checklist_item_toggle_done_marks_and_unmarks(coord, coord_org):
    event = make_event(coordinator_org=coord_org)
    item = checklist_item_add(event=event, by=coord, title="作業", due_date=D(2027, 3, 10))

    done = checklist_item_toggle_done(item=item, by=coord)
    assert (done.done_by, done.done_at is not None) == (coord, True)

    reopened = checklist_item_toggle_done(item=done, by=coord)
    assert (reopened.done_by, reopened.done_at) == (None, None)
    actions = [e.additional_data["event"] for e in LogEntry.objects.get_for_object(item).order_by("pk")]
    assert actions == ["checklist_item.added", "checklist_item.done", "checklist_item.reopened"]


def test_checklist_item_update_changes_fields(coord, coord_org):
    event = make_event(coordinator_org=coord_org)
    item = checklist_item_add(event=event, by=coord, title="作業", due_date=D(2027, 3, 10))

    checklist_item_update(item=item, by=coord, title="作業（改）", due_date=D(2027, 3, 11), owner=None, notes="メモ")

    item.refresh_from_db()
    assert (item.title, item.due_date, item.owner, item.notes) == ("作業（改）", D(2027, 3, 11), None, "メモ")


# --- overdue ------------------------------------------------------------------------------------------------------


def test_checklist_overdue_lists_past_due_open_items_of_own_events_only(coord, coord_org):
    today = D(2027, 1, 10)
    event = make_event(coordinator_org=coord_org, date=EVENT_DAY)
    late = checklist_item_add(event=event, by=coord, title="遅れ", due_date=D(2027, 1, 9))
    checklist_item_add(event=event, by=coord, title="今日まで", due_date=today)
    done = checklist_item_add(event=event, by=coord, title="済み", due_date=D(2027, 1, 1))
    checklist_item_toggle_done(item=done, by=coord)
    closed = make_event(coordinator_org=coord_org, status=EventStatus.CLOSED)
    checklist_item_add(event=closed, by=coord, title="終了した会", due_date=D(2027, 1, 1))
    other_org = CoordinatorOrgFactory()
    other = make_event(coordinator_org=other_org)
    ChecklistItem.objects.create(event=other, kind="custom", title="他団体", due_date=D(2027, 1, 1))

    overdue = list(checklist_overdue_for_coordinator(user=coord, today=today))

    assert overdue == [late]
