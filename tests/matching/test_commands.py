"""solve_timetable (files only, no database) and export_timetable_problem (an event's real problem)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from events.enums import ChoiceDecision
from matching.engine import parse_problem, solve
from matching.problems import company_key, senior_key, staff_key
from tests.factories import (
    OrganizationFactory,
    approved_hearing,
    enrol_company,
    make_application,
    make_event,
    make_invitation,
    pledged_senior,
)

PROBLEM = {
    "format": "sks-timetable-problem/1",
    "slots": 3,
    "companies": [{"id": "C1", "staff": "B1", "min_meetings": 1}, {"id": "C2", "staff": "B1"}],
    "seniors": [{"id": "S1"}, {"id": "S2", "available": [1, 2]}],
    "requests": [
        {"company": "C1", "senior": "S1", "kind": "mutual"},
        {"company": "C2", "senior": "S1", "kind": "senior"},
        {"company": "C2", "senior": "S2", "kind": "company"},
    ],
}


def test_solve_timetable_writes_a_valid_solution_without_the_database(tmp_path: Path, capsys):
    problem = tmp_path / "p.json"
    problem.write_text(json.dumps(PROBLEM), encoding="utf-8")
    out = tmp_path / "s.json"

    call_command("solve_timetable", str(problem), "--out", str(out), "--time-limit", "5")

    solution = json.loads(out.read_text(encoding="utf-8"))
    assert (solution["format"], solution["score"], solution["optimal"]) == ("sks-timetable-solution/1", 6, True)
    assert sorted((m["company"], m["senior"]) for m in solution["meetings"]) == [
        ("C1", "S1"),
        ("C2", "S1"),
        ("C2", "S2"),
    ]
    assert "score=6" in capsys.readouterr().out


def test_solve_timetable_bad_problem_says_what_is_wrong(tmp_path: Path):
    problem = tmp_path / "p.json"
    problem.write_text(json.dumps({**PROBLEM, "slots": 0}), encoding="utf-8")

    with pytest.raises(CommandError, match="問題の内容に誤りがあります: slots"):
        call_command("solve_timetable", str(problem), "--out", str(tmp_path / "s.json"))


def test_solve_timetable_unreadable_file(tmp_path: Path):
    with pytest.raises(CommandError, match="問題のファイルを読めません"):
        call_command("solve_timetable", str(tmp_path / "missing.json"), "--out", str(tmp_path / "s.json"))


@pytest.mark.django_db
def test_export_timetable_problem_writes_the_events_requests(tmp_path: Path):
    bank_a, bank_b = OrganizationFactory(), OrganizationFactory()
    event = make_event(hosts=[bank_a, bank_b], status="selection", rounds=5, table_capacity=2)
    first, second = enrol_company(event, institution=bank_a), enrol_company(event, institution=bank_b)
    for enrolment in (first, second):
        approved_hearing(enrolment)
    accepted, pending, declined, invited = (pledged_senior() for _ in range(4))
    make_application(accepted, [first], decisions=[ChoiceDecision.ACCEPTED])
    make_application(pending, [second])
    make_application(declined, [first], decisions=[ChoiceDecision.DECLINED])
    make_invitation(second, invited)
    out = tmp_path / "p.json"

    call_command("export_timetable_problem", str(event.pk), "--out", str(out))

    data = json.loads(out.read_text(encoding="utf-8"))
    problem = parse_problem(data)
    assert (problem.slots, sorted(problem.companies)) == (5, sorted([company_key(first.pk), company_key(second.pk)]))
    assert problem.companies[company_key(first.pk)].capacity == 2
    assert problem.companies[company_key(first.pk)].staff == staff_key(first.attending_staff_id)
    assert sorted((r.company, r.senior, r.kind) for r in problem.requests) == sorted(
        [
            (company_key(first.pk), senior_key(accepted.pk), "mutual"),
            (company_key(second.pk), senior_key(pending.pk), "senior"),
            (company_key(second.pk), senior_key(invited.pk), "company"),
        ]
    )


@pytest.mark.django_db
def test_export_timetable_problem_unknown_event(tmp_path: Path):
    with pytest.raises(CommandError, match="交流会 999999 はありません"):
        call_command("export_timetable_problem", "999999", "--out", str(tmp_path / "p.json"))


def test_solve_timetable_own_process_counts_its_start_up_against_the_limit(tmp_path: Path, monkeypatch):
    from matching.management.commands import solve_timetable

    problem = tmp_path / "p.json"
    problem.write_text(json.dumps(PROBLEM), encoding="utf-8")
    seen: list[float | None] = []

    def fake_solve(problem: Any, *, time_limit: float, seed: int, clock_limit: float | None) -> dict[str, Any]:
        seen.append(clock_limit)
        return solve(problem, time_limit=time_limit, seed=seed, clock_limit=clock_limit)

    monkeypatch.setattr(solve_timetable, "solve", fake_solve)
    monkeypatch.setattr(solve_timetable, "_process_age", lambda: 2.0)
    out = str(tmp_path / "s.json")

    solve_timetable.Command().run_from_argv(
        ["manage.py", "solve_timetable", str(problem), "--out", out, "--time-limit", "5"]
    )
    call_command("solve_timetable", str(problem), "--out", out, "--time-limit", "5")

    # As its own process: 5 s less the 2 s of start-up less at least 0.4 s to finish; inside another
    # process (call_command), the engine's own default (the limit itself).
    assert seen[0] is not None and 0 < seen[0] <= 5 - 2.0 - solve_timetable.FINISH_SECONDS
    assert seen[1] is None
