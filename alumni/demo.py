"""The demo alumni network for `manage.py seed_demo` (registered in AlumniConfig.ready).

日本中小企業金融公庫（デモ）'s SME unit runs a network of about 60 alumni: the office (alumni@…) uploaded a
roster, most alumni signed up and were verified by it, a few wait in the approval queue with their reasons.
News in every category, 協力募集 with outcomes, posts of every kind (some shared with current staff),
feedback in every state, a past meetup with worksheets, check-ins and survey answers, and an upcoming one
with a waiting list. The verified alumnus alumnus@… can sign in. Everything goes through the services, as a
user would; rows are found by natural keys so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from participants.demo import DemoLogin, _user, demo_user
from participants.models import Industry, Organization

from . import services
from .access import Viewer
from .enums import DigestStatus, FeedbackStatus, MemberStatus, NewsCategory, NewsStatus, PostKind, RsvpStatus
from .models import AlumniMember, AlumniNetwork, Feedback, HelpRequest, Meetup, MeetupRsvp, MemberPost, NewsPost

ORGANIZATION = "日本中小企業金融公庫（デモ）"
OFFICE_LOGIN = "alumni@demo.sks.example.jp"
ALUMNUS_LOGIN = "alumnus@demo.sks.example.jp"
DEMO_LOGINS = [DemoLogin("OB・OG（認証済みの会員）", ALUMNUS_LOGIN, False)]

SURNAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("松本", "マツモト"), ("井上", "イノウエ"),
]  # fmt: skip
GIVEN = [("健一", "ケンイチ"), ("美穂", "ミホ"), ("隆", "タカシ"), ("裕子", "ユウコ")]
DEPARTMENTS = ["中小企業事業本部 融資第一部", "審査部", "東京支店 融資課", "大阪支店", "企業再生支援室", "調査部"]
EMPLOYERS = [
    ("株式会社みなと経営研究所", "代表取締役", "L"),
    ("さくら台信用金庫", "顧問", "J"),
    ("中小企業診断士事務所（独立）", "所長", "L"),
    ("株式会社東海ものづくり", "取締役CFO", "E"),
    ("NPO法人地域再生ネット", "理事", "R"),
    ("", "", ""),
]
SKILLS = [
    "事業性評価、資金繰り改善、経営改善計画の策定支援",
    "事業承継・M&Aの相談対応、金融機関との調整",
    "製造業の原価管理、補助金申請の支援",
    "創業支援、ビジネスプランの壁打ち",
]

NEWS = [
    (
        NewsCategory.HR,
        "人事制度改定のお知らせ（再雇用・副業の取扱い）",
        "OB・OGの皆さまの再雇用と副業に関する制度を改定しました。",
    ),
    (
        NewsCategory.SEMINAR,
        "中小企業支援セミナー「事業承継の最新動向」登壇者募集",
        "危機時の窓口応援や登壇にご協力いただける方を募集します。",
    ),
    (
        NewsCategory.CAREER,
        "キャリア相談会（オンライン）のご案内",
        "現役職員との意見交換を兼ねたキャリア相談会を開催します。",
    ),
    (
        NewsCategory.NOTICE,
        "OB・OGネットワークを開設しました",
        "元職員の皆さまの交流と、組織へのご意見をお寄せいただく場です。",
    ),
]

POSTS = [
    (
        PostKind.ACTIVITY,
        "独立して事務所を開きました",
        "中小企業診断士として独立しました。資金繰り相談が中心です。",
        DigestStatus.APPROVED,
    ),
    (
        PostKind.COLLABORATION,
        "事業承継セミナーを一緒に企画しませんか",
        "地域金融機関向けのセミナーを共催できる方を探しています。",
        DigestStatus.REQUESTED,
    ),
    (
        PostKind.INTRODUCTION,
        "静岡の製造業に詳しい方を紹介してください",
        "取引先の販路開拓で相談に乗ってくださる方を探しています。",
        DigestStatus.NONE,
    ),
    (
        PostKind.SPEAKING,
        "金融機関向け研修の講師をお引き受けします",
        "融資審査の実務研修（半日〜1日）の講師をお引き受けできます。",
        DigestStatus.REQUESTED,
    ),
    (
        PostKind.BUSINESS,
        "創業3年目の会社の資金調達について",
        "知人の会社から相談を受けています。ご経験のある方のご意見を伺いたいです。",
        DigestStatus.NONE,
    ),
]

FEEDBACK = [
    ("窓口の対応", "相談窓口の丁寧さは外から見ても評判が良いです。", "", FeedbackStatus.RECEIVED, ""),
    (
        "手続きの電子化",
        "",
        "申込書類の電子化が遅れていると取引先から聞きます。",
        FeedbackStatus.CONSIDERING,
        "関係部署と検討を始めました。",
    ),
    (
        "セミナーの告知",
        "",
        "セミナーの告知が直前すぎるという声があります。",
        FeedbackStatus.DONE,
        "次回から1か月前に告知するよう改めました。",
    ),
    (
        "OB・OGの再雇用",
        "",
        "OB・OGの短時間勤務の再雇用を増やしてほしい。",
        FeedbackStatus.DECLINED,
        "今年度は予算の都合で見送りますが、来年度に再検討します。",
    ),
]


def _office_viewer(network: AlumniNetwork) -> Viewer:
    return Viewer(network=network, member=None, is_office=True, user=demo_user(OFFICE_LOGIN))


def _people() -> list[tuple[str, str, str, str, str]]:
    """(email, name, kana, employee number, roster-or-not) for 60 alumni: the demo alumnus first."""
    people = [(ALUMNUS_LOGIN, "山田 太郎", "ヤマダ タロウ", "100001", "roster")]
    for i in range(59):
        surname, skana = SURNAMES[i % len(SURNAMES)]
        given, gkana = GIVEN[i // len(SURNAMES)]
        kind = "pending" if i in (7, 23, 41) else "roster"
        people.append(
            (f"alumni{i + 1:02d}@demo.sks.example.jp", f"{surname} {given}", f"{skana} {gkana}", f"{100002 + i}", kind)
        )
    return people


def _members(network: AlumniNetwork) -> list[AlumniMember]:
    people = _people()
    viewer = _office_viewer(network)
    if not network.roster_uploads.exists():
        lines = ["氏名,氏名（カナ）,社員番号,部署,在籍期間"]
        lines += [
            f"{name},{kana},{number},{DEPARTMENTS[i % len(DEPARTMENTS)]},1985-2020"
            for i, (_e, name, kana, number, kind) in enumerate(people)
            if kind == "roster"
        ]
        services.roster_upload(viewer=viewer, content="\n".join(lines).encode(), filename="人事名簿_OBOG.csv")
    majors = list(Industry.objects.majors().filter(code__in=["E", "J", "L", "R"]))
    members = []
    for i, (email, name, kana, number, kind) in enumerate(people):
        user = _user(email, name, kana)
        member = AlumniMember.objects.filter(network=network, user=user).first()
        if member is None:
            member = services.member_join(
                network=network,
                user=user,
                name=name,
                name_kana=kana,
                # Pending ones typed a number the roster does not have (a typo, or an earlier number).
                employee_number=number if kind == "roster" else f"9{number}",
                year_joined=1980 + i % 15,
                year_left=2015 + i % 10,
                departments=DEPARTMENTS[i % len(DEPARTMENTS)],
            )
            employer, title, industry = EMPLOYERS[i % len(EMPLOYERS)]
            services.member_profile_update(
                member=member,
                values={
                    "employer": employer,
                    "job_title": title,
                    "industry": next((m for m in majors if m.code == industry), None),
                    "skills": SKILLS[i % len(SKILLS)],
                    "self_introduction": f"{DEPARTMENTS[i % len(DEPARTMENTS)]}で長く中小企業の融資を担当しました。",
                },
                # Every fourth keeps the current employer to the office; one in six hides the introduction.
                privacy={
                    "employer": "office" if i % 4 == 3 else "members",
                    "self_introduction": "hidden" if i % 6 == 5 else "members",
                },
                accepts_contact=i % 5 != 4,
            )
        members.append(member)
    leaver = members[-1]
    if leaver.status == MemberStatus.VERIFIED:
        services.member_leave(member=leaver)
    return [m for m in members if m.status == MemberStatus.VERIFIED]


def _member_viewer(network: AlumniNetwork, member: AlumniMember) -> Viewer:
    return Viewer(network=network, member=member, is_office=False, user=member.user)


def seed_alumni_demo() -> None:
    office = demo_user(OFFICE_LOGIN)
    organization = Organization.objects.get(name=ORGANIZATION)
    network = AlumniNetwork.objects.filter(organization=organization).first() or services.network_create(
        organization=organization,
        by=office,
        name="公庫 中小企業事業 OB・OGネットワーク",
        description="中小企業事業に携わった元職員のネットワークです。近況の共有、協業の相談、組織へのご意見をお寄せください。",
    )
    members = _members(network)
    office_viewer = _office_viewer(network)
    now = timezone.now()

    for category, title, body in NEWS:
        if not NewsPost.objects.filter(network=network, title=title).exists():
            services.news_save(
                viewer=office_viewer, news=None, title=title, body=body, category=category, status=NewsStatus.PUBLISHED
            )
    if not NewsPost.objects.filter(network=network, status=NewsStatus.DRAFT).exists():
        services.news_save(
            viewer=office_viewer,
            news=None,
            title="（下書き）年末のご挨拶",
            body="本年もお世話になりました。",
            category=NewsCategory.NOTICE,
            status=NewsStatus.DRAFT,
        )

    for i, (kind, title, body, digest) in enumerate(POSTS):
        if MemberPost.objects.filter(network=network, title=title).exists():
            continue
        author = _member_viewer(network, members[i * 3])
        post = services.post_create(
            viewer=author, kind=kind, title=title, body=body, share_with_staff=digest != DigestStatus.NONE
        )
        for other in members[i * 3 + 1 : i * 3 + 4]:
            services.post_interest_toggle(viewer=_member_viewer(network, other), post=post)
        services.post_reply(
            viewer=_member_viewer(network, members[i * 3 + 1]), post=post, body="ぜひお話を伺いたいです。"
        )
        if digest == DigestStatus.APPROVED:
            services.post_digest_decide(viewer=office_viewer, post=post, approve=True)

    for i, (topic, good, improve, status, answer) in enumerate(FEEDBACK):
        if Feedback.objects.filter(network=network, topic=topic).exists():
            continue
        item = services.feedback_create(
            viewer=_member_viewer(network, members[i]), topic=topic, good_points=good, improvements=improve
        )
        if status == FeedbackStatus.CONSIDERING or status != FeedbackStatus.RECEIVED:
            services.feedback_answer(viewer=office_viewer, feedback=item, status=status, answer=answer)

    past_title, next_title = "OB・OG交流会（秋）", "OB・OG交流会（新春）"
    if not Meetup.objects.filter(network=network, title=past_title).exists():
        past = services.meetup_create(
            viewer=office_viewer,
            title=past_title,
            description="ワークショップ：外から見た良い点・改善点",
            venue="本店 大会議室",
            starts_at=now - dt.timedelta(days=30),
            capacity=30,
        )
        for member in members[:12]:
            rsvp = MeetupRsvp.objects.create(meetup=past, user=member.user, status=RsvpStatus.GOING)
            if member is not members[11]:
                services.meetup_check_in(viewer=office_viewer, rsvp=rsvp)
        for j, member in enumerate(members[:4]):
            services.worksheet_submit(
                viewer=_member_viewer(network, member), meetup=past,
                useful_skills="事業性評価の考え方は、いまの仕事でも毎日使っています。",
                good_points="中小企業に寄り添う姿勢は、外から見ても信頼されています。",
                improvements="手続きの電子化をもっと進めてほしいという声を聞きます。",
                share_feedback=j % 2 == 0, add_skills=j == 0,
            )  # fmt: skip
        for j, member in enumerate(members[:6]):
            services.survey_answer(
                viewer=_member_viewer(network, member),
                meetup=past,
                satisfaction=5 - j % 3,
                comment="久しぶりに皆さんと話せて有意義でした。" if j % 2 == 0 else "",
                anonymous=j % 3 == 0,
            )
    if not Meetup.objects.filter(network=network, title=next_title).exists():
        upcoming = services.meetup_create(
            viewer=office_viewer,
            title=next_title,
            description="新春の懇親会。現役職員との意見交換の時間もあります。",
            venue="東京・大手町 会議室",
            starts_at=(now + dt.timedelta(days=21)).replace(hour=9, minute=30, second=0, microsecond=0),
            capacity=20,
        )
        # The demo alumnus stays free to reply; twenty-two others fill the seats and the waiting list.
        for member in members[1:23]:
            services.meetup_rsvp(viewer=_member_viewer(network, member), meetup=upcoming)
    seed_alumni_help(network, members)


HELP = [
    (
        "surge",
        "災害時の窓口応援（2週間程度）",
        "被災地の中小企業向け相談窓口の応援をお願いできる方を募集します。謝金あり。",
    ),
    ("speaker", "若手職員向け研修の講師", "融資審査の実務について、半日の研修で講師をお願いできる方を募集します。"),
]


def seed_alumni_help(network: AlumniNetwork, members: list[AlumniMember]) -> None:
    office = _office_viewer(network)
    for i, (kind, title, body) in enumerate(HELP):
        if HelpRequest.objects.filter(network=network, title=title).exists():
            continue
        request = services.help_request_create(viewer=office, kind=kind, title=title, body=body)
        for j, member in enumerate(members[10 + i * 3 : 13 + i * 3]):
            interest = services.help_interest_express(
                viewer=_member_viewer(network, member), request=request, message="お手伝いできます。"
            )
            if j == 0:
                services.help_interest_record(viewer=office, interest=interest, outcome="engaged")
