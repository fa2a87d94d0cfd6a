"""Reads about senior profiles (新現役): one's own profile, its completeness, the pledge and consent in
force, the profiles institutions may see, and the export of all of one's data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sks.db import PK_MARKER, CompiledQuery
from sks.personal_data import Person, personal_data_export
from sks.personal_data import entries as personal_data_entries

from ..models import (
    PREFECTURE_CHOICES,
    WEEKDAYS,
    CareerEntry,
    Consent,
    ConsentPurpose,
    PledgeAcceptance,
    PledgeVersion,
    SeniorProfile,
    User,
)
from ..personal_data import local

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: annotations only

__all__ = [
    "WIZARD_STEPS",
    "CompletenessItem",
    "ConsentLedgerRow",
    "ExportSection",
    "ProfileCompleteness",
    "access_own_senior_profile",
    "consent_purpose_current",
    "pledge_current",
    "senior_by_pk",
    "senior_consent_ledger",
    "senior_current_pledge_acceptance",
    "senior_data_export",
    "senior_data_export_sections",
    "senior_has_current_pledge",
    "senior_profile_completeness",
    "senior_profiles_visible_to_institutions",
    "senior_standing_consent",
    "seniors_with_current_pledge",
]

WIZARD_STEPS: list[tuple[int, Promise]] = [
    (1, _("基本情報")),
    (2, _("職歴")),
    (3, _("専門分野・業種・資格")),
    (4, _("自己紹介")),
    (5, _("活動条件")),
]


def senior_by_pk(pk: object, *, include_anonymised: bool = False) -> SeniorProfile | None:
    """A senior picked by id on a staff page (a check-in row, a walk-in, a result row, a timetable cell),
    or None. Seniors belong to no institution; whether the senior may be acted on there (takes part in the
    event, sits at the table) is the page's own access selector's or service's question. Anonymised seniors
    are left out unless asked for (their past rows still name them as 退会済み)."""
    if not str(pk).isdigit():
        return None
    seniors = SeniorProfile.objects.filter(pk=int(str(pk))).select_related("user")
    if not include_anonymised:
        seniors = seniors.filter(anonymised_at__isnull=True)
    return seniors.first()


def access_own_senior_profile(*, user: User) -> SeniorProfile:
    """The signed-in senior's own profile; 404 for anyone without one (or whose profile is anonymised). The
    same instance for the whole request (own_senior_profile)."""
    profile = own_senior_profile(user) if user.pk else None
    if profile is None:
        raise Http404
    return profile


# --- completeness -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletenessItem:
    label: Promise
    step: int


@dataclass(frozen=True)
class ProfileCompleteness:
    filled: int
    total: int
    missing: list[CompletenessItem]

    @property
    def percent(self) -> int:
        # Rounded down, so 100% means that nothing at all is missing.
        return self.filled * 100 // self.total

    @property
    def is_complete(self) -> bool:
        return not self.missing


def _profile_lists_filled(pk: int) -> QuerySet[SeniorProfile]:
    def filled(model: Any, **lookup: Any) -> Exists:
        return Exists(model.objects.filter(**lookup))

    senior = OuterRef("pk")
    return SeniorProfile.objects.filter(pk=pk).values_list(
        filled(CareerEntry, senior=senior),
        filled(SeniorProfile.expertise.through, seniorprofile_id=senior),
        filled(SeniorProfile.industries.through, seniorprofile_id=senior),
        filled(SeniorProfile.travel_regions.through, seniorprofile_id=senior),
    )


# Whether the profile's careers, expertise, industries and travel regions have an entry: one statement, compiled
# once per process (the dashboard asks on every view).
_PROFILE_LISTS_FILLED = CompiledQuery(_profile_lists_filled, PK_MARKER)


def senior_profile_completeness(profile: SeniorProfile) -> ProfileCompleteness:
    """What a bank or company needs to judge a senior, item by item, with the wizard step that fills it.

    Qualifications and the registry number are not counted: many good experts have neither.
    """
    user = profile.user
    has_careers, has_expertise, has_industries, has_travel = _PROFILE_LISTS_FILLED.rows(profile.pk)[0]
    items: list[tuple[bool, CompletenessItem]] = [
        (bool(user.name), CompletenessItem(_("氏名"), 1)),
        (bool(user.name_kana), CompletenessItem(_("氏名（カナ）"), 1)),
        (profile.birth_year is not None, CompletenessItem(_("生まれ年"), 1)),
        (bool(profile.prefecture), CompletenessItem(_("都道府県"), 1)),
        (bool(profile.city), CompletenessItem(_("市区町村"), 1)),
        (bool(profile.phone), CompletenessItem(_("電話番号"), 1)),
        (has_careers, CompletenessItem(_("職歴（1件以上）"), 2)),
        (has_expertise, CompletenessItem(_("専門分野"), 3)),
        (has_industries, CompletenessItem(_("経験のある業種"), 3)),
        (bool(profile.self_introduction.strip()), CompletenessItem(_("自己紹介"), 4)),
        (profile.days_per_month is not None, CompletenessItem(_("活動できる日数"), 5)),
        (profile.weekdays != 0, CompletenessItem(_("活動できる曜日"), 5)),
        (
            profile.remote_ok or has_travel,
            CompletenessItem(_("訪問できる地域（またはオンライン可）"), 5),
        ),
        (profile.fee_min is not None or profile.fee_max is not None, CompletenessItem(_("希望謝金"), 5)),
    ]
    missing = [item for ok, item in items if not ok]
    return ProfileCompleteness(filled=len(items) - len(missing), total=len(items), missing=missing)


# --- the confidentiality pledge ----------------------------------------------------------------------


def pledge_current() -> PledgeVersion | None:
    """The pledge in force: the newest version whose effective_from has come."""
    return PledgeVersion.objects.filter(effective_from__lte=timezone.now()).order_by("-effective_from", "-pk").first()


def senior_current_pledge_acceptance(senior: SeniorProfile) -> PledgeAcceptance | None:
    current = pledge_current()
    if current is None:
        return None
    return PledgeAcceptance.objects.filter(senior=senior, pledge=current).first()


PLEDGE_MEMO = "_sks_has_current_pledge"
PLEDGE_MEMO_LIFETIME = timedelta(seconds=5)


def own_senior_profile(user: User) -> SeniorProfile | None:
    """The user's own 新現役 profile, None for anyone else or an anonymised one. Read once per user object
    (User.refresh_from_db forgets it): a request's dashboard panels, steps and views all ask for it and get
    the same instance, and with it senior_has_current_pledge's memoised answer."""
    if "_senior_profile_of" not in user.__dict__:
        found = SeniorProfile.objects.filter(user=user, anonymised_at__isnull=True).first()
        if found is not None:
            found.user = user  # its user is the one asking: no query to reach it
        user.__dict__["_senior_profile_of"] = found
    profile: SeniorProfile | None = user.__dict__["_senior_profile_of"]
    return profile


def senior_has_current_pledge(senior: SeniorProfile) -> bool:
    """Whether the senior accepted the pledge in force. A newer version, once in force, must be accepted again.

    False when no pledge is in force at all: nobody may see an issue list without a pledge (fail closed).
    """
    if senior.anonymised_at is not None:
        return False
    # Memoised on the instance for a few seconds: a request's dashboard panels and steps ask it of the same
    # profile (own_senior_profile). A version coming into force is seen once the memo is older than that;
    # accepting the pledge (services.senior_pledge_accept) forgets it at once.
    now = timezone.now()
    memo: tuple[datetime, bool] | None = senior.__dict__.get(PLEDGE_MEMO)
    if memo is not None and timedelta(0) <= now - memo[0] < PLEDGE_MEMO_LIFETIME:
        return memo[1]
    current = PledgeVersion.objects.filter(effective_from__lte=now).order_by("-effective_from", "-pk")
    accepted = PledgeAcceptance.objects.filter(senior=senior, pledge=current.values("pk")[:1]).exists()
    senior.__dict__[PLEDGE_MEMO] = (now, accepted)
    return accepted


def seniors_with_current_pledge(senior_ids: Iterable[int]) -> set[int]:
    """Of `senior_ids`, those who accepted the pledge in force (one query; see senior_has_current_pledge)."""
    current = PledgeVersion.objects.filter(effective_from__lte=timezone.now()).order_by("-effective_from", "-pk")
    return set(
        PledgeAcceptance.objects.filter(
            senior_id__in=list(senior_ids), senior__anonymised_at__isnull=True, pledge=current.values("pk")[:1]
        ).values_list("senior_id", flat=True)
    )


# --- the consent ledger -------------------------------------------------------------------------------


def consent_purpose_current() -> ConsentPurpose | None:
    """The purpose text in force: the newest version whose effective_from has come."""
    return ConsentPurpose.objects.filter(effective_from__lte=timezone.now()).order_by("-effective_from", "-pk").first()


def senior_standing_consent(senior: SeniorProfile) -> Consent | None:
    return Consent.objects.select_related("purpose").filter(senior=senior, withdrawn_at__isnull=True).first()


@dataclass(frozen=True)
class ConsentLedgerRow:
    consent: Consent
    # Ended because the senior consented to a newer purpose version (not a withdrawal).
    replaced: bool


def senior_consent_ledger(senior: SeniorProfile) -> list[ConsentLedgerRow]:
    """The whole ledger, newest first."""
    consents = list(Consent.objects.select_related("purpose").filter(senior=senior).order_by("-granted_at", "-pk"))
    granted_times = {c.granted_at for c in consents}
    return [
        ConsentLedgerRow(c, replaced=c.withdrawn_at is not None and c.withdrawn_at in granted_times) for c in consents
    ]


def senior_profiles_visible_to_institutions() -> QuerySet[SeniorProfile]:
    """Profiles that banks, coordinators and companies may see: a standing consent, not anonymised, and an
    active account (a deactivated senior cannot answer anyone).

    A withdrawal takes effect at once, because this is evaluated on every query.
    """
    standing = Consent.objects.filter(senior=OuterRef("pk"), withdrawn_at__isnull=True)
    # EXISTS rather than a join with the users: the same rows, and the search's ranked query can then sort its
    # matches first and check the page's few (the planner hashed all 100,000 users for a join).
    active = User.objects.filter(pk=OuterRef("user_id"), is_active=True)
    return SeniorProfile.objects.filter(Exists(standing), Exists(active), anonymised_at__isnull=True)


# --- the export of all of one's data ---------------------------------------------------------------------


def senior_data_export(profile: SeniorProfile) -> dict[str, Any]:
    """Everything the platform holds about the senior (APPI 開示請求), as data DjangoJSONEncoder can write.

    The user and the profile are this app's own; every other section comes from the personal-data registry
    (sks.personal_data), where each app declares what it holds about a person.
    """
    user = profile.user
    prefectures = dict(PREFECTURE_CHOICES)
    weekday_names = dict(WEEKDAYS)
    return {
        "exported_at": local(timezone.now()),
        "user": {
            "email": user.email,
            "name": user.name,
            "name_kana": user.name_kana,
            "date_joined": local(user.date_joined),
            "last_login": local(user.last_login),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "profile": {
            "birth_year": profile.birth_year,
            "prefecture": str(prefectures.get(profile.prefecture, "")),
            "city": profile.city,
            "phone": profile.phone,
            "self_introduction": profile.self_introduction,
            "other_qualifications": profile.other_qualifications,
            "days_per_month": profile.days_per_month,
            "weekdays": [str(weekday_names[d]) for d in profile.weekday_list],
            "remote_ok": profile.remote_ok,
            "fee_min": profile.fee_min,
            "fee_max": profile.fee_max,
            "registry_number": profile.registry_number,
            "created_at": local(profile.created_at),
            "updated_at": local(profile.updated_at),
        },
        "expertise": [e.name for e in profile.expertise.order_by("sort_order", "code")],
        "industries": [i.name for i in profile.industries.order_by("code")],
        "qualifications": [q.name for q in profile.qualifications.order_by("sort_order", "code")],
        "travel_regions": [r.name for r in profile.travel_regions.order_by("sort_order", "code")],
        **personal_data_export(Person(user=user, senior=profile)),
    }


@dataclass(frozen=True)
class ExportSection:
    """One registered section of the export as the readable page shows it: headings and display rows."""

    key: str
    label: StrOrPromise
    headings: list[StrOrPromise]
    rows: list[list[str]]


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("はい") if value else _("いいえ"))
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATE_TIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def senior_data_export_sections(data: dict[str, Any]) -> list[ExportSection]:
    """The registry's sections of `data` (senior_data_export) that the readable page shows generically."""
    sections = []
    for entry in personal_data_entries():
        if entry.export is None or not entry.columns:
            continue
        rows = data.get(entry.key) or []
        sections.append(
            ExportSection(
                key=entry.key,
                label=entry.label,
                headings=list(entry.columns.values()),
                rows=[[_display(row.get(column)) for column in entry.columns] for row in rows],
            )
        )
    return sections
