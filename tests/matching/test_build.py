"""Building timetables: create + solve (eager task), hand edits, re-solve around pins, diff and the views."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.engine import Meeting, evaluate, parse_problem, violations
from matching.models import Timetable, TimetableMeeting
from matching.problems import company_key, senior_key
from matching.selectors.build import timetable_diff
from matching.services.build import (
    TimetableEditError,
    TimetableStateError,
    timetable_create,
    timetable_meeting_add,
    timetable_meeting_move,
    timetable_meeting_pin,
    timetable_meeting_remove,
    timetable_meeting_swap,
    timetable_solve,
)
from tests.access import arranging
from tests.factories import (
    enrol_company,
    make_application,
    make_invitation,
    make_timetable,
    pledged_senior,
    three_bank_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    """Selection-stage event of three banks, capacity 1, 3 rounds, three seniors who applied (accepted)."""
    with arranging():
        w = three_bank_event(status="selection", rounds=3, table_capacity=1)
        e = w["enrolments"]
        seniors = [pledged_senior() for _ in range(3)]
        for s in seniors:
            make_application(s, [e["a"], e["b"]], decisions=["accepted", "accepted"])
        w["seniors"] = seniors
        return w


def _meetings(t: Timetable) -> list[Meeting]:
    return [Meeting(company_key(m.enrolment_id), senior_key(m.senior_id), m.slot) for m in t.meetings.all()]


def _solved(w, django_capture_on_commit_callbacks, **kwargs) -> Timetable:
    with django_capture_on_commit_callbacks(execute=True):
        t = timetable_create(event=w["event"], by=w["coordinator"], time_limit=5, **kwargs)
    t.refresh_from_db()
    return t


def test_create_and_solve_gives_valid_meetings_scored_by_evaluate(built, django_capture_on_commit_callbacks):
    t = _solved(built, django_capture_on_commit_callbacks)

    problem = parse_problem(t.problem)
    assert t.solve_status == "done"
    assert t.solve_progress == 100
    assert violations(problem, _meetings(t)) == []
    assert (t.score, t.gaps) == evaluate(problem, _meetings(t))
    assert t.meetings.count() == 6
    assert set(t.meetings.values_list("kind", flat=True)) == {"mutual"}


def test_create_refused_outside_selection():
    w = three_bank_event(status="published")

    with pytest.raises(TimetableStateError) as exc:
        timetable_create(event=w["event"], by=w["coordinator"])

    assert "選考中" in exc.value.message
    assert Timetable.objects.count() == 0


def test_solve_is_idempotent(built, django_capture_on_commit_callbacks):
    t = _solved(built, django_capture_on_commit_callbacks)
    before = list(t.meetings.values_list("pk", flat=True))

    timetable_solve(timetable=t)

    assert list(t.meetings.values_list("pk", flat=True)) == before


def test_resolve_keeps_pinned_meetings(built, django_capture_on_commit_callbacks):
    t = _solved(built, django_capture_on_commit_callbacks)
    pin = t.meetings.order_by("pk").first()
    timetable_meeting_pin(meeting=pin, pinned=True)

    new = _solved(built, django_capture_on_commit_callbacks, based_on=t)

    kept = new.meetings.get(enrolment=pin.enrolment, senior=pin.senior)
    assert (kept.slot, kept.pinned, new.version, new.based_on_id) == (pin.slot, True, 2, t.pk)


# --- hand edits ----------------------------------------------------------------------------------------


@pytest.fixture
def draft(built):
    e, s = built["enrolments"], built["seniors"]
    t = make_timetable(
        built["event"], [(e["a"], s[0], 0, "mutual"), (e["b"], s[1], 0, "mutual"), (e["a"], s[1], 1, "mutual")]
    )
    built["t"] = t
    return built


def _m(t, enrolment, senior):
    return t.meetings.get(enrolment=enrolment, senior=senior)


def _refused(call, message):
    with pytest.raises(TimetableEditError) as exc:
        call()
    assert message in exc.value.message


def test_move_into_seniors_busy_round_refused(draft):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    # s1 meets b in round 1 and a in round 2: moving a×s1 to round 1 double-books s1 and fills a's table.
    _refused(
        lambda: timetable_meeting_move(meeting=_m(t, e["a"], s[1]), slot=0), "この新現役は第1回に別の面談があります"
    )
    assert _m(t, e["a"], s[1]).slot == 1


def test_move_into_full_table_refused(draft):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    TimetableMeeting.objects.create(timetable=t, enrolment=e["b"], senior=s[2], slot=2, kind="mutual")
    _refused(lambda: timetable_meeting_move(meeting=_m(t, e["a"], s[1]), slot=0), "このテーブルは第1回で満席です")


def test_move_to_staff_busy_round_refused(draft):
    e, s = draft["enrolments"], draft["seniors"]
    # a second company of bank A attended by the same staff member as a's table
    e2 = enrol_company(draft["event"], company=draft["companies"]["a2"], staff=draft["staff"]["a"])
    make_invitation(e2, s[2])
    t2 = make_timetable(draft["event"], [(e["a"], s[0], 0, "mutual"), (e2, s[2], 1, "company")])
    _refused(
        lambda: timetable_meeting_move(meeting=_m(t2, e2, s[2]), slot=0),
        "同じ金融機関職員が同じ回に2つのテーブルに同席することになります",
    )


def test_add_unrequested_pair_refused(draft):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    _refused(
        lambda: timetable_meeting_add(timetable=t, enrolment=e["c"], senior=s[2], slot=2),
        "この組み合わせは応募・招待がありません",
    )
    assert t.meetings.count() == 3


def test_move_to_unavailable_round_refused(draft):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    t.problem["seniors"] = [{**x, "available": [0, 1]} for x in t.problem["seniors"]]
    t.save()
    _refused(lambda: timetable_meeting_move(meeting=_m(t, e["a"], s[0]), slot=2), "参加できない回です")


def test_valid_move_swap_add_remove_pin(draft):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    timetable_meeting_move(meeting=_m(t, e["a"], s[0]), slot=2)
    timetable_meeting_swap(a=_m(t, e["a"], s[0]), b=_m(t, e["a"], s[1]))
    added = timetable_meeting_add(timetable=t, enrolment=e["b"], senior=s[2], slot=1)
    timetable_meeting_remove(meeting=_m(t, e["b"], s[1]))
    timetable_meeting_pin(meeting=added, pinned=True)

    t.refresh_from_db()
    got = sorted((m.enrolment_id, m.senior_id, m.slot, m.kind, m.pinned) for m in t.meetings.all())
    assert got == sorted(
        [
            (e["a"].pk, s[0].pk, 1, "mutual", False),
            (e["a"].pk, s[1].pk, 2, "mutual", False),
            (e["b"].pk, s[2].pk, 1, "mutual", True),
        ]
    )
    assert (t.score, t.gaps) == evaluate(parse_problem(t.problem), _meetings(t))


def test_edits_refused_on_published_timetable(draft):
    e, s = draft["enrolments"], draft["seniors"]
    t = make_timetable(draft["event"], [(e["a"], s[0], 0, "mutual")], status="published")
    with pytest.raises(TimetableStateError) as exc:
        timetable_meeting_move(meeting=t.meetings.get(), slot=1)
    assert "公開済" in exc.value.message
    assert t.meetings.get().slot == 0


def test_diff_lists_added_removed_moved(draft):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    new = make_timetable(
        draft["event"], [(e["a"], s[0], 2, "mutual"), (e["a"], s[1], 1, "mutual"), (e["b"], s[2], 0, "mutual")]
    )

    diff = timetable_diff(old=t, new=new)

    assert [(r.company, r.new_slot) for r in diff.added] == [(e["b"].company.name, 1)]
    assert [(r.company, r.old_slot) for r in diff.removed] == [(e["b"].company.name, 1)]
    assert [(r.old_slot, r.new_slot) for r in diff.moved] == [(1, 3)]


# --- views ---------------------------------------------------------------------------------------------


def test_views_404_for_others(draft, login_as):
    t = draft["t"]
    meeting = t.meetings.first()
    outsiders = [draft["staff"]["a"], draft["other_coordinator"], draft["senior"], draft["admin_a"]]
    gets = [
        reverse("matching:timetable_list", args=[draft["event"].pk]),
        reverse("matching:timetable_detail", args=[t.pk]),
        reverse("matching:timetable_progress", args=[t.pk]),
        reverse("matching:timetable_compare", args=[t.pk]),
    ]
    posts = [
        reverse("matching:timetable_resolve", args=[t.pk]),
        reverse("matching:meeting_add", args=[t.pk]),
        reverse("matching:meeting_edit", args=[meeting.pk]),
    ]
    for user in outsiders:
        client = login_as(user)
        assert [client.get(u).status_code for u in gets] == [404] * 4
        assert [client.post(u).status_code for u in posts] == [404] * 3
    assert t.meetings.count() == 3


def test_grid_shows_names_and_legend(draft, login_as):
    response = login_as(draft["coordinator"]).get(reverse("matching:timetable_detail", args=[draft["t"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert draft["companies"]["a"].name in body
    assert "相互希望" in body
    assert "面談が少ない" in body or "面談なし" in body


def test_grid_query_count_is_constant(built, login_as, django_assert_num_queries):
    e, s = built["enrolments"], built["seniors"]
    few = make_timetable(built["event"], [(e["a"], s[0], 0, "mutual")])
    many = make_timetable(
        built["event"],
        [
            (e["a"], s[0], 0, "mutual"),
            (e["b"], s[1], 0, "mutual"),
            (e["a"], s[1], 1, "mutual"),
            (e["b"], s[2], 1, "mutual"),
            (e["b"], s[0], 2, "mutual"),
        ],
    )
    client = login_as(built["coordinator"])
    client.get(reverse("matching:timetable_detail", args=[few.pk]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("matching:timetable_detail", args=[few.pk]))
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get(reverse("matching:timetable_detail", args=[many.pk]))


def test_edit_view_refused_changes_nothing(draft, login_as):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    m = _m(t, e["a"], s[1])
    response = login_as(draft["coordinator"]).post(
        reverse("matching:meeting_edit", args=[m.pk]), {"action": "move", "slot": "1"}, follow=True
    )
    assert "この新現役は第1回に別の面談があります" in response.content.decode()
    assert _m(t, e["a"], s[1]).slot == 1


def test_progress_partial_tells_page_to_refresh_when_done(draft, login_as):
    response = login_as(draft["coordinator"]).get(
        reverse("matching:timetable_progress", args=[draft["t"].pk]), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Refresh"] == "true"


def test_create_view_solves_and_redirects(built, login_as, django_capture_on_commit_callbacks):
    client = login_as(built["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:timetable_list", args=[built["event"].pk]), {"time_limit": "3"})
    t = Timetable.objects.get()
    assert response.status_code == 302
    assert (t.solve_status, t.solve_progress) == ("done", 100)


def test_detail_while_solving_polls_progress(draft, login_as):
    t = draft["t"]
    Timetable.objects.filter(pk=t.pk).update(solve_status="running", solve_progress=40)

    body = login_as(draft["coordinator"]).get(reverse("matching:timetable_detail", args=[t.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in body
    assert 'value="40"' in body


def test_solve_failure_is_recorded_in_japanese(built, django_capture_on_commit_callbacks):
    e, s = built["enrolments"], built["seniors"]
    base = make_timetable(built["event"], [(e["a"], s[0], 0, "mutual"), (e["b"], s[0], 1, "mutual")])
    # Two pins that cannot both hold once the senior may only come to one round.
    base.meetings.update(pinned=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        t = timetable_create(event=built["event"], by=built["coordinator"], time_limit=2, based_on=base)
    t.problem["seniors"] = [{**x, "max_meetings": 1} for x in t.problem["seniors"]]
    t.save()
    for callback in callbacks:
        callback()
    t.refresh_from_db()

    assert t.solve_status == "failed"
    assert "固定" in t.solve_error


def test_add_pair_already_in_timetable_refused(draft):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    _refused(
        lambda: timetable_meeting_add(timetable=t, enrolment=e["a"], senior=s[0], slot=2),
        "この新現役とこの企業の面談はすでに時間割にあります",
    )
    assert t.meetings.count() == 3


def test_add_beyond_seniors_cap_refused(draft):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    key = senior_key(s[0].pk)
    t.problem["seniors"] = [{**x, "max_meetings": 1} if x["id"] == key else x for x in t.problem["seniors"]]
    t.save()
    _refused(
        lambda: timetable_meeting_add(timetable=t, enrolment=e["b"], senior=s[0], slot=1),
        "この新現役の面談数が上限を超えます",
    )
    assert t.meetings.filter(senior=s[0]).count() == 1


def test_move_outside_the_grid_refused(draft):
    t, e, s = draft["t"], draft["enrolments"], draft["seniors"]
    _refused(lambda: timetable_meeting_move(meeting=_m(t, e["a"], s[0]), slot=3), "その回はありません（第1回〜第3回）")
    assert _m(t, e["a"], s[0]).slot == 0
