"""The follow-up demo for `manage.py seed_demo` (registered in MatchingConfig.ready): a past event.

「2026年秋 かながわ・しずおか 新現役交流会」, held about two months before today by the three demo banks, now
in follow-up: a published timetable (the six demo companies, 16 seniors, 28 interviews), a result for
every interview, second interviews at every step and support agreements for 3 of the 6 companies (a
matching rate of 50%), with a few visits logged. The demo senior (senior@…) has one interview still to
reflect on. Twelve seniors who only took part in this event are added (…@past.demo.sks.example.jp).

The rows are written directly with their historical dates (proposed a day after the event, held two weeks
later, ...), as the services would stamp "now" and mail every demo person. Running the seed twice changes
nothing: the event's title is its natural key, and the extra seniors are found by email.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from events.models import Event, EventCompany, EventHost, HearingIssue, HearingSheet
from participants.demo import DEMO_PASSWORD, demo_user
from participants.models import Company, Organization, SeniorProfile, User
from sks.clock import TOKYO

from .enums import AgreementKind, NotAgreedReason, SecondInterviewStatus, Wish
from .models import (
    AgreementVisit,
    InterviewResult,
    SecondInterview,
    SupportAgreement,
    SurveyResponse,
    Timetable,
    TimetableMeeting,
)
from .problems import event_problem
from .services.figures import meeting_figures_refresh

PAST_TITLE = "2026年秋 かながわ・しずおか 新現役交流会"
BANKS = ("さくら台信用金庫", "みなと信用組合", "東海みらい銀行")

# Titles of the existing demo companies' issues in this event.
TITLES = {
    "株式会社川崎精密工業": ("overseas", "精密部品の東南アジア販路開拓"),
    "湘南ベーカリー有限会社": ("dx", "受発注のデジタル化"),
    "横須賀マリン工房株式会社": ("succession", "船舶修理業の事業承継"),
    "鎌倉茶房株式会社": ("sales", "通販と法人ギフトの立ち上げ"),
    "浜松オートパーツ株式会社": ("quality", "品質保証体制の強化"),
    "沼津水産加工株式会社": ("production", "加工ラインの生産性向上"),
}
# 12 seniors who took part besides the four demo seniors: (local part, name, kana)
EXTRA_SENIORS = [
    ("senior5", "加藤 弘", "カトウ ヒロシ"),
    ("senior6", "吉田 恵子", "ヨシダ ケイコ"),
    ("senior7", "山田 茂", "ヤマダ シゲル"),
    ("senior8", "佐々木 明", "ササキ アキラ"),
    ("senior9", "山口 直子", "ヤマグチ ナオコ"),
    ("senior10", "松本 勝", "マツモト マサル"),
    ("senior11", "井上 博之", "イノウエ ヒロユキ"),
    ("senior12", "木村 和子", "キムラ カズコ"),
    ("senior13", "林 正樹", "ハヤシ マサキ"),
    ("senior14", "清水 誠一", "シミズ セイイチ"),
    ("senior15", "森 久美子", "モリ クミコ"),
    ("senior16", "池田 進", "イケダ ススム"),
]
ROUNDS = 5


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


def _extra_senior(local: str, name: str, kana: str) -> SeniorProfile:
    # Another domain than the demo logins': these seniors only fill the past event (no complete profile).
    email = f"{local}@past.demo.sks.example.jp"
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, "name_kana": kana})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    profile, _created = SeniorProfile.objects.get_or_create(
        user=user, defaults={"birth_year": 1955, "prefecture": "14"}
    )
    return profile


def _event(coordinator: User, day: dt.date) -> Event:
    event = Event.objects.create(
        title=PAST_TITLE,
        coordinator=Organization.objects.get(name="新現役交流会事務局"),
        date=day,
        venue="みどり市産業振興センター 多目的ホール",
        address="みどり市中央1-2-3",
        prefecture="14",
        start_time=dt.time(13, 30),
        rounds=ROUNDS,
        tables=10,
        enrolment_deadline=day - dt.timedelta(days=100),
        hearing_deadline=day - dt.timedelta(days=70),
        issue_list_date=day - dt.timedelta(days=60),
        application_deadline=day - dt.timedelta(days=30),
        selection_deadline=day - dt.timedelta(days=14),
        status="follow_up",
        status_changed_at=_at(day + dt.timedelta(days=1), 9),
        issue_list_published_at=_at(day - dt.timedelta(days=60), 9),
        created_by=coordinator,
    )
    for name in BANKS:
        EventHost.objects.create(event=event, institution=Organization.objects.get(name=name))
    return event


def _enrol(event: Event, company: Company, staff: User, category: str, title: str) -> EventCompany:
    enrolment = EventCompany.unscoped.create(
        event=event, company=company, institution=company.institution, attending_staff=staff, enrolled_by=staff
    )
    sheet = HearingSheet.unscoped.create(
        enrolment=enrolment,
        status="approved",
        support_form="ongoing",
        payment_capacity="subsidy_only",
        interviewer=staff,
        submitted_at=_at(event.date - dt.timedelta(days=75)),
        approved_at=_at(event.date - dt.timedelta(days=72)),
        approval_method="visit",
        public_title=title,
        public_summary=f"{company.city}の企業。{title}について、経験のある新現役の助言を求めています。",
    )
    HearingIssue.unscoped.create(sheet=sheet, category=category, description=title)
    return enrolment


# The fate of each company's first interview (round 1), which both sides wanted to follow up:
# (second interview status, agreement kind or "") — 3 of the 6 companies reach an agreement.
FIRST_PAIRS = [
    (SecondInterviewStatus.AGREED, AgreementKind.SUBSIDISED),
    (SecondInterviewStatus.AGREED, AgreementKind.SUBSIDISED),
    (SecondInterviewStatus.CONFIRMED, ""),
    (SecondInterviewStatus.AGREED, AgreementKind.PRIVATE),
    (SecondInterviewStatus.NOT_AGREED, ""),
    (SecondInterviewStatus.SCHEDULING, ""),
]
# A pair the coordinator proposed although the company only said "maybe": (company, round).
COORDINATOR_PAIR = (4, 1)
# Visits logged per agreement (by position in FIRST_PAIRS).
VISITS = {0: 2, 1: 3, 3: 1}
VISIT_SUMMARIES = [
    "現状の業務フローを確認し、課題を整理しました。",
    "改善案を社長と検討し、優先順位を決めました。",
    "取り組みの進み具合を確認し、次の打ち手を話し合いました。",
]


def _second_interview(
    result: InterviewResult, enrolment: EventCompany, status: str, kind: str, index: int, today: dt.date
) -> None:
    day = enrolment.event.date
    si = SecondInterview.unscoped.create(
        event=enrolment.event,
        enrolment=enrolment,
        senior_id=result.senior_id,
        institution=enrolment.institution,
        result=result,
        staff=enrolment.attending_staff,
        by_coordinator=status == SecondInterviewStatus.PROPOSED,
        status=status,
    )
    proposed = _at(day + dt.timedelta(days=1), 17)
    fields: dict[str, object] = {"proposed_at": proposed, "status_changed_at": proposed}
    if status not in (SecondInterviewStatus.PROPOSED, SecondInterviewStatus.SCHEDULING):
        when = (
            _at(today + dt.timedelta(days=5), 14)
            if status == SecondInterviewStatus.CONFIRMED
            else _at(day + dt.timedelta(days=14 + index), 14)
        )
        fields.update(
            scheduled_at=when,
            place=f"{enrolment.company.name} 本社 応接室",
            status_changed_at=when - dt.timedelta(days=7),
        )
        if status != SecondInterviewStatus.CONFIRMED:
            fields.update(held_at=when + dt.timedelta(hours=2), outcome_at=when + dt.timedelta(days=2))
            fields["status_changed_at"] = when + dt.timedelta(days=2)
    elif status == SecondInterviewStatus.SCHEDULING:
        fields["status_changed_at"] = proposed + dt.timedelta(days=3)
    if status == SecondInterviewStatus.NOT_AGREED:
        fields.update(not_agreed_reason=NotAgreedReason.TIMING, outcome_note="来年度の予算化を待って再検討")
    SecondInterview.unscoped.filter(pk=si.pk).update(**fields)
    if not kind:
        return
    start = day + dt.timedelta(days=20 + index)
    agreement = SupportAgreement.unscoped.create(
        event=enrolment.event,
        enrolment=enrolment,
        company=enrolment.company,
        senior_id=result.senior_id,
        institution=enrolment.institution,
        second_interview=si,
        kind=kind,
        subsidised_visits=3,
        start_date=start,
        fee=None if kind == AgreementKind.SUBSIDISED else 50_000,
        responsible_staff=enrolment.attending_staff,
        created_by=enrolment.attending_staff,
    )
    for n in range(VISITS.get(index, 0)):
        AgreementVisit.unscoped.create(
            agreement=agreement,
            date=min(start + dt.timedelta(days=7 + 12 * n), today),
            hours=Decimal("2.0"),
            summary=VISIT_SUMMARIES[n],
            recorded_by=enrolment.attending_staff,
        )


def _other_wishes(i: int, r: int) -> tuple[str, str]:
    """Wishes of the other interviews: mostly maybe or no, a few one-sided yes."""
    pattern = [
        (Wish.MAYBE, Wish.NO),
        (Wish.NO, Wish.MAYBE),
        (Wish.YES, Wish.NO),
        (Wish.NO, Wish.NO),
        (Wish.MAYBE, Wish.MAYBE),
    ]
    return pattern[(i + r) % len(pattern)]


def seed_followup_demo() -> None:
    if Event.objects.filter(title=PAST_TITLE).exists():
        return
    today = timezone.localdate()
    day = today - dt.timedelta(days=60)
    coordinator = demo_user("coordinator@demo.sks.example.jp")
    event = _event(coordinator, day)
    banks = {name: Organization.objects.get(name=name) for name in BANKS}
    staff = {name: demo_user(f"staff{i}@demo.sks.example.jp") for i, name in enumerate(BANKS, start=1)}

    enrolments: list[EventCompany] = []
    for bank_name in BANKS:
        bank = banks[bank_name]
        for company in Company.objects.filter(institution=bank, name__in=TITLES).order_by("pk"):
            enrolments.append(_enrol(event, company, staff[bank_name], *TITLES[company.name]))

    seniors = [
        SeniorProfile.objects.get(user__email=f"{local}@demo.sks.example.jp")
        for local in ("senior", "senior2", "senior3", "senior4")
    ] + [_extra_senior(*s) for s in EXTRA_SENIORS]

    timetable = Timetable.objects.create(
        event=event,
        version=1,
        status="published",
        problem=event_problem(event=event),
        solve_status="done",
        solve_progress=100,
        created_by=coordinator,
        published_at=_at(day - dt.timedelta(days=7), 18),
        published_by=coordinator,
    )
    recorded = _at(day, 17, 30)
    for i, enrolment in enumerate(enrolments):
        # Companies 3 and 6 had four interviews, the others five; no senior sits at two tables at once,
        # nor meets a company twice.
        for r in range(ROUNDS if i % 3 != 2 else ROUNDS - 1):
            senior = seniors[(i + 3 * r) % len(seniors)]
            TimetableMeeting.objects.create(
                timetable=timetable, enrolment=enrolment, senior=senior, slot=r, kind="mutual"
            )
            company_wish: str
            senior_wish: str
            if r == 0:
                company_wish, senior_wish = Wish.YES, Wish.YES
            elif (i, r) == COORDINATOR_PAIR:
                company_wish, senior_wish = Wish.MAYBE, Wish.YES
            else:
                company_wish, senior_wish = _other_wishes(i, r)
            # The demo senior has interviews still to reflect on (their own wish not recorded yet).
            if senior.user.email == "senior@demo.sks.example.jp" and r > 0:
                senior_wish = ""
            result = InterviewResult.unscoped.create(
                event=event,
                enrolment=enrolment,
                senior=senior,
                institution=enrolment.institution,
                held=True,
                company_wish=company_wish,
                company_notes="話が具体的で、社長も前向き。" if company_wish == Wish.YES else "",
                company_recorded_by=enrolment.attending_staff,
                company_recorded_at=recorded,
                senior_wish=senior_wish,
                senior_recorded_at=recorded + dt.timedelta(hours=3) if senior_wish else None,
            )
            if r == 0:
                status, kind = FIRST_PAIRS[i]
                _second_interview(result, enrolment, status, kind, i, today)
            elif (i, r) == COORDINATOR_PAIR:
                _second_interview(result, enrolment, SecondInterviewStatus.PROPOSED, "", i, today)

    # The statistics count the published timetable's meetings from their stored summary.
    meeting_figures_refresh(event=event)

    # The survey: the extra seniors answered (the demo senior and staff can still answer it themselves).
    comments = ["経験を活かせる場があり、参加してよかったです。", "", "面談時間がもう少し長いと助かります。", ""]
    for n, senior in enumerate(s for s in seniors if s.user.email.endswith("@past.demo.sks.example.jp")):
        SurveyResponse.objects.create(
            event=event,
            user=senior.user,
            role="senior",
            satisfaction=(5, 4, 5, 3, 4, 5)[n % 6],
            comment=comments[n % len(comments)],
        )


# --- fit (あなたに合いそうな課題, suggested seniors) ---
# Two of the past event's seniors keep a profile that asks for the same work as 株式会社川崎精密工業's issue
# (東南アジアの販路開拓) on the open demo event: on that company's 「合いそうな新現役」, the demo senior comes first
# with 「この分類で支援成立 1 件」 (their agreement with the same company in the past event), ahead of two
# seniors whose profiles fit as well on paper. The demo senior's own list shows the same success.
FIT_SENIORS = [
    (
        "senior5",
        "14",
        "川崎市中原区",
        ["overseas", "sales-channels"],
        "商社で20年間、東南アジア向けの機械部品の輸出を担当しました。現地代理店の開拓と契約交渉が得意です。",
    ),
    (
        "senior6",
        "13",
        "大田区",
        ["overseas"],
        "自動車部品メーカーでタイ工場の立ち上げに携わりました。海外取引の実務をお手伝いします。",
    ),
]


def seed_fit_demo() -> None:
    """Profiles, pledge and consent for FIT_SENIORS, through the same services as the wizard (idempotent)."""
    from participants import selectors as participant_selectors
    from participants import services as participant_services
    from participants.models import ExpertiseArea, Industry

    pledge = participant_selectors.pledge_current()
    purpose = participant_selectors.consent_purpose_current()
    for local, prefecture, city, areas, introduction in FIT_SENIORS:
        profile = SeniorProfile.objects.filter(
            user__email=f"{local}@past.demo.sks.example.jp", anonymised_at__isnull=True
        ).first()
        if profile is None or profile.self_introduction:
            continue
        participant_services.senior_basic_info_update(
            profile=profile,
            name=profile.user.name,
            name_kana=profile.user.name_kana,
            birth_year=1956,
            prefecture=prefecture,
            city=city,
            phone="",
        )
        participant_services.senior_expertise_update(
            profile=profile,
            expertise=ExpertiseArea.objects.filter(code__in=areas),
            industries=Industry.objects.majors().filter(code="E"),
            qualifications=[],
            other_qualifications="",
        )
        participant_services.senior_introduction_update(profile=profile, self_introduction=introduction)
        if pledge is not None and not participant_selectors.senior_has_current_pledge(profile):
            participant_services.senior_pledge_accept(profile=profile, pledge=pledge)
        if purpose is not None and participant_selectors.senior_standing_consent(profile) is None:
            participant_services.senior_consent_grant(profile=profile, purpose=purpose)
