"""The coordinator's event pages: list, create and edit forms, detail with the status ladder and
transitions, the checklist pages, and the dashboard panel. Only the event's own coordinators get in."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from events.enums import EventStatus
from events.exceptions import EventStateError
from events.models import ChecklistItem, Event
from events.services import checklist_item_add, event_create
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    CoordinatorOrgFactory,
    LocalGovernmentFactory,
    OrganizationFactory,
    approved_hearing,
    enrol_company,
    make_event,
    senior_user,
    staff_user,
)

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2027, 1, 10, 10, 0, tzinfo=TOKYO)
EVENT_DAY = dt.date(2027, 6, 20)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(frozen):
    with arranging():
        coord_org = CoordinatorOrgFactory(name="SKS事務局")
        bank = OrganizationFactory(name="A信用金庫", name_kana="エーシンヨウキンコ")
        coord = staff_user(Role.COORDINATOR, coord_org, name="調整 太郎")
        event = event_create(
            by=coord,
            coordinator=coord_org,
            hosts=[bank],
            title="大田区 新現役交流会",
            date=EVENT_DAY,
            venue="産業会館",
            break_after=[3],
            enrolment_deadline=dt.date(2027, 4, 30),
            hearing_deadline=dt.date(2027, 5, 14),
            issue_list_date=dt.date(2027, 5, 21),
            application_deadline=dt.date(2027, 6, 4),
            selection_deadline=dt.date(2027, 6, 11),
        )
        return {
            "coord_org": coord_org,
            "bank": bank,
            "coord": coord,
            "event": event,
            "other_coord": staff_user(Role.COORDINATOR, CoordinatorOrgFactory()),
            "staff": staff_user(Role.BANK_STAFF, bank),
            "senior": senior_user(),
        }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(world, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "第2回 交流会",
        "hosts": [world["bank"].pk],
        "co_hosts": [],
        "date": "2027-06-20",
        "venue": "区民センター",
        "address": "",
        "prefecture": "13",
        "start_time": "13:00",
        "slot_minutes": "20",
        "rounds": "6",
        "break_after": "3",
        "break_minutes": "10",
        "tables": "10",
        "table_capacity": "1",
        "enrolment_deadline": "2027-04-30",
        "hearing_deadline": "2027-05-14",
        "issue_list_date": "2027-05-21",
        "application_deadline": "2027-06-04",
        "selection_deadline": "2027-06-11",
        "max_choices_per_senior": "5",
        "min_interviews_per_company": "3",
    }
    data.update(overrides)
    return data


def field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- access -----------------------------------------------------------------------------------------------

EVENT_PAGES = [
    ("events:event_detail", "get", "event"),
    ("events:event_edit", "get", "event"),
    ("events:event_transition", "post", "event"),
    ("events:checklist", "get", "event"),
    ("events:checklist_item_add", "get", "event"),
    ("events:checklist_item_add", "post", "event"),
    ("events:checklist_item_edit", "get", "item"),
    ("events:checklist_item_edit", "post", "item"),
    ("events:checklist_item_toggle", "post", "item"),
]


def page_url(world, name: str, target: str) -> str:
    obj = world["event"] if target == "event" else ChecklistItem.objects.filter(event=world["event"]).first()
    return reverse(name, args=[obj.pk])


@pytest.mark.parametrize(("name", "method", "target"), EVENT_PAGES)
@pytest.mark.parametrize("outsider", ["other_coord", "staff", "senior"])
def test_event_pages_404_for_everyone_but_the_events_coordinators(world, name, method, target, outsider):
    url = page_url(world, name, target)

    response = getattr(client_for(world[outsider]), method)(url, {"action": "open_recruitment"})

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method", "target"), EVENT_PAGES)
def test_event_pages_open_for_the_events_coordinator(world, name, method, target):
    response = getattr(client_for(world["coord"]), method)(page_url(world, name, target))

    assert response.status_code in (200, 302)


def test_event_pages_open_for_a_colleague_in_the_same_coordinator_organisation(world):
    colleague = staff_user(Role.COORDINATOR, world["coord_org"])

    response = client_for(colleague).get(reverse("events:event_detail", args=[world["event"].pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("outsider", ["staff", "senior"])
def test_event_list_and_create_404_for_non_coordinators(world, outsider):
    client = client_for(world[outsider])

    assert client.get(reverse("events:event_list")).status_code == 404
    assert client.get(reverse("events:event_create")).status_code == 404


def test_event_transition_get_not_allowed(world):
    response = client_for(world["coord"]).get(reverse("events:event_transition", args=[world["event"].pk]))

    assert response.status_code == 405


# --- list -------------------------------------------------------------------------------------------------------


def test_event_list_shows_only_own_events_upcoming_first(world):
    past = make_event(coordinator_org=world["coord_org"], title="去年の会", date=dt.date(2026, 3, 1))
    soon = make_event(coordinator_org=world["coord_org"], title="来月の会", date=dt.date(2027, 2, 20))
    # (the world event is on 2027-06-20)
    make_event(coordinator_org=CoordinatorOrgFactory(), title="他団体の会")

    response = client_for(world["coord"]).get(reverse("events:event_list"))

    assert [e.title for e in response.context["upcoming"]] == ["来月の会", "大田区 新現役交流会"]
    assert [e.pk for e in response.context["past"]] == [past.pk]
    assert soon.title in response.content.decode()
    assert "他団体の会" not in response.content.decode()


def test_event_list_counts_enrolled_companies_across_hosts(world):
    other_bank = OrganizationFactory()
    event = world["event"]
    event.event_hosts.create(institution=other_bank)
    enrol_company(event, institution=world["bank"])
    enrol_company(event, institution=other_bank)

    response = client_for(world["coord"]).get(reverse("events:event_list"))

    assert [e.company_count for e in response.context["upcoming"]] == [2]
    assert "2社" in response.content.decode()


def _add_events(world, n: int) -> None:
    for i in range(n):
        event = make_event(coordinator_org=world["coord_org"], hosts=[world["bank"], OrganizationFactory()])
        enrol_company(event, institution=world["bank"])
        if i % 2:
            make_event(coordinator_org=world["coord_org"], date=dt.date(2026, 1, 1) + dt.timedelta(days=i))


def test_event_list_queries_constant(world, django_assert_max_num_queries):
    client = client_for(world["coord"])
    url = reverse("events:event_list")
    client.get(url)  # warm up the session and the user's caches
    with django_assert_max_num_queries(20) as one_row:
        client.get(url)

    _add_events(world, 10)
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get(url)

    assert len(response.context["upcoming"]) + len(response.context["past"]) == 16


# --- create and edit ----------------------------------------------------------------------------------------------


def test_event_create_get_shows_the_form(world):
    response = client_for(world["coord"]).get(reverse("events:event_create"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="date"' in content
    assert 'type="time"' in content
    assert "A信用金庫" in content


def test_event_create_post_creates_and_redirects(world):
    city = LocalGovernmentFactory(name="大田区役所")

    response = client_for(world["coord"]).post(
        reverse("events:event_create"), form_data(world, co_hosts=[city.pk], break_after="3, 5", rounds="8")
    )

    event = Event.objects.get(title="第2回 交流会")
    assert response.status_code == 302
    assert response.url == reverse("events:event_detail", args=[event.pk])
    assert (event.coordinator, event.break_after, event.rounds) == (world["coord_org"], [3, 5], 8)
    assert list(event.co_hosts.all()) == [city]
    assert ChecklistItem.objects.filter(event=event).count() == 10


def test_event_create_accepts_full_width_breaks(world):
    client_for(world["coord"]).post(reverse("events:event_create"), form_data(world, break_after="２、４", rounds="6"))

    assert Event.objects.get(title="第2回 交流会").break_after == [2, 4]


def test_event_create_deadline_order_error_in_japanese_beside_the_field(world):
    response = client_for(world["coord"]).post(
        reverse("events:event_create"), form_data(world, hearing_deadline="2027-04-01")
    )

    assert response.status_code == 200
    assert field_errors(response, "hearing_deadline") == [
        "ヒアリングの締切は企業登録の締切と同じ日か、それより後の日付にしてください。"
    ]
    assert not Event.objects.filter(title="第2回 交流会").exists()


def test_event_create_event_date_before_selection_deadline_error(world):
    response = client_for(world["coord"]).post(reverse("events:event_create"), form_data(world, date="2027-06-10"))

    assert field_errors(response, "date") == ["開催日は企業の選考締切と同じ日か、それより後の日付にしてください。"]


def test_event_create_without_hosts_error_in_japanese(world):
    response = client_for(world["coord"]).post(reverse("events:event_create"), form_data(world, hosts=[]))

    assert field_errors(response, "hosts") == ["主催金融機関を1つ以上選んでください。"]


def test_event_create_with_14_hosts_error_in_japanese(world):
    banks = OrganizationFactory.create_batch(13)

    response = client_for(world["coord"]).post(
        reverse("events:event_create"), form_data(world, hosts=[world["bank"].pk, *(b.pk for b in banks)])
    )

    assert field_errors(response, "hosts") == ["主催金融機関は13機関までです（いま14機関を選んでいます）。"]


@pytest.mark.parametrize(
    ("breaks", "rounds", "message"),
    [
        ("3, x", "6", "休憩を入れる回は「3, 5」のように、数字をカンマで区切って入力してください。"),
        ("-1", "6", "休憩を入れる回は「3, 5」のように、数字をカンマで区切って入力してください。"),
        ("6", "6", "休憩を入れる回は1から5までの数字にしてください（最後の回の後には入れられません）。"),
        ("1", "1", "面談が1回だけのときは休憩を入れられません。"),
    ],
)
def test_event_create_bad_breaks_error_in_japanese(world, breaks, rounds, message):
    response = client_for(world["coord"]).post(
        reverse("events:event_create"), form_data(world, break_after=breaks, rounds=rounds)
    )

    assert field_errors(response, "break_after") == [message]


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", "2027-13-45"), ("start_time", "25:99"), ("tables", "abc"), ("tables", "0"), ("table_capacity", "9")],
)
def test_event_create_garbage_input_is_a_form_error_not_a_500(world, field, value):
    response = client_for(world["coord"]).post(reverse("events:event_create"), form_data(world, **{field: value}))

    assert response.status_code == 200
    assert field_errors(response, field) != []


def test_event_create_date_out_of_the_calendar_is_a_form_error(world):
    early = dict.fromkeys(
        ["date", "enrolment_deadline", "hearing_deadline", "issue_list_date", "application_deadline"], "0001-01-01"
    )

    response = client_for(world["coord"]).post(
        reverse("events:event_create"), form_data(world, selection_deadline="0001-01-01", **early)
    )

    assert response.status_code == 200
    assert field_errors(response, "enrolment_deadline") == [
        "企業登録の締切は2000年から2099年までの日付にしてください。"
    ]


def test_event_create_service_error_shown_beside_the_field(world):
    # 22:00 + 10 rounds of 20 minutes runs past midnight: only the service knows.
    response = client_for(world["coord"]).post(
        reverse("events:event_create"), form_data(world, start_time="22:00", rounds="10", break_after="")
    )

    assert field_errors(response, "rounds") == [
        "面談が日付をまたいでしまいます。開始時刻・面談時間・回数を見直してください。"
    ]


def test_event_create_a_coordinator_of_two_organisations_chooses(world):
    second_org = CoordinatorOrgFactory(name="第二事務局")
    from tests.factories import MembershipFactory

    MembershipFactory(user=world["coord"], organization=second_org, role=Role.COORDINATOR)

    response = client_for(world["coord"]).post(
        reverse("events:event_create"), form_data(world, coordinator=second_org.pk)
    )

    assert response.status_code == 302
    assert Event.objects.get(title="第2回 交流会").coordinator == second_org


def test_event_edit_shows_breaks_as_text(world):
    response = client_for(world["coord"]).get(reverse("events:event_edit", args=[world["event"].pk]))

    assert response.context["form"]["break_after"].value() == "3"


def test_event_edit_post_updates_the_event(world):
    event = world["event"]
    data = form_data(world, title=event.title, venue="新しい会場")

    response = client_for(world["coord"]).post(reverse("events:event_edit", args=[event.pk]), data)

    event.refresh_from_db()
    assert response.status_code == 302
    assert event.venue == "新しい会場"


def test_event_edit_of_a_held_event_redirects_with_a_message(world):
    event = world["event"]
    Event.objects.filter(pk=event.pk).update(status=EventStatus.HELD)

    response = client_for(world["coord"]).get(reverse("events:event_edit", args=[event.pk]), follow=True)

    assert response.redirect_chain == [(reverse("events:event_detail", args=[event.pk]), 302)]
    assert messages_of(response) == ["「開催済」の交流会の設定は変更できません。"]


# --- detail and transitions -----------------------------------------------------------------------------------------


def test_event_detail_shows_grid_hosts_and_next_step(world):
    response = client_for(world["coord"]).get(reverse("events:event_detail", args=[world["event"].pk]))

    content = response.content.decode()
    assert "13:00〜13:20" in content
    # Round 3 ends at 14:00, then the 10-minute break: round 4 starts at 14:10.
    assert "13:40〜14:00" in content
    assert "14:00〜14:20" not in content
    assert "14:10〜14:30" in content
    assert [s["round"] for s in response.context["slots"] if s["break_after"]] == [3]
    assert "初開催" in content
    assert "企業の募集を始める" in content
    assert 'aria-current="step"' in content


def test_event_detail_explains_why_the_next_step_is_disabled(world):
    Event.objects.filter(pk=world["event"].pk).update(status=EventStatus.RECRUITING)

    response = client_for(world["coord"]).get(reverse("events:event_detail", args=[world["event"].pk]))

    content = response.content.decode()
    assert re.search(r"<button[^>]*disabled[^>]*>事前ヒアリングを始める</button>", content)
    assert "まだ企業が1社も登録されていません。" in content


def test_event_transition_post_moves_the_event_with_a_success_message(world):
    event = world["event"]

    response = client_for(world["coord"]).post(
        reverse("events:event_transition", args=[event.pk]), {"action": "open_recruitment"}, follow=True
    )

    event.refresh_from_db()
    assert event.status == EventStatus.RECRUITING
    assert messages_of(response) == ["「企業の募集を始める」を行いました。交流会は「企業募集中」になりました。"]


def test_event_transition_refused_shows_why(world):
    event = world["event"]

    response = client_for(world["coord"]).post(
        reverse("events:event_transition", args=[event.pk]), {"action": "close"}, follow=True
    )

    event.refresh_from_db()
    assert event.status == EventStatus.PREPARING
    assert messages_of(response) == [
        "「交流会を終了する」は「フォローアップ中」の交流会でのみできます。この交流会はいま「準備中」です。"
    ]


def test_event_transition_unknown_action_is_an_error_message(world):
    response = client_for(world["coord"]).post(
        reverse("events:event_transition", args=[world["event"].pk]), {"action": "delete"}, follow=True
    )

    assert messages_of(response) == ["操作がわかりませんでした。もう一度ボタンを押してください。"]


def test_event_transition_publish_with_a_publishable_sheet(world):
    event = world["event"]
    Event.objects.filter(pk=event.pk).update(status=EventStatus.HEARING)
    approved_hearing(enrol_company(event, institution=world["bank"]))

    client_for(world["coord"]).post(
        reverse("events:event_transition", args=[event.pk]), {"action": "publish_issue_list"}
    )

    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


# --- checklist ------------------------------------------------------------------------------------------------------


def test_checklist_page_marks_overdue_rows_with_class_and_badge(world):
    late = checklist_item_add(event=world["event"], by=world["coord"], title="遅れた作業", due_date=dt.date(2027, 1, 5))

    response = client_for(world["coord"]).get(reverse("events:checklist", args=[world["event"].pk]))

    content = response.content.decode()
    row = re.search(rf'<tr id="item-{late.pk}" class="([^"]*)">(.*?)</tr>', content, re.S)
    assert row.group(1) == "checklist-overdue"
    assert "期限超過" in row.group(2)
    assert response.context["overdue"] == {late.pk}


def test_checklist_page_lists_generated_items_with_lead_time_note(world):
    response = client_for(world["coord"]).get(reverse("events:checklist", args=[world["event"].pk]))

    assert len(response.context["items"]) == 10
    assert "開催日の4か月前から準備します" in response.content.decode()


def test_checklist_toggle_marks_done_and_back(world):
    item = ChecklistItem.objects.filter(event=world["event"]).first()
    client = client_for(world["coord"])
    url = reverse("events:checklist_item_toggle", args=[item.pk])

    response = client.post(url)
    item.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("events:checklist", args=[world["event"].pk]) + f"#item-{item.pk}"
    assert item.done_by == world["coord"]

    client.post(url)
    item.refresh_from_db()
    assert (item.done_at, item.done_by) == (None, None)


def test_checklist_item_add_post_creates_custom_item(world):
    response = client_for(world["coord"]).post(
        reverse("events:checklist_item_add", args=[world["event"].pk]),
        {"title": "記念品の手配", "due_date": "2027-03-01", "owner": world["coord"].pk, "notes": ""},
    )

    assert response.status_code == 302
    item = ChecklistItem.objects.get(title="記念品の手配")
    assert (item.kind, item.owner, item.due_date) == ("custom", world["coord"], dt.date(2027, 3, 1))


def test_checklist_item_add_errors_in_japanese(world):
    response = client_for(world["coord"]).post(
        reverse("events:checklist_item_add", args=[world["event"].pk]),
        {"title": "", "due_date": "2027-02-30", "owner": "", "notes": ""},
    )

    assert response.status_code == 200
    assert field_errors(response, "title") == ["このフィールドは必須です。"]
    assert field_errors(response, "due_date") == ["日付を正しく入力してください。"]


def test_checklist_item_add_owner_of_another_organisation_is_refused(world):
    response = client_for(world["coord"]).post(
        reverse("events:checklist_item_add", args=[world["event"].pk]),
        {"title": "作業", "due_date": "2027-03-01", "owner": world["other_coord"].pk, "notes": ""},
    )

    assert response.status_code == 200
    assert field_errors(response, "owner") != []
    assert not ChecklistItem.objects.filter(title="作業").exists()


def test_checklist_item_edit_updates_item(world):
    item = ChecklistItem.objects.get(event=world["event"], kind="venue")

    response = client_for(world["coord"]).post(
        reverse("events:checklist_item_edit", args=[item.pk]),
        {"title": item.title, "due_date": "2027-01-15", "owner": "", "notes": "候補は2か所"},
    )

    item.refresh_from_db()
    assert response.status_code == 302
    assert (item.due_date, item.owner, item.notes) == (dt.date(2027, 1, 15), None, "候補は2か所")


# --- dashboard panel ------------------------------------------------------------------------------------------------


def test_dashboard_panel_shows_overdue_items_prominently(world):
    late = checklist_item_add(event=world["event"], by=world["coord"], title="会場の下見", due_date=dt.date(2027, 1, 5))

    response = client_for(world["coord"]).get(reverse("dashboard"))

    content = response.content.decode()
    assert "panel-overdue" in content
    assert "期限超過 1件" in content
    assert "会場の下見" in content
    assert reverse("events:checklist", args=[world["event"].pk]) + f"#item-{late.pk}" in content
    assert "大田区 新現役交流会" in content


def test_dashboard_panel_without_overdue_items_is_calm(world):
    response = client_for(world["coord"]).get(reverse("dashboard"))

    content = response.content.decode()
    assert "panel-overdue" not in content
    assert "期限を過ぎた準備の作業はありません。" in content


def test_dashboard_panel_not_shown_to_bank_staff(world):
    response = client_for(world["staff"]).get(reverse("dashboard"))

    assert "交流会の準備" not in response.content.decode()


# --- dates in the past -------------------------------------------------------------------------


def test_event_create_past_date_error_in_japanese_beside_the_field(world):
    # NOW is 2027-01-10 in Tokyo: the day before is gone.
    past = form_data(
        world,
        date="2027-01-09",
        enrolment_deadline="2026-12-01",
        hearing_deadline="2026-12-10",
        issue_list_date="2026-12-15",
        application_deadline="2026-12-20",
        selection_deadline="2026-12-25",
    )

    response = client_for(world["coord"]).post(reverse("events:event_create"), past)

    assert response.status_code == 200
    assert field_errors(response, "date") == [
        "開催日に過ぎた日（2027年1月9日）は指定できません。今日（2027年1月10日）以降の日付にしてください。"
    ]
    assert 'id="id_date-errors"' in response.content.decode()
    assert not Event.objects.filter(title="第2回 交流会").exists()


def test_event_create_today_with_passed_deadlines_is_accepted(world):
    # Set up late: the deadlines have passed, the day itself has not.
    late = form_data(
        world,
        date="2027-01-10",
        enrolment_deadline="2026-12-01",
        hearing_deadline="2026-12-10",
        issue_list_date="2026-12-15",
        application_deadline="2026-12-20",
        selection_deadline="2026-12-25",
    )

    response = client_for(world["coord"]).post(reverse("events:event_create"), late)

    assert response.status_code == 302
    assert Event.objects.get(title="第2回 交流会").date == dt.date(2027, 1, 10)


def test_event_update_moving_the_date_into_the_past_is_refused(world):
    from events.services.events import EventSetupError, event_update

    with pytest.raises(EventSetupError) as exc:
        event_update(
            event=world["event"],
            by=world["coord"],
            date=dt.date(2027, 1, 9),
            selection_deadline=dt.date(2027, 1, 8),
            application_deadline=dt.date(2027, 1, 7),
            issue_list_date=dt.date(2027, 1, 6),
            hearing_deadline=dt.date(2027, 1, 5),
            enrolment_deadline=dt.date(2027, 1, 4),
        )

    assert exc.value.field == "date"
    world["event"].refresh_from_db()
    assert world["event"].date == EVENT_DAY


def test_event_update_of_an_event_whose_day_has_passed_keeps_its_date(world):
    from events.services.events import event_update

    with time_machine.travel(dt.datetime(2027, 6, 21, 9, 0, tzinfo=TOKYO), tick=False):
        updated = event_update(event=world["event"], by=world["coord"], venue="別の会場")

    assert (updated.venue, updated.date) == ("別の会場", EVENT_DAY)


# --- advancing to 選考中 before the application deadline --------------------------------------------

EARLY_WARNING = (
    "新現役の応募締切（2027年6月4日）はまだ来ていません（あと145日）。"
    "いま進めると、締切を待たずに応募の受付を終えます。"
)


def _published(world):
    Event.objects.filter(pk=world["event"].pk).update(status=EventStatus.PUBLISHED)
    return world["event"]


def test_event_detail_before_the_application_deadline_warns_and_asks_to_confirm(world):
    event = _published(world)

    content = client_for(world["coord"]).get(reverse("events:event_detail", args=[event.pk])).content.decode()

    assert EARLY_WARNING in content
    assert re.search(r'<input[^>]*name="before_deadline"[^>]*required', content)


def test_event_transition_to_selection_before_the_deadline_without_confirmation_is_refused(world):
    event = _published(world)

    response = client_for(world["coord"]).post(
        reverse("events:event_transition", args=[event.pk]), {"action": "start_selection"}, follow=True
    )

    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert messages_of(response) == [EARLY_WARNING + "締切の前に進めるときは、確認のチェックを入れてください。"]


def test_event_transition_to_selection_before_the_deadline_with_confirmation(world):
    event = _published(world)

    client_for(world["coord"]).post(
        reverse("events:event_transition", args=[event.pk]), {"action": "start_selection", "before_deadline": "1"}
    )

    event.refresh_from_db()
    assert event.status == EventStatus.SELECTION


def test_event_transition_to_selection_on_the_deadline_day_still_warns(world):
    from events.services.events import event_start_selection

    event = _published(world)

    with time_machine.travel(dt.datetime(2027, 6, 4, 18, 0, tzinfo=TOKYO), tick=False):
        content = client_for(world["coord"]).get(reverse("events:event_detail", args=[event.pk])).content.decode()
        with pytest.raises(EventStateError):
            event_start_selection(event=event, by=world["coord"])

    assert (
        "新現役の応募締切は今日（2027年6月4日）です。いま進めると、今日の終わりを待たずに応募の受付を終えます。"
        in content
    )


def test_event_transition_to_selection_after_the_deadline_needs_no_confirmation(world):
    event = _published(world)

    with time_machine.travel(dt.datetime(2027, 6, 5, 9, 0, tzinfo=TOKYO), tick=False):
        client = client_for(world["coord"])
        content = client.get(reverse("events:event_detail", args=[event.pk])).content.decode()
        client.post(reverse("events:event_transition", args=[event.pk]), {"action": "start_selection"})

    event.refresh_from_db()
    assert ("transition-warning" in content, 'name="before_deadline"' in content, event.status) == (
        False,
        False,
        EventStatus.SELECTION,
    )
