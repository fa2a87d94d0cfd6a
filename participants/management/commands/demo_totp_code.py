import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from participants.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "デモ職員ログイン用の、現在の二要素認証コード（6桁）を表示します。"

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("本番環境では使えません。")
        counter = int(time.time()) // 30
        remaining = 30 - int(time.time()) % 30
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
        self.stdout.write(f"{code}  （あと {remaining} 秒有効）")
