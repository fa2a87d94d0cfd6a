from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from events.models import Event
from matching.problems import event_problem


class Command(BaseCommand):
    help = "交流会の応募・選考の結果から、時間割の問題（sks-timetable-problem/1 の JSON）を書き出します。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("event_id", type=int, help="交流会の ID")
        parser.add_argument("--out", required=True, help="書き出す JSON ファイル")

    def handle(self, *args: Any, **options: Any) -> None:
        # An operator's command: the problem covers every host institution's companies of the event.
        with scopes_disabled():
            event = Event.objects.filter(pk=options["event_id"]).first()
            if event is None:
                raise CommandError(f"交流会 {options['event_id']} はありません。")
            problem = event_problem(event=event)
        Path(options["out"]).write_text(json.dumps(problem, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(
            f"{event.title}: companies={len(problem['companies'])} seniors={len(problem['seniors'])} "
            f"requests={len(problem['requests'])} slots={problem['slots']}"
        )
