"""Benchmark the bulk company import: 10,000 rows through the services the upload page uses.

    cd /work/main && .venv/bin/python bench/import.py            # 10,000 rows
    cd /work/main && .venv/bin/python bench/import.py 20000      # another size

It runs under the project's settings (DJANGO_SETTINGS_MODULE=sks.settings) against a fresh throwaway
SQLite file in /tmp, migrated here, unless DATABASE_URL is set (then that database is migrated and
used: give it an empty one). A realistic Excel-style CSV is generated in Shift_JIS (CP932): Japanese
company names and kana, valid 法人番号, client codes, prefectures by name, JSIC industries, amounts
written as people write them. Then, as the pages do it:

  upload   company_import_store: the whole-file checks (encoding, columns, size) and storage
  preview  company_import_preview: the dry run, every row validated, nothing kept
  import   company_import_commit: the real import, all rows in one transaction, audit entries
  re       the same file again (preview + import): every row an update with nothing changed
  change   a file with the same 法人番号 but other names, places, industries, amounts: 10,000 updates

and prints the rows and seconds of each phase. Target: preview and import under 60 s each.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sks.settings")
os.environ.setdefault("DEBUG", "false")  # DEBUG would keep every SQL statement in memory
_OWN_DATABASE = "DATABASE_URL" not in os.environ
_DB_FILE = Path(tempfile.gettempdir()) / f"sks-bench-import-{os.getpid()}.sqlite3"
if _OWN_DATABASE:
    os.environ["DATABASE_URL"] = f"sqlite:///{_DB_FILE}"
_MEDIA_DIR = Path(tempfile.mkdtemp(prefix="sks-bench-media-"))  # where uploads wait, as in var/media

import django  # noqa: E402 (the settings module must be chosen first)

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from participants.enums import FinancialInstitutionType, OrganizationKind  # noqa: E402
from participants.models import Branch, Company, Industry, Membership, Organization, User  # noqa: E402
from participants.resources import COMPANY_COLUMNS  # noqa: E402
from participants.selectors import access_company_import  # noqa: E402
from participants.services import company_import_commit, company_import_preview, company_import_store  # noqa: E402
from sks.roles import Role  # noqa: E402

PREFECTURES = ["東京都", "神奈川県", "埼玉県", "千葉県", "静岡県", "愛知県", "大阪府", "北海道", "福岡県", "宮城県"]
CITIES = [
    "中央区",
    "横浜市西区",
    "川崎市川崎区",
    "藤沢市",
    "さいたま市大宮区",
    "千葉市中央区",
    "浜松市中央区",
    "名古屋市中区",
]
STEMS = [
    ("川崎", "カワサキ"),
    ("湘南", "ショウナン"),
    ("横須賀", "ヨコスカ"),
    ("富士", "フジ"),
    ("みなと", "ミナト"),
    ("さくら", "サクラ"),
    ("東海", "トウカイ"),
    ("相模", "サガミ"),
    ("大和", "ヤマト"),
    ("鎌倉", "カマクラ"),
]
TRADES = [
    ("精密工業", "セイミツコウギョウ"),
    ("製作所", "セイサクショ"),
    ("食品", "ショクヒン"),
    ("商事", "ショウジ"),
    ("建設", "ケンセツ"),
    ("運輸", "ウンユ"),
    ("電機", "デンキ"),
    ("ベーカリー", "ベーカリー"),
    ("システムズ", "システムズ"),
    ("水産加工", "スイサンカコウ"),
]
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN = ["一郎", "花子", "健", "美咲", "誠", "正", "洋子", "修", "明", "隆"]
BRANCHES = ["本店営業部", "川崎支店", "藤沢支店", "横須賀支店", "鎌倉支店"]
# The columns the import page reads, in its own order: the file exercises every one of them.
HEADER = list(COMPANY_COLUMNS.values())


def corporate_number(body: int) -> str:
    digits = f"{body:012d}"
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(digits)))
    return f"{9 - total % 9}{digits}"


def kanji_number(n: int) -> str:
    """Keeps generated names unique without Latin digits: 1234 -> 一二三四."""
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))


def kana_number(n: int) -> str:
    return "".join(
        ["ゼロ", "イチ", "ニ", "サン", "ヨン", "ゴ", "ロク", "ナナ", "ハチ", "キュウ"][int(d)] for d in str(n)
    )


def generate_csv(rows: int, seed: int = 2026) -> bytes:
    rng = random.Random(seed)  # noqa: S311 (made-up test data, not secrets)
    middles = list(Industry.objects.filter(parent__isnull=False).select_related("parent"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for i in range(1, rows + 1):
        stem, stem_kana = rng.choice(STEMS)
        trade, trade_kana = rng.choice(TRADES)
        middle = rng.choice(middles)
        capital = rng.choice(["1000万円", "3,000,000", "50000000", "1億円", ""])
        founded = rng.choice(
            [str(rng.randint(1950, 2020)), f"昭和{rng.randint(30, 63)}年", f"平成{rng.randint(2, 30)}年"]
        )
        writer.writerow(
            [
                f"株式会社{stem}{trade}{kanji_number(i)}",
                f"{stem_kana}{trade_kana}{kana_number(i)}",
                corporate_number(400_000_000_000 + i),
                f"K{i:06d}",
                rng.choice(PREFECTURES),
                rng.choice(CITIES),
                middle.parent.name if i % 2 else middle.parent.code,
                middle.name if i % 3 else middle.code,
                f"{rng.randint(1, 300):,}",
                capital,
                founded,
                f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                f"0{rng.randint(3, 99)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                f"info{i}@company{i}.example.jp",
                f"https://company{i}.example.jp/",
                rng.choice(BRANCHES),
                rng.choice(["", "事業承継を検討中。", "設備投資の相談あり。", "海外販路に関心。"]),
            ]
        )
    return out.getvalue().encode("cp932")


def main(rows: int) -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = _MEDIA_DIR
    bank, _created = Organization.objects.get_or_create(
        name="ベンチ信用金庫",
        defaults={"kind": OrganizationKind.FINANCIAL_INSTITUTION, "institution_type": FinancialInstitutionType.SHINKIN},
    )
    for i, name in enumerate(BRANCHES, start=1):
        Branch.objects.get_or_create(organization=bank, name=name, defaults={"code": f"{i:03d}"})
    user, _created = User.objects.get_or_create(email="bench@example.jp", defaults={"name": "ベンチ 太郎"})
    Membership.objects.get_or_create(user=user, organization=bank, role=Role.BANK_STAFF)
    user = User.objects.get(pk=user.pk)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine} (migrated in {time.perf_counter() - started:.1f} s)")

    t = time.perf_counter()
    content = generate_csv(rows)
    seconds = time.perf_counter() - t
    print(f"{'generate':<14} {rows:>6} rows  {seconds:6.2f} s  ({len(content) / 1e6:.1f} MB, Shift_JIS CSV)")

    def run(label: str, content: bytes) -> None:
        t = time.perf_counter()
        token = company_import_store(by=user, institution=bank, content=content, filename="取引先一覧.csv")
        pending = access_company_import(user=user, token=token)
        print(f"{(label + ' upload').strip():<14} {rows:>6} rows  {time.perf_counter() - t:6.2f} s")
        t = time.perf_counter()
        report = company_import_preview(by=user, pending=pending)
        assert not report.has_errors, report.error_rows[:3]
        print(
            f"{(label + ' preview').strip():<14} {len(report.rows):>6} rows  {time.perf_counter() - t:6.2f} s"
            f"  (new {report.new}, update {report.updated}, errors {len(report.error_rows)})"
        )
        t = time.perf_counter()
        report = company_import_commit(by=user, pending=pending, expected_digest=report.digest)
        print(
            f"{(label + ' import').strip():<14} {len(report.rows):>6} rows  {time.perf_counter() - t:6.2f} s"
            f"  (new {report.new}, update {report.updated})"
        )

    run("", content)
    run("re", content)
    run("change", generate_csv(rows, seed=2027))
    with scopes_disabled():  # counting every institution's rows is the point here
        print(f"companies in the database: {Company.objects.filter(institution=bank).count()}")
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
    finally:
        shutil.rmtree(_MEDIA_DIR, ignore_errors=True)
        if _OWN_DATABASE:
            _DB_FILE.unlink(missing_ok=True)
