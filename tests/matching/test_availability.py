"""Arrival and leaving rounds and the senior's cap on interviews: asked ahead on the application and the
enrolment, changed on the day at check-in, and fed into the engine's problem (`available`, `max_meetings`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.exceptions import SelectionError
from events.models import EventCompany, SeniorApplication
from events.services.hearings import EnrolmentError, enrolment_update
from events.services.selection import AttendanceWindow, attendance_check
from matching.models import Attendance
from matching.problems import company_key, event_problem, event_problem_for_repair, senior_key
from matching.services import timetable_repair
from matching.services.eventday import AttendanceError, attendance_set_rounds
from tests.access import arranging, every
from tests.factories import approved_hearing, make_application, make_timetable, pledged_senior, three_bank_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    """3 banks, 4 rounds, one seat per table; s1 applied to A and B, s2 to A (all accepted)."""
    with arranging():
        w = three_bank_event(status="selection", rounds=4, table_capacity=1)
        e = w["enrolments"]
        w["s1"], w["s2"] = pledged_senior(), pledged_senior()
        w["app1"] = make_application(w["s1"], [e["a"], e["b"]], decisions=["accepted", "accepted"])
        w["app2"] = make_application(w["s2"], [e["a"]], decisions=["accepted"])
        return w


def _by_id(items):
    return {x["id"]: x for x in items}


def test_problem_without_windows_has_everyone_all_day_capped_at_rounds(w):
    problem = event_problem(event=w["event"])

    assert all("available" not in c for c in problem["companies"])
    assert [(s.get("available"), s["max_meetings"]) for s in problem["seniors"]] == [(None, 4), (None, 4)]


def test_problem_takes_application_and_enrolment_windows_and_cap(w):
    SeniorApplication.objects.filter(pk=w["app1"].pk).update(arrival_slot=1, leaving_slot=2, max_meetings=1)
    with arranging():
        EventCompany.objects.filter(pk=w["enrolments"]["b"].pk).update(leaving_slot=1)

    problem = event_problem(event=w["event"])

    seniors, companies = _by_id(problem["seniors"]), _by_id(problem["companies"])
    assert seniors[senior_key(w["s1"].pk)] == {"id": senior_key(w["s1"].pk), "max_meetings": 1, "available": [1, 2]}
    assert "available" not in seniors[senior_key(w["s2"].pk)]
    assert companies[company_key(w["enrolments"]["b"].pk)]["available"] == [0, 1]
    assert "available" not in companies[company_key(w["enrolments"]["a"].pk)]


def test_attendance_on_the_day_overrides_the_application(w):
    SeniorApplication.objects.filter(pk=w["app1"].pk).update(arrival_slot=1)
    Attendance.objects.create(event=w["event"], senior=w["s1"], arrival_slot=2)
    Attendance.objects.create(event=w["event"], enrolment=w["enrolments"]["a"], leaving_slot=2)

    problem = event_problem(event=w["event"])

    assert _by_id(problem["seniors"])[senior_key(w["s1"].pk)]["available"] == [2, 3]
    assert _by_id(problem["companies"])[company_key(w["enrolments"]["a"].pk)]["available"] == [0, 1, 2]


def test_engine_schedules_inside_the_windows(w, django_capture_on_commit_callbacks):
    from matching.services import timetable_create

    SeniorApplication.objects.filter(pk=w["app1"].pk).update(arrival_slot=2, max_meetings=1)
    with django_capture_on_commit_callbacks(execute=True):
        t = timetable_create(event=w["event"], by=w["coordinator"], time_limit=5)
    t.refresh_from_db()

    s1_slots = list(t.meetings.filter(senior=w["s1"]).values_list("slot", flat=True))
    assert len(s1_slots) == 1
    assert s1_slots[0] in (2, 3)
    assert t.meetings.filter(senior=w["s2"]).count() == 1


def test_application_window_checks_refuse_bad_rounds(w):
    event = w["event"]
    with pytest.raises(SelectionError) as exc:
        attendance_check(event=event, attendance=AttendanceWindow(arrival_slot=3, leaving_slot=1))
    assert exc.value.message == "退出は、到着より後の回を選んでください。"
    with pytest.raises(SelectionError) as exc:
        attendance_check(event=event, attendance=AttendanceWindow(arrival_slot=4))
    assert exc.value.message == "到着・退出の回は、この交流会の面談の回から選んでください。"
    with pytest.raises(SelectionError) as exc:
        attendance_check(event=event, attendance=AttendanceWindow(max_meetings=5))
    assert exc.value.message == "面談数の上限は1から4までで選んでください。"


def test_enrolment_rounds_saved_and_checked(w):
    enrolment = w["enrolments"]["a"]
    staff = w["staff"]["a"]
    with pytest.raises(EnrolmentError) as exc:
        enrolment_update(
            enrolment=enrolment, by=staff, attending_staff=staff, min_interviews=None, arrival_slot=2, leaving_slot=0
        )
    assert exc.value.message == "参加終了は、参加開始より後の回を選んでください。"

    enrolment_update(
        enrolment=enrolment, by=staff, attending_staff=staff, min_interviews=None, arrival_slot=1, leaving_slot=2
    )

    assert every(EventCompany).values_list("arrival_slot", "leaving_slot").get(pk=enrolment.pk) == (1, 2)


def test_enrolment_edit_form_shows_rounds_as_times(w, login_as):
    client = login_as(w["staff"]["a"])
    url = reverse("events:enrolment_edit", args=[w["enrolments"]["a"].pk])

    response = client.post(url, {"attending_staff": w["staff"]["a"].pk, "arrival_slot": "3", "leaving_slot": "1"})

    assert response.status_code == 200
    assert "参加終了は、参加開始より後の回を選んでください。" in response.content.decode()
    assert "13:20 の回から" in client.get(url).content.decode()


def test_senior_application_form_saves_window_and_cap(w, login_as):
    from events.enums import EventStatus
    from events.models import Event

    event = w["event"]
    approved_hearing(w["enrolments"]["a"])
    Event.objects.filter(pk=event.pk).update(status=EventStatus.PUBLISHED)
    client = login_as(w["s1"].user)
    url = reverse("events:senior_application", args=[event.pk])
    e = w["enrolments"]
    data = {
        "application_form": "1",
        f"choose_{e['a'].pk}": "on",
        f"proposal_{e['a'].pk}": "販路開拓を支援します。",
        "arrival_slot": "1",
        "leaving_slot": "",
        "max_meetings": "2",
    }

    bad = client.post(url, {**data, "arrival_slot": "3", "leaving_slot": "0"})
    assert bad.status_code == 200
    assert "退出は、到着より後の回を選んでください。" in bad.content.decode()
    assert SeniorApplication.objects.values_list("arrival_slot", flat=True).get(pk=w["app1"].pk) is None

    response = client.post(url, data)

    assert response.status_code == 302
    assert SeniorApplication.objects.values_list("arrival_slot", "leaving_slot", "max_meetings").get(
        pk=w["app1"].pk
    ) == (1, None, 2)


# --- on the day -------------------------------------------------------------------------------------------


@pytest.fixture
def day(w):
    """The event in 時間割作成中 with published v1: A: s1@0 s2@1, B: s1@1."""
    from events.models import Event

    Event.objects.filter(pk=w["event"].pk).update(status="timetabling")
    w["event"].refresh_from_db()
    e = w["enrolments"]
    w["published"] = make_timetable(
        w["event"],
        [(e["a"], w["s1"], 0, "mutual"), (e["a"], w["s2"], 1, "mutual"), (e["b"], w["s1"], 1, "mutual")],
        status="published",
    )
    return w


def test_late_arrival_frees_only_the_missed_meetings(day, django_capture_on_commit_callbacks):
    e = day["enrolments"]
    attendance_set_rounds(
        event=day["event"], by=day["coordinator"], senior=day["s1"], arrival_slot=1, leaving_slot=None
    )

    problem = event_problem_for_repair(event=day["event"], published=day["published"])
    assert sorted((f["company"], f["senior"], f["slot"]) for f in problem["fixed"]) == sorted(
        [(company_key(e["a"].pk), senior_key(day["s2"].pk), 1), (company_key(e["b"].pk), senior_key(day["s1"].pk), 1)]
    )

    with django_capture_on_commit_callbacks(execute=True):
        repaired = timetable_repair(event=day["event"], by=day["coordinator"], time_limit=5)
    meetings = set(repaired.meetings.values_list("enrolment_id", "senior_id", "slot"))
    assert (e["a"].pk, day["s1"].pk, 0) not in meetings
    assert {(e["a"].pk, day["s2"].pk, 1), (e["b"].pk, day["s1"].pk, 1)} <= meetings
    # s1 still meets A, now in a round after arriving
    assert [slot for (en, s, slot) in meetings if (en, s) == (e["a"].pk, day["s1"].pk)] in ([2], [3])


def test_set_rounds_refuses_leaving_before_arrival(day):
    with pytest.raises(AttendanceError) as exc:
        attendance_set_rounds(
            event=day["event"], by=day["coordinator"], senior=day["s1"], arrival_slot=2, leaving_slot=1
        )
    assert exc.value.message == "退出は、到着より後の回を選んでください。"
    assert not Attendance.objects.filter(senior=day["s1"]).exists()


def test_checkin_rounds_action_records_the_change(day, login_as):
    client = login_as(day["coordinator"])
    url = reverse("matching:checkin_company", args=[day["event"].pk, day["enrolments"]["b"].pk])

    response = client.post(url, {"action": "rounds", "arrival_slot": "", "leaving_slot": "2"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "参加する時間を変更しました" in response.content.decode()
    row = Attendance.objects.get(event=day["event"], enrolment=day["enrolments"]["b"])
    assert (row.arrival_slot, row.leaving_slot, row.status) == (None, 2, "expected")
