"""The events app's one access module: who may open which event, enrolment and hearing sheet.

Every view goes through these, and this is the only module of the app that reads `EventCompany`,
`HearingSheet` or `HearingIssue` around the institution scope (the `unscoped` managers). Two kinds of
functions do so:

* role functions take the `user` and apply that role's rule themselves (a coordinator's enrolments are
  those of the events of the user's coordinator organisations; a company contact's, those of their own
  companies), so a caller passing someone else's event or id gets nothing or Http404;
* system functions (`*_of_event`, `*_of_enrolment`, `*_for_system_scan`, `*_for_statistics`, `*_for_update`)
  serve callers that have already authorised the row for the reader, or that serve no reader at all
  (reminder scans, the engine's problem, numbering). Each says why in its docstring.

The rules (DESIGN.md, "Confidentiality is the product's foundation"):

* a coordinator sees the events of their coordinator organisation, and every enrolment and hearing sheet
  in them except the bank's internal notes;
* bank staff (and institution admins) see the events their institution hosts, and only their own
  institution's enrolments and hearing sheets, even in a joint event of many banks;
* a company contact sees only the enrolments of its own company;
* a senior sees an event only once its issue list is published (and only after the pledge, enforced by
  the selection views).

Missing and forbidden both raise Http404.
"""

from __future__ import annotations

from django.db.models import QuerySet

from participants.models import Company, SeniorProfile, User
from participants.selectors import access_own_senior_profile
from sks.access import get_or_404
from sks.roles import COMPANY, SENIOR, Role

from .enums import EVENT_STATUS_ORDER, EventStatus
from .models import Event, EventCompany, HearingIssue, HearingSheet

__all__ = [
    "PUBLISHED_STATUSES",
    "access_enrolment_for_contact",
    "access_enrolment_for_coordinator",
    "access_enrolment_for_staff",
    "access_event_for_coordinator",
    "access_event_for_senior",
    "access_event_for_staff",
    "coordinator_org_ids",
    "enrolment_by_pk",
    "enrolment_exists",
    "enrolment_for_update",
    "enrolments_for_contact",
    "enrolments_for_coordinator",
    "enrolments_for_staff",
    "enrolments_for_statistics",
    "enrolments_for_system_scan",
    "enrolments_of_event",
    "events_for_coordinator",
    "events_for_senior",
    "events_for_staff",
    "hearing_issues_for_prefetch",
    "hearing_issues_of_sheet",
    "hearing_sheet_for_update",
    "hearing_sheets_for_system_scan",
    "hearing_sheets_of_enrolment",
    "hearing_sheets_of_event",
    "senior_profile_of",
]

# Statuses in which the issue list is public to seniors who have taken the pledge.
PUBLISHED_STATUSES: frozenset[str] = frozenset(EVENT_STATUS_ORDER[EVENT_STATUS_ORDER.index(EventStatus.PUBLISHED) :])


def coordinator_org_ids(user: User) -> list[int]:
    if Role.COORDINATOR not in user.roles:
        return []
    return sorted(m.organization_id for m in user.active_memberships if m.role == Role.COORDINATOR)


def events_for_coordinator(*, user: User) -> QuerySet[Event]:
    return Event.objects.filter(coordinator_id__in=coordinator_org_ids(user))


def events_for_staff(*, user: User) -> QuerySet[Event]:
    """Events hosted by one of the user's institutions (bank staff and institution admins)."""
    return Event.objects.filter(event_hosts__institution_id__in=user.institution_ids).distinct()


def events_for_senior(*, user: User) -> QuerySet[Event]:
    if SENIOR not in user.roles:
        return Event.objects.none()
    return Event.objects.filter(status__in=PUBLISHED_STATUSES)


def access_event_for_coordinator(*, user: User, pk: object) -> Event:
    return get_or_404(events_for_coordinator(user=user), pk=pk)


def access_event_for_staff(*, user: User, pk: object) -> Event:
    return get_or_404(events_for_staff(user=user), pk=pk)


def access_event_for_senior(*, user: User, pk: object) -> Event:
    return get_or_404(events_for_senior(user=user), pk=pk)


# --- enrolments, per role -------------------------------------------------------------------------------


def enrolments_for_staff(*, user: User) -> QuerySet[EventCompany]:
    """The user's own institutions' enrolments (bank staff, institution admins); the scope applies too."""
    return EventCompany.objects.filter(institution_id__in=user.institution_ids)


def enrolments_for_coordinator(*, user: User) -> QuerySet[EventCompany]:
    """Every host's enrolments in the events of the user's coordinator organisations (none for anyone else).

    Unscoped: a coordinator belongs to no host institution, yet oversees all hosts of their own events.
    """
    return EventCompany.unscoped.filter(event__coordinator_id__in=coordinator_org_ids(user))


def access_enrolment_for_staff(*, user: User, pk: object) -> EventCompany:
    """One of the user's own institution's enrolments (the scoped manager already limits to it)."""
    qs = enrolments_for_staff(user=user).select_related("event", "company", "institution", "attending_staff")
    return get_or_404(qs, pk=pk)


def access_enrolment_for_coordinator(*, user: User, pk: object, event: Event | None = None) -> EventCompany:
    """One enrolment of the coordinator's own events (of `event` only, when given)."""
    qs = enrolments_for_coordinator(user=user).select_related("event", "company", "institution", "attending_staff")
    if event is not None:
        qs = qs.filter(event=event)
    return get_or_404(qs, pk=pk)


def enrolments_for_contact(*, user: User) -> QuerySet[EventCompany]:
    """The enrolments of the companies the user signs in for (company contact role)."""
    if COMPANY not in user.roles:
        return EventCompany.objects.none()
    # Unscoped: a company contact belongs to no institution; filtered by their own companies here.
    return EventCompany.unscoped.filter(company__contacts__user=user, company__contacts__is_active=True).select_related(
        "event", "company", "institution", "attending_staff"
    )


def access_enrolment_for_contact(*, user: User, pk: object) -> EventCompany:
    return get_or_404(enrolments_for_contact(user=user), pk=pk)


def senior_profile_of(user: User) -> SeniorProfile:
    """The user's own 新現役 profile; 404 for anyone else or an anonymised one (read once per user object)."""
    return access_own_senior_profile(user=user)


# --- system and after-authorisation reads -------------------------------------------------------------------


def enrolments_of_event(*, event: Event) -> QuerySet[EventCompany]:
    """Every host's enrolments of `event`.

    System/after authorisation, unscoped: for callers that have authorised `event` for the reader (e.g.
    through access_event_for_coordinator) or serve no reader (the engine's problem, table numbering and
    anonymous labels, event-wide counts, the recipients of the event's own mail).
    """
    return EventCompany.unscoped.filter(event=event)


def enrolment_exists(*, event: Event, company: Company) -> bool:
    """Whether `company` is already enrolled in `event`, by whoever.

    Unscoped: a duplicate is a duplicate whoever enrolled it; only existence is read.
    """
    return EventCompany.unscoped.filter(event=event, company=company).exists()


def enrolment_for_update(*, pk: int) -> EventCompany:
    """The enrolment re-read under a row lock, with its event and company.

    After authorisation, unscoped: the calling service's caller has fetched it through access_enrolment_*.
    """
    return EventCompany.unscoped.select_for_update(of=("self",)).select_related("event", "company").get(pk=pk)


def enrolment_by_pk(*, pk: int, related: tuple[str, ...] = ()) -> EventCompany:
    """The enrolment a row already authorised by the caller belongs to (a result, a second interview).

    After authorisation, unscoped: the follow-up services create rows for it once their caller has fetched
    the row it comes from through an access selector.
    """
    return EventCompany.unscoped.select_related(*related).get(pk=pk)


def enrolments_for_system_scan() -> QuerySet[EventCompany]:
    """The enrolments of every institution.

    System path, unscoped: reminder scans serve no request; each reminder goes only to that enrolment's own
    attending staff (or the event's coordinators), so nothing crosses from one bank to another.
    """
    return EventCompany.unscoped.all()


def enrolments_for_statistics() -> QuerySet[EventCompany]:
    """The enrolments of every institution, for aggregation.

    System path, unscoped: matching.selectors.statistics applies its own institution rule (own figures;
    national totals only with enough other institutions) before anything is shown.
    """
    return EventCompany.unscoped.all()


def hearing_sheets_of_enrolment(*, enrolment: EventCompany) -> QuerySet[HearingSheet]:
    """The sheet of `enrolment` (zero or one row).

    After authorisation, unscoped: `enrolment` was fetched for the reader by an access_enrolment_* selector
    (staff, coordinator or company contact).
    """
    return HearingSheet.unscoped.filter(enrolment=enrolment)


def hearing_sheets_of_event(*, event: Event) -> QuerySet[HearingSheet]:
    """Every host's sheets of `event`.

    System/after authorisation, unscoped: for callers that have authorised `event` (the coordinator's
    transition checks, printed sheets); they read only published fields and statuses.
    """
    return HearingSheet.unscoped.filter(enrolment__event=event)


def hearing_sheet_for_update(*, enrolment_id: int) -> HearingSheet:
    """The sheet of the enrolment re-read under a row lock, created empty if missing.

    After authorisation, unscoped: the calling services serve staff, coordinators and company contacts, each
    of whom the caller has authorised for this enrolment.
    """
    sheet = (
        HearingSheet.unscoped.select_for_update(of=("self",))
        .select_related("enrolment__event", "enrolment__company")
        .filter(enrolment_id=enrolment_id)
        .first()
    )
    if sheet is None:
        HearingSheet.unscoped.get_or_create(enrolment_id=enrolment_id)
        sheet = (
            HearingSheet.unscoped.select_for_update(of=("self",))
            .select_related("enrolment__event", "enrolment__company")
            .get(enrolment_id=enrolment_id)
        )
    return sheet


def hearing_sheets_for_system_scan() -> QuerySet[HearingSheet]:
    """The sheets of every institution.

    System path, unscoped: reminder scans serve no request; each reminder goes only to the sheet's own
    attending staff (and its copy to the event's coordinators).
    """
    return HearingSheet.unscoped.all()


def hearing_issues_of_sheet(*, sheet: HearingSheet) -> QuerySet[HearingIssue]:
    """The issues of `sheet`.

    After authorisation, unscoped: the sheet was reached through its authorised enrolment.
    """
    return HearingIssue.unscoped.filter(sheet=sheet)


def hearing_issues_for_prefetch() -> QuerySet[HearingIssue]:
    """Issues, only as the queryset of a Prefetch from sheets the caller has already limited.

    Unscoped: the prefetch itself filters the rows to those sheets (the issue list of an authorised event).
    """
    return HearingIssue.unscoped.all()
