"""Event day (repair): no-shows dropped, every other published meeting kept in place, freed seats filled
by standby and walk-in seniors, only changed participants told on publishing, and the repair page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from matching.models import Attendance, Timetable
from matching.problems import company_key, event_problem_for_repair, senior_key
from matching.services import TimetableStateError, timetable_publish, timetable_repair
from tests.access import arranging
from tests.factories import make_application, make_timetable, pledged_senior, three_bank_event

pytestmark = pytest.mark.django_db


@arranging()
def _attend(event, *, senior=None, enrolment=None, status="expected", walk_in=False, standby=False, wanted=()):
    row = Attendance.objects.create(
        event=event, senior=senior, enrolment=enrolment, status=status, walk_in=walk_in, standby=standby
    )
    row.wanted.set(wanted)
    return row


@pytest.fixture
def day() -> dict[str, Any]:
    """Event in 時間割作成中, 2 rounds, one seat per table. Published v1:
    A: s1@1 s2@2, B: s2@1 s1@2, C: s3@1. s4 (standby) asked for A, which is full."""
    with arranging():
        w = three_bank_event(status="timetabling", rounds=2, table_capacity=1)
        e = w["enrolments"]
        s1, s2, s3, s4 = (pledged_senior() for _ in range(4))
        make_application(s1, [e["a"], e["b"]], decisions=["accepted", "accepted"])
        make_application(s2, [e["a"], e["b"]], decisions=["accepted", "accepted"])
        make_application(s3, [e["c"]], decisions=["accepted"])
        make_application(s4, [e["a"]], decisions=["accepted"])
        published = make_timetable(
            w["event"],
            [
                (e["a"], s1, 0, "mutual"),
                (e["a"], s2, 1, "mutual"),
                (e["b"], s2, 0, "mutual"),
                (e["b"], s1, 1, "mutual"),
                (e["c"], s3, 0, "mutual"),
            ],
            status="published",
        )
        return {**w, "s1": s1, "s2": s2, "s3": s3, "s4": s4, "published": published}


def _pairs(t: Timetable) -> set[tuple[int, int, int]]:
    return set(t.meetings.values_list("enrolment_id", "senior_id", "slot"))


def _repair(day, django_capture_on_commit_callbacks) -> Timetable:
    with django_capture_on_commit_callbacks(execute=True):
        t = timetable_repair(event=day["event"], by=day["coordinator"], time_limit=5)
    t.refresh_from_db()
    return t


def test_problem_for_repair_drops_no_shows_and_fixes_the_rest(day):
    e = day["enrolments"]
    _attend(day["event"], senior=day["s1"], status="no_show")
    _attend(day["event"], enrolment=e["c"], status="no_show")

    problem = event_problem_for_repair(event=day["event"], published=day["published"])

    assert [c["id"] for c in problem["companies"]] == [company_key(e["a"].pk), company_key(e["b"].pk)]
    assert senior_key(day["s1"].pk) not in {s["id"] for s in problem["seniors"]}
    assert sorted((f["company"], f["senior"], f["slot"]) for f in problem["fixed"]) == sorted(
        [
            (company_key(e["a"].pk), senior_key(day["s2"].pk), 1),
            (company_key(e["b"].pk), senior_key(day["s2"].pk), 0),
        ]
    )


def test_problem_for_repair_adds_walk_in_requests_of_kind_senior(day):
    walker = pledged_senior()
    _attend(day["event"], senior=walker, walk_in=True, status="checked_in", wanted=[day["enrolments"]["b"]])

    problem = event_problem_for_repair(event=day["event"], published=day["published"])

    assert {"company": company_key(day["enrolments"]["b"].pk), "senior": senior_key(walker.pk), "kind": "senior"} in (
        problem["requests"]
    )
    assert senior_key(walker.pk) in {s["id"] for s in problem["seniors"]}


def test_no_show_repair_changes_nothing_outside_the_freed_seats(day, django_capture_on_commit_callbacks):
    e, s1 = day["enrolments"], day["s1"]
    _attend(day["event"], senior=s1, status="no_show")
    kept = {p for p in _pairs(day["published"]) if p[1] != s1.pk}

    repaired = _repair(day, django_capture_on_commit_callbacks)

    assert (repaired.status, repaired.solve_status, repaired.based_on_id) == ("draft", "done", day["published"].pk)
    assert kept <= _pairs(repaired)
    assert set(repaired.meetings.filter(pinned=True).values_list("enrolment_id", "senior_id", "slot")) == kept
    assert not repaired.meetings.filter(senior=s1).exists()
    # The only change besides the no-show's meetings: the standby senior takes the freed seat at A.
    assert _pairs(repaired) - kept == {(e["a"].pk, day["s4"].pk, 0)}


def test_repair_fills_a_freed_seat_with_a_walk_in(day, django_capture_on_commit_callbacks):
    e = day["enrolments"]
    walker = pledged_senior()
    _attend(day["event"], senior=day["s1"], status="no_show")
    _attend(day["event"], senior=walker, walk_in=True, status="checked_in", wanted=[e["b"]])

    repaired = _repair(day, django_capture_on_commit_callbacks)

    assert (e["b"].pk, walker.pk, 1) in _pairs(repaired)
    assert repaired.meetings.get(senior=walker).kind == "senior"


def test_no_show_company_meetings_are_gone(day, django_capture_on_commit_callbacks):
    e = day["enrolments"]
    _attend(day["event"], enrolment=e["c"], status="no_show")

    repaired = _repair(day, django_capture_on_commit_callbacks)

    assert not repaired.meetings.filter(enrolment=e["c"]).exists()
    assert {p for p in _pairs(day["published"]) if p[0] != e["c"].pk} <= _pairs(repaired)


def test_repair_refused_without_a_published_timetable(day):
    Timetable.objects.filter(pk=day["published"].pk).update(status="superseded")

    with pytest.raises(TimetableStateError):
        timetable_repair(event=day["event"], by=day["coordinator"])


def test_repair_refused_in_selection(day):
    type(day["event"]).objects.filter(pk=day["event"].pk).update(status="selection")
    day["event"].refresh_from_db()

    with pytest.raises(TimetableStateError):
        timetable_repair(event=day["event"], by=day["coordinator"])


def test_repair_allowed_on_the_held_event(day, django_capture_on_commit_callbacks):
    type(day["event"]).objects.filter(pk=day["event"].pk).update(status="held")
    day["event"].refresh_from_db()

    repaired = _repair(day, django_capture_on_commit_callbacks)

    assert (repaired.version, repaired.solve_status) == (2, "done")


# --- notifications on publishing the repair ---------------------------------------------------------------


def _publish(day, timetable, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        timetable_publish(timetable=timetable, by=day["coordinator"])


def test_publishing_the_repair_mails_only_changed_participants(day, django_capture_on_commit_callbacks, mailoutbox):
    _attend(day["event"], senior=day["s1"], status="no_show")
    repaired = _repair(day, django_capture_on_commit_callbacks)

    _publish(day, repaired, django_capture_on_commit_callbacks)

    expected = {
        day["s4"].user.email,  # took the freed seat at A
        day["staff"]["a"].email,  # A's table changed in round 1
        day["contacts"]["a"].email,
        day["staff"]["b"].email,  # B lost its round 2 meeting
        day["contacts"]["b"].email,
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted(expected)
    assert all("時間割が変更されました" in m.subject for m in mailoutbox)


def test_a_senior_who_lost_every_meeting_is_told_but_not_the_no_show_table(
    day, django_capture_on_commit_callbacks, mailoutbox
):
    _attend(day["event"], enrolment=day["enrolments"]["c"], status="no_show")
    repaired = _repair(day, django_capture_on_commit_callbacks)

    _publish(day, repaired, django_capture_on_commit_callbacks)

    assert [m.to[0] for m in mailoutbox] == [day["s3"].user.email]
    assert mailoutbox[0].attachments == []
    assert "あなたの面談はなくなりました" in mailoutbox[0].body


def test_first_publication_still_mails_everyone(day, django_capture_on_commit_callbacks, mailoutbox):
    Timetable.objects.filter(pk=day["published"].pk).update(status="draft")
    day["published"].refresh_from_db()

    _publish(day, day["published"], django_capture_on_commit_callbacks)

    expected = {
        *(day[k].user.email for k in ("s1", "s2", "s3")),
        *(day["staff"][k].email for k in "abc"),
        day["contacts"]["a"].email,
        day["contacts"]["b"].email,
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted(expected)


# --- the page ---------------------------------------------------------------------------------------------


def test_repair_page_lists_no_shows_walk_ins_and_standby(day, login_as):
    walker = pledged_senior()
    _attend(day["event"], senior=day["s1"], status="no_show")
    _attend(day["event"], senior=walker, walk_in=True, status="checked_in", wanted=[day["enrolments"]["b"]])
    _attend(day["event"], senior=day["s4"], standby=True, status="checked_in")

    response = login_as(day["coordinator"]).get(reverse("matching:repair", args=[day["event"].pk]))

    overview = response.context["overview"]
    assert response.status_code == 200
    assert [a.senior_id for a in overview.no_show_seniors] == [day["s1"].pk]
    assert [a.senior_id for a in overview.walk_ins] == [walker.pk]
    assert [a.senior_id for a in overview.standby] == [day["s4"].pk]
    assert "株式会社秘密の食品B" in response.content.decode()
    assert "欠席・当日参加を反映して時間割を直す" in response.content.decode()


def test_repair_post_creates_a_draft_and_shows_it_then_the_diff(day, login_as, django_capture_on_commit_callbacks):
    _attend(day["event"], senior=day["s1"], status="no_show")
    client = login_as(day["coordinator"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:repair", args=[day["event"].pk]))
    draft = Timetable.objects.get(event=day["event"], version=2)
    page = client.get(reverse("matching:repair", args=[day["event"].pk]))

    assert response.status_code == 302
    assert response.url == reverse("matching:timetable_detail", args=[draft.pk])
    diff = page.context["overview"].diff
    assert (len(diff.added), len(diff.removed), len(diff.moved)) == (1, 2, 0)


def test_repair_post_refused_is_told_and_sent_back(day, login_as):
    Timetable.objects.filter(pk=day["published"].pk).update(status="superseded")

    response = login_as(day["coordinator"]).post(reverse("matching:repair", args=[day["event"].pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("matching:repair", args=[day["event"].pk])
    assert "公開した時間割がないため" in response.content.decode()
    assert Timetable.objects.filter(event=day["event"]).count() == 1


@pytest.mark.parametrize("who", ["other_coordinator", "admin_a"])
def test_repair_page_404_for_non_coordinators(day, login_as, who):
    url = reverse("matching:repair", args=[day["event"].pk])
    client = login_as(day[who])

    assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    assert Timetable.objects.filter(event=day["event"]).count() == 1


def test_repair_page_404_for_bank_staff(day, login_as):
    url = reverse("matching:repair", args=[day["event"].pk])

    assert login_as(day["staff"]["a"]).get(url).status_code == 404


# --- rounds already started ------------------------------------------------------------------------------


def test_started_rounds_counts_by_the_tokyo_clock():
    import datetime as dt
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from matching.problems import started_rounds

    tokyo = ZoneInfo("Asia/Tokyo")
    day = dt.date(2027, 1, 23)
    times = [(dt.time(13, 0), dt.time(13, 20)), (dt.time(13, 20), dt.time(13, 40)), (dt.time(13, 50), dt.time(14, 10))]
    event = SimpleNamespace(date=day, rounds=3, slot_times=lambda: times)

    def at(d, h, m):
        return started_rounds(event=event, now=dt.datetime.combine(d, dt.time(h, m), tzinfo=tokyo))

    assert [at(day, 12, 59), at(day, 13, 0), at(day, 13, 25), at(day, 13, 45), at(day, 13, 50)] == [0, 1, 2, 2, 3]
    assert (at(day - dt.timedelta(days=1), 23, 59), at(day + dt.timedelta(days=1), 0, 0)) == (0, 3)
    # 04:10 UTC is 13:10 in Tokyo: one round has started.
    assert started_rounds(event=event, now=dt.datetime(2027, 1, 23, 4, 10, tzinfo=dt.UTC)) == 1


def _today_at(day, hour, minute):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.db.models import F

    from events.models import Event

    today = dt.date.today()
    shift = day["event"].date - today  # the deadlines move with the date (they must stay before it)
    deadlines = ("enrolment_deadline", "hearing_deadline", "issue_list_date", "application_deadline")
    Event.objects.filter(pk=day["event"].pk).update(
        date=today,
        selection_deadline=F("selection_deadline") - shift,
        **{name: F(name) - shift for name in deadlines},
    )
    day["event"].refresh_from_db()
    assert (day["event"].start_time, day["event"].slot_minutes) == (dt.time(13, 0), 20)
    return dt.datetime.combine(today, dt.time(hour, minute), tzinfo=ZoneInfo("Asia/Tokyo"))


def test_repair_during_the_event_adds_nothing_to_started_rounds(day):
    e = day["enrolments"]
    _attend(day["event"], senior=day["s2"], status="no_show")
    _attend(day["event"], senior=day["s4"], standby=True)

    # 13:10: round 1 has started (13:00-13:20), round 2 (13:20-) has not.
    problem = event_problem_for_repair(event=day["event"], published=day["published"], now=_today_at(day, 13, 10))

    seniors = {s["id"]: s for s in problem["seniors"]}
    companies = {c["id"]: c for c in problem["companies"]}
    assert seniors[senior_key(day["s4"].pk)]["available"] == [1]  # standby: only the round not yet started
    assert seniors[senior_key(day["s1"].pk)]["available"] == [0, 1]  # kept meeting in round 1
    assert companies[company_key(e["a"].pk)]["available"] == [0, 1]
    assert companies[company_key(e["b"].pk)]["available"] == [1]  # its round-1 meeting was the no-show's


def test_repair_after_the_last_round_started_fills_nothing(day, django_capture_on_commit_callbacks):
    import time_machine

    _attend(day["event"], senior=day["s2"], status="no_show")
    _attend(day["event"], senior=day["s4"], standby=True)
    now = _today_at(day, 13, 25)  # both rounds have started

    with time_machine.travel(now, tick=False):
        repaired = _repair(day, django_capture_on_commit_callbacks)

    assert day["s4"].pk not in set(repaired.meetings.values_list("senior_id", flat=True))
    assert _pairs(repaired) == _pairs(day["published"]) - {
        (day["enrolments"]["a"].pk, day["s2"].pk, 1),
        (day["enrolments"]["b"].pk, day["s2"].pk, 0),
    }
