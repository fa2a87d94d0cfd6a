"""Who may open which event, enrolment and hearing sheet. Every view goes through these.

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
from django.http import Http404

from participants.models import SeniorProfile, User
from sks.access import get_or_404
from sks.roles import COMPANY, SENIOR, Role

from .enums import EVENT_STATUS_ORDER, EventStatus
from .models import Event, EventCompany

__all__ = [
    "PUBLISHED_STATUSES",
    "access_enrolment_for_contact",
    "access_enrolment_for_coordinator",
    "access_enrolment_for_staff",
    "access_event_for_coordinator",
    "access_event_for_senior",
    "access_event_for_staff",
    "coordinator_org_ids",
    "enrolments_for_contact",
    "events_for_coordinator",
    "events_for_senior",
    "events_for_staff",
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


def access_enrolment_for_staff(*, user: User, pk: object) -> EventCompany:
    """One of the user's own institution's enrolments (the scoped manager already limits to it)."""
    qs = EventCompany.objects.filter(institution_id__in=user.institution_ids).select_related(
        "event", "company", "institution", "attending_staff"
    )
    return get_or_404(qs, pk=pk)


def access_enrolment_for_coordinator(*, user: User, pk: object) -> EventCompany:
    # Coordinators work across the host institutions of their own events: filtered by event here.
    qs = EventCompany.unscoped.filter(event__coordinator_id__in=coordinator_org_ids(user)).select_related(
        "event", "company", "institution", "attending_staff"
    )
    return get_or_404(qs, pk=pk)


def enrolments_for_contact(*, user: User) -> QuerySet[EventCompany]:
    """The enrolments of the companies the user signs in for (company contact role)."""
    if COMPANY not in user.roles:
        return EventCompany.unscoped.none()
    # A company contact belongs to no institution: filtered by their own company here.
    return EventCompany.unscoped.filter(company__contacts__user=user, company__contacts__is_active=True).select_related(
        "event", "company", "institution", "attending_staff"
    )


def access_enrolment_for_contact(*, user: User, pk: object) -> EventCompany:
    return get_or_404(enrolments_for_contact(user=user), pk=pk)


def senior_profile_of(user: User) -> SeniorProfile:
    profile = SeniorProfile.objects.filter(user=user, anonymised_at__isnull=True).first()
    if profile is None:
        raise Http404
    return profile
