"""The event day: check-in, undo, no-show, standby, walk-ins, live counts and the tablet pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import EventCompany
from matching.enums import AttendanceStatus
from matching.models import Attendance
from matching.selectors.eventday import checkin_counts
from matching.services.eventday import (
    AttendanceError,
    attendance_check_in,
    attendance_mark_no_show,
    attendance_set_standby,
    attendance_undo,
    walk_in_add,
)
from tests.access import arranging, as_user, every
from tests.factories import (
    enrol_company,
    make_application,
    make_attendance,
    make_event,
    make_timetable,
    pledged_senior,
    three_bank_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    """Three banks' tables; two seniors in the published timetable, one applicant outside it."""
    with arranging():
        w = three_bank_event(status="timetabling", rounds=3)
        e = w["enrolments"]
        s1, s2, s3 = pledged_senior(), pledged_senior(), pledged_senior()
        make_timetable(w["event"], [(e["a"], s1, 0, "mutual"), (e["b"], s2, 1, "mutual")], status="published")
        make_application(s3, [e["c"]])
        w["seniors"] = [s1, s2, s3]
        return w


def _other_event_enrolment(day):
    other = make_event(coordinator_org=day["coordinator"].active_memberships[0].organization, hosts=[day["banks"]["a"]])
    return enrol_company(other, company=day["companies"]["a2"], staff=day["staff"]["a"])


def test_check_in_is_idempotent(day):
    senior = day["seniors"][0]

    first = attendance_check_in(event=day["event"], by=day["coordinator"], senior=senior)
    again = attendance_check_in(event=day["event"], by=day["coordinator"], senior=senior)

    assert (again.pk, again.status, again.checked_in_at) == (first.pk, AttendanceStatus.CHECKED_IN, first.checked_in_at)
    assert Attendance.objects.filter(event=day["event"]).count() == 1


def test_check_in_of_company_table(day):
    row = attendance_check_in(event=day["event"], by=day["coordinator"], enrolment=day["enrolments"]["b"])

    assert (row.enrolment_id, row.status) == (day["enrolments"]["b"].pk, AttendanceStatus.CHECKED_IN)


def test_check_in_refuses_senior_outside_timetable(day):
    with pytest.raises(AttendanceError):
        attendance_check_in(event=day["event"], by=day["coordinator"], senior=day["seniors"][2])


def test_check_in_refuses_enrolment_of_another_event(day):
    other = _other_event_enrolment(day)

    with pytest.raises(AttendanceError):
        attendance_check_in(event=day["event"], by=day["coordinator"], enrolment=other)


def test_undo_returns_to_expected(day):
    row = attendance_check_in(event=day["event"], by=day["coordinator"], senior=day["seniors"][0])

    row = attendance_undo(attendance=row, by=day["coordinator"])

    assert (row.status, row.checked_in_at, row.no_show_at) == (AttendanceStatus.EXPECTED, None, None)


def test_no_show_sets_status_and_time(day):
    row = attendance_mark_no_show(event=day["event"], by=day["coordinator"], senior=day["seniors"][1])

    assert row.status == AttendanceStatus.NO_SHOW
    assert row.no_show_at is not None


def test_no_show_after_check_in_is_allowed(day):
    attendance_check_in(event=day["event"], by=day["coordinator"], senior=day["seniors"][0])

    row = attendance_mark_no_show(event=day["event"], by=day["coordinator"], senior=day["seniors"][0])

    assert row.status == AttendanceStatus.NO_SHOW


def test_walk_in_registers_checked_in_with_wishes(day):
    senior = pledged_senior()
    e = day["enrolments"]

    with as_user(day["coordinator"]):
        row = walk_in_add(event=day["event"], by=day["coordinator"], senior=senior, companies=[e["a"], e["c"]])

    assert (row.walk_in, row.status) == (True, AttendanceStatus.CHECKED_IN)
    assert sorted(every(EventCompany).filter(walk_in_wishes=row).values_list("pk", flat=True)) == sorted(
        [e["a"].pk, e["c"].pk]
    )


def test_walk_in_again_replaces_the_wishes_in_the_coordinators_scope(day):
    senior = pledged_senior()
    e = day["enrolments"]

    with as_user(day["coordinator"]):
        walk_in_add(event=day["event"], by=day["coordinator"], senior=senior, companies=[e["a"], e["c"]])
        row = walk_in_add(event=day["event"], by=day["coordinator"], senior=senior, companies=[e["b"], e["c"]])

    assert sorted(every(EventCompany).filter(walk_in_wishes=row).values_list("pk", flat=True)) == sorted(
        [e["b"].pk, e["c"].pk]
    )


def test_walk_in_refuses_companies_of_another_event(day):
    other = _other_event_enrolment(day)

    with pytest.raises(AttendanceError):
        walk_in_add(event=day["event"], by=day["coordinator"], senior=pledged_senior(), companies=[other])
    assert Attendance.objects.count() == 0


def test_walk_in_refuses_no_company(day):
    with pytest.raises(AttendanceError):
        walk_in_add(event=day["event"], by=day["coordinator"], senior=pledged_senior(), companies=[])


def test_walk_in_view_unknown_senior_is_a_form_error(day, login_as):
    client = login_as(day["coordinator"])

    response = client.post(
        reverse("matching:walkin", args=[day["event"].pk]),
        {"senior": 999999, "companies": [day["enrolments"]["a"].pk]},
    )

    assert response.status_code == 400
    assert "この新現役は見つかりませんでした。" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_walk_in_view_registers_and_points_to_timetable(day, login_as):
    client = login_as(day["coordinator"])
    senior = pledged_senior()

    response = client.post(
        reverse("matching:walkin", args=[day["event"].pk]),
        {"senior": senior.pk, "companies": [day["enrolments"]["b"].pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "時間割を組み直して" in response.content.decode()
    assert Attendance.objects.get(senior=senior).walk_in is True


def test_walk_in_view_warns_when_the_senior_has_not_taken_the_pledge(day, login_as):
    from tests.factories import searchable_senior

    client = login_as(day["coordinator"])
    url = reverse("matching:walkin", args=[day["event"].pk])
    warning = "この方はまだ最新の守秘義務の誓約に同意していません。"

    unpledged = client.get(url, {"senior": searchable_senior().pk}).content.decode()
    pledged = client.get(url, {"senior": pledged_senior().pk}).content.decode()

    assert (warning in unpledged, warning in pledged) == (True, False)


def test_standby_only_for_applicants(day):
    row = attendance_set_standby(event=day["event"], by=day["coordinator"], senior=day["seniors"][2], standby=True)

    assert row.standby is True
    with pytest.raises(AttendanceError):
        attendance_set_standby(event=day["event"], by=day["coordinator"], senior=pledged_senior(), standby=True)


def test_counts_exact(day):
    ev, by, e = day["event"], day["coordinator"], day["enrolments"]
    s1, _s2, s3 = day["seniors"]
    attendance_check_in(event=ev, by=by, senior=s1)
    attendance_set_standby(event=ev, by=by, senior=s3, standby=True)  # joins the list, expected
    with as_user(by):
        walk_in_add(event=ev, by=by, senior=pledged_senior(), companies=[e["a"]])  # checked in
    attendance_check_in(event=ev, by=by, enrolment=e["a"])
    attendance_mark_no_show(event=ev, by=by, enrolment=e["c"])

    counts = checkin_counts(event=ev)

    assert (counts.seniors_checked_in, counts.seniors_expected, counts.seniors_no_show) == (2, 2, 0)
    assert (counts.companies_checked_in, counts.companies_expected, counts.companies_no_show) == (1, 1, 1)


@pytest.mark.parametrize("name", ["checkin", "checkin_counts", "walkin"])
@pytest.mark.parametrize("who", ["staff_a", "admin_a", "other_coordinator", "senior"])
def test_pages_404_for_everyone_but_the_coordinator(day, login_as, name, who):
    user = {
        "staff_a": day["staff"]["a"],
        "admin_a": day["admin_a"],
        "other_coordinator": day["other_coordinator"],
        "senior": day["senior"],
    }[who]

    response = login_as(user).get(reverse(f"matching:{name}", args=[day["event"].pk]))

    assert response.status_code == 404


def test_post_404_for_bank_staff_of_host(day, login_as):
    client = login_as(day["staff"]["a"])

    response = client.post(
        reverse("matching:checkin_company", args=[day["event"].pk, day["enrolments"]["a"].pk]), {"action": "check_in"}
    )

    assert response.status_code == 404
    assert Attendance.objects.count() == 0


def _page_queries(day, login_as, django_assert_num_queries, extra: int) -> None:
    e = day["enrolments"]
    seniors = [pledged_senior() for _ in range(extra)]
    make_timetable(day["event"], [(e["c"], s, i % 3, "mutual") for i, s in enumerate(seniors)], status="draft")
    for s in seniors:
        make_attendance(day["event"], senior=s, walk_in=True, status="checked_in")
    client = login_as(day["coordinator"])
    client.get(reverse("matching:checkin", args=[day["event"].pk]))  # warm the session
    return client


def test_page_constant_queries(day, login_as, django_assert_num_queries):
    url = reverse("matching:checkin", args=[day["event"].pk])
    client = _page_queries(day, login_as, django_assert_num_queries, 0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for s in [pledged_senior() for _ in range(6)]:
        make_attendance(day["event"], senior=s, walk_in=True, status="checked_in")

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)

    assert response.content.decode().count('id="checkin-senior-') == 8


def test_htmx_tap_returns_just_the_row_and_counts(day, login_as):
    client = login_as(day["coordinator"])
    senior = day["seniors"][0]

    response = client.post(
        reverse("matching:checkin_senior", args=[day["event"].pk, senior.pk]),
        {"action": "check_in"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="checkin-row') == 1
    assert f'id="checkin-senior-{senior.pk}"' in html
    assert 'hx-swap-oob="true"' in html
    assert "<html" not in html
    assert Attendance.objects.get(senior=senior).status == AttendanceStatus.CHECKED_IN


def test_plain_post_redirects_back(day, login_as):
    client = login_as(day["coordinator"])

    response = client.post(
        reverse("matching:checkin_company", args=[day["event"].pk, day["enrolments"]["b"].pk]), {"action": "no_show"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("matching:checkin", args=[day["event"].pk])
    assert Attendance.objects.get(enrolment=day["enrolments"]["b"]).status == AttendanceStatus.NO_SHOW


def test_search_filters_seniors_by_name(day, login_as):
    s1 = day["seniors"][0]
    s1.user.name = "受付太郎"
    s1.user.save()
    client = login_as(day["coordinator"])

    html = client.get(reverse("matching:checkin", args=[day["event"].pk]), {"q": "受付太"}).content.decode()

    assert html.count('id="checkin-senior-') == 1
    assert f'id="checkin-senior-{s1.pk}"' in html
