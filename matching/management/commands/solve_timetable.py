from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from matching.engine import ProblemError, parse_problem, solve


class Command(BaseCommand):
    help = (
        "時間割の問題（sks-timetable-problem/1 の JSON）を解き、解（sks-timetable-solution/1）を書き出します。"
        "データベースは使いません。"
    )
    # Pure computation on files: no system checks, no database.
    requires_system_checks: list[str] = []  # type: ignore[assignment]  # Django accepts a list of tags here

    # Run as its own process (manage.py solve_timetable), whose start-up counts against the limit; not when
    # called from a longer-lived process (call_command in tests or a shell).
    own_process = False

    def run_from_argv(self, argv: list[str]) -> None:
        self.own_process = True
        super().run_from_argv(argv)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("problem", help="問題の JSON ファイル")
        parser.add_argument("--out", required=True, help="解を書き出す JSON ファイル")
        parser.add_argument("--time-limit", type=float, default=10.0, help="制限時間（秒、既定 10）")
        parser.add_argument("--seed", type=int, default=0, help="乱数の種（同じ種なら同じ結果）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit は正の秒数で指定してください。")
        try:
            data = json.loads(Path(options["problem"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"問題のファイルを読めません: {exc}") from exc
        try:
            problem = parse_problem(data)
            # The limit counts from the start of the process to its end: the engine gets what is left after
            # start-up and what finishing will take as its wall-clock net. Its work allowance, and so its
            # timetable, still follow --time-limit alone.
            left = None
            if self.own_process:
                age = _process_age()
                busy = max(1.0, age / max(time.process_time(), 0.05))  # wall over CPU time so far: how busy
                left = options["time_limit"] - age - FINISH_SECONDS * busy
            solution = solve(problem, time_limit=options["time_limit"], seed=options["seed"], clock_limit=left)
        except (ProblemError, ValueError) as exc:
            raise CommandError(f"問題の内容に誤りがあります: {exc}") from exc
        Path(options["out"]).write_text(json.dumps(solution, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(
            f"score={solution['score']} bound={solution['bound']} gaps={solution['gaps']} "
            f"optimal={solution['optimal']} meetings={len(solution['meetings'])} seconds={solution['seconds']}"
        )
        if solution.get("clock_hit"):
            self.stderr.write(
                "制限時間に達したため計算を打ち切りました（マシンが混み合っています）。"
                "同じ条件でも、再実行すると結果が変わることがあります。"
            )


# CPU seconds kept for what follows the engine: writing the solution out and the interpreter's exit (0.2-0.3 s
# with Django and OR-Tools loaded), scaled by how busy the machine was during start-up.
FINISH_SECONDS = 0.4


def _process_age() -> float:
    """Seconds since this process started (Linux /proc), or 0 where that cannot be read."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
