"""Writes to senior profiles (新現役): the profile wizard, the confidentiality pledge, the APPI consent
ledger and the personal-data rights (anonymisation on request)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from sks.audit import audit
from sks.exceptions import DomainError
from sks.personal_data import Person, personal_data_erase, personal_data_rows

from ..models import (
    PREFECTURE_CHOICES,
    WEEKDAYS,
    CareerEntry,
    Consent,
    ConsentPurpose,
    DeletionRequest,
    ExpertiseArea,
    Industry,
    Membership,
    PledgeAcceptance,
    PledgeVersion,
    Qualification,
    Region,
    SeniorProfile,
    User,
)
from ..selectors.seniors import PLEDGE_MEMO, consent_purpose_current, pledge_current

__all__ = [
    "ANONYMISED_NAME",
    "MAX_SENIOR_AGE",
    "MIN_SENIOR_AGE",
    "WIZARD_DONE",
    "WIZARD_LAST_STEP",
    "CareerInput",
    "SeniorConsentError",
    "SeniorDeletionError",
    "SeniorPledgeError",
    "SeniorProfileError",
    "account_anonymise",
    "anonymised_email",
    "birth_year_bounds",
    "senior_anonymise",
    "senior_anonymised",
    "senior_basic_info_update",
    "senior_careers_replace",
    "senior_conditions_update",
    "senior_consent_grant",
    "senior_consent_withdraw",
    "senior_deletion_request_create",
    "senior_expertise_update",
    "senior_introduction_update",
    "senior_pledge_accept",
    "senior_refresh_search_text",
    "senior_search_text",
    "senior_wizard_advance",
]

# The wizard has five steps; wizard_step = 6 means every step has been saved once.
WIZARD_LAST_STEP = 5
WIZARD_DONE = WIZARD_LAST_STEP + 1

# A 新現役 is a retired professional: younger than 18 or older than 110 is a typing mistake.
MIN_SENIOR_AGE = 18
MAX_SENIOR_AGE = 110

# What an anonymised person is called from then on: stored data, so deliberately not translated.
ANONYMISED_NAME = "退会済みの新現役"

# Sent inside senior_anonymise's transaction, after everything registered in the personal-data registry
# has been erased. Not the way to erase data: an app declares what it holds about a person in
# sks.personal_data (from its AppConfig.ready()), which senior_anonymise walks. This signal is for other
# reactions to a deletion, connected in an AppConfig.ready() too.
senior_anonymised = Signal()  # kwargs: profile


class SeniorProfileError(DomainError):
    pass


class SeniorPledgeError(DomainError):
    pass


class SeniorConsentError(DomainError):
    pass


class SeniorDeletionError(DomainError):
    pass


# --- search text ------------------------------------------------------------------------------------


def senior_search_text(profile: SeniorProfile) -> str:
    """Everything a keyword search may match, as one string (indexed with pg_trgm on PostgreSQL).

    Call `senior_refresh_search_text` after any change to the profile, its careers or its choices.
    """
    user = profile.user
    parts: list[str] = [
        user.name,
        user.name_kana,
        profile.city,
        profile.self_introduction,
        profile.other_qualifications,
    ]
    parts += [f"{c.employer} {c.department} {c.role}" for c in profile.careers.all()]
    parts += [e.name for e in profile.expertise.all()]
    parts += [i.name for i in profile.industries.all()]
    parts += [q.name for q in profile.qualifications.all()]
    # NFKC folds full-width Latin and digits (ＤＸ → DX), so a keyword matches however it was typed.
    return unicodedata.normalize("NFKC", "\n".join(p for p in parts if p))


def senior_refresh_search_text(*, profile: SeniorProfile) -> None:
    profile.search_text = senior_search_text(profile)
    SeniorProfile.objects.filter(pk=profile.pk).update(search_text=profile.search_text)


# --- the profile wizard -------------------------------------------------------------------------------


def birth_year_bounds() -> tuple[int, int]:
    """The earliest and latest plausible birth years today."""
    this_year = timezone.localdate().year
    return this_year - MAX_SENIOR_AGE, this_year - MIN_SENIOR_AGE


def _check_live(profile: SeniorProfile) -> None:
    if profile.anonymised_at is not None:
        raise SeniorProfileError(_("このプロフィールは削除済みです。"))


@transaction.atomic
def senior_basic_info_update(
    *,
    profile: SeniorProfile,
    name: str,
    name_kana: str,
    birth_year: int | None,
    prefecture: str,
    city: str,
    phone: str,
) -> SeniorProfile:
    """Step 1 (基本情報). Name and kana live on the user."""
    _check_live(profile)
    if not name.strip():
        raise SeniorProfileError(_("氏名を入力してください。"))
    low, high = birth_year_bounds()
    if birth_year is not None and not low <= birth_year <= high:
        raise SeniorProfileError(
            _("生まれ年は%(low)s年から%(high)s年までの西暦で入力してください。") % {"low": low, "high": high}
        )
    if prefecture and prefecture not in dict(PREFECTURE_CHOICES):
        raise SeniorProfileError(_("都道府県を一覧から選んでください。"))
    user = profile.user
    user.name, user.name_kana = name.strip(), name_kana.strip()
    user.save(update_fields=["name", "name_kana"])
    profile.birth_year, profile.prefecture, profile.city, profile.phone = birth_year, prefecture, city, phone
    profile.save(update_fields=["birth_year", "prefecture", "city", "phone", "updated_at"])
    senior_refresh_search_text(profile=profile)
    return profile


@dataclass(frozen=True)
class CareerInput:
    employer: str
    department: str = ""
    role: str = ""
    year_from: int | None = None
    year_to: int | None = None


@transaction.atomic
def senior_careers_replace(*, profile: SeniorProfile, careers: Sequence[CareerInput]) -> list[CareerEntry]:
    """Step 2 (職歴): the career list becomes exactly `careers`, in this order.

    Replacing rather than diffing keeps the order the senior typed; nothing refers to a career row.
    """
    _check_live(profile)
    for career in careers:
        if not career.employer.strip():
            raise SeniorProfileError(_("職歴ごとに勤務先を入力してください。"))
        if career.year_from is not None and career.year_to is not None and career.year_to < career.year_from:
            raise SeniorProfileError(
                _("%(employer)s の終了年が開始年より前になっています。") % {"employer": career.employer}
            )
    profile.careers.all().delete()
    entries = CareerEntry.objects.bulk_create(
        CareerEntry(
            senior=profile,
            employer=c.employer.strip(),
            department=c.department.strip(),
            role=c.role.strip(),
            year_from=c.year_from,
            year_to=c.year_to,
            position=i,
        )
        for i, c in enumerate(careers)
    )
    SeniorProfile.objects.filter(pk=profile.pk).update(updated_at=timezone.now())
    senior_refresh_search_text(profile=profile)
    return entries


@transaction.atomic
def senior_expertise_update(
    *,
    profile: SeniorProfile,
    expertise: Iterable[ExpertiseArea],
    industries: Iterable[Industry],
    qualifications: Iterable[Qualification],
    other_qualifications: str,
) -> SeniorProfile:
    """Step 3 (専門分野・業種・資格). Industries are JSIC major divisions."""
    _check_live(profile)
    industries = list(industries)
    if any(not i.is_major for i in industries):
        raise SeniorProfileError(_("業種は大分類から選んでください。"))
    profile.expertise.set(list(expertise))
    profile.industries.set(industries)
    profile.qualifications.set(list(qualifications))
    profile.other_qualifications = other_qualifications.strip()
    profile.save(update_fields=["other_qualifications", "updated_at"])
    senior_refresh_search_text(profile=profile)
    return profile


@transaction.atomic
def senior_introduction_update(*, profile: SeniorProfile, self_introduction: str) -> SeniorProfile:
    """Step 4 (自己紹介)."""
    _check_live(profile)
    profile.self_introduction = self_introduction.strip()
    profile.save(update_fields=["self_introduction", "updated_at"])
    senior_refresh_search_text(profile=profile)
    return profile


@transaction.atomic
def senior_conditions_update(
    *,
    profile: SeniorProfile,
    days_per_month: int | None,
    weekdays: Iterable[int],
    travel_regions: Iterable[Region],
    remote_ok: bool,
    fee_min: int | None,
    fee_max: int | None,
    registry_number: str,
) -> SeniorProfile:
    """Step 5 (活動条件): days, weekdays (stored as a bitmask), regions, remote, fee range, registry number."""
    _check_live(profile)
    days = set(weekdays)
    if not days <= {d for d, _label in WEEKDAYS}:
        raise SeniorProfileError(_("曜日は月曜から日曜の中から選んでください。"))
    if days_per_month is not None and not 0 <= days_per_month <= 31:
        raise SeniorProfileError(_("活動できる日数は0から31までの数で入力してください。"))
    if (fee_min is not None and fee_min < 0) or (fee_max is not None and fee_max < 0):
        raise SeniorProfileError(_("謝金は0円以上で入力してください。"))
    if fee_min is not None and fee_max is not None and fee_min > fee_max:
        raise SeniorProfileError(_("謝金の上限は下限と同じか、それより大きい金額にしてください。"))
    profile.days_per_month = days_per_month
    profile.weekdays = sum(1 << d for d in days)
    profile.remote_ok = remote_ok
    profile.fee_min, profile.fee_max = fee_min, fee_max
    profile.registry_number = registry_number.strip()
    profile.save(
        update_fields=["days_per_month", "weekdays", "remote_ok", "fee_min", "fee_max", "registry_number", "updated_at"]
    )
    profile.travel_regions.set(list(travel_regions))
    senior_refresh_search_text(profile=profile)
    return profile


@transaction.atomic
def senior_wizard_advance(*, profile: SeniorProfile, step: int) -> SeniorProfile:
    """Remember where the senior resumes: never moves backwards, so revisiting step 2 keeps a finished wizard."""
    step = max(1, min(step, WIZARD_DONE))
    if step > profile.wizard_step:
        profile.wizard_step = step
        profile.save(update_fields=["wizard_step", "updated_at"])
    return profile


# --- the confidentiality pledge (守秘義務) ----------------------------------------------------------------


@transaction.atomic
def senior_pledge_accept(*, profile: SeniorProfile, pledge: PledgeVersion) -> PledgeAcceptance:
    """Record that the senior accepted `pledge`, which must be the version in force now."""
    _check_live(profile)
    current = pledge_current()
    if current is None or current.pk != pledge.pk:
        raise SeniorPledgeError(_("誓約書の内容が更新されました。最新の内容をお読みのうえ、もう一度誓約してください。"))
    acceptance, created = PledgeAcceptance.objects.get_or_create(senior=profile, pledge=pledge)
    profile.__dict__.pop(PLEDGE_MEMO, None)  # senior_has_current_pledge asks afresh
    if created:
        audit(obj=profile, action="senior.pledge_accepted", user=profile.user, data={"pledge_version": pledge.version})
    return acceptance


# --- the APPI consent ledger ------------------------------------------------------------------------------


def _lock(profile: SeniorProfile) -> None:
    # Serialises concurrent grant/withdraw of one senior, so the ledger never has two standing entries.
    SeniorProfile.objects.select_for_update().filter(pk=profile.pk).first()


@transaction.atomic
def senior_consent_grant(*, profile: SeniorProfile, purpose: ConsentPurpose) -> Consent:
    """Consent to `purpose` (the version in force). A standing consent to an older version ends at the same
    moment, so the ledger keeps exactly one standing entry."""
    _check_live(profile)
    _lock(profile)
    current = consent_purpose_current()
    if current is None or current.pk != purpose.pk:
        raise SeniorConsentError(_("利用目的が更新されました。最新の内容をお読みのうえ、もう一度同意してください。"))
    now = timezone.now()
    standing = Consent.objects.filter(senior=profile, withdrawn_at__isnull=True).first()
    if standing is not None:
        if standing.purpose_id == purpose.pk:
            raise SeniorConsentError(_("この利用目的にはすでに同意しています。"))
        standing.withdrawn_at = now
        standing.save(update_fields=["withdrawn_at"])
    consent = Consent.objects.create(senior=profile, purpose=purpose, granted_at=now)
    audit(obj=profile, action="senior.consent_granted", user=profile.user, data={"purpose_version": purpose.version})
    return consent


@transaction.atomic
def senior_consent_withdraw(*, profile: SeniorProfile) -> Consent:
    """Withdraw the standing consent: from this moment institutions no longer see the profile."""
    _lock(profile)
    standing = Consent.objects.select_related("purpose").filter(senior=profile, withdrawn_at__isnull=True).first()
    if standing is None:
        raise SeniorConsentError(_("撤回できる同意はありません。"))
    standing.withdrawn_at = timezone.now()
    standing.save(update_fields=["withdrawn_at"])
    audit(
        obj=profile,
        action="senior.consent_withdrawn",
        user=profile.user,
        data={"purpose_version": standing.purpose.version},
    )
    return standing


# --- deletion and anonymisation ----------------------------------------------------------------------------


def anonymised_email(user: User) -> str:
    """A unique address that can never receive mail: RFC 2606 reserves the .invalid top-level domain."""
    return f"anonymised-{user.pk}@anonymised.invalid"


@transaction.atomic
def senior_deletion_request_create(*, profile: SeniorProfile) -> DeletionRequest:
    """Record the senior's request; an open request is reused, so asking twice makes one request."""
    open_request = DeletionRequest.objects.filter(senior=profile, completed_at__isnull=True).first()
    if open_request is not None:
        return open_request
    request = DeletionRequest.objects.create(senior=profile)
    audit(obj=profile, action="senior.deletion_requested", user=profile.user)
    return request


@transaction.atomic
def senior_anonymise(*, profile: SeniorProfile) -> SeniorProfile:
    """Remove the person's personal data and keep only what counts them (APPI 利用停止・消去).

    Kept, because they identify nobody and the statistics need them: the SeniorProfile row and its id (so
    events, interviews and agreements still count a senior), the birth year rounded down to its decade
    (age bands), the prefecture (regional statistics), expertise areas and JSIC industries (what kind of
    expert supported whom), the pledge and consent ledgers (proof of what was agreed, and when) and the
    第三者提供記録 (APPI obliges us to keep those for three years; they name the recipient, not the person).

    Removed: name (replaced by ANONYMISED_NAME), kana, email (a unique non-deliverable placeholder), allauth
    email addresses, authenticators and sessions, the password (unusable; the user is deactivated), city,
    phone, self-introduction, qualifications, registry number, activity conditions, and whatever the apps
    declared in the personal-data registry (sks.personal_data): every text and year of the careers, and the
    free text written by or about the person in events and matching (proposals, invitation messages,
    interview notes of both sides, second-interview and agreement notes, visit summaries, survey
    comments), keeping the rows, statuses, dates and counts. The audit log keeps its rows (who read or
    changed what, and when, must stay countable) but loses every content that could name the person: see
    `_scrub_audit_log`.

    Idempotent: a profile already anonymised is returned unchanged.
    """
    profile = SeniorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if profile.anonymised_at is not None:
        return profile
    user = profile.user
    if Membership.objects.filter(user=user, is_active=True).exists():
        raise SeniorDeletionError(
            _(
                "このアカウントは金融機関などの職員としても使われているため、ここでは削除できません。"
                "事務局にご連絡ください。"
            )
        )
    now = timezone.now()
    person = Person(user=user, senior=profile)
    # Collected before anything is erased: the audit entries about these rows are scrubbed at the end.
    rows = personal_data_rows(person)

    # auditlog would record every old value as a change: exactly the personal data being removed.
    with disable_auditlog():
        _anonymise_user(user)
        if profile.birth_year is not None:
            profile.birth_year -= profile.birth_year % 10
        profile.city = profile.phone = profile.self_introduction = ""
        profile.other_qualifications = profile.registry_number = ""
        profile.days_per_month = profile.fee_min = profile.fee_max = None
        profile.weekdays = 0
        profile.remote_ok = False
        profile.search_text = ""
        profile.anonymised_at = now
        profile.save()
        profile.qualifications.clear()
        profile.travel_regions.clear()
        # Everything else any app holds about the person (careers, proposals, interview notes, survey
        # comments, ...): each app declared it in its AppConfig.ready().
        personal_data_erase(person)

    Consent.objects.filter(senior=profile, withdrawn_at__isnull=True).update(withdrawn_at=now)
    if not DeletionRequest.objects.filter(senior=profile, completed_at__isnull=True).update(completed_at=now):
        DeletionRequest.objects.create(senior=profile, requested_at=now, completed_at=now)
    senior_anonymised.send(sender=SeniorProfile, profile=profile)
    audit(obj=profile, action="senior.anonymised")
    # Last, so that it also cleans the entry just written (its actor may be the person, with their old email).
    _scrub_audit_log(user=user, rows=rows)
    return profile


def _anonymise_user(user: User) -> None:
    """The account itself: name, kana and email replaced, password unusable, deactivated, its email addresses,
    authenticators and sessions gone. Called with the audit log disabled."""
    user.name = ANONYMISED_NAME
    user.name_kana = ""
    user.email = anonymised_email(user)
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    for session in UserSession.objects.filter(user=user):
        session.end()


@transaction.atomic
def account_anonymise(*, user: User) -> User:
    """Delete the account of a person who is neither a 新現役 nor staff: a member of an alumni or regional
    network who signed up for that alone (APPI 利用停止・消去).

    The account is anonymised as a senior's is (`_anonymise_user`), everything the apps declared in the
    personal-data registry is erased (alumni profiles and posts, regional memberships, messages, survey
    comments, ...; rows, statuses and counts stay), and the audit log loses what could name the person.
    A senior deletes through `senior_anonymise`, which also handles the profile; staff cannot delete here
    (their institution deactivates them). Idempotent: an anonymised account is returned unchanged.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email == anonymised_email(user):
        return user
    if SeniorProfile.objects.filter(user=user).exists():
        raise SeniorDeletionError(_("新現役として登録しています。プロフィールの「登録の削除」から削除してください。"))
    if Membership.objects.filter(user=user, is_active=True).exists():
        raise SeniorDeletionError(
            _(
                "このアカウントは金融機関などの職員としても使われているため、ここでは削除できません。"
                "事務局にご連絡ください。"
            )
        )
    person = Person(user=user, senior=None)
    rows = personal_data_rows(person)
    with disable_auditlog():
        _anonymise_user(user)
        personal_data_erase(person)
    audit(obj=user, action="account.anonymised")
    _scrub_audit_log(user=user, rows=rows)
    return user


def _scrub_audit_log(*, user: User, rows: dict[type[Model], list[int]]) -> None:
    """Keep every audit row (it counts who read or changed what, and when) but blank what could name the person.

    * Rows about the user or any of the person's rows in the personal-data registry (`rows`: the profile,
      careers, applications, interview results, second interviews, agreements, survey answers, ...): the
      old and new values (`changes`, `changes_text`, `serialized_data`) are blanked, `object_repr` (which
      may hold the person's name) becomes ANONYMISED_NAME, and of `additional_data` (where services copy
      notes, places and reasons) only the name of the event (such as "senior.consent_granted") stays.
    * Rows the person acted in: their email (`actor_email`) and IP address and port are blanked; the
      actor link stays, pointing at the anonymised user.
    """
    types = ContentType.objects.get_for_models(User, *rows)
    about = Q(content_type=types[User], object_pk=str(user.pk))
    for model, pks in rows.items():
        about |= Q(content_type=types[model], object_pk__in=[str(pk) for pk in pks])
    entries = list(LogEntry.objects.filter(about).only("pk", "additional_data"))
    for entry in entries:
        data = entry.additional_data
        event = data.get("event") if isinstance(data, dict) else None
        entry.additional_data = {"event": event} if event else None
    LogEntry.objects.bulk_update(entries, ["additional_data"], batch_size=500)
    LogEntry.objects.filter(about).update(
        changes=None, changes_text="", serialized_data=None, object_repr=ANONYMISED_NAME
    )
    LogEntry.objects.filter(actor=user).update(actor_email=None, remote_addr=None, remote_port=None)
