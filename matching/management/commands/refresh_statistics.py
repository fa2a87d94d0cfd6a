from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from matching.services.figures import meeting_figures_refresh_all


class Command(BaseCommand):
    help = (
        "統計の面談の集計（MeetingFigure）を、公開中の時間割の面談からすべて作り直します。"
        "データの復元や一括投入の後に実行してください（通常の操作では自動で更新されます）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = meeting_figures_refresh_all()
        self.stdout.write(f"面談の集計を {written} 行作り直しました（{time.perf_counter() - started:.1f} 秒）。")
