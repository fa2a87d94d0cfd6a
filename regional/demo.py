"""The regional demo for `manage.py seed_demo` (registered by RegionalConfig.ready).

「かながわ・しずおか官民対話ネットワーク」 with three chapters. 神奈川支部 is organised by the demo city's staff
(city@…) and has the demo bank staff and 17 more members from ministries, cities, banks, companies and
universities (…@regional.demo.sks.example.jp); it held a flat dialogue meeting about a month ago (three
rounds of five, its groups stored, a few connections marked, one of them mutual) and has the next one coming.
The network's library holds three collaboration stories. みどり市 posted a challenge, the animal shelter
rebuild, with a campaign of 1.1 billion yen; the first demo bank joined under a memorandum, recorded
contributions from three sources and has volunteers and an activity log.

The past meeting's groups come from the group engine when it is installed (else they are dealt in rotation
here) and are stored through `dialogue_groups_store`, which checks them; contributions go through
`contribution_record`. Running the seed twice changes nothing: the network's name is its natural key.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from participants.demo import DEMO_PASSWORD, demo_user
from participants.models import Organization, User
from sks.clock import TOKYO

from .enums import ChapterMembershipStatus, ChapterRole, RsvpStatus, Sector
from .groups import meeting_groups_problem
from .models import (
    Activity,
    Campaign,
    Challenge,
    Chapter,
    ChapterMembership,
    ChapterPost,
    CollaborationStory,
    Connection,
    DialogueMeeting,
    Network,
    NetworkMember,
    PartnerApplication,
    Rsvp,
)
from .services import contribution_record, dialogue_groups_store, volunteer_join

NETWORK = "かながわ・しずおか官民対話ネットワーク"
CHAPTERS = (("神奈川支部", "神奈川県"), ("静岡支部", "静岡県"), ("西湘支部", "小田原・足柄"))
CHALLENGE_THEME = "動物愛護センターの再建"

# local part, name, sector, organisation, title
PEOPLE = [
    ("r01", "佐藤 美咲", Sector.MINISTRY, "関東財務局", "総括課長補佐"),
    ("r02", "鈴木 健", Sector.MINISTRY, "関東経済産業局", "係長"),
    ("r03", "高橋 由美", Sector.LOCAL_GOVERNMENT, "神奈川県", "主査"),
    ("r04", "田中 翔", Sector.LOCAL_GOVERNMENT, "横浜市", "課長"),
    ("r05", "伊藤 直子", Sector.LOCAL_GOVERNMENT, "みどり市", "主任"),
    ("r06", "渡辺 大輔", Sector.FINANCIAL, "湘南信用金庫", "支店長"),
    ("r07", "山本 恵", Sector.FINANCIAL, "はまかぜ銀行", "調査役"),
    ("r08", "中村 拓也", Sector.FINANCIAL, "日本政策金融公庫", "課長代理"),
    ("r09", "小林 彩", Sector.COMPANY, "相模精工株式会社", "代表取締役"),
    ("r10", "加藤 浩", Sector.COMPANY, "みなとみらいシステムズ株式会社", "事業部長"),
    ("r11", "吉田 真理", Sector.COMPANY, "全国カード株式会社", "地域連携室長"),
    ("r12", "山田 聡", Sector.UNIVERSITY, "湘南工科大学", "准教授"),
    ("r13", "佐々木 愛", Sector.UNIVERSITY, "かながわ県立大学", "研究員"),
    ("r14", "山口 修", Sector.OTHER, "NPO法人まちづくり湘南", "理事"),
    ("r15", "松本 花", Sector.COMPANY, "相模精工株式会社", "営業課長"),
    ("r16", "井上 誠", Sector.LOCAL_GOVERNMENT, "横浜市", "係長"),
    ("r17", "木村 玲奈", Sector.FINANCIAL, "湘南信用金庫", "融資課長"),
]

STORIES = [
    (
        "茶畑の事業承継を信金と県が橋渡し",
        "湘南信用金庫、神奈川県、相模精工株式会社",
        2025,
        "対話会で同じテーブルになった信用金庫の支店長と県の担当者が、後継者のいない茶農家の相談を共有。"
        "県の就農支援と信金の事業承継融資を組み合わせ、地元メーカーの社員が副業で参画した。",
        "2件の事業承継が成立し、茶畑 4ha の耕作放棄を防いだ。",
    ),
    (
        "大学の研究室と町工場で介護ロボットの試作",
        "湘南工科大学、相模精工株式会社、関東経済産業局",
        2026,
        "研究室の試作を引き受ける工場を探していた准教授が、対話会で町工場の社長と出会った。"
        "経済産業局の補助金の相談窓口を紹介し、半年で試作機を完成させた。",
        "試作機 3台を市内の介護施設で実証中。補助金 1,200万円を獲得。",
    ),
    (
        "空き店舗を使った創業支援の共同窓口",
        "横浜市、はまかぜ銀行、NPO法人まちづくり湘南",
        2026,
        "市の創業支援と銀行の創業融資、NPOの空き店舗情報を一つの窓口にまとめた。",
        "開設1年で 14件が創業し、商店街の空き店舗が 9店減った。",
    ),
]


def _person(local: str, name: str) -> User:
    email = f"{local}@regional.demo.sks.example.jp"
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _member(
    chapter: Chapter,
    user: User,
    name: str,
    sector: str,
    organisation: str,
    title: str,
    *,
    role: str = ChapterRole.MEMBER,
) -> NetworkMember:
    member, _created = NetworkMember.objects.get_or_create(
        network=chapter.network,
        user=user,
        defaults={"name": name, "sector": sector, "organisation": organisation, "title": title},
    )
    ChapterMembership.objects.get_or_create(
        chapter=chapter, member=member, defaults={"role": role, "status": ChapterMembershipStatus.ACTIVE}
    )
    return member


def _dealt(problem: dict[str, Any]) -> dict[str, Any]:
    """Everyone dealt round by round into ceil(n / size) tables, the order rotated by a different stride each
    round so that tables mix (a valid, not an optimised, solution)."""
    rounds, size = problem["rounds"], problem["group_size"]
    ids = [p["id"] for p in problem["participants"]]
    n = len(ids)
    tables = math.ceil(n / size)
    out = []
    for r in range(rounds):
        order = [ids[(i * (2 * r + 1)) % n] for i in range(n)] if math.gcd(2 * r + 1, n) == 1 else ids[r:] + ids[:r]
        out.append([order[t::tables] for t in range(tables)])
    return {"format": "sks-groups-solution/1", "rounds": out}


def _meetings(chapter: Chapter, organiser: User, members: list[NetworkMember]) -> None:
    today = timezone.localdate()
    past_day = today - dt.timedelta(days=30)
    past = DialogueMeeting.objects.create(
        chapter=chapter,
        title="第12回 かながわ対話会「地域の担い手をどう育てるか」",
        starts_at=dt.datetime.combine(past_day, dt.time(18, 30), tzinfo=TOKYO),
        venue="かながわ県民センター 301会議室",
        description="所属や肩書きを外して、5人ずつのテーブルで3ラウンド話します。",
        capacity=30,
        rounds=3,
        group_size=5,
        flat=True,
    )
    for m in members:
        Rsvp.objects.create(meeting=past, member=m, status=RsvpStatus.GOING, checked_in_at=past.starts_at)
    problem = meeting_groups_problem(meeting=past)
    try:  # the group engine when it is installed, else the dealing above (both are checked when stored)
        from matching.engine.groups import solve

        solution = solve(problem, time_limit=3.0, seed=0)
    except ImportError:
        solution = _dealt(problem)
    dialogue_groups_store(meeting=past, problem=problem, solution=solution, by=organiser)
    upcoming = DialogueMeeting.objects.create(
        chapter=chapter,
        title="第13回 かながわ対話会「官民連携のはじめ方」",
        starts_at=dt.datetime.combine(today + dt.timedelta(days=20), dt.time(18, 30), tzinfo=TOKYO),
        venue="横浜市市民活動支援センター",
        capacity=25,
        rounds=3,
        group_size=5,
        flat=True,
    )
    for m in members[:12]:
        Rsvp.objects.create(meeting=upcoming, member=m, status=RsvpStatus.GOING)
    # Connections after the past meeting: the first two marked each other (mutual), a third only one way.
    first, second, third = members[0], members[1], members[2]
    Connection.objects.create(owner=first, other=second, meeting=past)
    Connection.objects.create(owner=second, other=first, meeting=past)
    Connection.objects.create(owner=first, other=third, meeting=past)
    ChapterPost.objects.create(
        chapter=chapter, author=members[0], body="次回は「官民連携のはじめ方」です。初参加の方も歓迎します。"
    )


def _project(city_staff: User, bank_staff: User) -> None:
    city = Organization.objects.get(name="みどり市")
    bank = bank_staff.active_memberships[0].organization
    challenge = Challenge.objects.create(
        government=city,
        created_by=city_staff,
        theme=CHALLENGE_THEME,
        description="築45年の動物愛護センターを、譲渡会や学校の見学もできる施設に建て替えます。"
        "建設費の一部を寄付で集め、ボランティアの力で譲渡の機会を広げます。",
        region="みどり市",
        partner_wanted="会員や従業員に呼びかけられる金融機関・カード会社",
    )
    PartnerApplication.objects.create(
        challenge=challenge,
        partner=bank,
        applicant=bank_staff,
        message="全店の窓口とアプリで募金を呼びかけ、ポイント交換による寄付の仕組みを用意します。",
        status="accepted",
        agreement_kind="memorandum",
        agreement_signed_on=timezone.localdate() - dt.timedelta(days=90),
        agreement_signatories=f"みどり市長 緑川 一郎、{bank.name} 理事長",
    )
    campaign = Campaign.objects.create(challenge=challenge, title="動物愛護センター再建募金", goal_amount=1_100_000_000)
    for source, amount, note in (
        ("corporate", 300_000_000, "法人としての寄付"),
        ("points", 86_400_000, "会員のポイント交換（4月〜9月）"),
        ("employee", 12_750_000, "職員の給与天引き寄付"),
    ):
        contribution_record(campaign=campaign, partner=bank, by=bank_staff, source=source, amount=amount, note=note)
    volunteer_join(challenge=challenge, user=bank_staff, partner=bank)
    for days, kind, text in (
        (60, "event", "譲渡会を本店ロビーで開催（来場 320名、譲渡 11匹）"),
        (40, "material", "募金の案内チラシを全店に配布"),
        (10, "outreach", "アプリのお知らせで会員に募金を呼びかけ"),
    ):
        Activity.objects.create(
            challenge=challenge,
            user=bank_staff,
            organisation=bank,
            kind=kind,
            description=text,
            happened_on=timezone.localdate() - dt.timedelta(days=days),
        )


def seed_regional_demo() -> None:
    if Network.objects.filter(name=NETWORK).exists():
        return
    network = Network.objects.create(
        name=NETWORK, description="国・自治体・金融機関・企業・大学の職員が個人として参加する、地域の対話の場です。"
    )
    chapters = [Chapter.objects.create(network=network, name=name, region=region) for name, region in CHAPTERS]
    kanagawa = chapters[0]
    city_staff = demo_user("city@demo.sks.example.jp")
    bank_staff = demo_user("staff1@demo.sks.example.jp")
    members = [
        _member(
            kanagawa,
            city_staff,
            city_staff.name,
            Sector.LOCAL_GOVERNMENT,
            "みどり市",
            "企画課長",
            role=ChapterRole.ORGANISER,
        ),
        _member(
            kanagawa,
            bank_staff,
            bank_staff.name,
            Sector.FINANCIAL,
            bank_staff.active_memberships[0].organization.name,
            "融資課",
        ),
    ]
    members += [
        _member(kanagawa, _person(local, name), name, sector, org, title) for local, name, sector, org, title in PEOPLE
    ]
    _member(chapters[1], _person("r18", "石川 航"), "石川 航", Sector.FINANCIAL, "するが信用金庫", "支店長")
    _meetings(kanagawa, city_staff, members)
    for title, organisations, year, body, outcome in STORIES:
        CollaborationStory.objects.create(
            network=network,
            chapter=kanagawa,
            author=members[2],
            title=title,
            organisations=organisations,
            year=year,
            body=body,
            outcome=outcome,
        )
    _project(city_staff, bank_staff)
