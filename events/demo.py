"""Demo events for `manage.py seed_demo` (registered in EventsConfig.ready).

Two events, with dates counted from today so the demo always has something to do:

* 「さくら台信用金庫 新現役交流会」: one host, issue list published, applications open; two seniors have
  applied and the bank has accepted one of them. The demo senior (senior@…) can apply.
* 「かながわ・しずおか合同 新現役交流会」: a joint event of three banks with みどり市 co-hosting, in the
  hearing phase: each bank has enrolled its two client companies; the sheets are in every state, and
  株式会社川崎精密工業's president (company@…) can sign in and approve theirs.

Everything goes through the services, as a user would, so the audit log and checklist are real.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.utils import timezone

from participants.demo import DEMO_PASSWORD, DemoLogin, demo_user
from participants.models import Company, CompanyContact, ExpertiseArea, Organization, SeniorProfile, User

from . import services
from .models import ChecklistItem, Event, HearingSheet

SINGLE_TITLE = "さくら台信用金庫 新現役交流会"
JOINT_TITLE = "かながわ・しずおか合同 新現役交流会"
COMPANY_LOGIN = "company@demo.sks.example.jp"

DEMO_LOGINS = [DemoLogin("企業（ヒアリングシートの承認）", COMPANY_LOGIN, False)]

# Per company: (issue category, description, expertise codes, public title, public summary, show name)
HEARINGS: dict[str, tuple[str, str, list[str], str, str, bool]] = {
    "株式会社川崎精密工業": (
        "overseas",
        "東南アジアの自動車部品メーカーへの販路を開きたいが、現地代理店の選び方が分からない。",
        ["overseas", "sales-channels"],
        "精密部品メーカーの東南アジア販路開拓",
        "川崎市の精密部品メーカー（従業員約50名）。自動車部品の切削加工に強みがあり、タイ・ベトナムの"
        "部品メーカーへの販路開拓と現地代理店の選定について助言を求めています。",
        False,
    ),
    "湘南ベーカリー有限会社": (
        "dx",
        "受注と在庫の管理が紙とFAXで、店舗間の欠品が多い。",
        ["dx-it"],
        "ベーカリーの受発注のデジタル化",
        "藤沢市のベーカリー（3店舗）。紙とFAXによる受発注を見直し、店舗間の在庫共有と欠品の削減を"
        "進めたい。小さな会社でも続けられる仕組みづくりを一緒に考えてくれる方を求めています。",
        True,
    ),
    "横須賀マリン工房株式会社": (
        "succession",
        "社長が70歳を超え、後継者の育成と事業承継の計画づくりが急務。",
        ["succession"],
        "船舶修理業の事業承継計画",
        "横須賀市の船舶修理・艤装の会社。後継者候補の育成と、金融機関・取引先に説明できる事業承継"
        "計画づくりの伴走を求めています。",
        False,
    ),
    "鎌倉茶房株式会社": (
        "sales",
        "観光客頼みの売上を、通販と法人ギフトで平準化したい。",
        ["sales-channels", "marketing"],
        "和菓子・喫茶の通販と法人ギフトの立ち上げ",
        "鎌倉市の和菓子・喫茶店。季節で大きく変わる売上を、通販と法人ギフトで平準化したいと考えています。",
        False,
    ),
    "浜松オートパーツ株式会社": (
        "quality",
        "取引先からの品質監査で指摘が続いている。",
        ["quality"],
        "自動車部品の品質保証体制の強化",
        "浜松市の自動車部品メーカー。取引先の品質監査に耐える品質保証体制（IATF 16949 を視野に）の"
        "整備を支援してくれる方を求めています。",
        False,
    ),
    "沼津水産加工株式会社": (
        "production",
        "繁忙期の残業が多く、製造ラインの段取り替えに時間がかかる。",
        ["production"],
        "水産加工ラインの生産性向上",
        "沼津市の水産加工会社。段取り替えの短縮と繁忙期の人員配置を見直し、残業を減らしたい。",
        False,
    ),
}


def _expertise(codes: list[str]) -> list[ExpertiseArea]:
    return list(ExpertiseArea.objects.filter(code__in=codes))


def _fill_hearing(*, company: Company, enrolment_staff: User, enrolment: object, today: dt.date) -> HearingSheet:
    category, description, codes, _title, _summary, _show = HEARINGS[company.name]
    return services.hearing_sheet_update(
        enrolment=enrolment,  # type: ignore[arg-type]  # demo data: the enrolment made just above, typed loosely by its caller
        by=enrolment_staff,
        support_form="ongoing",
        payment_capacity="subsidy_only",
        payment_note="初回は補助制度（専門家派遣）の利用を希望",
        interviewer=enrolment_staff,
        interviewed_on=today - dt.timedelta(days=3),
        internal_notes=company.internal_notes or "融資取引あり。社長は前向き。",
        issues=[services.HearingIssueInput(category=category, description=description, expertise=_expertise(codes))],
    )


def _approve_and_summarise(*, sheet: HearingSheet, staff: User, coordinator: User, today: dt.date) -> None:
    company = sheet.enrolment.company
    _category, _description, _codes, title, summary, show = HEARINGS[company.name]
    services.hearing_sheet_submit(sheet=sheet, by=staff)
    services.hearing_sheet_record_approval(
        sheet=sheet,
        by=staff,
        approved_on=today - dt.timedelta(days=1),
        method="visit",
        name_disclosure_agreed=show,
        note="社長に内容を確認",
        today=today,
    )
    services.hearing_summary_update(
        sheet=sheet, by=coordinator, public_title=title, public_summary=summary, show_name=show
    )


def _company_contact(company: Company, staff: User) -> None:
    user, created = User.objects.get_or_create(
        email=COMPANY_LOGIN, defaults={"name": company.president_name or "社長", "name_kana": "シャチョウ"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    CompanyContact.unscoped.get_or_create(company=company, user=user, defaults={"created_by": staff})


def _single_host_event(*, coordinator: User, coord_org: Organization, today: dt.date) -> None:
    if Event.objects.filter(title=SINGLE_TITLE).exists():
        return
    bank = Organization.objects.get(name="さくら台信用金庫")
    staff = demo_user("staff1@demo.sks.example.jp")
    day = today + dt.timedelta(days=40)
    event = services.event_create(
        by=coordinator,
        title=SINGLE_TITLE,
        coordinator=coord_org,
        hosts=[bank],
        date=day,
        venue="さくら台信用金庫 本店 大会議室",
        address="横浜市西区みなとみらい2-1-1",
        prefecture="14",
        start_time=dt.time(13, 30),
        rounds=6,
        break_after=[3],
        tables=6,
        enrolment_deadline=today - dt.timedelta(days=30),
        hearing_deadline=today - dt.timedelta(days=20),
        issue_list_date=today - dt.timedelta(days=10),
        application_deadline=today + dt.timedelta(days=14),
        selection_deadline=today + dt.timedelta(days=25),
        max_choices_per_senior=3,
        min_interviews_per_company=2,
    )
    services.event_open_recruitment(event=event, by=coordinator)
    sheets = []
    for company in Company.objects.filter(institution=bank).order_by("pk"):
        enrolment = services.enrolment_create(
            event=event, company=company, attending_staff=staff, by=staff, today=today - dt.timedelta(days=35)
        )
        sheets.append(_fill_hearing(company=company, enrolment_staff=staff, enrolment=enrolment, today=today))
    services.event_start_hearing(event=event, by=coordinator)
    for sheet in sheets:
        _approve_and_summarise(sheet=sheet, staff=staff, coordinator=coordinator, today=today)
    services.event_publish_issue_list(event=event, by=coordinator)

    # Two seniors have applied; the bank has accepted the first for its first company.
    for email, n in (("senior2@demo.sks.example.jp", 2), ("senior3@demo.sks.example.jp", 1)):
        senior = SeniorProfile.objects.get(user__email=email)
        application = services.senior_application_save(
            event=event,
            senior=senior,
            by=senior.user,
            choices=[
                services.ChoiceInput(
                    enrolment_id=sheet.enrolment_id,
                    proposal="前職で同様の課題に取り組みました。現場を見たうえで、具体的な進め方を提案します。",
                )
                for sheet in sheets[:n]
            ],
        )
        services.senior_application_submit(application=application, by=senior.user)
    first_choice = (
        SeniorProfile.objects.get(user__email="senior2@demo.sks.example.jp")
        .applications.get(event=event)
        .choices.order_by("position", "pk")
        .first()
    )
    assert first_choice is not None
    services.application_choice_decide(choice=first_choice, decision="accepted", by=staff)


def _joint_event(*, coordinator: User, coord_org: Organization, today: dt.date) -> None:
    if Event.objects.filter(title=JOINT_TITLE).exists():
        return
    banks = [Organization.objects.get(name=n) for n in ("さくら台信用金庫", "みなと信用組合", "東海みらい銀行")]
    city = Organization.objects.get(name="みどり市")
    day = today + dt.timedelta(days=95)
    event = services.event_create(
        by=coordinator,
        title=JOINT_TITLE,
        coordinator=coord_org,
        hosts=banks,
        co_hosts=[city],
        date=day,
        venue="みどり市産業振興センター 多目的ホール",
        address="みどり市中央1-2-3",
        prefecture="14",
        start_time=dt.time(13, 0),
        rounds=8,
        break_after=[4],
        tables=12,
        table_capacity=2,
        enrolment_deadline=today + dt.timedelta(days=20),
        hearing_deadline=today + dt.timedelta(days=40),
        issue_list_date=today + dt.timedelta(days=50),
        application_deadline=today + dt.timedelta(days=70),
        selection_deadline=today + dt.timedelta(days=80),
        max_choices_per_senior=5,
        min_interviews_per_company=3,
    )
    services.event_open_recruitment(event=event, by=coordinator)
    for i, bank in enumerate(banks, start=1):
        staff = demo_user(f"staff{i}@demo.sks.example.jp")
        for j, company in enumerate(Company.objects.filter(institution=bank).order_by("pk")):
            enrolment = services.enrolment_create(event=event, company=company, attending_staff=staff, by=staff)
            if i == 1 and j == 0:
                _company_contact(company, staff)
            if j == 0:
                sheet = _fill_hearing(company=company, enrolment_staff=staff, enrolment=enrolment, today=today)
                services.hearing_sheet_submit(sheet=sheet, by=staff)  # waiting for the company's approval
    services.event_start_hearing(event=event, by=coordinator)


def _tick_past_checklist(*, title: str, coordinator: User, today: dt.date) -> None:
    """The coordinator has done what was due before today: a demo event's checklist shows the work ahead,
    not every task since its creation as overdue (its dates are counted back from the event)."""
    for item in ChecklistItem.objects.filter(event__title=title, due_date__lt=today, done_at__isnull=True):
        services.checklist_item_toggle_done(item=item, by=coordinator)


def seed_events_demo() -> None:
    coordinator = demo_user("coordinator@demo.sks.example.jp")
    coord_org = Organization.objects.get(name="新現役交流会事務局")
    today = timezone.localdate()
    _single_host_event(coordinator=coordinator, coord_org=coord_org, today=today)
    _joint_event(coordinator=coordinator, coord_org=coord_org, today=today)
    for title in (SINGLE_TITLE, JOINT_TITLE):
        _tick_past_checklist(title=title, coordinator=coordinator, today=today)
