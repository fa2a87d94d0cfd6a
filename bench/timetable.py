"""Benchmark the timetable engine on the shared sample problems and larger generated ones.

    cd /work/main && .venv/bin/python bench/timetable.py               # samples + generated
    cd /work/main && .venv/bin/python bench/timetable.py --quick       # the shared samples only

For each problem it prints: the checker's verdict (shared/bench/check_solution.py, called as is), the
engine's score, bound and the distance between them, idle gaps and the lower bound on them the engine
proved (if any), the seconds until the score phase ended and in all (wall clock, measured here), whether
the wall-clock safety net stopped a phase, whether a second run gave the same timetable (--once skips
it), and the score of the first-come greedy baseline (requests by weight, each to the earliest slot where
everyone is free) with the engine's margin over it. The shared samples include the long day
long-50x130x16 (16 slots); bench/engine_gaps.py runs more long days through the command line.

Targets (2-core machine): every solution valid; up to 60 companies / 160 seniors within 0.5% of the bound
in under 10 s; 200 companies / 600 seniors / 10 slots within 2% in under 60 s; never below greedy and
at least 10% above it on the large samples. No Django: the engine is pure Python + OR-Tools.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = next(
    (p for p in (ROOT.parent / "shared" / "bench", Path("/work/shared/bench")) if (p / "check_solution.py").is_file()),
    ROOT.parent / "shared" / "bench",
)
sys.path.insert(0, str(ROOT))

from matching.engine import evaluate, greedy_baseline, parse_problem, solve  # noqa: E402

# (name, generator arguments, time limit): sizes beyond the shared samples.
GENERATED = [
    ("gen-40x100", ["--companies", "40", "--seniors", "100", "--slots", "8", "--seed", "7"], 10.0),
    ("gen-60x160", ["--companies", "60", "--seniors", "160", "--slots", "8", "--seed", "11"], 10.0),
    ("gen-200x600", ["--companies", "200", "--seniors", "600", "--slots", "10", "--seed", "3"], 60.0),
]


def _checker() -> Any:
    spec = importlib.util.spec_from_file_location("check_solution", SHARED / "check_solution.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _problems(quick: bool) -> list[tuple[str, dict[str, Any], float]]:
    found = []
    for path in sorted((SHARED / "problems").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append((path.stem, data, 60.0 if len(data["companies"]) > 60 else 10.0))
    if not quick:
        for name, args, limit in GENERATED:
            out = subprocess.run(  # noqa: S603  (our own interpreter on the shared generator)
                [sys.executable, str(SHARED / "generate_problem.py"), *args],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            found.append((name, json.loads(out), limit))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the shared sample problems")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--once", action="store_true", help="one run per problem (no determinism column)")
    args = parser.parse_args()
    checker = _checker()
    header = (
        f"{'problem':<16}{'C':>4}{'S':>5}{'req':>6}  {'valid':<6}{'score':>6}{'bound':>7}{'to bound':>9}"
        f"{'gaps':>6}{'gap lb':>7}{'score s':>9}{'wall s':>8}{'clock':>6}{'same':>5}{'greedy':>8}{'vs greedy':>10}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for name, data, limit in _problems(args.quick):
        problem = parse_problem(data)
        started = time.monotonic()
        solution = solve(problem, time_limit=limit, seed=args.seed)
        wall = time.monotonic() - started
        same = "-"
        if not args.once:
            again = solve(problem, time_limit=limit, seed=args.seed)
            same = "yes" if again["meetings"] == solution["meetings"] else "NO"
        violations, score, gaps, _n = checker.evaluate(data, solution)
        greedy_score, _ = evaluate(problem, greedy_baseline(problem))
        distance = (solution["bound"] - score) / abs(solution["bound"]) * 100 if solution["bound"] else 0.0
        margin = (score - greedy_score) / abs(greedy_score) * 100 if greedy_score else 0.0
        valid = not violations and score == solution["score"] and gaps == solution["gaps"]
        ok &= valid and score >= greedy_score and same != "NO" and wall <= limit + 1
        print(
            f"{name:<16}{len(data['companies']):>4}{len(data['seniors']):>5}{len(data['requests']):>6}  "
            f"{'yes' if valid else 'NO':<6}{score:>6}{solution['bound']:>7}{distance:>8.2f}%"
            f"{gaps:>6}{'-' if solution['gaps_bound'] is None else solution['gaps_bound']:>7}"
            f"{solution['score_seconds']:>9.1f}{wall:>8.1f}{'HIT' if solution['clock_hit'] else 'no':>6}{same:>5}"
            f"{greedy_score:>8}"
            f"{margin:>+9.1f}%",
            flush=True,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
