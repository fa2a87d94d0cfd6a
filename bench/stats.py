"""Benchmark of the statistics dashboard on PostgreSQL with a national-scale history.

    .venv/bin/python bench/stats.py                  # full scale (DATABASE_URL defaults to .../sks_bench_stats)
    .venv/bin/python bench/stats.py --scale 0.01     # a quick check (1% of every volume)
    .venv/bin/python bench/stats.py --keep           # reuse the seeded database if it has this scale

Drops and recreates its own database (never the development or CI one), migrates it and seeds, with bulk
inserts in large batches: 500 institutions (5 branches each), 20 coordinator organisations, 47 local
governments, 2,000 events over 2019-2026 (most held, follow_up or closed), 40,000 companies, 150,000
seniors, ~50,000 enrolments with hearing sheets and issue categories, 2,000 published timetables with
200,000 meetings, a result per meeting, second interviews, agreements for ~57% of the enrolments, survey
responses and the statistics' stored summary of the meetings (matching.models.MeetingFigure). Then times
every dashboard query of the statistics page for a coordinator, a bank staff member (of the largest
institution) and a local government, and the whole page (Django test Client GET after force_login). Each
time is the median of `--repeat` runs after one warm-up. Targets: each query < 300 ms, the page < 1 s.
Prints a table: user, query (a selector call of the page, which may run several SQL statements), its ms, its
number of SQL statements and the slowest statement's ms, and PASS/FAIL on the selector's whole time.

Not a test: pytest never collects it (no test_ prefix) and it refuses to run inside pytest.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sks_bench_stats"
QUERY_TARGET_MS = 300.0
PAGE_TARGET_MS = 1000.0
BATCH = 5000

VOLUMES = {
    "institutions": 500,
    "branches_per_institution": 5,
    "coordinators": 20,
    "events": 2000,
    "companies": 40_000,
    "seniors": 150_000,
    "enrolments_per_event": 25,
    "meetings": 200_000,
}


def recreate_database(url: str, *, keep: bool) -> bool:
    """Create the database (dropping it first unless `keep`); True when it already existed and was kept."""
    import psycopg2

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if exists and keep:
            conn.close()
            return True
        if exists:
            cur.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return False


def _bulk(model: Any, rows: list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=BATCH) if rows else []


def seed(scale: float, rng: random.Random) -> dict[str, Any]:
    import datetime as dt

    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX as NO_PASSWORD
    from django.db import connection, transaction

    from events.models import Event, EventCompany, EventHost, HearingIssue, HearingSheet
    from matching.models import (
        InterviewResult,
        SecondInterview,
        SupportAgreement,
        SurveyResponse,
        Timetable,
        TimetableMeeting,
    )
    from matching.services.figures import meeting_figures_refresh_all
    from participants.enums import FinancialInstitutionType, OrganizationKind
    from participants.models import Branch, Company, Membership, Organization, SeniorProfile, User
    from sks.roles import Role

    def n(key: str, minimum: int = 1) -> int:
        return max(minimum, round(VOLUMES[key] * scale))

    n_inst, n_coord, n_events = n("institutions", 5), n("coordinators", 2), n("events", 10)
    n_companies, n_seniors = n("companies", 50), n("seniors", 100)
    per_event = VOLUMES["enrolments_per_event"]
    meetings_per_event = max(4, round(VOLUMES["meetings"] / VOLUMES["events"]))
    prefectures = [f"{i:02d}" for i in range(1, 48)]
    categories = ["sales", "product", "hr", "dx", "overseas", "succession", "finance", "production", "quality"]

    with transaction.atomic():
        started = time.perf_counter()
        institutions = _bulk(
            Organization,
            [
                Organization(
                    name=f"ベンチ銀行{i:04d}",
                    kind=OrganizationKind.FINANCIAL_INSTITUTION,
                    institution_type=FinancialInstitutionType.SHINKIN,
                    prefecture=prefectures[i % 47],
                )
                for i in range(n_inst)
            ],
        )
        coordinators = _bulk(
            Organization,
            [Organization(name=f"ベンチ団体{i:03d}", kind=OrganizationKind.COORDINATOR) for i in range(n_coord)],
        )
        governments = _bulk(
            Organization,
            [
                Organization(name=f"ベンチ県{p}", kind=OrganizationKind.LOCAL_GOVERNMENT, prefecture=p)
                for p in prefectures
            ],
        )
        branches = _bulk(
            Branch,
            [
                Branch(organization=inst, name=f"第{b}支店", code=f"{b:03d}", prefecture=inst.prefecture)
                for inst in institutions
                for b in range(VOLUMES["branches_per_institution"])
            ],
        )
        branches_of: dict[int, list[Branch]] = {}
        for branch in branches:
            branches_of.setdefault(branch.organization_id, []).append(branch)
        # One staff user per institution (attending staff), one per coordinator and local government.
        staff_users = _bulk(
            User,
            [User(email=f"bench-staff{i}@example.jp", name=f"職員{i}", password=NO_PASSWORD) for i in range(n_inst)],
        )
        coord_users = _bulk(
            User,
            [User(email=f"bench-coord{i}@example.jp", name=f"調整{i}", password=NO_PASSWORD) for i in range(n_coord)],
        )
        lg_users = _bulk(
            User, [User(email=f"bench-lg{p}@example.jp", name=f"自治体{p}", password=NO_PASSWORD) for p in prefectures]
        )
        memberships = [
            Membership(user=u, organization=o, role=role)
            for users, orgs, role in (
                (staff_users, institutions, Role.BANK_STAFF),
                (coord_users, coordinators, Role.COORDINATOR),
                (lg_users, governments, Role.LOCAL_GOVERNMENT),
            )
            for u, o in zip(users, orgs, strict=True)
        ]
        _bulk(Membership, memberships)
        staff_of = {inst.pk: user for inst, user in zip(institutions, staff_users, strict=True)}
        # Institutions differ in size (a few large regional banks, many small shinkin).
        weights = [1.0 / (1 + i % 50) for i in range(n_inst)]
        owners = rng.choices(institutions, weights=weights, k=n_companies)
        companies = _bulk(
            Company,
            [
                Company(
                    institution=inst,
                    branch=rng.choice(branches_of[inst.pk]),
                    name=f"株式会社ベンチ{i:06d}",
                    prefecture=inst.prefecture,
                )
                for i, inst in enumerate(owners)
            ],
        )
        companies_of: dict[int, list[Company]] = {}
        for company in companies:
            companies_of.setdefault(company.institution_id, []).append(company)
        senior_users = _bulk(
            User,
            [
                User(email=f"bench-senior{i}@example.jp", name=f"新現役{i}", password=NO_PASSWORD)
                for i in range(n_seniors)
            ],
        )
        seniors = _bulk(
            SeniorProfile, [SeniorProfile(user=u, prefecture=rng.choice(prefectures)) for u in senior_users]
        )
        print(f"  organisations, users, companies, seniors: {time.perf_counter() - started:.1f} s", flush=True)

        started = time.perf_counter()
        first_day, span = dt.date(2019, 1, 1), (dt.date(2026, 10, 31) - dt.date(2019, 1, 1)).days
        events, hosts_of = [], []
        for i in range(n_events):
            day = first_day + dt.timedelta(days=rng.randrange(span))
            status = "closed" if day.year < 2026 else rng.choice(["held", "follow_up", "closed", "selection"])
            hosts = rng.sample(institutions, k=rng.choice([1, 1, 2, 3]))
            hosts_of.append(hosts)
            events.append(
                Event(
                    title=f"ベンチ交流会{i:05d}",
                    coordinator=rng.choice(coordinators),
                    venue="会館",
                    prefecture=hosts[0].prefecture,
                    date=day,
                    enrolment_deadline=day - dt.timedelta(days=40),
                    hearing_deadline=day - dt.timedelta(days=30),
                    issue_list_date=day - dt.timedelta(days=25),
                    application_deadline=day - dt.timedelta(days=15),
                    selection_deadline=day - dt.timedelta(days=8),
                    status=status,
                )
            )
        events = _bulk(Event, events)
        _bulk(
            EventHost,
            [EventHost(event=e, institution=h) for e, hosts in zip(events, hosts_of, strict=True) for h in hosts],
        )
        co_hosts = Event.co_hosts.through
        government_of = {g.prefecture: g for g in governments}
        _bulk(
            co_hosts,
            [
                co_hosts(event_id=e.pk, organization_id=government_of[e.prefecture].pk)
                for e in events
                if rng.random() < 0.3
            ],
        )
        enrolments = []
        for event, hosts in zip(events, hosts_of, strict=True):
            pool = [c for h in hosts for c in companies_of.get(h.pk, [])]
            for company in rng.sample(pool, k=min(per_event, len(pool))):
                enrolments.append(
                    EventCompany(
                        event=event,
                        company=company,
                        institution_id=company.institution_id,
                        attending_staff=staff_of[company.institution_id],
                    )
                )
        enrolments = _bulk(EventCompany, enrolments)
        sheets = _bulk(HearingSheet, [HearingSheet(enrolment=e, status="approved") for e in enrolments])
        _bulk(
            HearingIssue,
            [
                HearingIssue(sheet=s, category=c, description="課題")
                for s in sheets
                for c in rng.sample(categories, k=rng.choice([1, 1, 2]))
            ],
        )
        print(f"  events, hosts, enrolments, hearing sheets: {time.perf_counter() - started:.1f} s", flush=True)

        started = time.perf_counter()
        by_event: dict[int, list[EventCompany]] = {}
        for enrolment in enrolments:
            by_event.setdefault(enrolment.event_id, []).append(enrolment)
        held = [e for e in events if e.status != "selection"]
        timetables = _bulk(
            Timetable, [Timetable(event=e, version=1, status="published", solve_status="done") for e in held]
        )
        meetings, results, seconds, agreements, surveys = [], [], [], [], []
        for event, timetable in zip(held, timetables, strict=True):
            tables = by_event.get(event.pk, [])
            if not tables:
                continue
            guests = rng.sample(seniors, k=max(2, meetings_per_event // 3))
            pairs: set[tuple[int, int]] = set()
            while len(pairs) < min(meetings_per_event, len(tables) * len(guests)):
                pairs.add((rng.randrange(len(tables)), rng.randrange(len(guests))))
            met: dict[int, list[SeniorProfile]] = {}
            for slot, (t, g) in enumerate(sorted(pairs)):
                enrolment, senior = tables[t], guests[g]
                met.setdefault(t, []).append(senior)
                meetings.append(
                    TimetableMeeting(
                        timetable=timetable, enrolment=enrolment, senior=senior, slot=slot % 6, kind="mutual"
                    )
                )
                results.append(
                    InterviewResult(
                        event=event,
                        enrolment=enrolment,
                        senior=senior,
                        institution_id=enrolment.institution_id,
                        company_wish=rng.choice(["yes", "maybe", "no"]),
                    )
                )
            for t, enrolment in enumerate(tables):
                partners = met.get(t)
                if not partners:
                    continue
                roll = rng.random()
                if roll < 0.57:  # supported: a second interview that led to an agreement
                    senior = partners[0]
                    seconds.append(
                        SecondInterview(
                            event=event,
                            enrolment=enrolment,
                            senior=senior,
                            institution_id=enrolment.institution_id,
                            status="agreed",
                            staff_id=enrolment.attending_staff_id,
                        )
                    )
                    agreements.append(
                        SupportAgreement(
                            event=event,
                            enrolment=enrolment,
                            company_id=enrolment.company_id,
                            senior=senior,
                            institution_id=enrolment.institution_id,
                            kind="subsidised",
                            start_date=event.date,
                            responsible_staff_id=enrolment.attending_staff_id,
                        )
                    )
                elif roll < 0.75:
                    seconds.append(
                        SecondInterview(
                            event=event,
                            enrolment=enrolment,
                            senior=partners[0],
                            institution_id=enrolment.institution_id,
                            status=rng.choice(["not_agreed", "cancelled", "held"]),
                            staff_id=enrolment.attending_staff_id,
                        )
                    )
            for senior in guests[:8]:
                surveys.append(
                    SurveyResponse(event=event, user_id=senior.user_id, role="senior", satisfaction=rng.randint(2, 5))
                )
        _bulk(TimetableMeeting, meetings)
        _bulk(InterviewResult, results)
        _bulk(SecondInterview, seconds)
        _bulk(SupportAgreement, agreements)
        _bulk(SurveyResponse, surveys)
        written = meeting_figures_refresh_all()  # the statistics' stored summary, as publishing fills it
        print(
            f"  {len(timetables)} timetables, {len(meetings)} meetings, {len(results)} results, {len(seconds)} second"
            f" interviews, {len(agreements)} agreements, {len(surveys)} survey responses, {written} meeting figures:"
            f" {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "institutions": len(institutions),
        "events": len(events),
        "companies": len(companies),
        "seniors": len(seniors),
        "enrolments": len(enrolments),
        "meetings": len(meetings),
    }


def _median_ms(function: Callable[[], Any], repeat: int) -> float:
    function()  # warm-up
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def _statements_ms(function: Callable[[], Any]) -> list[float]:
    """The time of each SQL statement of one more run (from Django's query log)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return [float(q["time"]) * 1000 for q in captured.captured_queries]


def bench_users() -> dict[str, Any]:
    """The users the page is timed for: a coordinator, the largest institution's staff member, the local
    government of the prefecture with the most events. Each gets a TOTP authenticator (staff need MFA)."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db.models import Count

    from events.models import Event, EventCompany
    from participants.models import Membership, User

    largest = (EventCompany.unscoped.values("institution_id").annotate(n=Count("pk")).order_by("-n").first() or {}).get(
        "institution_id"
    )
    busiest = (Event.objects.values("prefecture").annotate(n=Count("pk")).order_by("-n").first() or {}).get(
        "prefecture"
    )
    users = {
        "coordinator": Membership.objects.filter(role="coordinator").order_by("pk").first().user,  # type: ignore[union-attr]  # the seeded world always has this membership
        "bank staff": Membership.objects.filter(role="bank_staff", organization_id=largest).first().user,  # type: ignore[union-attr]  # the seeded world always has this membership
        "local government": Membership.objects.filter(  # type: ignore[union-attr]  # the seeded world always has this membership
            role="local_government", organization__prefecture=busiest
        )
        .first()
        .user,
    }
    for user in users.values():
        if not user.authenticator_set.exists():
            TOTP.activate(user, generate_totp_secret())
            RecoveryCodes.activate(user)
    return {label: User.objects.get(pk=u.pk) for label, u in users.items()}


def _time_user(label: str, user: Any, repeat: int) -> bool:
    """Time every dashboard query of `user`'s statistics page, then the page itself; True if all pass."""
    from django.test import Client
    from django.urls import reverse

    from matching.selectors import statistics as s

    ok = True
    scope = s.statistics_scope_for(user=user)
    filters = s.StatFilters()
    page_events = list(s.scope_events(scope=scope, filters=filters)[:25])

    def breakdown(name: str) -> Callable[[], Any]:
        return lambda: s.breakdown_rows(scope=scope, filters=filters, name=name)

    queries: list[tuple[str, Callable[[], Any]]] = [
        ("dashboard panel (rate)", lambda: s.totals(scope=scope, filters=filters, parts="enrolments")),
        ("totals", lambda: s.totals(scope=scope, filters=filters)),
        ("events: count", lambda: s.scope_events(scope=scope, filters=filters).count()),
        ("events: page of 25", lambda: list(s.scope_events(scope=scope, filters=filters)[:25])),
        ("events: figures + survey", lambda: s.event_rows(scope=scope, filters=filters, events=page_events)),
        ("trend by month (12)", lambda: s.monthly_rows(scope=scope, filters=filters)),
    ]
    if scope.kind == "institution":
        queries.append(("national totals (suppression)", lambda: s.national_totals(scope=scope, filters=filters)))
    queries += [(f"breakdown: {name}", breakdown(name)) for name in scope.breakdowns]
    queries.append(
        ("totals, 2024 only", lambda: s.totals(scope=scope, filters=s.StatFilters(year_from=2024, year_to=2024)))
    )
    for name, function in queries:
        ms = _median_ms(function, repeat)
        statements = _statements_ms(function)
        passed = ms < QUERY_TARGET_MS
        ok &= passed
        print(
            f"{label:<18}{name:<34}{ms:>9.1f}{len(statements):>5}{max(statements, default=0):>10.1f}"
            f"  {'PASS' if passed else 'FAIL'}"
        )
    client = Client()
    client.force_login(user)
    url = reverse("matching:statistics")
    for query in ({}, {"by": "category"}):
        status: list[int] = []

        def get(query: dict[str, str] = query, status: list[int] = status) -> None:
            status.append(client.get(url, query).status_code)

        ms = _median_ms(get, repeat)
        passed = ms < PAGE_TARGET_MS and set(status) == {200}
        ok &= passed
        what = "PAGE " + (f"?by={query['by']}" if query else "(default)")
        statements = _statements_ms(get)
        print(
            f"{label:<18}{what:<34}{ms:>9.1f}{len(statements):>5}{max(statements, default=0):>10.1f}"
            f"  {'PASS' if passed else 'FAIL'} (HTTP {sorted(set(status))})"
        )
    return ok


def run_timings(repeat: int) -> bool:
    ok = True
    header = f"{'user':<18}{'query':<34}{'ms':>9}{'SQL':>5}{'max SQL':>10}  result"
    print("\n" + header)
    print("-" * len(header))
    for label, user in bench_users().items():
        ok &= _time_user(label, user, repeat)
    return ok


def main() -> int:
    if "pytest" in sys.modules or "PYTEST_CURRENT_TEST" in os.environ:
        print("bench/stats.py is a benchmark, not a test: run it with python, outside pytest", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national volumes (0.01 = quick)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query (median)")
    parser.add_argument("--keep", action="store_true", help="reuse an already seeded database")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()

    url = os.environ.get("BENCH_STATS_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            f"DATABASE_URL must point at PostgreSQL (got {url.split(':', 1)[0]}://…): this benchmark measures the"
            " production database. Example: DATABASE_URL=postgres://postgres@127.0.0.1:5432/sks_bench_stats",
            file=sys.stderr,
        )
        return 2
    if os.environ.get("DATABASE_URL") and not os.environ.get("BENCH_STATS_DATABASE_URL"):
        # Never drop the database the developer or CI works in: use a sibling database of the same server.
        parts = urllib.parse.urlparse(url)
        url = urllib.parse.urlunparse(parts._replace(path="/sks_bench_stats"))
    kept = recreate_database(url, keep=args.keep)
    os.environ["DATABASE_URL"] = url

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sks.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from participants.models import Organization

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database {urllib.parse.urlparse(url).path.lstrip('/')}: migrated in {time.perf_counter() - started:.1f} s")
    # A benchmark outside any request: no institution scope to activate, everything is read and written.
    with scopes_disabled():
        if kept and Organization.objects.filter(name__startswith="ベンチ銀行").exists():
            print("reusing the seeded data (--keep)")
        else:
            started = time.perf_counter()
            print(f"seeding at scale {args.scale} …", flush=True)
            rng = random.Random(args.seed)  # noqa: S311  (benchmark data, not secrets)
            counts = seed(args.scale, rng)
            print(
                f"seeded in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{k} {v}" for k, v in counts.items())
            )
        ok = run_timings(args.repeat)
    print(
        f"\ntargets: each query < {QUERY_TARGET_MS:.0f} ms, the page < {PAGE_TARGET_MS:.0f} ms"
        f" → {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
