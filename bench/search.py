"""Benchmark of the senior search on PostgreSQL with 100,000 seniors.

    .venv/bin/python bench/search.py                 # DATABASE_URL defaults to .../sks_bench (its own db)
    .venv/bin/python bench/search.py --explain       # also print EXPLAIN ANALYZE of two keyword queries

Creates the database if it is missing, migrates, runs `seed_scale --seniors N` (adds only what is
missing), then times 20 typical searches through the same selector the view uses (`senior_search`: the
page's ids and total, then the 20 profiles with their user and prefetched relations). Each search runs
once to warm up and then `--repeat` times; its time is the median of those runs. Prints every search, the
median and the 95th percentile (nearest rank) over the 20. Target: median < 100 ms, p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sks_bench"


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seniors", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of keyword queries")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    ensure_database(url)

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sks.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from participants.models import ExpertiseArea, Industry, Qualification, Region
    from participants.selectors import SeniorSearchCriteria, search_keywords, senior_search, senior_search_queryset

    call_command("migrate", verbosity=0)
    call_command("seed_scale", seniors=args.seniors)

    area = {a.code: a.pk for a in ExpertiseArea.objects.all()}
    region = {r.code: r.pk for r in Region.objects.all()}
    qualification = {q.code: q.pk for q in Qualification.objects.all()}
    major = {i.code: i.pk for i in Industry.objects.majors()}

    def kw(text: str, **filters: object) -> SeniorSearchCriteria:
        return SeniorSearchCriteria(keywords=search_keywords(text), **filters)  # type: ignore[arg-type]  # the filters are the criteria's own keyword arguments

    searches: list[tuple[str, SeniorSearchCriteria, int]] = [
        ("販路", kw("販路"), 1),
        ("DX", kw("DX"), 1),
        ("事業承継", kw("事業承継"), 1),
        ("品質管理", kw("品質管理"), 1),
        ("海外 販路 (2 keywords)", kw("海外 販路"), 1),
        ("ISO9001", kw("ISO9001"), 1),
        ("販路 p3", kw("販路"), 3),
        ("DX p3", kw("DX"), 3),
        ("expertise 販路開拓", kw("", expertise_ids=(area["sales-channels"],)), 1),
        ("expertise 2 areas + weekdays 2", kw("", expertise_ids=(area["dx-it"], area["finance"]), weekdays=(0, 2)), 1),
        ("prefecture 東京 + remote", kw("", prefecture="13", remote_ok=True), 1),
        ("region 近畿 + min 8 days", kw("", region_id=region["kinki"], min_days_per_month=8), 1),
        ("industry E + 診断士", kw("", industry_major_id=major["E"], qualification_id=qualification["shindanshi"]), 1),
        ("filters p3: region 関東", kw("", region_id=region["kanto"]), 3),
        ("DX + 東京", kw("DX", prefecture="13"), 1),
        ("販路 + 関東 + remote", kw("販路", region_id=region["kanto"], remote_ok=True), 1),
        ("事業承継 + 財務", kw("事業承継", expertise_ids=(area["finance"],)), 1),
        ("品質管理 + 製造業 p3", kw("品質管理", industry_major_id=major["E"]), 3),
        ("DX 推進 + weekdays", kw("DX 推進", weekdays=(1, 3)), 1),
        ("no criteria (browse)", kw(""), 1),
    ]

    print(f"\n{'search':<36} {'results':>8} {'ms (median of ' + str(args.repeat) + ')':>20}")
    times = []
    for label, criteria, page in searches:
        senior_search(criteria=criteria, page=page)  # warm-up
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = senior_search(criteria=criteria, page=page)
            runs.append((time.perf_counter() - started) * 1000)
        elapsed = statistics.median(runs)
        times.append(elapsed)
        found = f"{result.shown_total}+" if result.capped else str(result.total)
        print(f"{label:<36} {found:>8} {elapsed:>20.1f}")
    ordered = sorted(times)
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]
    print(f"\nmedian {statistics.median(times):.1f} ms   p95 {p95:.1f} ms   (target: median < 100, p95 < 300)")

    if args.explain:
        from participants.selectors.search import MAX_COUNTED, _planned_for_memory

        for text in ("DX", "販路", "品質管理", "事業承継"):
            # The ranked ids query of senior_search, planned as senior_search plans it.
            with _planned_for_memory():
                qs = senior_search_queryset(criteria=kw(text)).values_list("pk", flat=True)[: MAX_COUNTED + 1]
                plan = qs.explain(analyze=True, buffers=True)
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) keyword {text!r}:\n{plan}")
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
