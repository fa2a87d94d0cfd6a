"""The demo world built by `manage.py seed_demo`: a coherent, fictional Japanese region.

Every row is found or created by a natural key, so running the seed twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django_scopes import scopes_disabled

from sks.roles import Role

from .enums import FinancialInstitutionType, OrganizationKind
from .models import (
    Branch,
    Company,
    ExpertiseArea,
    Industry,
    Membership,
    Organization,
    Qualification,
    Region,
    SeniorProfile,
    User,
)

DEMO_PASSWORD = "sks-demo-2026"  # noqa: S105 (a published demo password, refused in production)
# One shared TOTP secret for every demo staff login, so a newcomer adds a single entry to an
# authenticator app (or runs `manage.py demo_totp_code`).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 (demo only, refused in production)

INSTITUTIONS = [
    # name, kana, type, prefecture, city, [(branch, code, city)]
    (
        "さくら台信用金庫",
        "サクラダイシンヨウキンコ",
        FinancialInstitutionType.SHINKIN,
        "14",
        "横浜市",
        [("本店営業部", "001", "横浜市西区"), ("川崎支店", "012", "川崎市川崎区"), ("藤沢支店", "023", "藤沢市")],
    ),
    (
        "みなと信用組合",
        "ミナトシンヨウクミアイ",
        FinancialInstitutionType.SHINKUMI,
        "14",
        "横須賀市",
        [("本店", "001", "横須賀市"), ("鎌倉支店", "005", "鎌倉市")],
    ),
    (
        "東海みらい銀行",
        "トウカイミライギンコウ",
        FinancialInstitutionType.REGIONAL_BANK,
        "22",
        "静岡市",
        [("本店営業部", "100", "静岡市葵区"), ("浜松支店", "210", "浜松市中央区"), ("沼津支店", "305", "沼津市")],
    ),
]


@dataclass(frozen=True)
class DemoCompany:
    institution: str
    branch: str
    name: str
    kana: str
    corporate_number: str  # valid 法人番号 (check digit first), fictional
    client_code: str
    city: str
    industry: str  # JSIC middle group code; the major division follows from it
    employees: int
    capital: int  # yen
    founded_year: int
    president: str
    notes: str


COMPANIES = [
    DemoCompany(
        "さくら台信用金庫",
        "川崎支店",
        "株式会社川崎精密工業",
        "カワサキセイミツコウギョウ",
        "3020001018342",
        "SK-012-0481",
        "川崎市川崎区",
        "26",
        48,
        30_000_000,
        1972,
        "佐藤 一郎",
        "設備更新の融資を検討中。海外販路に関心あり。",
    ),
    DemoCompany(
        "さくら台信用金庫",
        "藤沢支店",
        "湘南ベーカリー有限会社",
        "ショウナンベーカリー",
        "5020001027515",
        "SK-023-1127",
        "藤沢市",
        "09",
        12,
        3_000_000,
        1988,
        "鈴木 花子",
        "二代目への事業承継を3年以内に予定。",
    ),
    DemoCompany(
        "みなと信用組合",
        "本店",
        "横須賀マリン工房株式会社",
        "ヨコスカマリンコウボウ",
        "2021001036921",
        "MN-0330",
        "横須賀市",
        "31",
        21,
        10_000_000,
        1995,
        "高橋 健",
        "EC 販路の立ち上げ支援を希望。",
    ),
    DemoCompany(
        "みなと信用組合",
        "鎌倉支店",
        "鎌倉茶房株式会社",
        "カマクラサボウ",
        "8021001044786",
        "MN-0517",
        "鎌倉市",
        "76",
        9,
        5_000_000,
        2009,
        "田中 美咲",
        "インバウンド向け新商品の開発を相談中。",
    ),
    DemoCompany(
        "東海みらい銀行",
        "浜松支店",
        "浜松オートパーツ株式会社",
        "ハママツオートパーツ",
        "7080001053297",
        "TM-210-00784",
        "浜松市中央区",
        "31",
        135,
        80_000_000,
        1964,
        "伊藤 誠",
        "生産管理の DX 化が課題。",
    ),
    DemoCompany(
        "東海みらい銀行",
        "沼津支店",
        "沼津水産加工株式会社",
        "ヌマヅスイサンカコウ",
        "3080001069628",
        "TM-305-00219",
        "沼津市",
        "09",
        62,
        20_000_000,
        1958,
        "渡辺 正",
        "品質管理体制（HACCP）の強化を検討。",
    ),
]


@dataclass(frozen=True)
class DemoSenior:
    local: str  # the email's local part
    name: str
    kana: str
    birth_year: int
    prefecture: str
    city: str
    phone: str
    careers: list[tuple[str, str, str, int, int | None]]  # employer, department, role, from, to
    expertise: list[str]  # ExpertiseArea codes
    industries: list[str]  # JSIC major division codes
    qualifications: list[str]  # Qualification codes
    introduction: str
    days_per_month: int
    weekdays: list[int]  # 0 = Monday
    regions: list[str]  # Region codes
    remote_ok: bool
    fee: tuple[int, int]
    other_qualifications: str = ""
    registry_number: str = ""


# Complete profiles, pledge and consent accepted: what a search or an event needs to show something real.
SENIORS = [
    DemoSenior(
        "senior",
        "山本 隆",
        "ヤマモト タカシ",
        1957,
        "14",
        "横浜市港北区",
        "045-555-0101",
        [
            ("東洋電機株式会社", "海外営業部", "部長", 1980, 2012),
            ("東洋電機サービス株式会社", "", "顧問", 2012, 2017),
        ],
        ["sales-channels", "overseas", "marketing"],
        ["E", "I"],
        ["shindanshi"],
        "電機メーカーで32年間、東南アジアと北米の販路開拓を担当しました。代理店の選び方、展示会の活用、"
        "英文の商談資料づくりまで、中小企業の海外進出を一緒に考えます。",
        6,
        [0, 2, 3],
        ["kanto"],
        True,
        (10000, 30000),
    ),
    DemoSenior(
        "senior2",
        "中村 洋子",
        "ナカムラ ヨウコ",
        1960,
        "13",
        "世田谷区",
        "03-5555-0102",
        [
            ("株式会社丸の内百貨店", "食品部", "バイヤー", 1983, 2005),
            ("株式会社丸の内百貨店", "商品開発室", "室長", 2005, 2020),
        ],
        ["new-products", "sales-channels", "branding"],
        ["I", "M"],
        [],
        "百貨店の食品バイヤーとして全国の生産者と商品を開発してきました。ギフト向けの商品化、"
        "パッケージ、催事への出店など、小さな食品メーカーの販路づくりをお手伝いします。",
        4,
        [1, 4],
        ["kanto"],
        True,
        (5000, 20000),
        other_qualifications="販売士1級",
    ),
    DemoSenior(
        "senior3",
        "小林 修",
        "コバヤシ オサム",
        1954,
        "22",
        "静岡市駿河区",
        "054-555-0103",
        [("富士部品工業株式会社", "生産技術部", "工場長", 1977, 2014)],
        ["production", "quality", "dx-it"],
        ["E"],
        ["gijutsushi", "qc"],
        "自動車部品工場で生産技術と品質保証を37年。段取り替えの短縮、不良の半減、"
        "生産管理システムの導入を現場の皆さんと進めてきました。",
        8,
        [0, 1, 2, 3, 4],
        ["chubu", "kanto"],
        False,
        (15000, 40000),
        registry_number="SG-2019-0412",
    ),
    DemoSenior(
        "senior4",
        "加藤 明",
        "カトウ アキラ",
        1962,
        "14",
        "川崎市中原区",
        "044-555-0104",
        [("株式会社横浜中央銀行", "融資部", "次長", 1985, 2022)],
        ["finance", "succession", "funding"],
        ["J"],
        ["shindanshi", "fp"],
        "地方銀行で37年、中小企業の融資と事業承継の相談を担当しました。資金繰り表、"
        "補助金の申請書、後継者への引き継ぎ計画づくりをお手伝いします。",
        4,
        [2, 5],
        ["kanto"],
        True,
        (0, 10000),
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    needs_totp: bool


def _user(email: str, name: str, kana: str, *, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, "name_kana": kana})
    if created:
        user.set_password(DEMO_PASSWORD)
    if superuser:
        user.is_staff = user.is_superuser = True
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)


def _org(name: str, kana: str, kind: str, itype: str = "", prefecture: str = "", city: str = "") -> Organization:
    org, _created = Organization.objects.update_or_create(
        name=name,
        defaults={"name_kana": kana, "kind": kind, "institution_type": itype, "prefecture": prefecture, "city": city},
    )
    return org


def _staff(email: str, name: str, kana: str, org: Organization, role: str, branch: Branch | None = None) -> User:
    user = _user(email, name, kana)
    Membership.objects.update_or_create(
        user=user, organization=org, role=role, defaults={"branch": branch, "is_active": True}
    )
    _totp(user)
    return user


def _senior(demo: DemoSenior) -> SeniorProfile:
    """A complete senior through the same services as the wizard, pledge and consent accepted once."""
    from . import selectors, services

    user = _user(f"{demo.local}@demo.sks.example.jp", demo.name, demo.kana)
    profile, _created = SeniorProfile.objects.get_or_create(user=user)
    services.senior_basic_info_update(
        profile=profile,
        name=demo.name,
        name_kana=demo.kana,
        birth_year=demo.birth_year,
        prefecture=demo.prefecture,
        city=demo.city,
        phone=demo.phone,
    )
    services.senior_careers_replace(
        profile=profile, careers=[services.CareerInput(e, d, r, y1, y2) for e, d, r, y1, y2 in demo.careers]
    )
    services.senior_expertise_update(
        profile=profile,
        expertise=ExpertiseArea.objects.filter(code__in=demo.expertise),
        industries=Industry.objects.majors().filter(code__in=demo.industries),
        qualifications=Qualification.objects.filter(code__in=demo.qualifications),
        other_qualifications=demo.other_qualifications,
    )
    services.senior_introduction_update(profile=profile, self_introduction=demo.introduction)
    services.senior_conditions_update(
        profile=profile,
        days_per_month=demo.days_per_month,
        weekdays=demo.weekdays,
        travel_regions=Region.objects.filter(code__in=demo.regions),
        remote_ok=demo.remote_ok,
        fee_min=demo.fee[0],
        fee_max=demo.fee[1],
        registry_number=demo.registry_number,
    )
    services.senior_wizard_advance(profile=profile, step=services.WIZARD_DONE)
    pledge = selectors.pledge_current()
    if pledge is not None and not selectors.senior_has_current_pledge(profile):
        services.senior_pledge_accept(profile=profile, pledge=pledge)
    purpose = selectors.consent_purpose_current()
    standing = selectors.senior_standing_consent(profile)
    if purpose is not None and (standing is None or standing.purpose_id != purpose.pk):
        services.senior_consent_grant(profile=profile, purpose=purpose)
    return profile


# Apps above participants add their demo data here (registered in their AppConfig.ready): participants
# must not import them. Each seeder runs after the participants' world exists, in the same transaction.
_DEMO_SEEDERS: list[Callable[[], None]] = []
_EXTRA_LOGINS: list[DemoLogin] = []


def register_demo_seeder(seeder: Callable[[], None], *, logins: list[DemoLogin] | None = None) -> None:
    if seeder not in _DEMO_SEEDERS:
        _DEMO_SEEDERS.append(seeder)
        _EXTRA_LOGINS.extend(logins or [])


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


@transaction.atomic
def seed_demo() -> None:
    with scopes_disabled():  # seeding writes every institution's rows by design
        banks: dict[str, Organization] = {}
        for i, (name, kana, itype, pref, city, branches) in enumerate(INSTITUTIONS, start=1):
            org = _org(name, kana, OrganizationKind.FINANCIAL_INSTITUTION, itype, pref, city)
            banks[name] = org
            for bname, code, bcity in branches:
                Branch.objects.update_or_create(
                    organization=org, name=bname, defaults={"code": code, "prefecture": pref, "city": bcity}
                )
            first_branch = org.branches.order_by("code").first()
            second_branch = org.branches.order_by("code")[1]
            _staff(
                f"admin{i}@demo.sks.example.jp",
                f"管理 太郎{i}",
                "カンリ タロウ",
                org,
                Role.INSTITUTION_ADMIN,
                first_branch,
            )
            _staff(
                f"staff{i}@demo.sks.example.jp", f"融資 次郎{i}", "ユウシ ジロウ", org, Role.BANK_STAFF, second_branch
            )

        city_org = _org("みどり市", "ミドリシ", OrganizationKind.LOCAL_GOVERNMENT, prefecture="14", city="みどり市")
        _staff("city@demo.sks.example.jp", "市役 花子", "シヤク ハナコ", city_org, Role.LOCAL_GOVERNMENT)
        coord_org = _org(
            "新現役交流会事務局",
            "シンゲンエキコウリュウカイジムキョク",
            OrganizationKind.COORDINATOR,
            prefecture="13",
            city="千代田区",
        )
        _staff("coordinator@demo.sks.example.jp", "調整 一郎", "チョウセイ イチロウ", coord_org, Role.COORDINATOR)
        gov = _org(
            "日本中小企業金融公庫（デモ）",
            "ニホンチュウショウキギョウキンユウコウコ",
            OrganizationKind.FINANCIAL_INSTITUTION,
            FinancialInstitutionType.GOVERNMENT,
            "13",
            "千代田区",
        )
        _staff("alumni@demo.sks.example.jp", "同窓 会子", "ドウソウ カイコ", gov, Role.ALUMNI_OFFICE)

        for demo in COMPANIES:
            org = banks[demo.institution]
            industry = Industry.objects.select_related("parent").get(code=demo.industry)
            Company.objects.update_or_create(
                institution=org,
                name=demo.name,
                defaults={
                    "branch": Branch.objects.get(organization=org, name=demo.branch),
                    "name_kana": demo.kana,
                    "corporate_number": demo.corporate_number,
                    "client_code": demo.client_code,
                    "prefecture": org.prefecture,
                    "city": demo.city,
                    "industry_major": industry.parent,
                    "industry": industry,
                    "employees": demo.employees,
                    "capital": demo.capital,
                    "founded_year": demo.founded_year,
                    "president_name": demo.president,
                    "internal_notes": demo.notes,
                },
            )

        for senior in SENIORS:
            _senior(senior)

        root = _user("admin@demo.sks.example.jp", "運営 管理者", "ウンエイ カンリシャ", superuser=True)
        _totp(root)

        for seeder in _DEMO_SEEDERS:
            seeder()


def seed_logins() -> list[DemoLogin]:
    """One login per role, as printed after seeding."""
    return [
        DemoLogin("新現役", "senior@demo.sks.example.jp", False),
        DemoLogin(str(Role.INSTITUTION_ADMIN.label), "admin1@demo.sks.example.jp", True),
        DemoLogin(str(Role.BANK_STAFF.label), "staff1@demo.sks.example.jp", True),
        DemoLogin(str(Role.BANK_STAFF.label) + "（別の金融機関）", "staff2@demo.sks.example.jp", True),
        DemoLogin(str(Role.COORDINATOR.label), "coordinator@demo.sks.example.jp", True),
        DemoLogin(str(Role.LOCAL_GOVERNMENT.label), "city@demo.sks.example.jp", True),
        DemoLogin(str(Role.ALUMNI_OFFICE.label), "alumni@demo.sks.example.jp", True),
        *_EXTRA_LOGINS,
        DemoLogin("システム管理者（管理サイト）", "admin@demo.sks.example.jp", True),
    ]
