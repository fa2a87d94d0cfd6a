"""Reads of enrolments, hearing sheets and the issue list (課題一覧).

Who reads what (events.access decides who reaches the event or enrolment first):

* bank staff read their own institution's enrolments through the scoped `objects` managers, with the
  institution filter spelled out as well (either alone keeps another bank's companies out);
* coordinators and company contacts reach a sheet only after `access_enrolment_for_*` has authorised its
  enrolment, so those reads use the `unscoped` managers filtered by that enrolment;
* the issue list is what everyone may see once published: `issue_list_entries` returns plain values only
  (never the internal notes, never the institution).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from participants.models import PREFECTURE_CHOICES, Company, SeniorProfile, User
from participants.selectors import institution_staff, senior_has_current_pledge

from .. import access
from ..enums import EventStatus, HearingStatus
from ..models import Event, EventCompany, EventHost, HearingIssue, HearingSheet

__all__ = [
    "ENROLMENT_OPEN_STATUSES",
    "HEARING_EDITABLE_STATUSES",
    "IssueListEntry",
    "anonymous_label",
    "companies_as_seen_by_senior",
    "company_contact_users",
    "contact_enrolment_list",
    "coordinator_hearing_rows",
    "employees_band",
    "enrolment_attending_staff_choices",
    "enrolment_closed_reason",
    "enrolment_company_choices",
    "hearing_issues_of",
    "hearing_sheet_of",
    "issue_list_entries",
    "issue_list_labels",
    "staff_event_enrolments",
    "staff_event_list",
    "staff_institutions_hosting",
    "staff_open_hearings",
]

# Companies may be enrolled while the event recruits them and during the hearings (until the deadline).
ENROLMENT_OPEN_STATUSES: frozenset[str] = frozenset({EventStatus.RECRUITING, EventStatus.HEARING})
# The bank edits a sheet while drafting it and after the company sent it back.
HEARING_EDITABLE_STATUSES: frozenset[str] = frozenset({HearingStatus.DRAFT, HearingStatus.RETURNED})

_PREFECTURES = dict(PREFECTURE_CHOICES)


# --- staff ------------------------------------------------------------------------------------------------


def staff_event_list(*, user: User) -> QuerySet[Event]:
    """Events hosted by the user's institutions, with how many companies the user's institutions enrolled."""
    own = (
        access.enrolments_for_staff(user=user)
        .filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        access.events_for_staff(user=user)
        .select_related("coordinator")
        .annotate(own_enrolments=Coalesce(Subquery(own, output_field=IntegerField()), 0))
        .order_by("-date", "-pk")
    )


def staff_institutions_hosting(*, user: User, event: Event) -> list[int]:
    """Which of the user's institutions host `event` (usually exactly one)."""
    return sorted(
        EventHost.objects.filter(event=event, institution_id__in=user.institution_ids).values_list(
            "institution_id", flat=True
        )
    )


def staff_event_enrolments(*, user: User, event: Event) -> QuerySet[EventCompany]:
    """The user's own institutions' enrolments in `event`, each with its hearing sheet (never another bank's)."""
    return (
        access.enrolments_for_staff(user=user)
        .filter(event=event)
        .select_related("company", "institution", "attending_staff", "hearing")
        .order_by("pk")
    )


def staff_open_hearings(*, user: User, limit: int = 20) -> QuerySet[EventCompany]:
    """The user's institutions' sheets not yet approved, for events still to come (the dashboard's to-do)."""
    return (
        access.enrolments_for_staff(user=user)
        .filter(event__date__gte=timezone.localdate())
        .exclude(hearing__status=HearingStatus.APPROVED)
        .select_related("event", "company", "hearing")
        .order_by("event__hearing_deadline", "event_id", "pk")[:limit]
    )


def enrolment_closed_reason(*, event: Event, today: dt.date | None = None) -> str | None:
    """Why companies cannot be enrolled in `event` now, or None when they can."""
    today = today or timezone.localdate()
    if event.status not in ENROLMENT_OPEN_STATUSES:
        return _(
            "この交流会は現在「%(status)s」のため、企業を登録できません（登録できるのは企業募集中とヒアリング中です）。"
        ) % {"status": event.get_status_display()}
    if today > event.enrolment_deadline:
        return _("企業登録の締切（%(deadline)s）を過ぎたため、企業を登録できません。") % {
            "deadline": date_format(event.enrolment_deadline, "Y年n月j日")
        }
    return None


def enrolment_company_choices(*, user: User, event: Event) -> QuerySet[Company]:
    """Companies the user may enrol: their own institutions' clients, of an institution hosting `event`."""
    return (
        Company.objects.filter(institution_id__in=staff_institutions_hosting(user=user, event=event))
        .select_related("institution")
        .order_by("name_kana", "name", "pk")
    )


def enrolment_attending_staff_choices(*, institution_ids: Iterable[int]) -> QuerySet[User]:
    """Active bank staff and admins of the given institutions (who may sit at the company's table)."""
    return institution_staff(institution_ids=tuple(institution_ids))


# --- one enrolment's sheet (any reader, after access_enrolment_for_*) ---------------------------------------


def hearing_sheet_of(*, enrolment: EventCompany) -> HearingSheet:
    """The enrolment's sheet (`enrolment` authorised by an access_enrolment_for_* selector); an unsaved
    empty draft if none was created yet."""
    sheet = (
        access.hearing_sheets_of_enrolment(enrolment=enrolment)
        .select_related("interviewer", "approved_by", "submitted_by", "summary_updated_by")
        .first()
    )
    if sheet is None:
        sheet = HearingSheet(enrolment=enrolment)
    sheet.enrolment = enrolment  # the caller's instance, with its related rows already loaded
    return sheet


def hearing_issues_of(*, sheet: HearingSheet) -> list[HearingIssue]:
    if sheet.pk is None:
        return []
    # The sheet was reached through its authorised enrolment (see hearing_sheet_of).
    return list(access.hearing_issues_of_sheet(sheet=sheet).prefetch_related("expertise").order_by("position", "pk"))


# --- company contact ------------------------------------------------------------------------------------------


def contact_enrolment_list(*, user: User) -> QuerySet[EventCompany]:
    """The events the contact's companies are enrolled in, newest first, with each sheet."""
    return access.enrolments_for_contact(user=user).select_related("hearing").order_by("-event__date", "pk")


def company_contact_users(*, company: Company) -> list[User]:
    """The people who sign in for `company` (its active contacts), to tell them of a submitted sheet."""
    return list(
        User.objects.filter(company_contacts__company=company, company_contacts__is_active=True, is_active=True)
        .distinct()
        .order_by("pk")
    )


# --- coordinator ------------------------------------------------------------------------------------------


def coordinator_hearing_rows(*, user: User, event: Event) -> QuerySet[EventCompany]:
    """Every host's enrolments in `event` (the coordinator oversees all of them); none when `event` is not
    one of the user's."""
    return (
        access.enrolments_for_coordinator(user=user)
        .filter(event=event)
        .select_related("company", "institution", "attending_staff", "hearing")
        .order_by("institution__name", "pk")
    )


# --- the issue list ---------------------------------------------------------------------------------------


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: enough labels for the record of 60 companies in a day."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def anonymous_label(index: int) -> str:
    return _("%(letters)s社") % {"letters": _letters(index)}


def issue_list_labels(*, event: Event) -> dict[int, str]:
    """The anonymous label of each enrolment of `event` ("A社", "B社", …), by order of enrolment.

    Counted over every enrolment of the event, so a label never changes when another company's sheet is
    approved or withdrawn later: a senior's printed list and the selection pages always agree.
    """
    # Only the enrolments' ids are read, of every host (a label must not depend on the reader).
    ids = access.enrolments_of_event(event=event).order_by("pk").values_list("pk", flat=True)
    return {pk: anonymous_label(i) for i, pk in enumerate(ids)}


def employees_band(employees: int | None) -> str:
    """A size band instead of the exact headcount, which could identify the company."""
    if employees is None:
        return ""
    bands = ((9, _("9人以下")), (49, _("10〜49人")), (99, _("50〜99人")), (299, _("100〜299人")))
    for upper, label in bands:
        if employees <= upper:
            return label
    return _("300人以上")


@dataclass(frozen=True)
class IssueListEntry:
    """One company's entry in the published issue list: only what the company approved for publication."""

    enrolment_id: int
    label: str  # the anonymous label ("A社"), always
    display_name: str  # the real name when its disclosure was agreed and chosen, else the label
    show_name: bool
    title: str
    summary: str
    categories: list[str] = field(default_factory=list)
    expertise: list[str] = field(default_factory=list)
    industry: str = ""
    prefecture: str = ""
    employees: str = ""
    support_form: str = ""


def issue_list_entries(*, event: Event, institution_ids: Iterable[int] | None = None) -> list[IssueListEntry]:
    """The publishable sheets of `event` (approved, with a title and a summary) as plain entries.

    `institution_ids` limits the list to those institutions' companies (a host's staff before the list is
    published). Three queries, however many companies.
    """
    issues = access.hearing_issues_for_prefetch().order_by("position", "pk").prefetch_related("expertise")
    # Every host's enrolments of the event; only published fields leave this function.
    enrolments = (
        access.enrolments_of_event(event=event)
        .select_related("company__industry_major", "hearing")
        .prefetch_related(Prefetch("hearing__issues", queryset=issues))
        .order_by("pk")
    )
    entries = []
    wanted = set(institution_ids) if institution_ids is not None else None
    for index, enrolment in enumerate(enrolments):
        sheet = getattr(enrolment, "hearing", None)
        if sheet is None or not sheet.is_publishable:
            continue
        if wanted is not None and enrolment.institution_id not in wanted:
            continue
        company = enrolment.company
        label = anonymous_label(index)
        show_name = sheet.show_name and sheet.name_disclosure_agreed
        sheet_issues = list(sheet.issues.all())
        expertise: list[str] = []
        for issue in sheet_issues:
            for area in issue.expertise.all():
                if area.label not in expertise:
                    expertise.append(area.label)
        categories: list[str] = []
        for issue in sheet_issues:
            if issue.get_category_display() not in categories:
                categories.append(str(issue.get_category_display()))
        entries.append(
            IssueListEntry(
                enrolment_id=enrolment.pk,
                label=label,
                display_name=company.name if show_name else label,
                show_name=show_name,
                title=sheet.public_title,
                summary=sheet.public_summary,
                categories=categories,
                expertise=expertise,
                industry=company.industry_major.label if company.industry_major else "",
                prefecture=str(_PREFECTURES.get(company.prefecture, "")),
                employees=employees_band(company.employees),
                support_form=str(sheet.get_support_form_display()) if sheet.support_form else "",
            )
        )
    return entries


def companies_as_seen_by_senior(*, event: Event, senior: SeniorProfile) -> dict[int, str]:
    """What `senior` may call each company of `event`, by enrolment id: the published display name under the
    pledge in force (the real name only where its disclosure was agreed and chosen), else the anonymous
    label only, as on the senior's schedule page."""
    names = dict(issue_list_labels(event=event))
    if senior_has_current_pledge(senior):
        names.update({entry.enrolment_id: entry.display_name for entry in issue_list_entries(event=event)})
    return names
