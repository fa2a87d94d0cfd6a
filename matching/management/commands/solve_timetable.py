from __future__ import annotations

import json
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
            solution = solve(problem, time_limit=options["time_limit"], seed=options["seed"])
        except (ProblemError, ValueError) as exc:
            raise CommandError(f"問題の内容に誤りがあります: {exc}") from exc
        Path(options["out"]).write_text(json.dumps(solution, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(
            f"score={solution['score']} bound={solution['bound']} gaps={solution['gaps']} "
            f"optimal={solution['optimal']} meetings={len(solution['meetings'])} seconds={solution['seconds']}"
        )
