"""Reads of client companies. Every one is limited to the user's own institutions."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.tmp_storages import MediaStorage

from sks.access import get_or_404
from sks.roles import INSTITUTION_ROLES

from ..models import Branch, Company, CompanyContact, Industry, Organization, User
from ..normalize import normalize_digits, normalize_kana

__all__ = [
    "COMPANY_IMPORT_MAX_AGE",
    "COMPANY_IMPORT_SALT",
    "CompanyHistoryChange",
    "CompanyHistoryEntry",
    "CompanyKeys",
    "PendingCompanyImport",
    "access_company",
    "access_company_import",
    "company_branches_for",
    "company_contacts_of",
    "company_history",
    "company_import_storage",
    "company_institution_for",
    "company_keys_for",
    "company_list_for",
    "company_staff_for",
]

COMPANY_IMPORT_SALT = "participants.company_import"
# How long a previewed upload may wait for its confirmation.
COMPANY_IMPORT_MAX_AGE = 60 * 60


def company_institution_for(*, user: User) -> Organization:
    """The institution a user registers companies for: their first one (one almost always)."""
    if not user.institution_ids:
        raise Http404
    return Organization.objects.get(pk=user.institution_ids[0])


def company_contacts_of(*, company: Company) -> QuerySet[CompanyContact]:
    """The contacts of a company the caller has fetched through access_company, read in the request's scope."""
    return CompanyContact.objects.filter(company=company).select_related("user").order_by("pk")


def company_branches_for(*, user: User) -> QuerySet[Branch]:
    return (
        Branch.objects.filter(organization_id__in=user.institution_ids)
        .select_related("organization")
        .order_by("organization_id", "code", "name")
    )


def company_staff_for(*, institution: Organization) -> QuerySet[User]:
    """Who may be named responsible for a company: active bank staff and admins of the institution."""
    return (
        User.objects.filter(
            memberships__organization=institution,
            memberships__is_active=True,
            memberships__role__in=INSTITUTION_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("name_kana", "name", "email")
    )


def _keyword_filter(q: str) -> Q:
    """Name, kana (hiragana typed is found as katakana), 法人番号 and client code."""
    nfkc = unicodedata.normalize("NFKC", q).strip()
    condition = Q(name__icontains=q) | Q(name__icontains=nfkc) | Q(client_code__icontains=nfkc)
    kana = normalize_kana(q)
    if kana:
        condition |= Q(name_kana__icontains=kana)
    digits = normalize_digits(q)
    if digits.isdigit():
        condition |= Q(corporate_number__contains=digits)
    return condition


def company_list_for(*, user: User, branch: Branch | None = None, industry: str = "", q: str = "") -> QuerySet[Company]:
    """The user's institutions' companies; `industry` is a JSIC major division code ("E")."""
    # The explicit filter and the request's scope say the same thing; either alone would keep
    # another institution's clients out.
    companies = Company.objects.filter(institution_id__in=user.institution_ids).select_related(
        "institution", "branch", "industry_major", "industry", "responsible_staff"
    )
    if branch is not None:
        companies = companies.filter(branch=branch)
    if industry:
        companies = companies.filter(industry_major__code=industry)
    if q.strip():
        companies = companies.filter(_keyword_filter(q.strip()))
    return companies


def access_company(*, user: User, pk: int) -> Company:
    return get_or_404(company_list_for(user=user), pk=pk)


# Key values are looked up in chunks (SQLite allows ~32k parameters in one statement).
_KEY_CHUNK = 2000


@dataclass
class CompanyKeys:
    """An institution's companies by the values no two of them may share: 法人番号, client code, and name
    within a prefecture. Loaded once for one company (the form) or for a whole file (the import), and read
    by the one duplicate rule (participants.services.companies.company_errors)."""

    by_corporate_number: dict[str, Company] = field(default_factory=dict)
    by_client_code: dict[str, Company] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[Company]] = field(default_factory=dict)

    def add(self, company: Company) -> None:
        if company.corporate_number:
            self.by_corporate_number.setdefault(company.corporate_number, company)
        if company.client_code:
            self.by_client_code.setdefault(company.client_code, company)
        self.by_name.setdefault((company.name, company.prefecture), []).append(company)

    def duplicate_of(self, company: Company) -> tuple[str, Company] | None:
        """The other company that this one would duplicate, and the field that says so (the same 法人番号,
        the same client code, or the same name in the same prefecture, in that order)."""
        for field_name, other in (
            ("corporate_number", self.by_corporate_number.get(company.corporate_number)),
            ("client_code", self.by_client_code.get(company.client_code)),
        ):
            if getattr(company, field_name) and other is not None and other.pk != company.pk:
                return field_name, other
        if company.name:
            for other in self.by_name.get((company.name, company.prefecture), []):
                if other.pk != company.pk:
                    return "name", other
        return None


def company_keys_for(
    *,
    institution: Organization,
    corporate_numbers: set[str] | frozenset[str] = frozenset(),
    client_codes: set[str] | frozenset[str] = frozenset(),
    names: set[str] | frozenset[str] = frozenset(),
) -> CompanyKeys:
    """The institution's companies that hold any of these values (a few queries, however many values)."""
    own = Company.objects.filter(institution=institution).order_by("pk")
    found: dict[int, Company] = {}
    for attribute, values in (
        ("corporate_number", corporate_numbers),
        ("client_code", client_codes),
        ("name", names),
    ):
        ordered = sorted(v for v in values if v)
        for start in range(0, len(ordered), _KEY_CHUNK):
            for company in own.filter(Q(**{f"{attribute}__in": ordered[start : start + _KEY_CHUNK]})):
                found.setdefault(company.pk, company)
    keys = CompanyKeys()
    for pk in sorted(found):
        keys.add(found[pk])
    return keys


# --- history ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyHistoryChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class CompanyHistoryEntry:
    timestamp: Any
    actor: str
    action: str
    is_create: bool
    via_import: bool
    changes: list[CompanyHistoryChange] = field(default_factory=list)


_HIDDEN_HISTORY_FIELDS = frozenset({"id", "institution", "created_by", "created_at", "updated_at"})
_FK_MODELS: dict[str, type[Any]] = {
    "branch": Branch,
    "industry_major": Industry,
    "industry": Industry,
    "responsible_staff": User,
}
_ACTIONS = {
    LogEntry.Action.CREATE: gettext_lazy("登録"),
    LogEntry.Action.UPDATE: gettext_lazy("変更"),
    LogEntry.Action.DELETE: gettext_lazy("削除"),
}


def company_history(*, company: Company, limit: int = 50) -> list[CompanyHistoryEntry]:
    """Who changed what, when: the auditlog entries of `company`, newest first (reads are left out).

    Related rows named in the changes are fetched once per model, so the page costs the same number of
    queries however long the history is.
    """
    entries = list(
        LogEntry.objects.get_for_object(company)
        .filter(action__in=list(_ACTIONS))
        .select_related("actor")
        .order_by("-timestamp", "-pk")[:limit]
    )
    wanted: dict[type[Any], set[int]] = {}
    for entry in entries:
        for name, values in (entry.changes_dict or {}).items():
            if name in _FK_MODELS:
                wanted.setdefault(_FK_MODELS[name], set()).update(
                    int(v) for v in values if isinstance(v, str | int) and str(v).isdigit()
                )
    names: dict[type[Any], dict[int, str]] = {
        model: {obj.pk: _fk_label(obj) for obj in model._base_manager.filter(pk__in=pks)}
        for model, pks in wanted.items()
    }
    meta = Company._meta
    history = []
    for entry in entries:
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            if name in _HIDDEN_HISTORY_FIELDS:
                continue
            try:
                model_field = meta.get_field(name)
            except FieldDoesNotExist:  # a field removed since the entry was written: show its raw name
                label, model_field = name, None
            else:
                if not getattr(model_field, "concrete", False):
                    # Another app's rows pointing at the company (older entries logged the manager's
                    # text, "events.EventCompany.None"): not a change of the company.
                    continue
                label = str(getattr(model_field, "verbose_name", name))
            old, new = (_history_value(name, model_field, v, names) for v in values)
            if entry.action == LogEntry.Action.CREATE and new == "—":
                continue
            changes.append(CompanyHistoryChange(label=label, old=old, new=new))
        data = entry.additional_data or {}
        history.append(
            CompanyHistoryEntry(
                timestamp=entry.timestamp,
                actor=str(entry.actor) if entry.actor else (entry.actor_email or _("システム")),
                action=str(_ACTIONS[entry.action]),
                is_create=entry.action == LogEntry.Action.CREATE,
                via_import=data.get("event") == "company.imported",
                changes=changes,
            )
        )
    return history


def _fk_label(obj: Any) -> str:
    if isinstance(obj, Industry):
        return obj.name
    if isinstance(obj, Branch):
        return obj.name
    return str(obj)


def _history_value(name: str, model_field: Any, value: Any, names: dict[type[Any], dict[int, str]]) -> str:
    if value in (None, "", "None"):
        return "—"
    text = str(value)
    if name in _FK_MODELS:
        label = names.get(_FK_MODELS[name], {}).get(int(text)) if text.isdigit() else None
        return label or _("（削除済み）")
    choices = getattr(model_field, "choices", None)
    if choices:
        return str(dict(choices).get(text, text))
    return text if len(text) <= 80 else text[:80] + "…"


# --- pending imports ----------------------------------------------------------------------------------


def company_import_storage(name: str | None = None) -> MediaStorage:
    """Where an uploaded file waits between preview and confirmation: import-export's media storage.

    It is the default file storage (var/media, a volume shared by every web process in
    docker-compose.yml), never served to browsers: the signed token is the only way back to a file.
    """
    return MediaStorage(name=name, MEDIA_FOLDER="django-import-export/companies")


@dataclass(frozen=True)
class PendingCompanyImport:
    token: str
    storage_name: str
    institution: Organization
    filename: str
    sha256: str
    expired: bool


def access_company_import(*, user: User, token: str) -> PendingCompanyImport:
    """The upload behind a confirmation token, for the user who uploaded it and their institution only.

    A forged, foreign or malformed token is 404, like a missing page. An expired one of the user's own
    is returned with `expired` set, so the page can say why it cannot be imported any more.
    """
    expired = False
    try:
        payload = signing.loads(token, salt=COMPANY_IMPORT_SALT, max_age=COMPANY_IMPORT_MAX_AGE)
    except signing.SignatureExpired:
        expired = True
        try:
            payload = signing.loads(token, salt=COMPANY_IMPORT_SALT)
        except signing.BadSignature:
            raise Http404 from None
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(payload, dict) or payload.get("u") != user.pk or payload.get("i") not in user.institution_ids:
        raise Http404
    return PendingCompanyImport(
        token=token,
        storage_name=str(payload["s"]),
        institution=Organization.objects.get(pk=payload["i"]),
        filename=str(payload["f"]),
        sha256=str(payload["h"]),
        expired=expired,
    )
