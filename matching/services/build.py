"""Building an event's timetable: create a draft version, solve it (Celery), and the coordinator's hand edits.

* `timetable_create` snapshots the event's problem (sks-timetable-problem/1) on a new draft version and
  enqueues the solve; with `based_on` the pinned meetings of that version become the problem's `fixed`
  list, so the engine re-solves around them.
* `timetable_solve` runs in the task. It is NOT one transaction: the claim (queued -> running) and the
  result are each saved in a short transaction, and the progress in between is written in autocommit so
  that the polling page sees it while the engine works.
* Hand edits (move, swap, add, remove, pin) are for draft versions only. Each is checked with the engine's
  `violations` against the version's stored problem without its `fixed` list (pins are kept by re-solving,
  they do not lock a meeting against the coordinator's own edits); only violations the edit itself brings
  in refuse it, with a Japanese message per kind. After an edit the score and gaps are recomputed with
  `evaluate`. The solve status stays "done" (publishing reads it) but `optimal` is cleared: a hand-edited
  timetable is no longer the engine's proven optimum.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from events.enums import EventStatus
from events.models import Event, EventCompany
from matching.engine import Meeting, ProblemError, evaluate, parse_problem, solve, violations
from matching.engine.problem import Problem
from matching.enums import SolveStatus, TimetableStatus
from matching.models import Timetable, TimetableMeeting
from matching.problems import company_key, event_problem, senior_key
from participants.models import SeniorProfile, User
from sks.audit import audit
from sks.exceptions import DomainError
from sks.tasks import enqueue_on_commit

__all__ = [
    "TIMETABLE_BUILD_STATUSES",
    "TimetableEditError",
    "TimetableStateError",
    "timetable_create",
    "timetable_meeting_add",
    "timetable_meeting_move",
    "timetable_meeting_pin",
    "timetable_meeting_remove",
    "timetable_meeting_swap",
    "timetable_solve",
]

logger = logging.getLogger(__name__)

# Event statuses in which a timetable may be built.
TIMETABLE_BUILD_STATUSES: frozenset[str] = frozenset({EventStatus.SELECTION, EventStatus.TIMETABLING})
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 1, 600


class TimetableStateError(DomainError):
    """A timetable action that is not allowed in the event's or the timetable's state."""


class TimetableEditError(DomainError):
    """A hand edit that would break a hard constraint; `messages` lists every reason (Japanese)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


# --- create and solve -------------------------------------------------------------------------------------


@transaction.atomic
def timetable_create(
    *, event: Event, by: User | None, time_limit: int = 20, based_on: Timetable | None = None
) -> Timetable:
    """A new draft version of the event's timetable, queued for solving (around `based_on`'s pins)."""
    # Locks the event row: two clicks at once still get distinct version numbers.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status not in TIMETABLE_BUILD_STATUSES:
        raise TimetableStateError(
            _("時間割は「選考中」または「時間割作成中」の交流会でのみ作成できます（現在は「%(status)s」です）。")
            % {"status": event.get_status_display()}
        )
    if based_on is not None and based_on.event_id != event.pk:
        raise TimetableStateError(_("別の交流会の時間割をもとにすることはできません。"))
    check_time_limit(time_limit)
    problem = event_problem(event=event)
    if not problem["requests"]:
        raise TimetableStateError(_("面談の希望（応募・招待）がまだないため、時間割を作れません。"))
    if based_on is not None:
        requested = {(r["company"], r["senior"]) for r in problem["requests"]}
        pins = based_on.meetings.filter(pinned=True).order_by("slot", "enrolment_id", "senior_id")
        # A pinned pair that is no longer requested (declined since) cannot be kept: it is left out.
        problem["fixed"] = [
            {"company": company_key(m.enrolment_id), "senior": senior_key(m.senior_id), "slot": m.slot}
            for m in pins
            if (company_key(m.enrolment_id), senior_key(m.senior_id)) in requested
        ]
    return timetable_version_queue(
        event=event, problem=problem, time_limit=time_limit, based_on=based_on, by=by, action="timetable.created"
    )


def check_time_limit(time_limit: int) -> None:
    if not MIN_TIME_LIMIT <= time_limit <= MAX_TIME_LIMIT:
        raise TimetableStateError(
            _("制限時間は%(low)s秒から%(high)s秒の間で指定してください。")
            % {"low": MIN_TIME_LIMIT, "high": MAX_TIME_LIMIT}
        )


def timetable_version_queue(
    *,
    event: Event,
    problem: dict[str, Any],
    time_limit: int,
    based_on: Timetable | None,
    by: User | None,
    action: str,
    data: dict[str, Any] | None = None,
) -> Timetable:
    """The event's next draft version with `problem`, audited as `action` and queued for solving. The caller
    holds the event row locked (select_for_update), so two at once still get distinct version numbers."""
    latest = Timetable.objects.filter(event=event).order_by("-version").values_list("version", flat=True).first() or 0
    timetable = Timetable.objects.create(
        event=event,
        version=latest + 1,
        status=TimetableStatus.DRAFT,
        problem=problem,
        solve_status=SolveStatus.QUEUED,
        solve_progress=0,
        time_limit=time_limit,
        based_on=based_on,
        created_by=by,
    )
    audit(
        obj=timetable,
        action=action,
        user=by,
        data={
            "version": timetable.version,
            "based_on": based_on.pk if based_on else None,
            "fixed": len(problem.get("fixed", [])),
            **(data or {}),
        },
    )
    from matching.tasks import task_solve_timetable

    enqueue_on_commit(task_solve_timetable, timetable_id=timetable.pk)
    return timetable


def _set_progress(timetable_id: int, fraction: float) -> None:
    # Autocommit, outside any transaction: the polling page must see it while the engine runs.
    percent = max(0, min(100, int(fraction * 100)))
    Timetable.objects.filter(pk=timetable_id, solve_status=SolveStatus.RUNNING).update(solve_progress=percent)


@transaction.atomic
def _solve_claim(*, timetable_id: int) -> Timetable | None:
    timetable = Timetable.objects.select_for_update().filter(pk=timetable_id).first()
    if timetable is None or timetable.solve_status != SolveStatus.QUEUED:
        return None
    timetable.solve_status = SolveStatus.RUNNING
    timetable.solve_progress = 0
    timetable.save(update_fields=["solve_status", "solve_progress"])
    audit(obj=timetable, action="timetable.solve_started")
    return timetable


@transaction.atomic
def _solve_store(*, timetable_id: int, solution: dict[str, Any] | None, error: str) -> Timetable:
    timetable = Timetable.objects.select_for_update().get(pk=timetable_id)
    if solution is None:
        timetable.solve_status = SolveStatus.FAILED
        timetable.solve_error = error
        timetable.save(update_fields=["solve_status", "solve_error"])
        audit(obj=timetable, action="timetable.solve_failed", data={"error": error})
        return timetable
    kinds = {(r["company"], r["senior"]): r["kind"] for r in timetable.problem.get("requests", [])}
    fixed = {(f["company"], f["senior"], f["slot"]) for f in timetable.problem.get("fixed", []) or []}
    timetable.meetings.all().delete()
    TimetableMeeting.objects.bulk_create(
        TimetableMeeting(
            timetable=timetable,
            enrolment_id=int(m["company"][1:]),
            senior_id=int(m["senior"][1:]),
            slot=m["slot"],
            kind=kinds[(m["company"], m["senior"])],
            pinned=(m["company"], m["senior"], m["slot"]) in fixed,
        )
        for m in solution["meetings"]
    )
    timetable.score = solution["score"]
    timetable.bound = solution["bound"]
    timetable.gaps = solution["gaps"]
    timetable.optimal = solution["optimal"]
    timetable.seconds = solution["seconds"]
    timetable.solve_status = SolveStatus.DONE
    timetable.solve_progress = 100
    timetable.solve_error = ""
    timetable.save(
        update_fields=["score", "bound", "gaps", "optimal", "seconds", "solve_status", "solve_progress", "solve_error"]
    )
    audit(
        obj=timetable,
        action="timetable.solved",
        data={"meetings": len(solution["meetings"]), "score": timetable.score, "optimal": timetable.optimal},
    )
    return timetable


def timetable_solve(*, timetable: Timetable) -> Timetable:
    """Run the engine on a queued version and store its meetings (idempotent: anything else is left alone).

    Deliberately not one transaction (see the module docstring): claim, progress and result are separate.
    """
    claimed = _solve_claim(timetable_id=timetable.pk)
    if claimed is None:
        logger.info("timetable %s is not queued; not solving it again", timetable.pk)
        timetable.refresh_from_db()
        return timetable
    solution: dict[str, Any] | None = None
    error = ""
    try:
        problem = parse_problem(claimed.problem)
        solution = solve(problem, time_limit=claimed.time_limit, progress=lambda f: _set_progress(claimed.pk, f))
    except ProblemError as exc:
        logger.warning("timetable %s: bad problem: %s", claimed.pk, exc)
        error = _("交流会のデータから時間割の条件を作れませんでした。参加企業と応募の内容を確認してください。")
    except ValueError as exc:
        logger.warning("timetable %s: no solution: %s", claimed.pk, exc)
        error = _(
            "条件をすべて満たす時間割がありません。固定した面談どうしが重なっていないか確認し、固定を外して作り直してください。"
        )
    except Exception:  # the engine failed unexpectedly: recorded, so the page does not wait for ever
        logger.exception("timetable %s: the engine failed", claimed.pk)
        error = _("時間割の計算中にエラーが起きました。もう一度作り直してください。")
    return _solve_store(timetable_id=claimed.pk, solution=solution, error=error)


# --- hand edits ------------------------------------------------------------------------------------------


def _edit_problem(timetable: Timetable) -> Problem:
    # Hand edits are checked without the fixed list: pins only bind the engine when re-solving.
    return parse_problem({**timetable.problem, "fixed": []})


def _engine_meetings(meetings: list[TimetableMeeting]) -> list[Meeting]:
    return [Meeting(company_key(m.enrolment_id), senior_key(m.senior_id), m.slot) for m in meetings]


_SLOT_IN = re.compile(r"slot (\d+)")


def _violation_message(violation: str, *, problem: Problem, slot: int) -> str:
    kind = violation.split(":", 1)[0]
    found = _SLOT_IN.search(violation)
    number = (int(found.group(1)) if found else slot) + 1
    messages = {
        "not_requested": _("この組み合わせは応募・招待がありません。"),
        "pair_twice": _("この新現役とこの企業の面談はすでに時間割にあります。"),
        "slot_out_of_range": _("その回はありません（第1回〜第%(last)s回）。") % {"last": problem.slots},
        "not_available": _("参加できない回です。"),
        "senior_double_booked": _("この新現役は第%(n)s回に別の面談があります。") % {"n": number},
        "table_full": _("このテーブルは第%(n)s回で満席です。") % {"n": number},
        "staff_double_booked": _("同じ金融機関職員が同じ回に2つのテーブルに同席することになります（第%(n)s回）。")
        % {"n": number},
        "senior_over_max": _("この新現役の面談数が上限を超えます。"),
        "fixed_missing": _("固定した面談が時間割から外れます。"),
    }
    return messages.get(kind, _("この変更は時間割の条件を満たしません。"))


def _validate(timetable: Timetable, *, before: list[Meeting], after: list[Meeting], slot: int) -> Problem:
    """Refuse the edit if it brings in a violation the timetable did not have; returns the problem."""
    problem = _edit_problem(timetable)
    known = set(violations(problem, before))
    new = [v for v in violations(problem, after) if v not in known]
    if new:
        messages: list[str] = []
        for v in new:
            message = _violation_message(v, problem=problem, slot=slot)
            if message not in messages:
                messages.append(message)
        raise TimetableEditError(messages)
    return problem


def _editable(timetable: Timetable) -> Timetable:
    locked = Timetable.objects.select_for_update().get(pk=timetable.pk)
    if locked.status != TimetableStatus.DRAFT:
        raise TimetableStateError(
            _("「%(status)s」の時間割は変更できません。新しい版を作ってから変更してください。")
            % {"status": locked.get_status_display()}
        )
    if locked.solve_status not in (SolveStatus.DONE, SolveStatus.MANUAL):
        raise TimetableStateError(_("計算が終わるまで時間割は変更できません。"))
    return locked


def _current(timetable: Timetable) -> list[TimetableMeeting]:
    return list(timetable.meetings.order_by("pk"))


def _rescore(timetable: Timetable, problem: Problem) -> None:
    score, gaps = evaluate(problem, _engine_meetings(_current(timetable)))
    timetable.score, timetable.gaps, timetable.optimal = score, gaps, False
    timetable.save(update_fields=["score", "gaps", "optimal"])


def _meeting_of(timetable: Timetable, meeting: TimetableMeeting) -> TimetableMeeting:
    found = timetable.meetings.filter(pk=meeting.pk).first()
    if found is None:
        raise TimetableStateError(_("この面談は見つかりませんでした。画面を読み込み直してください。"))
    return found


@transaction.atomic
def timetable_meeting_move(*, meeting: TimetableMeeting, slot: int, by: User | None = None) -> TimetableMeeting:
    """Move a meeting to another round (0-based `slot`)."""
    timetable = _editable(meeting.timetable)
    meeting = _meeting_of(timetable, meeting)
    if slot == meeting.slot:
        raise TimetableStateError(_("同じ回が選ばれています。移動先の回を選んでください。"))
    current = _current(timetable)
    after = [
        Meeting(company_key(m.enrolment_id), senior_key(m.senior_id), slot if m.pk == meeting.pk else m.slot)
        for m in current
    ]
    problem = _validate(timetable, before=_engine_meetings(current), after=after, slot=slot)
    old = meeting.slot
    meeting.slot = slot
    meeting.save(update_fields=["slot"])
    _rescore(timetable, problem)
    audit(
        obj=timetable, action="timetable.meeting_moved", user=by, data={"meeting": meeting.pk, "from": old, "to": slot}
    )
    return meeting


@transaction.atomic
def timetable_meeting_swap(
    *, a: TimetableMeeting, b: TimetableMeeting, by: User | None = None
) -> tuple[TimetableMeeting, TimetableMeeting]:
    """Exchange the rounds of two meetings of the same timetable."""
    if a.timetable_id != b.timetable_id:
        raise TimetableStateError(_("別の時間割の面談とは入れ替えできません。"))
    timetable = _editable(a.timetable)
    a, b = _meeting_of(timetable, a), _meeting_of(timetable, b)
    if a.slot == b.slot:
        raise TimetableStateError(_("同じ回の面談どうしは入れ替えても変わりません。別の回の面談を選んでください。"))
    current = _current(timetable)
    slots = {a.pk: b.slot, b.pk: a.slot}
    after = [Meeting(company_key(m.enrolment_id), senior_key(m.senior_id), slots.get(m.pk, m.slot)) for m in current]
    problem = _validate(timetable, before=_engine_meetings(current), after=after, slot=a.slot)
    a.slot, b.slot = b.slot, a.slot
    a.save(update_fields=["slot"])
    b.save(update_fields=["slot"])
    _rescore(timetable, problem)
    audit(obj=timetable, action="timetable.meetings_swapped", user=by, data={"meetings": [a.pk, b.pk]})
    return a, b


@transaction.atomic
def timetable_meeting_add(
    *, timetable: Timetable, enrolment: EventCompany, senior: SeniorProfile, slot: int, by: User | None = None
) -> TimetableMeeting:
    """Add a requested pair in a round; its kind comes from the version's problem."""
    timetable = _editable(timetable)
    if enrolment.event_id != timetable.event_id:
        raise TimetableStateError(_("この交流会に参加していない企業です。"))
    current = _current(timetable)
    new = Meeting(company_key(enrolment.pk), senior_key(senior.pk), slot)
    problem = _validate(timetable, before=_engine_meetings(current), after=[*_engine_meetings(current), new], slot=slot)
    kind = next(r.kind for r in problem.requests if (r.company, r.senior) == (new.company, new.senior))
    meeting = TimetableMeeting.objects.create(
        timetable=timetable, enrolment=enrolment, senior=senior, slot=slot, kind=kind
    )
    _rescore(timetable, problem)
    audit(obj=timetable, action="timetable.meeting_added", user=by, data={"meeting": meeting.pk, "slot": slot})
    return meeting


@transaction.atomic
def timetable_meeting_remove(*, meeting: TimetableMeeting, by: User | None = None) -> None:
    """Take a meeting off the timetable (removing never breaks a hard constraint; floors are soft)."""
    timetable = _editable(meeting.timetable)
    meeting = _meeting_of(timetable, meeting)
    data = {"meeting": meeting.pk, "enrolment": meeting.enrolment_id, "senior": meeting.senior_id, "slot": meeting.slot}
    meeting.delete()
    _rescore(timetable, _edit_problem(timetable))
    audit(obj=timetable, action="timetable.meeting_removed", user=by, data=data)


@transaction.atomic
def timetable_meeting_pin(*, meeting: TimetableMeeting, pinned: bool, by: User | None = None) -> TimetableMeeting:
    """Pin a meeting (kept in its round when the timetable is re-solved) or unpin it."""
    timetable = _editable(meeting.timetable)
    meeting = _meeting_of(timetable, meeting)
    if meeting.pinned != pinned:
        meeting.pinned = pinned
        meeting.save(update_fields=["pinned"])
        audit(
            obj=timetable,
            action="timetable.meeting_pinned" if pinned else "timetable.meeting_unpinned",
            user=by,
            data={"meeting": meeting.pk},
        )
    return meeting
