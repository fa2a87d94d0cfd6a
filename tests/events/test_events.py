"""Event set-up services: create and update with their rules, hosts, and every status transition."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.utils import timezone

from events.enums import EVENT_STATUS_ORDER, ChecklistTaskKind, EventStatus
from events.exceptions import EventStateError
from events.models import ChecklistItem, Event, EventHost
from events.selectors import EVENT_TRANSITIONS, event_next_step
from events.services import (
    EVENT_ACTIONS,
    EventSetupError,
    event_create,
    event_mark_held,
    event_open_recruitment,
    event_publish_issue_list,
    event_start_hearing,
    event_update,
)
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    CoordinatorOrgFactory,
    LocalGovernmentFactory,
    OrganizationFactory,
    approved_hearing,
    enrol_company,
    make_event,
    staff_user,
)

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
EVENT_DAY = dt.date(2027, 3, 20)


@pytest.fixture
def coord_org():
    with arranging():
        return CoordinatorOrgFactory(name="SKS事務局")


@pytest.fixture
def coord(coord_org):
    return staff_user(Role.COORDINATOR, coord_org, name="調整 太郎")


@pytest.fixture
def bank():
    with arranging():
        return OrganizationFactory(name="A信用金庫")


def fields(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "第1回 新現役交流会",
        "date": EVENT_DAY,
        "venue": "産業会館",
        "address": "大田区南蒲田1-20-20",
        "prefecture": "13",
        "enrolment_deadline": dt.date(2027, 1, 29),
        "hearing_deadline": dt.date(2027, 2, 12),
        "issue_list_date": dt.date(2027, 2, 19),
        "application_deadline": dt.date(2027, 3, 5),
        "selection_deadline": dt.date(2027, 3, 12),
    }
    values.update(overrides)
    return values


def create(coord, coord_org, hosts, **overrides):
    return event_create(by=coord, coordinator=coord_org, hosts=hosts, **fields(**overrides))


def audit_events(obj) -> list[tuple[str, dict]]:
    return [
        (e.additional_data["event"], {k: v for k, v in e.additional_data.items() if k != "event"})
        for e in LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")
        if e.additional_data and "event" in e.additional_data
    ]


# --- create -------------------------------------------------------------------------------------------------


def test_event_create_saves_event_hosts_co_hosts_and_audit(coord, coord_org, bank):
    city = LocalGovernmentFactory(name="大田区")

    event = create(coord, coord_org, [bank], co_hosts=[city], break_after=[3], rounds=6)

    assert (event.status, event.coordinator, event.created_by) == (EventStatus.PREPARING, coord_org, coord)
    assert list(event.hosts.all()) == [bank]
    assert list(event.co_hosts.all()) == [city]
    assert event.break_after == [3]
    assert audit_events(event) == [("event.created", {"hosts": [bank.pk], "co_hosts": [city.pk], "date": "2027-03-20"})]


def test_event_create_marks_first_time_host_and_repeat_host(coord, coord_org, bank):
    veteran = OrganizationFactory(name="B銀行")
    make_event(hosts=[veteran])

    event = create(coord, coord_org, [bank, veteran])

    flags = dict(EventHost.objects.filter(event=event).values_list("institution__name", "is_first_event"))
    assert flags == {"A信用金庫": True, "B銀行": False}


def test_event_create_second_event_of_a_host_is_not_first(coord, coord_org, bank):
    create(coord, coord_org, [bank])

    second = create(coord, coord_org, [bank], title="第2回")

    assert EventHost.objects.get(event=second).is_first_event is False


def test_event_create_generates_checklist_owned_by_creator(coord, coord_org, bank):
    event = create(coord, coord_org, [bank])

    items = ChecklistItem.objects.filter(event=event)
    assert items.count() == 10
    assert set(items.values_list("owner", flat=True)) == {coord.pk}
    assert not items.filter(kind=ChecklistTaskKind.CUSTOM).exists()


def test_event_create_refuses_another_coordinator_organisation(coord, bank):
    other_org = CoordinatorOrgFactory()

    with pytest.raises(EventSetupError) as exc:
        create(coord, other_org, [bank])

    assert exc.value.message == "この交流会を操作する権限がありません。"
    assert Event.objects.count() == 0


def test_event_create_refuses_a_bank_as_coordinator(coord, bank):
    with pytest.raises(EventSetupError) as exc:
        create(coord, bank, [bank])

    assert exc.value.field == "coordinator"


def test_event_create_refuses_no_hosts(coord, coord_org):
    with pytest.raises(EventSetupError) as exc:
        create(coord, coord_org, [])

    assert (exc.value.field, exc.value.message) == ("hosts", "主催金融機関は1機関から13機関まで選んでください。")


def test_event_create_accepts_13_hosts_and_refuses_14(coord, coord_org):
    banks = OrganizationFactory.create_batch(14)

    event = create(coord, coord_org, banks[:13])
    with pytest.raises(EventSetupError) as exc:
        create(coord, coord_org, banks, title="多すぎる")

    assert event.hosts.count() == 13
    assert exc.value.field == "hosts"


def test_event_create_refuses_a_local_government_as_host(coord, coord_org):
    with pytest.raises(EventSetupError) as exc:
        create(coord, coord_org, [LocalGovernmentFactory()])

    assert (exc.value.field, exc.value.message) == ("hosts", "主催には金融機関だけを選べます。")


def test_event_create_refuses_a_bank_as_co_host(coord, coord_org, bank):
    with pytest.raises(EventSetupError) as exc:
        create(coord, coord_org, [bank], co_hosts=[OrganizationFactory()])

    assert (exc.value.field, exc.value.message) == ("co_hosts", "共催には自治体だけを選べます。")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "hearing_deadline",
            dt.date(2027, 1, 28),
            "ヒアリングの締切は企業登録の締切と同じ日か、それより後の日付にしてください。",
        ),
        (
            "issue_list_date",
            dt.date(2027, 2, 11),
            "課題一覧の公開日はヒアリングの締切と同じ日か、それより後の日付にしてください。",
        ),
        (
            "application_deadline",
            dt.date(2027, 2, 18),
            "新現役の応募締切は課題一覧の公開日と同じ日か、それより後の日付にしてください。",
        ),
        (
            "selection_deadline",
            dt.date(2027, 3, 4),
            "企業の選考締切は新現役の応募締切と同じ日か、それより後の日付にしてください。",
        ),
        ("date", dt.date(2027, 3, 11), "開催日は企業の選考締切と同じ日か、それより後の日付にしてください。"),
    ],
)
def test_event_create_refuses_deadlines_out_of_order(coord, coord_org, bank, field, value, message):
    with pytest.raises(EventSetupError) as exc:
        create(coord, coord_org, [bank], **{field: value})

    assert (exc.value.field, exc.value.message) == (field, message)


def test_event_create_accepts_deadlines_on_the_same_day(coord, coord_org, bank):
    day = dt.date(2027, 3, 1)
    same = dict.fromkeys(
        ["enrolment_deadline", "hearing_deadline", "issue_list_date", "application_deadline", "selection_deadline"],
        day,
    )

    event = create(coord, coord_org, [bank], date=day, **same)

    assert event.selection_deadline == day


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"rounds": 6, "break_after": [6]},
            "break_after",
            "休憩を入れる回は1から5までの数字にしてください（最後の回の後には入れられません）。",
        ),
        (
            {"rounds": 6, "break_after": [0]},
            "break_after",
            "休憩を入れる回は1から5までの数字にしてください（最後の回の後には入れられません）。",
        ),
        ({"rounds": 1, "break_after": [1]}, "break_after", "面談が1回だけのときは休憩を入れられません。"),
        ({"table_capacity": 6}, "table_capacity", "1テーブルの新現役の定員は1から5までの数字にしてください。"),
        ({"tables": 0}, "tables", "テーブル数は1から200までの数字にしてください。"),
        ({"slot_minutes": 4}, "slot_minutes", "1回の面談時間（分）は5から120までの数字にしてください。"),
        ({"title": "  "}, "title", "名称を入力してください。"),
        ({"prefecture": "99"}, "prefecture", "都道府県を一覧から選んでください。"),
        (
            {"start_time": dt.time(22, 0), "rounds": 10, "slot_minutes": 20},
            "rounds",
            "面談が日付をまたいでしまいます。開始時刻・面談時間・回数を見直してください。",
        ),
    ],
)
def test_event_create_refuses_bad_grid_and_fields(coord, coord_org, bank, overrides, field, message):
    with pytest.raises(EventSetupError) as exc:
        create(coord, coord_org, [bank], **overrides)

    assert (exc.value.field, exc.value.message) == (field, message)


def test_event_create_sorts_and_deduplicates_breaks(coord, coord_org, bank):
    event = create(coord, coord_org, [bank], rounds=8, break_after=[5, 3, 5])

    assert event.break_after == [3, 5]


# --- update -------------------------------------------------------------------------------------------------


def test_event_update_changes_fields_and_audits_them(coord, coord_org, bank):
    event = create(coord, coord_org, [bank])

    updated = event_update(event=event, by=coord, venue="新会場", tables=12)

    updated.refresh_from_db()
    assert (updated.venue, updated.tables, updated.title) == ("新会場", 12, "第1回 新現役交流会")
    assert audit_events(event)[-1] == (
        "event.updated",
        {"fields": ["tables", "venue"], "hosts_added": [], "hosts_removed": []},
    )


def test_event_update_refuses_deadline_out_of_order(coord, coord_org, bank):
    event = create(coord, coord_org, [bank])

    with pytest.raises(EventSetupError) as exc:
        event_update(event=event, by=coord, hearing_deadline=dt.date(2027, 1, 1))

    event.refresh_from_db()
    assert exc.value.field == "hearing_deadline"
    assert event.hearing_deadline == dt.date(2027, 2, 12)


@pytest.mark.parametrize("status", [EventStatus.HELD, EventStatus.FOLLOW_UP, EventStatus.CLOSED])
def test_event_update_refused_once_held(coord, coord_org, bank, status):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=status)

    with pytest.raises(EventStateError) as exc:
        event_update(event=event, by=coord, venue="新会場")

    assert exc.value.message == f"「{EventStatus(status).label}」の交流会の設定は変更できません。"


def test_event_update_allowed_while_timetabling(coord, coord_org, bank):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.TIMETABLING)

    event_update(event=event, by=coord, venue="新会場")

    event.refresh_from_db()
    assert event.venue == "新会場"


def test_event_update_refused_for_another_coordinator(coord_org, bank):
    event = make_event(coordinator_org=CoordinatorOrgFactory(), hosts=[bank])
    coord = staff_user(Role.COORDINATOR, coord_org)

    with pytest.raises(EventSetupError):
        event_update(event=event, by=coord, venue="乗っ取り")


def test_event_update_hosts_adds_and_removes_hosts(coord, coord_org, bank):
    event = create(coord, coord_org, [bank])
    other = OrganizationFactory(name="C銀行")

    event_update(event=event, by=coord, hosts=[other])

    assert list(event.hosts.all()) == [other]
    assert audit_events(event)[-1] == (
        "event.updated",
        {"fields": [], "hosts_added": [other.pk], "hosts_removed": [bank.pk]},
    )


def test_event_update_hosts_refuses_removing_a_host_with_enrolled_companies(coord, coord_org, bank):
    other = OrganizationFactory(name="C銀行")
    event = create(coord, coord_org, [bank, other])
    enrol_company(event, institution=bank)

    with pytest.raises(EventSetupError) as exc:
        event_update(event=event, by=coord, hosts=[other])

    assert exc.value.message == "A信用金庫は企業を登録済みのため、主催から外せません。"
    assert set(event.hosts.all()) == {bank, other}


# --- transitions --------------------------------------------------------------------------------------------


def ready_event(coord_org, bank, status):
    """An event on today's date with every precondition met: an enrolled company with a publishable sheet."""
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=status, date=timezone.localdate())
    approved_hearing(enrol_company(event, institution=bank))
    return event


ACTION_BY_TARGET = {t.target: t.action for t in EVENT_TRANSITIONS}


def test_action_mapping_covers_each_step_once():
    assert [(t.source, t.target) for t in EVENT_TRANSITIONS] == list(pairwise(EVENT_STATUS_ORDER))
    assert sorted(EVENT_ACTIONS) == sorted(t.action for t in EVENT_TRANSITIONS)
    assert EventStatus.PREPARING not in ACTION_BY_TARGET  # nothing leads back to the start


@pytest.mark.parametrize("target", EVENT_STATUS_ORDER)
@pytest.mark.parametrize("source", EVENT_STATUS_ORDER)
def test_event_transition_only_the_next_step_is_allowed(coord, coord_org, bank, source, target):
    event = ready_event(coord_org, bank, source)
    action = ACTION_BY_TARGET.get(target)
    allowed = EVENT_STATUS_ORDER.index(target) == EVENT_STATUS_ORDER.index(source) + 1

    if action is None:
        assert not allowed
        return
    if allowed:
        EVENT_ACTIONS[action](event=event, by=coord)
        event.refresh_from_db()
        assert event.status == target
        assert event.status_changed_at is not None
        assert audit_events(event) == [("event.status_changed", {"from": source, "to": target})]
    else:
        with pytest.raises(EventStateError):
            EVENT_ACTIONS[action](event=event, by=coord)
        event.refresh_from_db()
        assert event.status == source
        assert audit_events(event) == []


def test_event_transition_refusal_says_why(coord, coord_org, bank):
    event = ready_event(coord_org, bank, EventStatus.PREPARING)

    with pytest.raises(EventStateError) as exc:
        event_publish_issue_list(event=event, by=coord)

    assert exc.value.message == (
        "「課題一覧を公開する」は「ヒアリング中」の交流会でのみできます。この交流会はいま「準備中」です。"
    )


def test_event_transition_updates_the_callers_instance(coord, coord_org, bank):
    event = ready_event(coord_org, bank, EventStatus.PREPARING)

    event_open_recruitment(event=event, by=coord)

    assert event.status == EventStatus.RECRUITING


def test_event_transition_refused_for_coordinator_of_another_organisation(coord_org, bank):
    event = ready_event(CoordinatorOrgFactory(), bank, EventStatus.PREPARING)
    coord = staff_user(Role.COORDINATOR, coord_org)

    with pytest.raises(EventStateError) as exc:
        event_open_recruitment(event=event, by=coord)

    assert exc.value.message == "この交流会を操作する権限がありません。"


def test_event_start_hearing_needs_an_enrolment(coord, coord_org, bank):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.RECRUITING)

    with pytest.raises(EventStateError) as exc:
        event_start_hearing(event=event, by=coord)

    event.refresh_from_db()
    assert exc.value.message == "まだ企業が1社も登録されていません。主催金融機関が企業を登録してから進めてください。"
    assert event.status == EventStatus.RECRUITING


def test_event_start_hearing_with_an_enrolment_moves_on(coord, coord_org, bank):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.RECRUITING)
    enrol_company(event, institution=bank)

    event_start_hearing(event=event, by=coord)

    assert event.status == EventStatus.HEARING


@pytest.mark.parametrize(
    "sheet_state",
    ["draft", "approved_without_summary", "approved_without_title"],
)
def test_event_publish_issue_list_needs_a_publishable_sheet(coord, coord_org, bank, sheet_state):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.HEARING)
    enrolment = enrol_company(event, institution=bank)
    if sheet_state == "approved_without_summary":
        approved_hearing(enrolment, summary="")
    elif sheet_state == "approved_without_title":
        approved_hearing(enrolment, title="")

    with pytest.raises(EventStateError) as exc:
        event_publish_issue_list(event=event, by=coord)

    event.refresh_from_db()
    assert exc.value.message.startswith("公開できる課題がありません。")
    assert (event.status, event.issue_list_published_at) == (EventStatus.HEARING, None)


def test_event_publish_issue_list_sets_published_at(coord, coord_org, bank):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.HEARING)
    approved_hearing(enrol_company(event, institution=bank))
    moment = dt.datetime(2027, 2, 19, 10, 0, tzinfo=TOKYO)

    with time_machine.travel(moment, tick=False):
        event_publish_issue_list(event=event, by=coord)

    event.refresh_from_db()
    assert (event.status, event.issue_list_published_at, event.status_changed_at) == (
        EventStatus.PUBLISHED,
        moment,
        moment,
    )


def test_event_mark_held_refused_the_day_before_in_tokyo(coord, coord_org, bank):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.TIMETABLING, date=EVENT_DAY)

    # 2027-03-19 23:59 in Tokyo (14:59 UTC): still the day before the event there.
    with (
        time_machine.travel(dt.datetime(2027, 3, 19, 23, 59, tzinfo=TOKYO), tick=False),
        pytest.raises(EventStateError) as exc,
    ):
        event_mark_held(event=event, by=coord)

    assert exc.value.message == "開催日（2027年3月20日）より前には開催済みにできません。"


def test_event_mark_held_allowed_from_midnight_of_the_event_day_in_tokyo(coord, coord_org, bank):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.TIMETABLING, date=EVENT_DAY)

    # 2027-03-20 00:00 in Tokyo is still 2027-03-19 in UTC.
    with time_machine.travel(dt.datetime(2027, 3, 20, 0, 0, tzinfo=TOKYO), tick=False):
        event_mark_held(event=event, by=coord)

    assert event.status == EventStatus.HELD


# --- the next step selector -------------------------------------------------------------------------------------


def test_event_next_step_explains_the_unmet_precondition(coord_org, bank):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.RECRUITING)

    step = event_next_step(event=event)

    assert (step.transition.action, step.allowed) == ("start_hearing", False)
    assert step.blocker == "まだ企業が1社も登録されていません。主催金融機関が企業を登録してから進めてください。"


def test_event_next_step_allowed_without_precondition(coord_org, bank):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.PREPARING)

    step = event_next_step(event=event)

    assert (step.transition.action, str(step.transition.label), step.blocker) == (
        "open_recruitment",
        "企業の募集を始める",
        None,
    )


def test_event_next_step_none_when_closed(coord_org, bank):
    event = make_event(coordinator_org=coord_org, hosts=[bank], status=EventStatus.CLOSED)

    assert event_next_step(event=event) is None
