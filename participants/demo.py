"""The demo world built by `manage.py seed_demo`: a coherent, fictional Japanese region.

Every row is found or created by a natural key, so running the seed twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django_scopes import scopes_disabled

from sks.roles import Role

from .enums import FinancialInstitutionType, OrganizationKind
from .models import Branch, Company, Membership, Organization, SeniorProfile, User

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

COMPANIES = [
    # institution, branch, name, kana, city, president, notes
    (
        "さくら台信用金庫",
        "川崎支店",
        "株式会社川崎精密工業",
        "カワサキセイミツコウギョウ",
        "川崎市川崎区",
        "佐藤 一郎",
        "設備更新の融資を検討中。海外販路に関心あり。",
    ),
    (
        "さくら台信用金庫",
        "藤沢支店",
        "湘南ベーカリー有限会社",
        "ショウナンベーカリー",
        "藤沢市",
        "鈴木 花子",
        "二代目への事業承継を3年以内に予定。",
    ),
    (
        "みなと信用組合",
        "本店",
        "横須賀マリン工房株式会社",
        "ヨコスカマリンコウボウ",
        "横須賀市",
        "高橋 健",
        "EC 販路の立ち上げ支援を希望。",
    ),
    (
        "みなと信用組合",
        "鎌倉支店",
        "鎌倉茶房株式会社",
        "カマクラサボウ",
        "鎌倉市",
        "田中 美咲",
        "インバウンド向け新商品の開発を相談中。",
    ),
    (
        "東海みらい銀行",
        "浜松支店",
        "浜松オートパーツ株式会社",
        "ハママツオートパーツ",
        "浜松市中央区",
        "伊藤 誠",
        "生産管理の DX 化が課題。",
    ),
    (
        "東海みらい銀行",
        "沼津支店",
        "沼津水産加工株式会社",
        "ヌマヅスイサンカコウ",
        "沼津市",
        "渡辺 正",
        "品質管理体制（HACCP）の強化を検討。",
    ),
]

SENIORS = [
    # email local part, name, kana, birth year, prefecture, city
    ("senior", "山本 隆", "ヤマモト タカシ", 1957, "14", "横浜市港北区"),
    ("senior2", "中村 洋子", "ナカムラ ヨウコ", 1960, "13", "世田谷区"),
    ("senior3", "小林 修", "コバヤシ オサム", 1954, "22", "静岡市駿河区"),
    ("senior4", "加藤 明", "カトウ アキラ", 1962, "14", "川崎市中原区"),
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

        for inst, bname, name, kana, ccity, president, notes in COMPANIES:
            org = banks[inst]
            Company.objects.update_or_create(
                institution=org,
                name=name,
                defaults={
                    "branch": Branch.objects.get(organization=org, name=bname),
                    "name_kana": kana,
                    "prefecture": org.prefecture,
                    "city": ccity,
                    "president_name": president,
                    "internal_notes": notes,
                },
            )

        for local, name, kana, year, pref, scity in SENIORS:
            user = _user(f"{local}@demo.sks.example.jp", name, kana)
            SeniorProfile.objects.update_or_create(
                user=user, defaults={"birth_year": year, "prefecture": pref, "city": scity}
            )

        root = _user("admin@demo.sks.example.jp", "運営 管理者", "ウンエイ カンリシャ", superuser=True)
        _totp(root)


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
        DemoLogin("システム管理者（管理サイト）", "admin@demo.sks.example.jp", True),
    ]
