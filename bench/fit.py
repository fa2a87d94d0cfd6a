"""Benchmark of the fit (matching/engine/fit.py, matching/selectors/fit.py): speed on PostgreSQL and quality.

    .venv/bin/python bench/fit.py                   # both; DATABASE_URL defaults to .../sks_bench_fit
    .venv/bin/python bench/fit.py --quality-only    # no database: the planted-fit quality table only

Speed. Creates the database if missing, migrates, runs `seed_scale --seniors N` (adds
only what is missing), gives every seeded senior the pledge in force (seed_scale makes consents only), adds
an event of `--companies` approved companies (once), then times, each as the median of `--repeat` runs
after one warm-up, through the same selectors the pages use:

* the 10 best seniors for one company's issues among all (`fit_suggestions_for_enrolment`)   < 200 ms
* one senior's list for the event (`fit_issues_for_senior`)                                  < 100 ms
* the publish-time mail run (`fit_mail_recipients`: every recipient and their issues)        < 60 s
  (timed in one process; task_send_fit_mails splits it into batch tasks that any number of workers share)
  (the ledger rows and the mail itself are written by reminder_schedule / reminder_deliver, per recipient,
  in the worker pool; timed separately as "ledger" for the recipients found)

Quality. A synthetic population with planted true fits, in pure Python (no database): each senior has a
latent strength (one or two of the issue categories), a latent industry and a latent reliability; what
the platform sees is derived from them with noise (an expertise area ticked or not, a random extra one,
phrases in the self-introduction that may or may not mention the strength, an industry ticked or not,
past agreements that come mostly from real strength, no-shows from low reliability). An issue's true fits
are the seniors strong in its category who are reliable and who either know its industry or can be there
(same prefecture or remote). Printed: recall@10 and nDCG@10 averaged over the issues, for the fit score,
today's keyword search ranking (the category's name typed as the keyword, ranked as
participants.selectors.search ranks: occurrences in the search text, at most 5, ties by recency, here
random), and random.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sks_bench_fit"
EVENT_TITLE = "ベンチマーク用 交流会（fit）"

from matching.engine.fit import (  # noqa: E402  (the path above first; the engine needs no Django)
    CATEGORY_EXPERTISE,
    IssueFacts,
    SeniorFacts,
    rank_seniors,
)

# --- quality ---------------------------------------------------------------------------------------------------

CATEGORIES = {
    "sales": "販路開拓",
    "product": "新商品開発",
    "hr": "人材育成",
    "dx": "DX/IT",
    "overseas": "海外展開",
    "succession": "事業承継",
    "finance": "財務",
    "production": "生産管理",
    "quality": "品質",
}
# What a senior writes when strong in a category, and what a company writes about the same need: they share
# some words, not all (the hearing sheet is written by bank staff, the self-introduction by the senior).
SENIOR_PHRASES = {
    "sales": ["百貨店や量販店への販路開拓を担当しました", "展示会で新規顧客を開拓してきました"],
    "product": ["新商品の企画から発売までを率いました", "顧客の声を生かした商品開発が得意です"],
    "hr": ["若手社員の育成と研修制度を作りました", "管理職研修の講師を務めました"],
    "dx": ["基幹システムの刷新と業務のデジタル化を主導しました", "社内のDX推進を担当しました"],
    "overseas": ["アジアでの海外拠点の立ち上げを経験しました", "輸出入の実務と海外取引に精通しています"],
    "succession": ["後継者の育成と事業承継の計画づくりを支援しました", "親族外への事業承継に関わりました"],
    "finance": ["資金繰りの管理と財務体質の改善を担当しました", "管理会計を導入しました"],
    "production": ["工場の生産管理と原価低減に取り組みました", "生産ラインの改善を指導しました"],
    "quality": ["品質保証の責任者として不良の低減に取り組みました", "ISO9001の取得を指導しました"],
}
ISSUE_PHRASES = {
    "sales": ["首都圏の量販店への販路を広げたい", "新規顧客の開拓が進まない"],
    "product": ["自社技術を生かした新商品を企画したい", "商品開発の進め方がわからない"],
    "hr": ["若手の育成が追いつかない", "研修の仕組みを作りたい"],
    "dx": ["受発注を紙からシステムに移したい", "業務のデジタル化を進めたい"],
    "overseas": ["アジアへの輸出を始めたい", "海外取引の実務を学びたい"],
    "succession": ["後継者への事業承継を計画したい", "親族外承継を検討している"],
    "finance": ["資金繰りを安定させたい", "財務の見える化をしたい"],
    "production": ["生産の段取りを改善して原価を下げたい", "工場の生産管理を見直したい"],
    "quality": ["不良率を下げたい", "品質保証の仕組みを作りたい"],
}
FILLER = [
    "長年メーカーに勤務しました",
    "中小企業のお役に立ちたいと考えています",
    "現場に寄り添った支援を心がけています",
]
INDUSTRIES = {"E": "製造業", "I": "卸売業，小売業", "D": "建設業", "G": "情報通信業", "H": "運輸業，郵便業"}
PREFECTURES = {"13": "東京都", "14": "神奈川県", "15": "新潟県", "27": "大阪府", "23": "愛知県", "40": "福岡県"}


def _population(rng: random.Random, n_seniors: int) -> tuple[list[SeniorFacts], list[dict[str, object]], list[str]]:
    """Seniors as the platform sees them, their latent truth, and their keyword search text."""
    cats = list(CATEGORIES)
    facts, truth, texts = [], [], []
    for key in range(n_seniors):
        strong = set(rng.sample(cats, rng.choice([1, 1, 2])))
        industry = rng.choice(list(INDUSTRIES))
        reliable = rng.random() > 0.08
        prefecture = rng.choice(list(PREFECTURES))
        remote = rng.random() < 0.3
        # Visible fields, with noise.
        areas = {CATEGORY_EXPERTISE[c] for c in strong if rng.random() < 0.7}
        if rng.random() < 0.35:
            areas.add(CATEGORY_EXPERTISE[rng.choice(cats)])
        phrases = [rng.choice(SENIOR_PHRASES[c]) for c in strong if rng.random() < 0.6]
        if rng.random() < 0.35:
            phrases.append(rng.choice(SENIOR_PHRASES[rng.choice(cats)]))
        phrases.append(rng.choice(FILLER))
        rng.shuffle(phrases)
        intro = "。".join(phrases) + "。"
        majors = frozenset({industry}) if rng.random() < 0.7 else frozenset()
        agreements = {c: 1 for c in strong if rng.random() < 0.12}
        if rng.random() < 0.02:
            agreements[rng.choice(cats)] = 1  # a success outside one's strength happens too
        no_shows = rng.choice([2, 3]) if not reliable and rng.random() < 0.6 else 0
        facts.append(
            SeniorFacts(
                key=key,
                expertise=frozenset(areas),
                industry_majors=majors,
                career_text=f"{INDUSTRIES[industry]}の会社 部長" if rng.random() < 0.5 else "",
                introduction=intro,
                prefecture=prefecture,
                remote_ok=remote,
                weekdays=rng.choice([0b11111, 0b00101, 0]),
                agreements=agreements,
                no_shows=no_shows,
            )
        )
        truth.append(
            {"strong": strong, "industry": industry, "reliable": reliable, "prefecture": prefecture, "remote": remote}
        )
        names = [CATEGORIES[c] for c in sorted(c for c in cats if CATEGORY_EXPERTISE[c] in areas)]
        texts.append("\n".join([intro, *names, *(INDUSTRIES[m] for m in majors)]))
    return facts, truth, texts


def _issues(rng: random.Random, n_issues: int) -> list[IssueFacts]:
    issues = []
    for key in range(n_issues):
        category = rng.choice(list(CATEGORIES))
        industry = rng.choice(list(INDUSTRIES))
        prefecture = rng.choice(list(PREFECTURES))
        text = "。".join(rng.sample(ISSUE_PHRASES[category], 2)) + "。"
        issues.append(
            IssueFacts(
                key=key,
                category=category,
                category_label=CATEGORIES[category],
                text=text,
                wanted=frozenset({CATEGORY_EXPERTISE[category]}),
                expertise_labels={CATEGORY_EXPERTISE[c]: label for c, label in CATEGORIES.items()},
                industry_major=industry,
                industry_major_label=INDUSTRIES[industry],
                prefecture=prefecture,
                prefecture_label=PREFECTURES[prefecture],
                weekday=rng.randrange(5),
            )
        )
    return issues


def _relevant(issue: IssueFacts, truth: list[dict[str, object]]) -> set[int]:
    return {
        key
        for key, t in enumerate(truth)
        if issue.category in t["strong"]  # type: ignore[operator]  # a set, in a dict of mixed values
        and t["reliable"]
        and (t["industry"] == issue.industry_major or t["prefecture"] == issue.prefecture or t["remote"])
    }


def _keyword_ranking(keyword: str, texts: list[str], rng: random.Random) -> list[int]:
    ties = list(range(len(texts)))
    rng.shuffle(ties)  # the search breaks ties by recency: here, at random
    tie = {key: i for i, key in enumerate(ties)}
    counts = [(min(text.count(keyword), 5), key) for key, text in enumerate(texts)]
    return [key for n, key in sorted(counts, key=lambda c: (-c[0], tie[c[1]])) if n > 0]


def _recall_ndcg(ranked: list[int], relevant: set[int], k: int = 10) -> tuple[float, float]:
    top = ranked[:k]
    hits = [1.0 if key in relevant else 0.0 for key in top]
    recall = sum(hits) / min(k, len(relevant))
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return recall, dcg / ideal


def quality(*, seniors: int, issues: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311  (synthetic data, repeatable on purpose)
    facts, truth, texts = _population(rng, seniors)
    results: dict[str, list[tuple[float, float]]] = {"fit score": [], "keyword search": [], "random": []}
    # Why the fit's top 10 held someone who is not a planted fit (where the score fails).
    wrong: dict[str, int] = {
        "not strong in the category (noise area/phrase)": 0,
        "strong, but unreliable (no-shows not yet seen)": 0,
        "strong and reliable, but neither industry nor place": 0,
    }
    sizes = []
    for issue in _issues(rng, issues):
        relevant = _relevant(issue, truth)
        if not relevant:
            continue
        fit = [f.senior for f in rank_seniors(issue, facts, limit=10)]
        results["fit score"].append(_recall_ndcg(fit, relevant))
        results["keyword search"].append(_recall_ndcg(_keyword_ranking(issue.category_label, texts, rng), relevant))
        results["random"].append(_recall_ndcg(rng.sample(range(seniors), 10), relevant))
        sizes.append(len(relevant))
        for key in set(fit) - relevant:
            t = truth[key]
            if issue.category not in t["strong"]:  # type: ignore[operator]  # a set, in a dict of mixed values
                wrong["not strong in the category (noise area/phrase)"] += 1
            elif not t["reliable"]:
                wrong["strong, but unreliable (no-shows not yet seen)"] += 1
            else:
                wrong["strong and reliable, but neither industry nor place"] += 1
    print(
        f"\nquality: {seniors} seniors, {len(results['random'])} issues with planted fits (seed {seed}), "
        f"median {statistics.median(sizes)} true fits per issue"
    )
    print(f"{'ranking':<18} {'recall@10':>10} {'nDCG@10':>10}")
    for name, values in results.items():
        recall = statistics.mean(v[0] for v in values)
        ndcg = statistics.mean(v[1] for v in values)
        print(f"{name:<18} {recall:>10.3f} {ndcg:>10.3f}")
    print(f"the fit score's top 10s held {sum(wrong.values())} seniors who are not planted fits:")
    for why, n in wrong.items():
        print(f"  {why:<54} {n}")


# --- speed -----------------------------------------------------------------------------------------------------


def _median_ms(function: Callable[[], object], repeat: int) -> float:
    function()  # warm-up
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def _ensure_pledges() -> int:
    from django.utils import timezone

    from participants.models import PledgeAcceptance, PledgeVersion, SeniorProfile

    pledge = PledgeVersion.objects.filter(effective_from__lte=timezone.now()).order_by("-effective_from").first()
    missing = SeniorProfile.objects.exclude(pledges__pledge=pledge).values_list("pk", flat=True)
    rows = [PledgeAcceptance(senior_id=pk, pledge=pledge) for pk in missing.iterator()]
    PledgeAcceptance.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def _ensure_event(companies: int, seed: int) -> Any:
    from django.db import transaction

    with transaction.atomic():  # all of the event or none of it
        return _create_event(companies, seed)


def _create_event(companies: int, seed: int) -> Any:
    import datetime as dt

    from django.utils import timezone

    from events.models import Event, EventCompany, EventHost, HearingIssue, HearingSheet
    from participants.enums import OrganizationKind
    from participants.models import Company, ExpertiseArea, Industry, Organization, User

    event = Event.objects.filter(title=EVENT_TITLE).first()
    if event is not None:
        return event
    rng = random.Random(seed)  # noqa: S311  (synthetic data)
    bank = Organization.objects.create(
        name="ベンチ信用金庫", kind=OrganizationKind.FINANCIAL_INSTITUTION, institution_type="shinkin"
    )
    coordinator = Organization.objects.create(name="ベンチ コーディネート", kind=OrganizationKind.COORDINATOR)
    staff = User.objects.create(email="bench-fit-staff@example.jp", name="ベンチ 職員")
    day = timezone.localdate() + dt.timedelta(days=30)
    event = Event.objects.create(
        title=EVENT_TITLE,
        coordinator=coordinator,
        date=day,
        venue="ベンチ会館",
        enrolment_deadline=day - dt.timedelta(days=20),
        hearing_deadline=day - dt.timedelta(days=15),
        issue_list_date=day - dt.timedelta(days=12),
        application_deadline=day - dt.timedelta(days=5),
        selection_deadline=day - dt.timedelta(days=2),
        status="published",
    )
    EventHost.objects.create(event=event, institution=bank)
    middles = list(Industry.objects.middles().select_related("parent"))
    areas = {a.code: a for a in ExpertiseArea.objects.all()}
    prefectures = ["13", "14", "15", "23", "27", "40", "01", "11", "12", "28"]
    rows = []
    for i in range(companies):
        middle = rng.choice(middles)
        rows.append(
            Company(
                institution=bank,
                name=f"ベンチ企業{i:03d}",
                prefecture=rng.choice(prefectures),
                industry=middle,
                industry_major=middle.parent,
            )
        )
    created = Company.objects.bulk_create(rows)
    # Benchmark data outside any request: no institution scope to write in.
    enrolments = EventCompany.unscoped.bulk_create(
        [EventCompany(event=event, company=c, institution=bank, attending_staff=staff) for c in created]
    )
    # Benchmark data outside any request, as above.
    sheets = HearingSheet.unscoped.bulk_create(
        [
            HearingSheet(
                enrolment=e,
                status="approved",
                public_title=f"課題{i:03d}",
                public_summary="。".join(rng.sample(ISSUE_PHRASES[rng.choice(list(ISSUE_PHRASES))], 2)),
            )
            for i, e in enumerate(enrolments)
        ]
    )
    issues = []
    for sheet in sheets:
        for position in range(rng.choice([1, 1, 2])):
            category = rng.choice(list(ISSUE_PHRASES))
            issues.append(
                HearingIssue(
                    sheet=sheet,
                    category=category,
                    description="。".join(rng.sample(ISSUE_PHRASES[category], 2)),
                    position=position,
                )
            )
    issues = HearingIssue.unscoped.bulk_create(issues)  # benchmark data outside any request
    through = HearingIssue.expertise.through
    through.objects.bulk_create(
        [through(hearingissue_id=i.pk, expertisearea_id=areas[CATEGORY_EXPERTISE[i.category]].pk) for i in issues]
    )
    return event


def speed(*, seniors: int, companies: int, repeat: int, seed: int, workers: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sks.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from events.access import enrolments_of_event
    from matching.selectors.fit import fit_issues_for_senior, fit_suggestions_for_enrolment, suggestible_seniors
    from matching.services.fit import fit_mail_recipients

    call_command("migrate", verbosity=0)
    call_command("seed_scale", seniors=seniors)
    added = _ensure_pledges()
    print(f"pledges added: {added}")
    if added:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics after the bulk insert, as autovacuum would soon
    event = _ensure_event(companies, seed)
    enrolments = list(enrolments_of_event(event=event).select_related("event").order_by("pk")[:5])
    senior = suggestible_seniors().order_by("pk").first()
    assert senior is not None, "no suggestible senior: did seed_scale run?"
    print(f"\nspeed: {suggestible_seniors().count()} suggestible seniors, event of {companies} companies")
    times = [_median_ms(functools.partial(fit_suggestions_for_enrolment, enrolment=e), repeat) for e in enrolments]
    print(
        f"10 best seniors for one company   median {statistics.median(times):8.1f} ms   "
        f"(5 companies: {', '.join(f'{t:.0f}' for t in times)})   target < 200"
    )
    own = _median_ms(lambda: fit_issues_for_senior(event=event, senior=senior), repeat)
    print(f"one senior's list (300 companies) median {own:8.1f} ms   target < 100")
    started = time.perf_counter()
    recipients = 0
    pairs = 0
    for _profile, issues in fit_mail_recipients(event=event):
        recipients += 1
        pairs += len(issues)
    elapsed = time.perf_counter() - started
    print(
        f"publish-time mail run             {elapsed:8.1f} s    ({recipients} recipients, {pairs} issues)   target < 60"
        "   (one process)"
    )
    if workers > 1:
        parallel, found = _mail_run_in_workers(event_id=event.pk, workers=workers)
        print(
            f"publish-time mail run             {parallel:8.1f} s    ({found} recipients)   target < 60"
            f"   ({workers} processes sharing the batches, as {workers} Celery workers share task_send_fit_mails_batch)"
        )
    connection.close()


def _batch_recipients(args: tuple[int, list[int]]) -> int:
    """One batch task's scoring, in a worker process (its own database connection)."""
    from events.models import Event
    from matching.services.fit import fit_mail_recipients

    event_id, ids = args
    event = Event.objects.get(pk=event_id)
    return sum(1 for _ in fit_mail_recipients(event=event, senior_ids=ids))


def _mail_run_in_workers(*, event_id: int, workers: int) -> tuple[float, int]:
    """The mail run split into the batches fit_mails_enqueue makes, shared by `workers` forked processes."""
    import multiprocessing

    from django.db import connections

    from events.models import Event
    from matching.services.fit import BATCH, fit_mail_candidates

    ids = list(fit_mail_candidates(event=Event.objects.get(pk=event_id)))
    batches = [(event_id, ids[start : start + BATCH]) for start in range(0, len(ids), BATCH)]
    connections.close_all()  # each forked process opens its own connection
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        found = sum(pool.imap_unordered(_batch_recipients, batches))
    return time.perf_counter() - started, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seniors", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes for the shared mail run (default: cores)"
    )
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--quality-seniors", type=int, default=2000)
    parser.add_argument("--quality-issues", type=int, default=60)
    args = parser.parse_args()
    if not args.speed_only:
        quality(seniors=args.quality_seniors, issues=args.quality_issues, seed=args.seed)
    if args.quality_only:
        return 0
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    from bench.search import ensure_database

    ensure_database(url)
    speed(seniors=args.seniors, companies=args.companies, repeat=args.repeat, seed=args.seed, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
