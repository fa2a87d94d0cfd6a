"""Benchmark the timetable engine on long days (16 slots), the way a coordinator runs it.

    cd /work/main && .venv/bin/python bench/engine_gaps.py            # the long-day problems, once each
    cd /work/main && .venv/bin/python bench/engine_gaps.py --twice    # and whether a second run agrees
    cd /work/main && .venv/bin/python bench/engine_gaps.py --only long-50x130x16
    cd /work/main && .venv/bin/python bench/engine_gaps.py --unclocked  # the timetables themselves

Each problem (the shared sample long-50x130x16 and four made by shared/bench/generate_problem.py --slots
16 at 50-60 companies and 130-160 seniors, kept in bench/problems/ because the generator's output depends
on PYTHONHASHSEED: it draws from sets of strings) is solved by `manage.py solve_timetable --time-limit 10` in a
fresh process, and the wall time is the whole command, start-up included. The solution is scored by
shared/bench/check_solution.py, called as is. Printed per problem: the checker's verdict, score and the
engine's bound (proven optimal or not), gaps, the best known where it gives one and the
distance to it, the fewest gaps found by a long run of the gap search (1,000,000 moves, best of two
seeds, from the score phase's timetable), the gap lower bound the engine proved (if any), wall time,
whether the wall-clock safety net stopped a phase, and with --twice whether two runs gave the same
timetable.

Targets: score at its proven optimum, gaps within 10% of the best known, wall time
within 10 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = next(
    (p for p in (ROOT.parent / "shared" / "bench", Path("/work/shared/bench")) if (p / "check_solution.py").is_file()),
    ROOT.parent / "shared" / "bench",
)
TIME_LIMIT = 10.0

HERE = Path(__file__).resolve().parent / "problems"

# (problem file, best known gaps (4 minutes of CP-SAT on the gap phase) or None, fewest gaps
# of a long run of the gap search). The generated ones: generate_problem.py --slots 16 --companies C
# --seniors S --seed N, as the name says.
PROBLEMS: list[tuple[Path, int | None, int]] = [
    (SHARED / "problems" / "long-50x130x16.json", 185, 11),
    (HERE / "long-55x140x16-s1.json", None, 25),
    (HERE / "long-60x160x16-s2.json", None, 18),
    (HERE / "long-55x150x16-s3.json", None, 29),
    (HERE / "long-60x130x16-s4.json", None, 24),
]


def _solve(problem_file: Path, out: Path, seed: int) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    subprocess.run(  # noqa: S603  (our own interpreter on our own manage.py)
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "solve_timetable",
            str(problem_file),
            "--out",
            str(out),
            "--time-limit",
            str(TIME_LIMIT),
            "--seed",
            str(seed),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = time.monotonic() - started
    return json.loads(out.read_text(encoding="utf-8")), wall


def _solve_unclocked(data: dict[str, Any], out: Path, seed: int) -> tuple[dict[str, Any], float]:
    """The engine in this process with the wall-clock net out of the way: the timetable that any machine
    gives when the net does not cut it, and the CPU seconds it took."""
    from matching.engine import parse_problem, solve

    started = time.process_time()
    solution = solve(parse_problem(data), time_limit=TIME_LIMIT, seed=seed, clock_limit=600)
    cpu = time.process_time() - started
    out.write_text(json.dumps(solution), encoding="utf-8")
    return solution, cpu


def _check(problem_file: Path, solution_file: Path) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603  (the shared checker, as is)
        [sys.executable, str(SHARED / "check_solution.py"), str(problem_file), str(solution_file), "--json"],
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--twice", action="store_true", help="solve each problem twice and compare")
    parser.add_argument("--only", help="only the problem of this name")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--unclocked",
        action="store_true",
        help="run the engine in this process without the wall-clock net; the time column is then CPU seconds",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    def solver(problem_file: Path, data: dict[str, Any], out: Path, seed: int) -> tuple[dict[str, Any], float]:
        return _solve_unclocked(data, out, seed) if args.unclocked else _solve(problem_file, out, seed)

    seconds = "cpu s" if args.unclocked else "wall s"
    header = (
        f"{'problem':<18}{'C':>4}{'S':>5}  {'valid':<6}{'score':>6}{'bound':>7}{'opt':>5}{'gaps':>6}"
        f"{'issue':>7}{'vs issue':>9}{'long run':>9}{'gap lb':>8}{seconds:>8}{'clock':>7}{'same':>6}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for problem_file, best, long_run in PROBLEMS:
            name = problem_file.stem
            if args.only and name != args.only:
                continue
            data = json.loads(problem_file.read_text(encoding="utf-8"))
            solution_file = Path(tmp) / f"{name}.solution.json"
            solution, wall = solver(problem_file, data, solution_file, args.seed)
            checked = _check(problem_file, solution_file)
            same = "-"
            if args.twice:
                again, wall_again = solver(problem_file, data, Path(tmp) / f"{name}.again.json", args.seed)
                same = "yes" if again["meetings"] == solution["meetings"] else "NO"
                wall = max(wall, wall_again)
            valid = checked["valid"] and checked["score"] == solution["score"] and checked["gaps"] == solution["gaps"]
            within = not best or checked["gaps"] <= 1.1 * best
            ok &= valid and solution["optimal"] and within and wall <= TIME_LIMIT and same != "NO"
            versus = f"{(checked['gaps'] - best) / best * 100:+.0f}%" if best else "-"
            bound = solution.get("gaps_bound")
            print(
                f"{name:<18}{len(data['companies']):>4}{len(data['seniors']):>5}  {'yes' if valid else 'NO':<6}"
                f"{checked['score']:>6}{solution['bound']:>7}{'yes' if solution['optimal'] else 'no':>5}"
                f"{checked['gaps']:>6}{best or '-':>7}{versus:>9}{long_run:>9}{'-' if bound is None else bound:>8}"
                f"{wall:>8.1f}{'HIT' if solution.get('clock_hit') else 'no':>7}{same:>6}",
                flush=True,
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
