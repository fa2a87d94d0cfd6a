"""The post-event survey (アンケート): who takes part in it, who may answer, and its results.

Participants of an event are the people of its published timetable (DESIGN.md process 3): the seniors
with a meeting in it, the bank staff attending each table that has meetings (of the table's own
institution), and the active contact users of those tables' companies. Only they get the invitation and
only they may open the survey page; everyone else gets 404, as if the page did not exist.

The results are the coordinator's alone (the event's coordinator organisation): counts, mean satisfaction
and the distribution per role, and the comments without names. Host institutions get no results page
(their staff's comments about a joint event must not be read by one bank); the statistics page shows the
mean beside the matching rate, from SurveyResponse directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from events.access import access_event_for_coordinator, coordinator_org_ids
from events.enums import EventStatus
from events.models import Event
from participants.models import User
from sks.roles import COMPANY, INSTITUTION_ROLES, SENIOR

from ..enums import SurveyRole, TimetableStatus
from ..models import SurveyResponse, TimetableMeeting

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: annotations only

__all__ = [
    "SATISFACTION_LABELS",
    "SURVEY_OPEN_STATUSES",
    "SURVEY_VISIBLE_STATUSES",
    "RoleResult",
    "SurveyResults",
    "access_event_for_survey",
    "access_event_for_survey_results",
    "survey_participants",
    "survey_response_of",
    "survey_results",
    "survey_role_for",
]

# Answers are taken (and may be changed) while the event is held or in follow-up; once the follow-up is
# closed the page still shows the participant their own answer, read-only.
SURVEY_OPEN_STATUSES: frozenset[str] = frozenset({EventStatus.HELD, EventStatus.FOLLOW_UP})
SURVEY_VISIBLE_STATUSES: frozenset[str] = SURVEY_OPEN_STATUSES | {EventStatus.CLOSED}

SATISFACTION_VALUES = (1, 2, 3, 4, 5)
SATISFACTION_LABELS: dict[int, StrOrPromise] = {
    1: _("不満"),
    2: _("やや不満"),
    3: _("ふつう"),
    4: _("満足"),
    5: _("大変満足"),
}


def _published_meetings(event: Event) -> QuerySet[TimetableMeeting]:
    return TimetableMeeting.objects.filter(timetable__event=event, timetable__status=TimetableStatus.PUBLISHED)


def survey_role_for(*, event: Event, user: User) -> str | None:
    """The role in which `user` took part in `event` (SurveyRole), or None if they did not.

    A person holding two roles (rare: a senior who is also a company contact) answers as the first of
    senior, bank staff, company. One query per role the user holds.
    """
    meetings = _published_meetings(event)
    roles = user.roles
    if SENIOR in roles and meetings.filter(senior__user=user, senior__anonymised_at__isnull=True).exists():
        return SurveyRole.SENIOR
    if (
        roles & INSTITUTION_ROLES
        # Only tables of their own institution (a staff member set on another bank's table by mistake is not
        # a participant of that bank's table).
        and meetings.filter(
            enrolment__attending_staff=user, enrolment__institution_id__in=user.institution_ids
        ).exists()
    ):
        return SurveyRole.BANK_STAFF
    if (
        COMPANY in roles
        and meetings.filter(
            enrolment__company__contacts__user=user, enrolment__company__contacts__is_active=True
        ).exists()
    ):
        return SurveyRole.COMPANY
    return None


def survey_participants(*, event: Event) -> list[tuple[User, str]]:
    """Every active participant of `event` with their survey role, each person once (3 queries).

    Ordered seniors, bank staff, companies, then by user id.
    """
    meetings = _published_meetings(event)
    seniors = User.objects.filter(
        is_active=True,
        pk__in=meetings.filter(senior__anonymised_at__isnull=True).values("senior__user_id"),
    ).order_by("pk")
    staff = User.objects.filter(
        is_active=True,
        pk__in=meetings.filter(
            # Attending a table of their own institution (as survey_role_for).
            enrolment__attending_staff__memberships__organization_id=F("enrolment__institution_id"),
            enrolment__attending_staff__memberships__role__in=INSTITUTION_ROLES,
            enrolment__attending_staff__memberships__is_active=True,
        ).values("enrolment__attending_staff_id"),
    ).order_by("pk")
    contacts = User.objects.filter(
        is_active=True,
        company_contacts__is_active=True,
        company_contacts__company_id__in=meetings.values("enrolment__company_id"),
    ).order_by("pk")
    result: list[tuple[User, str]] = []
    seen: set[int] = set()
    for users, role in ((seniors, SurveyRole.SENIOR), (staff, SurveyRole.BANK_STAFF), (contacts, SurveyRole.COMPANY)):
        for user in users.distinct():
            if user.pk not in seen:
                seen.add(user.pk)
                result.append((user, str(role)))
    return result


def access_event_for_survey(*, user: User, pk: int) -> tuple[Event, str]:
    """The event and the user's survey role in it; 404 unless the event is past and the user took part."""
    event = Event.objects.filter(pk=pk, status__in=SURVEY_VISIBLE_STATUSES).first()
    if event is None:
        raise Http404
    role = survey_role_for(event=event, user=user)
    if role is None:
        raise Http404
    return event, role


def access_event_for_survey_results(*, user: User, pk: int) -> Event:
    """The event's coordinators only; 404 for everyone else (host institutions included)."""
    if not coordinator_org_ids(user):
        raise Http404
    return access_event_for_coordinator(user=user, pk=pk)


def survey_response_of(*, event: Event, user: User) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(event=event, user=user).first()


@dataclass
class RoleResult:
    role: str
    label: str
    invited: int = 0
    count: int = 0
    mean: float | None = None
    # satisfaction value → number of answers, for every value 1..5 (zeros included)
    distribution: dict[int, int] = field(default_factory=dict)

    @property
    def bars(self) -> list[tuple[int, int, int]]:
        """(value, count, percent of this role's answers) for 5 down to 1, for the distribution bars."""
        return [
            (value, self.distribution.get(value, 0), round(100 * self.distribution.get(value, 0) / self.count))
            if self.count
            else (value, 0, 0)
            for value in reversed(SATISFACTION_VALUES)
        ]


@dataclass
class SurveyResults:
    event: Event
    roles: list[RoleResult]
    total: RoleResult
    comments: list[SurveyResponse]


def survey_results(*, event: Event) -> SurveyResults:
    """Per role: how many were invited, answered, the mean and the distribution; then the comments.

    Database aggregation only, in a fixed number of queries whatever the number of answers (5).
    """
    responses = SurveyResponse.objects.filter(event=event)
    per_role: dict[str, dict[str, Any]] = {
        row["role"]: dict(row)
        for row in responses.values("role").annotate(count=Count("pk"), mean=Avg("satisfaction")).order_by("role")
    }
    distribution: dict[str, dict[int, int]] = {}
    for row in responses.values("role", "satisfaction").annotate(n=Count("pk")).order_by("role", "satisfaction"):
        distribution.setdefault(row["role"], {})[row["satisfaction"]] = row["n"]
    invited: dict[str, int] = {}
    for _user, role in survey_participants(event=event):
        invited[role] = invited.get(role, 0) + 1
    roles = [
        RoleResult(
            role=str(role),
            label=str(role.label),
            invited=invited.get(role, 0),
            count=per_role.get(role, {}).get("count", 0),
            mean=per_role.get(role, {}).get("mean"),
            distribution=distribution.get(role, {}),
        )
        for role in SurveyRole
    ]
    overall = responses.aggregate(
        count=Count("pk"),
        mean=Avg("satisfaction"),
        **{f"s{v}": Count("pk", filter=Q(satisfaction=v)) for v in SATISFACTION_VALUES},
    )
    total = RoleResult(
        role="all",
        label="",
        invited=sum(invited.values()),
        count=overall["count"],
        mean=overall["mean"],
        distribution={v: overall[f"s{v}"] for v in SATISFACTION_VALUES if overall[f"s{v}"]},
    )
    comments = list(responses.exclude(comment="").order_by("role", "-submitted_at", "pk"))
    return SurveyResults(event=event, roles=roles, total=total, comments=comments)
