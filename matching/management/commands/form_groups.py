from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from matching.engine.groups import GroupsProblemError, form_groups, parse_groups_problem


class Command(BaseCommand):
    help = (
        "対話会のグループ分けの問題（sks-groups-problem/1 の JSON）を解き、解（sks-groups-solution/1）を書き出します。"
        "データベースは使いません。"
    )
    # Pure computation on files: no system checks, no database.
    requires_system_checks: list[str] = []  # type: ignore[assignment]  # Django accepts a list of tags here

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("problem", help="問題の JSON ファイル")
        parser.add_argument("--out", required=True, help="解を書き出す JSON ファイル")
        parser.add_argument("--time-limit", type=float, default=10.0, help="制限時間（秒、既定 10）")
        parser.add_argument("--seed", type=int, default=0, help="乱数の種（同じ種なら同じ結果）")
        parser.add_argument(
            "--effort",
            type=int,
            default=None,
            help="探索の手数の上限（既定は制限時間に比例）。結果は手数で決まり、制限時間は安全のための打ち切りです",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit は正の秒数で指定してください。")
        if options["effort"] is not None and options["effort"] < 0:
            raise CommandError("--effort は 0 以上の整数で指定してください。")
        try:
            data = json.loads(Path(options["problem"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"問題のファイルを読めません: {exc}") from exc
        try:
            problem = parse_groups_problem(data)
        except GroupsProblemError as exc:
            raise CommandError(f"問題の内容に誤りがあります: {exc}") from exc
        solution = form_groups(
            problem, time_limit=options["time_limit"], seed=options["seed"], effort=options["effort"]
        )
        try:
            Path(options["out"]).write_text(json.dumps(solution, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"解を書き出せません: {exc}") from exc
        self.stdout.write(
            f"same_organisation={solution['same_organisation']} repeats={solution['repeats']} "
            f"diversity={solution['diversity']} bound={solution['diversity_bound']} "
            f"stopped={solution['stopped']} seconds={solution['seconds']}"
        )
