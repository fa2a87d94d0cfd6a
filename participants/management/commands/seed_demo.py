from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from participants.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_demo, seed_logins


class Command(BaseCommand):
    help = "デモ用のデータ（金融機関・自治体・事務局・企業・新現役）を作成します。何度実行しても同じ結果になります。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="ユーザーが1人もいないときだけ作成します。")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("本番環境（DJANGO_ENV=production）ではデモデータを作成できません。")
        from participants.models import User

        if options["if_empty"] and User.objects.exists():
            self.stdout.write("データベースにデータがあるため、デモデータの作成を省略しました。")
        else:
            seed_demo()
            self.stdout.write(self.style.SUCCESS("デモデータを用意しました。"))
        self.print_logins()

    def print_logins(self) -> None:
        w = self.stdout.write
        w("")
        w(f"デモ用ログイン（パスワードはすべて {DEMO_PASSWORD}）:")
        for login in seed_logins():
            mark = " *" if login.needs_totp else ""
            w(f"  {login.email + mark:<38} {login.role}")
        w("")
        w("* 職員は二要素認証が必須です。認証アプリに次のキーを登録するか、")
        w(f"  `python manage.py demo_totp_code` で現在のコードを表示してください。キー: {DEMO_TOTP_SECRET}")
        w(f"サイト: {settings.SITE_URL}/")
