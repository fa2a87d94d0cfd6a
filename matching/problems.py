"""Build the engine's problem (sks-timetable-problem/1) from an event's data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from events.access import enrolments_of_event
from events.models import Event, SeniorApplication
from events.selectors import event_requests
from matching.engine import PROBLEM_FORMAT
from participants.conflicts import PairCandidate, conflicting_pairs
from sks.clock import TOKYO


def company_key(enrolment_id: int) -> str:
    return f"E{enrolment_id}"


def senior_key(senior_id: int) -> str:
    return f"S{senior_id}"


def staff_key(user_id: int) -> str:
    return f"U{user_id}"


def _window(rounds: int, arrival: int | None, leaving: int | None) -> list[int] | None:
    """The rounds from `arrival` to `leaving` (inclusive, clamped to the grid); None when that is all of them."""
    first = 0 if arrival is None else min(max(arrival, 0), rounds)
    last = rounds - 1 if leaving is None else min(max(leaving, 0), rounds - 1)
    if first == 0 and last == rounds - 1:
        return None
    return list(range(first, last + 1))


def event_problem(*, event: Event) -> dict[str, Any]:
    """The event's timetable problem: its enrolled companies (one table each, with the attending staff
    member, the company's floor and the rounds it is staffed), the seniors of its requests (with the rounds
    they can be there and their cap on interviews) and the requests themselves.

    When a participant can be there comes from their enrolment / application, overridden on the day by
    their attendance row (a late arrival or an early departure recorded at check-in).
    """
    from matching.models import Attendance

    requests = event_requests(event=event)
    # The engine's problem holds every host's companies of this event (system path, see enrolments_of_event).
    enrolments = enrolments_of_event(event=event).select_related("event", "company").order_by("pk")
    on_the_day = {
        (a.senior_id, a.enrolment_id): a
        for a in Attendance.objects.filter(event=event).only(
            "senior_id", "enrolment_id", "arrival_slot", "leaving_slot"
        )
    }
    rounds = event.rounds

    def window(planned: Any, attendance: Any) -> list[int] | None:
        arrival = getattr(planned, "arrival_slot", None)
        leaving = getattr(planned, "leaving_slot", None)
        if attendance is not None:
            arrival = attendance.arrival_slot if attendance.arrival_slot is not None else arrival
            leaving = attendance.leaving_slot if attendance.leaving_slot is not None else leaving
        return _window(rounds, arrival, leaving)

    companies = []
    for e in enrolments:
        company: dict[str, Any] = {
            "id": company_key(e.pk),
            "capacity": event.table_capacity,
            "staff": staff_key(e.attending_staff_id),
            "min_meetings": e.floor,
        }
        available = window(e, on_the_day.get((None, e.pk)))
        if available is not None:
            company["available"] = available
        companies.append(company)
    senior_ids = sorted({senior_id for _e, senior_id, _kind in requests})
    applications = {
        a.senior_id: a
        for a in SeniorApplication.objects.filter(event=event, senior_id__in=senior_ids).only(
            "senior_id", "arrival_slot", "leaving_slot", "max_meetings"
        )
    }
    seniors = []
    for s in senior_ids:
        application = applications.get(s)
        cap = application.max_meetings if application is not None and application.max_meetings else rounds
        senior: dict[str, Any] = {"id": senior_key(s), "max_meetings": min(cap, rounds)}
        available = window(application, on_the_day.get((s, None)))
        if available is not None:
            senior["available"] = available
        seniors.append(senior)
    # Conflicts of interest (participants.conflicts): a declared pair is never scheduled, whatever was chosen.
    conflicts = conflicting_pairs(_candidates(enrolments, [(e, s) for e, s, _kind in requests]))
    requests = [(e, s, kind) for e, s, kind in requests if (company_key(e), s) not in conflicts]
    return {
        "format": PROBLEM_FORMAT,
        "name": f"event-{event.pk}",
        "slots": rounds,
        "companies": companies,
        "seniors": seniors,
        "requests": [
            {"company": company_key(e), "senior": senior_key(s), "kind": str(kind)} for e, s, kind in requests
        ],
    }


def _candidates(enrolments: Any, pairs: list[tuple[int, int]]) -> list[PairCandidate]:
    by_id = {e.pk: e for e in enrolments}
    return [
        PairCandidate(
            company_key=company_key(e),
            senior_id=s,
            company_name=by_id[e].company.name,
            corporate_number=by_id[e].company.corporate_number or "",
        )
        for e, s in pairs
        if e in by_id
    ]


# --- event day (repair) ---
def started_rounds(*, event: Event, now: dt.datetime | None = None) -> int:
    """How many of the event's rounds have started by `now` (Asia/Tokyo): 0 before the day, all after it."""
    now = (now or timezone.now()).astimezone(TOKYO)
    if now.date() != event.date:
        return 0 if now.date() < event.date else event.rounds
    return sum(1 for start, _end in event.slot_times() if dt.datetime.combine(event.date, start, tzinfo=TOKYO) <= now)


def event_problem_for_repair(*, event: Event, published: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The event's problem for repairing the published timetable on the day.

    * no-show seniors and no-show company tables (Attendance status "no_show") are left out, with their
      requests: their meetings are dropped;
    * walk-in seniors (not no-shows) join with a request of kind "senior" to each of their `wanted` tables;
    * standby seniors stay as they are (their requests, if they applied, are already in the problem);
    * late arrivals and early departures (attendance rounds) limit `available`; a published meeting outside
      them is dropped like a no-show's;
    * `fixed` = every other meeting of `published` that involves no no-show, in its round. A kept meeting whose
      pair is no longer requested (declined since publishing) gets its request back, with the meeting's kind,
      so that the repair changes nothing outside the freed seats.

    * rounds that have started by `now` (default: the current time) get no new meetings: a participant is
      available in a started round only where they keep a fixed meeting (and a senior is busy there), so
      the engine fills freed seats from the next round on.
    """
    from events.enums import RequestKind
    from matching.enums import AttendanceStatus
    from matching.models import Attendance

    problem = event_problem(event=event)
    # The walk-ins' wishes: this event's enrolments only, of every host.
    wanted = Prefetch("wanted", queryset=enrolments_of_event(event=event))
    attendances = list(Attendance.objects.filter(event=event).prefetch_related(wanted))
    absent_seniors = {
        senior_key(a.senior_id) for a in attendances if a.senior_id and a.status == AttendanceStatus.NO_SHOW
    }
    absent_companies = {
        company_key(a.enrolment_id) for a in attendances if a.enrolment_id and a.status == AttendanceStatus.NO_SHOW
    }
    walk_ins = {senior_key(a.senior_id): a for a in attendances if a.senior_id}
    companies = [c for c in problem["companies"] if c["id"] not in absent_companies]
    present_companies = {c["id"] for c in companies}
    seniors: dict[str, dict[str, Any]] = {s["id"]: s for s in problem["seniors"] if s["id"] not in absent_seniors}
    requests: dict[tuple[str, str], str] = {
        (r["company"], r["senior"]): r["kind"]
        for r in problem["requests"]
        if r["company"] in present_companies and r["senior"] in seniors
    }

    def add_senior(key: str) -> None:
        if key in seniors:
            return
        seniors[key] = {"id": key, "max_meetings": event.rounds}
        attendance = walk_ins.get(key)
        if attendance is not None:
            available = _window(event.rounds, attendance.arrival_slot, attendance.leaving_slot)
            if available is not None:
                seniors[key]["available"] = available

    walk_in_pairs = [
        (enrolment.pk, a.senior_id)
        for a in attendances
        if a.walk_in and a.senior_id is not None and a.status != AttendanceStatus.NO_SHOW
        for enrolment in a.wanted.all()
    ]
    enrolments = enrolments_of_event(event=event).select_related("company")
    conflicts = conflicting_pairs(_candidates(list(enrolments), walk_in_pairs)) if walk_in_pairs else set()
    for a in attendances:
        if not a.walk_in or a.senior_id is None or a.status == AttendanceStatus.NO_SHOW:
            continue
        for enrolment in a.wanted.all():
            pair = (company_key(enrolment.pk), senior_key(a.senior_id))
            if pair[0] not in present_companies or (pair[0], a.senior_id) in conflicts:
                continue
            add_senior(pair[1])
            requests.setdefault(pair, str(RequestKind.SENIOR))

    fixed = []
    kept = published.meetings.order_by("slot", "enrolment_id", "senior_id") if published is not None else []
    company_rounds = {c["id"]: c.get("available") for c in companies}
    for m in kept:
        pair = (company_key(m.enrolment_id), senior_key(m.senior_id))
        if pair[0] not in present_companies or pair[1] in absent_seniors:
            continue
        add_senior(pair[1])
        # A late arrival or an early departure frees the meetings outside the participant's rounds.
        senior_rounds = seniors[pair[1]].get("available")
        if (senior_rounds is not None and m.slot not in senior_rounds) or (
            company_rounds[pair[0]] is not None and m.slot not in company_rounds[pair[0]]
        ):
            continue
        requests.setdefault(pair, str(m.kind))
        fixed.append({"company": pair[0], "senior": pair[1], "slot": m.slot})

    started = started_rounds(event=event, now=now)
    if started:
        kept_rounds: dict[str, set[int]] = {}
        for f in fixed:
            if f["slot"] < started:
                kept_rounds.setdefault(f["company"], set()).add(f["slot"])
                kept_rounds.setdefault(f["senior"], set()).add(f["slot"])
        for participant in [*companies, *seniors.values()]:
            rounds = participant.get("available", range(event.rounds))
            participant["available"] = sorted(
                {r for r in rounds if r >= started} | kept_rounds.get(participant["id"], set())
            )
    return {
        **problem,
        "companies": companies,
        "seniors": [seniors[k] for k in sorted(seniors, key=lambda k: int(k[1:]))],
        "requests": [{"company": c, "senior": s, "kind": kind} for (c, s), kind in sorted(requests.items())],
        "fixed": fixed,
    }
