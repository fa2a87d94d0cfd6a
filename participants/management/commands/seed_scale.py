"""`manage.py seed_scale --seniors 100000`: fill the database with realistic 新現役 for load and search tests.

Adds seniors until there are `--seniors` of them (running it again with the same number adds none). Fast
because it writes with bulk_create only: users, profiles, careers, the rows of the four many-to-many
relations and consents, one batch per transaction. The profile ids are allocated here (and the
sequence reset afterwards, as loaddata does) so that each profile's search_text can be computed by
`senior_search_text` itself before the insert: the relations it reads are handed to it as prefetched
caches, so it runs without a query and any change to what it indexes applies here too.

About 3% of the seniors have withdrawn their consent (so the visibility filter has something to do).
Refuses to run in production. Content is made up from the lists below and repeatable with --seed.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from participants.models import (
    CareerEntry,
    Consent,
    ConsentPurpose,
    ExpertiseArea,
    Industry,
    Qualification,
    Region,
    SeniorProfile,
    User,
)
from participants.services import senior_search_text

EMAIL_DOMAIN = "scale.sks.example.jp"
WITHDRAWN_SHARE = 0.03

SURNAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"),
    ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"),
    ("石川", "イシカワ"), ("前田", "マエダ"), ("藤田", "フジタ"), ("小川", "オガワ"), ("岡田", "オカダ"),
]  # fmt: skip
GIVEN_NAMES = [
    ("浩", "ヒロシ"), ("茂", "シゲル"), ("誠", "マコト"), ("隆", "タカシ"), ("博", "ヒロシ"), ("修", "オサム"),
    ("勝", "マサル"), ("正人", "マサト"), ("和夫", "カズオ"), ("健一", "ケンイチ"), ("秀樹", "ヒデキ"),
    ("哲也", "テツヤ"), ("俊彦", "トシヒコ"), ("幸雄", "ユキオ"), ("義明", "ヨシアキ"), ("康弘", "ヤスヒロ"),
    ("達也", "タツヤ"), ("明", "アキラ"), ("進", "ススム"), ("清", "キヨシ"), ("恵子", "ケイコ"),
    ("洋子", "ヨウコ"), ("幸子", "サチコ"), ("久美子", "クミコ"), ("由美子", "ユミコ"), ("直子", "ナオコ"),
]  # fmt: skip
# Prefecture (JIS code) -> cities; weights roughly follow where retired professionals live.
CITIES = {
    "01": ["札幌市", "旭川市", "函館市"], "02": ["青森市"], "03": ["盛岡市"], "04": ["仙台市", "石巻市"],
    "05": ["秋田市"], "06": ["山形市"], "07": ["福島市", "郡山市"], "08": ["水戸市", "つくば市"],
    "09": ["宇都宮市"], "10": ["前橋市", "高崎市"], "11": ["さいたま市", "川越市", "所沢市"],
    "12": ["千葉市", "船橋市", "柏市"], "13": ["世田谷区", "大田区", "練馬区", "八王子市", "町田市", "杉並区"],
    "14": ["横浜市", "川崎市", "相模原市", "藤沢市"], "15": ["新潟市", "長岡市"], "16": ["富山市"],
    "17": ["金沢市"], "18": ["福井市"], "19": ["甲府市"], "20": ["長野市", "松本市"], "21": ["岐阜市"],
    "22": ["静岡市", "浜松市"], "23": ["名古屋市", "豊田市", "岡崎市"], "24": ["津市", "四日市市"],
    "25": ["大津市"], "26": ["京都市"], "27": ["大阪市", "堺市", "東大阪市", "豊中市"],
    "28": ["神戸市", "姫路市", "西宮市"], "29": ["奈良市"], "30": ["和歌山市"], "31": ["鳥取市"],
    "32": ["松江市"], "33": ["岡山市", "倉敷市"], "34": ["広島市", "福山市"], "35": ["山口市", "下関市"],
    "36": ["徳島市"], "37": ["高松市"], "38": ["松山市"], "39": ["高知市"], "40": ["福岡市", "北九州市"],
    "41": ["佐賀市"], "42": ["長崎市"], "43": ["熊本市"], "44": ["大分市"], "45": ["宮崎市"],
    "46": ["鹿児島市"], "47": ["那覇市"],
}  # fmt: skip
PREFECTURE_WEIGHTS = {"13": 14, "14": 8, "27": 7, "23": 6, "11": 6, "12": 5, "28": 4, "01": 4, "40": 4}
EMPLOYER_PREFIXES = ["日本", "東洋", "大和", "三栄", "中央", "東亜", "北陸", "関西", "富士", "昭和", "太平洋", "第一"]
EMPLOYER_KINDS = [
    "電機", "精機", "化学", "製薬", "商事", "物産", "建設", "食品", "自動車", "製鉄", "通信", "情報システム",
    "銀行", "証券", "生命保険", "百貨店", "運輸", "重工業", "繊維", "印刷",
]  # fmt: skip
DEPARTMENTS = [
    "海外事業部", "営業本部", "品質保証部", "生産技術部", "経営企画部", "人事部", "情報システム部",
    "研究開発センター", "財務部", "調達部", "物流部", "広報部", "法務部", "設計部", "工場",
]  # fmt: skip
ROLES = ["部長", "課長", "事業部長", "取締役", "工場長", "執行役員", "主任研究員", "支店長", "室長", "担当"]
# What a senior writes about their expertise, by ExpertiseArea.code.
EXPERTISE_PHRASES = {
    "sales-channels": ["海外販路開拓の経験があります。", "国内外の新規販路の開拓を担当しました。",
                       "展示会を活用した販路拡大を指導できます。"],
    "new-products": ["新商品開発のプロジェクトを率いました。", "顧客の声を生かした商品企画が得意です。"],
    "hr-development": ["若手社員の人材育成と研修体系づくりを担当しました。", "管理職研修の講師を務めてきました。"],
    "dx-it": ["社内DX推進を担当しました。", "基幹システムの刷新とITによる業務改善を主導しました。",
              "中小企業のDX導入を支援しています。"],
    "overseas": ["海外拠点の立ち上げ（中国・ASEAN）を経験しました。", "海外展開と輸出入の実務に精通しています。"],
    "succession": ["事業承継の計画づくりを支援してきました。", "後継者の育成と事業承継の相談に応じます。"],
    "finance": ["財務体質の改善と資金繰りの管理を担当しました。", "管理会計の導入を指導できます。"],
    "production": ["工場の生産管理と原価低減に取り組みました。", "生産ラインの改善活動を指導できます。"],
    "quality": ["品質管理の仕組みづくり（ISO9001）を指導できます。",
                "品質保証の責任者として不良率の低減に取り組みました。"],
    "strategy": ["中期経営計画の策定に携わりました。", "経営戦略の立案と実行を支援します。"],
    "marketing": ["法人営業の組織づくりとマーケティングを担当しました。", "営業力の強化を支援します。"],
    "branding": ["広報とブランディングの経験があります。", "企業の魅力を伝える情報発信を支援します。"],
    "organization": ["人事制度の設計と労務管理を担当しました。", "働きやすい組織づくりを支援します。"],
    "legal-ip": ["知的財産の管理と契約実務を担当しました。", "特許戦略の立案を支援できます。"],
    "rnd": ["研究開発部門で新技術の実用化に取り組みました。", "技術開発と産学連携の経験があります。"],
    "logistics": ["物流網の再構築とコスト削減を担当しました。", "倉庫管理の効率化を指導できます。"],
    "procurement": ["購買・調達部門で取引先の開拓を担当しました。", "調達コストの削減を支援します。"],
    "environment": ["省エネと環境対策の推進を担当しました。", "脱炭素に向けた取り組みを支援します。"],
    "funding": ["補助金の申請と資金調達を支援してきました。", "金融機関との交渉と資金調達の経験があります。"],
    "retail": ["店舗運営と多店舗展開を担当しました。", "店舗の売上改善を支援します。"],
    "design": ["製品デザインとパッケージの刷新を担当しました。", "デザインを生かした商品価値の向上を支援します。"],
}  # fmt: skip
OPENERS = [
    "{employer}に{years}年間勤務しました。",
    "{employer}で{role}を務め、定年退職しました。",
    "長年{department}で働いてきました。",
    "退職後は中小企業の支援に取り組んでいます。",
]
CLOSERS = [
    "中小企業の皆さまのお役に立ちたいと考えています。",
    "現場に寄り添った支援を心がけています。",
    "地域の企業の発展に貢献したいと思います。",
    "まずはお気軽にご相談ください。",
    "",
]
OTHER_QUALIFICATIONS = ["TOEIC 860点", "日商簿記2級", "第一種衛生管理者", "英検準1級", "一級建築士", "ISO9001審査員補"]


@dataclass
class Reference:
    expertise: list[ExpertiseArea]
    industries: list[Industry]  # JSIC middle groups
    industry_weights: list[int]
    qualifications: list[Qualification]
    regions: list[Region]
    region_of_prefecture: dict[str, Region]
    purpose: ConsentPurpose

    @classmethod
    def load(cls) -> Reference:
        purpose = ConsentPurpose.objects.order_by("-effective_from", "-pk").first()
        expertise = list(ExpertiseArea.objects.all())
        regions = list(Region.objects.all())
        if purpose is None or not expertise or not regions:
            raise CommandError("参照データがありません。先に `manage.py migrate` を実行してください。")
        industries = list(Industry.objects.middles().select_related("parent"))
        weights = [3 if i.parent and i.parent.code in {"E", "I", "D", "G"} else 1 for i in industries]
        by_prefecture = {code: region for region in regions for code in region.prefectures}
        return cls(
            expertise=expertise,
            industries=industries,
            industry_weights=weights,
            qualifications=list(Qualification.objects.all()),
            regions=regions,
            region_of_prefecture=by_prefecture,
            purpose=purpose,
        )


@dataclass
class Senior:
    """One generated senior: the unsaved rows, ready for bulk_create."""

    user: User
    profile: SeniorProfile
    careers: list[CareerEntry]
    expertise: list[ExpertiseArea]
    industries: list[Industry]
    qualifications: list[Qualification]
    regions: list[Region]
    withdrawn: bool


def _in_model_order(items: Any) -> list[Any]:
    """The order the database returns them in (the model's Meta.ordering), as the prefetch cache must have it."""
    items = list(items)
    if not items:
        return items
    ordering = type(items[0])._meta.ordering
    assert all(not f.startswith("-") for f in ordering), "only ascending orderings are mirrored here"
    return sorted(items, key=lambda item: tuple(getattr(item, f) for f in ordering))


class Generator:
    def __init__(self, reference: Reference, seed: int) -> None:
        self.ref = reference
        self.seed = seed
        self.prefectures = list(CITIES)
        self.prefecture_weights = [PREFECTURE_WEIGHTS.get(code, 1) for code in self.prefectures]
        self.this_year = timezone.localdate().year

    def senior(self, index: int, email: str, password: str) -> Senior:
        # Made-up content that must repeat with --seed: no secret depends on it.
        rng = random.Random(self.seed * 1_000_003 + index)  # noqa: S311
        surname, surname_kana = rng.choice(SURNAMES)
        given, given_kana = rng.choice(GIVEN_NAMES)
        user = User(email=email, name=f"{surname} {given}", name_kana=f"{surname_kana} {given_kana}", password=password)
        prefecture = rng.choices(self.prefectures, self.prefecture_weights)[0]
        expertise = _in_model_order(rng.sample(self.ref.expertise, rng.choice([1, 1, 2, 2, 2, 3])))
        careers = self._careers(rng)
        first = careers[0]
        sentences = [
            rng.choice(OPENERS).format(
                employer=first.employer,
                years=rng.randint(15, 38),
                role=first.role or "管理職",
                department=first.department or "本社",
            )
        ]
        for area in expertise:
            sentences.append(rng.choice(EXPERTISE_PHRASES.get(area.code, [f"{area.name}の経験があります。"])))
        sentences.append(rng.choice(CLOSERS))
        fee_min = rng.choice([None, 5000, 10000, 10000, 20000, 30000])
        fee_max = None if fee_min is None else fee_min + rng.choice([0, 10000, 20000])
        weekdays = sum(1 << day for day in range(7) if rng.random() < (0.55 if day < 5 else 0.2))
        profile = SeniorProfile(
            user=user,
            birth_year=rng.randint(1945, 1965),
            prefecture=prefecture,
            city=rng.choice(CITIES[prefecture]),
            self_introduction="".join(sentences),
            other_qualifications=rng.choice(OTHER_QUALIFICATIONS) if rng.random() < 0.15 else "",
            days_per_month=rng.choice([None, 2, 4, 4, 6, 8, 8, 10, 12, 15, 20]),
            weekdays=weekdays,
            remote_ok=rng.random() < 0.55,
            fee_min=fee_min,
            fee_max=fee_max,
            registry_number=f"S{index:07d}" if rng.random() < 0.5 else "",
            wizard_step=6,
        )
        home = self.ref.region_of_prefecture.get(prefecture)
        regions = {home} if home else set()
        regions.update(rng.sample(self.ref.regions, rng.choice([0, 0, 1, 2])))
        return Senior(
            user=user,
            profile=profile,
            careers=careers,
            expertise=expertise,
            industries=_in_model_order(
                set(rng.choices(self.ref.industries, self.ref.industry_weights, k=rng.choice([1, 1, 2])))
            ),
            qualifications=_in_model_order(
                rng.sample(self.ref.qualifications, rng.choices([0, 1, 2], [45, 40, 15])[0])
            ),
            regions=_in_model_order(regions),
            withdrawn=rng.random() < WITHDRAWN_SHARE,
        )

    def _careers(self, rng: random.Random) -> list[CareerEntry]:
        careers = []
        year = rng.randint(1968, 1990)
        for position in range(rng.choice([1, 2, 2, 3])):
            year_to = min(self.this_year, year + rng.randint(5, 25))
            careers.append(
                CareerEntry(
                    employer=f"{rng.choice(EMPLOYER_PREFIXES)}{rng.choice(EMPLOYER_KINDS)}株式会社",
                    department=rng.choice(DEPARTMENTS),
                    role=rng.choice(ROLES),
                    year_from=year,
                    year_to=year_to,
                    position=position,
                )
            )
            year = year_to
        return careers


class Command(BaseCommand):
    help = "検索の負荷試験用に、新現役を指定の人数になるまで一括で作成します（本番環境では実行できません）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seniors", type=int, required=True, help="新現役の合計人数（この人数になるまで追加）")
        parser.add_argument("--batch-size", type=int, default=2000, help="1回のトランザクションで作成する人数")
        parser.add_argument("--seed", type=int, default=2026, help="内容を再現するための乱数の種")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("本番環境（DJANGO_ENV=production）では負荷試験用のデータを作成できません。")
        target: int = options["seniors"]
        batch_size: int = max(1, options["batch_size"])
        existing = SeniorProfile.objects.count()
        if existing >= target:
            self.stdout.write(f"新現役はすでに{existing}人います。追加しませんでした。")
            return
        generator = Generator(Reference.load(), options["seed"])
        # One token per run keeps the addresses unique across runs without reading them back.
        run = secrets.token_hex(4)
        password = make_password(None)  # unusable: nobody signs in as these seniors
        started = time.monotonic()
        created = 0
        while existing + created < target:
            count = min(batch_size, target - existing - created)
            self._create_batch(generator, start=existing + created, count=count, run=run, password=password)
            created += count
            self.stdout.write(f"  {existing + created}/{target}人（{time.monotonic() - started:.1f}秒）")
        if connection.vendor == "postgresql":
            self._vacuum_analyze()
        self.stdout.write(self.style.SUCCESS(f"新現役を{created}人追加しました（合計{existing + created}人）。"))

    def _vacuum_analyze(self) -> None:
        """What autovacuum would do some minutes later, done now so that the next query is planned well.

        Without statistics on the many-to-many tables the planner guessed 345 seniors travel to 関東 (there
        were 43,000) and ran a 1-second plan; VACUUM also merges GIN's pending list into the search indexes.
        Inside a transaction (tests) VACUUM is not allowed: ANALYZE alone then.
        """
        tables = [m._meta.db_table for m in (User, SeniorProfile, CareerEntry, Consent)]
        tables += [field.m2m_db_table() for field in SeniorProfile._meta.many_to_many]
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"{command} {connection.ops.quote_name(table)}")

    @transaction.atomic
    def _create_batch(self, generator: Generator, *, start: int, count: int, run: str, password: str) -> None:
        seniors = [
            generator.senior(start + i, f"scale-{run}-{start + i}@{EMAIL_DOMAIN}", password) for i in range(count)
        ]
        User.objects.bulk_create([s.user for s in seniors])
        # Ids chosen here, so that search_text can be computed before the insert (see the module docstring).
        next_id = (SeniorProfile.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        for offset, senior in enumerate(seniors):
            profile = senior.profile
            profile.pk = next_id + offset
            profile.user = senior.user  # now saved: sets user_id
            for career in senior.careers:
                career.senior = profile
            profile._prefetched_objects_cache = {  # type: ignore[attr-defined]  # as prefetch_related leaves it
                "careers": senior.careers,
                "expertise": senior.expertise,
                "industries": senior.industries,
                "qualifications": senior.qualifications,
                "travel_regions": senior.regions,
            }
            profile.search_text = senior_search_text(profile)
        SeniorProfile.objects.bulk_create([s.profile for s in seniors])
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [SeniorProfile]):
                cursor.execute(sql)
        CareerEntry.objects.bulk_create([c for s in seniors for c in s.careers])
        relations: list[tuple[Any, str, str]] = [
            (SeniorProfile.expertise.through, "expertise", "expertisearea_id"),
            (SeniorProfile.industries.through, "industries", "industry_id"),
            (SeniorProfile.qualifications.through, "qualifications", "qualification_id"),
            (SeniorProfile.travel_regions.through, "regions", "region_id"),
        ]
        for through, attribute, column in relations:
            through.objects.bulk_create(
                [
                    through(seniorprofile_id=s.profile.pk, **{column: item.pk})
                    for s in seniors
                    for item in getattr(s, attribute)
                ]
            )
        now = timezone.now()
        consents = []
        for s in seniors:
            granted = now - timedelta(days=(s.profile.pk * 7) % 900 + 1)
            withdrawn = granted + timedelta(days=1) if s.withdrawn else None
            consents.append(
                Consent(
                    senior_id=s.profile.pk, purpose=generator.ref.purpose, granted_at=granted, withdrawn_at=withdrawn
                )
            )
        Consent.objects.bulk_create(consents)
