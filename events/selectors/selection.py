"""Reads of the mutual selection: the issue list a senior may choose from, applications and choices, the
applicants and invitations of one company, the coordinator's overview and the request list for the timetable.

Who counts. An application counts once it is submitted (not a draft, not withdrawn) and its senior is not
anonymised (a deleted person cannot come to the event). An invitation counts while it is not withdrawn, its
senior is not anonymised and the senior has not withdrawn from the event. The same definitions serve the
company's applicant counts, the coordinator's overview and `event_requests`, so their numbers agree.

Scopes. ApplicationChoice, SeniorApplication and SeniorInvitation have plain managers; whatever belongs to an
institution is filtered here by the enrolment's institution (staff) or the event (coordinator, senior).
HearingSheet and HearingIssue are read through `unscoped` only after filtering by the event, and only their
published fields leave this module (never the internal notes, never the institution, for seniors).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from participants.models import SeniorProfile, User
from participants.selectors import senior_profiles_visible_to_institutions
from sks.access import get_or_404

from ..access import enrolments_for_coordinator, enrolments_for_staff, events_for_senior
from ..enums import ApplicationStatus, ChoiceDecision, EventStatus, RequestKind
from ..models import (
    ApplicationChoice,
    Event,
    EventCompany,
    SeniorApplication,
    SeniorInvitation,
)
from . import hearings as hearings_selectors

__all__ = [
    "ApplicantEntry",
    "CompanySelectionRow",
    "IssueEntry",
    "SelectionOverview",
    "SeniorEventRow",
    "SeniorSelectionRow",
    "StaffPendingRow",
    "access_choice_for_staff",
    "access_invitation_for_staff",
    "applicant_counts_for_enrolments",
    "application_window_open",
    "coordinator_selection_overview",
    "enrolment_senior_states",
    "event_requests",
    "invitations_for_enrolment",
    "issue_entries_for_senior",
    "live_choices",
    "live_invitations",
    "selection_window_open",
    "senior_application_for",
    "senior_event_rows",
    "senior_invitations_for_event",
    "staff_applicant_entries",
    "staff_pending_decisions",
]


# --- windows --------------------------------------------------------------------------------------


def application_window_open(event: Event) -> bool:
    """Seniors may save, submit and withdraw while the issue list is out and the deadline (Japan date) holds."""
    return event.status == EventStatus.PUBLISHED and timezone.localdate() <= event.application_deadline


def selection_window_open(event: Event) -> bool:
    """Companies may accept, decline and invite from publication until the selection deadline (Japan date)."""
    return (
        event.status in (EventStatus.PUBLISHED, EventStatus.SELECTION)
        and timezone.localdate() <= event.selection_deadline
    )


# --- who counts -----------------------------------------------------------------------------------


def live_choices() -> QuerySet[ApplicationChoice]:
    """Choices of submitted applications of seniors who are not anonymised."""
    return ApplicationChoice.objects.filter(
        application__status=ApplicationStatus.SUBMITTED, application__senior__anonymised_at__isnull=True
    )


def live_invitations() -> QuerySet[SeniorInvitation]:
    """Invitations not withdrawn, to seniors not anonymised who have not withdrawn from the event."""
    withdrawn = SeniorApplication.objects.filter(
        event=OuterRef("enrolment__event"), senior=OuterRef("senior"), status=ApplicationStatus.WITHDRAWN
    )
    return SeniorInvitation.objects.filter(withdrawn_at__isnull=True, senior__anonymised_at__isnull=True).exclude(
        Exists(withdrawn)
    )


def _count(queryset: QuerySet[Any], group: str) -> Any:
    """A correlated COUNT(*) of `queryset` (already filtered by OuterRef on `group`), 0 when empty."""
    counted = queryset.order_by().values(group).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- the issue list as a senior sees it -----------------------------------------------------------


@dataclass(frozen=True)
class IssueEntry:
    """One company on the published issue list: only what the company approved for publication."""

    enrolment_id: int
    label: str  # 「A社」, or the company's name where it agreed to disclose it
    title: str
    summary: str
    categories: tuple[str, ...] = ()
    expertise: tuple[str, ...] = ()
    industry: str = ""
    prefecture: str = ""
    employees_band: str = ""
    support_form: str = ""


def issue_entries_for_senior(*, event: Event) -> list[IssueEntry]:
    """The published issue list of `event`; the caller has checked the pledge (views) or the window (services)."""
    return [
        IssueEntry(
            enrolment_id=entry.enrolment_id,
            label=entry.display_name,
            title=entry.title,
            summary=entry.summary,
            categories=tuple(str(c) for c in entry.categories),
            expertise=tuple(str(x) for x in entry.expertise),
            industry=str(entry.industry),
            prefecture=str(entry.prefecture),
            employees_band=str(entry.employees),
            support_form=str(entry.support_form),
        )
        for entry in hearings_selectors.issue_list_entries(event=event)
    ]


# --- the senior's own side ------------------------------------------------------------------------


@dataclass(frozen=True)
class SeniorEventRow:
    event: Event
    application_status: str | None
    accepting: bool
    held: bool = False  # the event's day has passed


def senior_event_rows(*, user: User, senior: SeniorProfile) -> list[SeniorEventRow]:
    """Events whose issue list is published, with the senior's application status (one query): those open
    for applications, and those the senior applied to. An event the senior can no longer apply to and never
    applied to (past, or its deadline gone) is not offered."""
    own = SeniorApplication.objects.filter(event=OuterRef("pk"), senior=senior)
    events = (
        events_for_senior(user=user)
        .annotate(application_status=Subquery(own.values("status")[:1]))
        .order_by("-date", "-pk")
    )
    today = timezone.localdate()
    rows = [
        SeniorEventRow(
            event=e,
            application_status=e.application_status,  # type: ignore[attr-defined]  # annotated above
            accepting=application_window_open(e),
            held=e.date < today,
        )
        for e in events
    ]
    return [row for row in rows if row.accepting or row.application_status is not None]


def senior_application_for(*, event: Event, senior: SeniorProfile) -> SeniorApplication | None:
    """The senior's application to `event` with its choices in order, or None."""
    choices = Prefetch("choices", queryset=ApplicationChoice.objects.order_by("position", "pk"))
    return SeniorApplication.objects.filter(event=event, senior=senior).prefetch_related(choices).first()


def senior_invitations_for_event(*, event: Event, senior: SeniorProfile) -> list[SeniorInvitation]:
    """The live invitations the senior received in `event` (shown behind the pledge gate only)."""
    return list(live_invitations().filter(enrolment__event=event, senior=senior).order_by("created_at", "pk"))


# --- staff: one company's applicants and invitations ----------------------------------------------


def access_choice_for_staff(*, user: User, pk: object) -> ApplicationChoice:
    """A submitted choice of one of the user's own institution's enrolments; 404 otherwise."""
    qs = (
        live_choices()
        .filter(enrolment__institution_id__in=user.institution_ids)
        .select_related("enrolment__event", "enrolment__company", "application__senior__user")
    )
    return get_or_404(qs, pk=pk)


def access_invitation_for_staff(*, user: User, pk: object) -> SeniorInvitation:
    qs = SeniorInvitation.objects.filter(enrolment__institution_id__in=user.institution_ids).select_related(
        "enrolment__event", "enrolment__company"
    )
    return get_or_404(qs, pk=pk)


@dataclass
class ApplicantEntry:
    """A company's applicant. The profile fields are filled only while the senior's consent stands."""

    choice: ApplicationChoice
    visible: bool
    name: str = ""
    name_kana: str = ""
    birth_year: int | None = None
    prefecture: str = ""
    expertise: list[str] = field(default_factory=list)
    career: str = ""


def _visible_senior(senior_ref: str) -> Exists:
    return Exists(senior_profiles_visible_to_institutions().filter(pk=OuterRef(senior_ref)))


def staff_applicant_entries(*, enrolment: EventCompany) -> list[ApplicantEntry]:
    """The applicants of one enrolment, in the order they applied; a constant number of queries."""
    choices = list(
        live_choices()
        .filter(enrolment=enrolment)
        .select_related("application__senior__user")
        .annotate(senior_visible=_visible_senior("application__senior_id"))
        .order_by("application__submitted_at", "pk")
    )
    visible = [c.application.senior for c in choices if c.senior_visible]  # type: ignore[attr-defined]  # annotated above
    # Only the consenting seniors' relations are read at all.
    prefetch_related_objects(visible, "expertise", "careers")
    entries = []
    for choice in choices:
        senior = choice.application.senior
        if not choice.senior_visible:  # type: ignore[attr-defined]  # annotated above
            entries.append(ApplicantEntry(choice=choice, visible=False))
            continue
        careers = list(senior.careers.all())
        career = (
            " ".join(filter(None, [careers[0].employer, careers[0].department, careers[0].role])) if careers else ""
        )
        entries.append(
            ApplicantEntry(
                choice=choice,
                visible=True,
                name=senior.user.name,
                name_kana=senior.user.name_kana,
                birth_year=senior.birth_year,
                prefecture=str(senior.get_prefecture_display()) if senior.prefecture else "",
                expertise=[str(e.name) for e in senior.expertise.all()],
                career=career,
            )
        )
    return entries


def invitations_for_enrolment(*, enrolment: EventCompany) -> list[SeniorInvitation]:
    """Invitations not withdrawn, newest first, each with `senior_visible` (consent stands)."""
    return list(
        SeniorInvitation.objects.filter(enrolment=enrolment, withdrawn_at__isnull=True)
        .select_related("senior__user")
        .annotate(senior_visible=_visible_senior("senior_id"))
        .order_by("-created_at", "-pk")
    )


def enrolment_senior_states(*, enrolment: EventCompany) -> tuple[set[int], set[int]]:
    """Ids of the seniors who applied to this company, and of those it has invited (not withdrawn)."""
    applied = set(live_choices().filter(enrolment=enrolment).values_list("application__senior_id", flat=True))
    invited = set(
        SeniorInvitation.objects.filter(enrolment=enrolment, withdrawn_at__isnull=True).values_list(
            "senior_id", flat=True
        )
    )
    return applied, invited


def applicant_counts_for_enrolments(enrolments: Iterable[EventCompany | int]) -> dict[int, int]:
    """How many seniors applied to each enrolment (submitted, not withdrawn): one query, 0 where none.

    Pass a list (or an evaluated queryset): each element's id is read without a query.
    """
    ids = [e if isinstance(e, int) else e.pk for e in enrolments]
    counts = {pk: 0 for pk in ids}
    if not ids:
        return counts
    rows = (
        live_choices()
        .filter(enrolment_id__in=ids)
        .order_by()
        .values("enrolment_id")
        .annotate(n=Count("application", distinct=True))
        .values_list("enrolment_id", "n")
    )
    counts.update(dict(rows))
    return counts


@dataclass(frozen=True)
class StaffPendingRow:
    enrolment: EventCompany
    pending: int
    applicants: int


def staff_pending_decisions(*, user: User) -> list[StaffPendingRow]:
    """The user's institution's enrolments in events open for selection, with undecided applicants (one query)."""
    pending = live_choices().filter(enrolment=OuterRef("pk"), decision=ChoiceDecision.PENDING)
    applied = live_choices().filter(enrolment=OuterRef("pk"))
    # The user's own institution only: the default manager's scope and the staff rule say the same.
    enrolments = (
        enrolments_for_staff(user=user)
        .filter(event__status__in=[EventStatus.PUBLISHED, EventStatus.SELECTION])
        .select_related("event", "company")
        .annotate(pending_count=_count(pending, "enrolment"), applicant_count=_count(applied, "enrolment"))
        .order_by("event__date", "event_id", "pk")
    )
    return [
        StaffPendingRow(enrolment=e, pending=e.pending_count, applicants=e.applicant_count)  # type: ignore[attr-defined]  # annotated above
        for e in enrolments
    ]


# --- the timetable's request list -----------------------------------------------------------------


def event_requests(*, event: Event) -> list[tuple[int, int, RequestKind]]:
    """The pairs that may meet, as (enrolment id, senior profile id, kind), sorted (sks-timetable-problem/1).

    * mutual: the senior applied and the company accepted; also an application still pending with a company
      that had invited the senior (both sides asked for the meeting);
    * company: the company invited a senior who did not apply to it;
    * senior: the senior applied and the company has not decided.
    A pair the company declined is left out, invited or not.
    """
    choices = live_choices().filter(enrolment__event=event, application__event=event)
    invited = set(live_invitations().filter(enrolment__event=event).values_list("enrolment_id", "senior_id"))
    requests: dict[tuple[int, int], RequestKind] = {}
    applied: set[tuple[int, int]] = set()
    for enrolment_id, senior_id, decision in choices.values_list("enrolment_id", "application__senior_id", "decision"):
        pair = (enrolment_id, senior_id)
        applied.add(pair)
        if decision == ChoiceDecision.DECLINED:
            continue
        if decision == ChoiceDecision.ACCEPTED or pair in invited:
            requests[pair] = RequestKind.MUTUAL
        else:
            requests[pair] = RequestKind.SENIOR
    for pair in invited - applied:
        requests[pair] = RequestKind.COMPANY
    return [(e, s, kind) for (e, s), kind in sorted(requests.items())]


# --- the coordinator's overview -------------------------------------------------------------------


@dataclass(frozen=True)
class CompanySelectionRow:
    enrolment: EventCompany
    applicants: int
    accepted: int
    declined: int
    pending: int
    invited: int
    # Interviews the timetable could still hold: accepted + pending + invited seniors who did not apply.
    possible: int
    floor: int

    @property
    def at_risk(self) -> bool:
        return self.possible < self.floor


@dataclass(frozen=True)
class SeniorSelectionRow:
    application: SeniorApplication
    chosen: int
    accepted: int
    declined: int
    invited: int


@dataclass(frozen=True)
class SelectionOverview:
    companies: list[CompanySelectionRow]
    seniors: list[SeniorSelectionRow]
    drafts: int
    withdrawn: int

    @property
    def companies_at_risk(self) -> list[CompanySelectionRow]:
        return [row for row in self.companies if row.at_risk]

    @property
    def seniors_without_accepted(self) -> list[SeniorSelectionRow]:
        return [row for row in self.seniors if row.accepted == 0]

    @property
    def submitted(self) -> int:
        return len(self.seniors)

    @property
    def total_choices(self) -> int:
        return sum(row.chosen for row in self.seniors)


def coordinator_selection_overview(*, user: User, event: Event) -> SelectionOverview:
    """Counts per company and per senior, all aggregated by the database: three queries, whatever the size.
    No company when `event` is not one of the coordinator's."""
    choices = live_choices().filter(enrolment=OuterRef("pk"))
    invitations = live_invitations().filter(enrolment=OuterRef("pk"))
    uninvited = ~Exists(live_choices().filter(enrolment=OuterRef("enrolment"), application__senior=OuterRef("senior")))
    # Coordinators work across the host institutions of their own events. The hearing sheet is not read at
    # all (its internal notes belong to the bank).
    enrolments = (
        enrolments_for_coordinator(user=user)
        .filter(event=event)
        .select_related("company", "institution")
        .annotate(
            n_applicants=_count(choices, "enrolment"),
            n_accepted=_count(choices.filter(decision=ChoiceDecision.ACCEPTED), "enrolment"),
            n_declined=_count(choices.filter(decision=ChoiceDecision.DECLINED), "enrolment"),
            n_pending=_count(choices.filter(decision=ChoiceDecision.PENDING), "enrolment"),
            n_invited=_count(invitations, "enrolment"),
            n_invited_only=_count(invitations.filter(uninvited), "enrolment"),
        )
        .order_by("institution__name", "company__name", "pk")
    )
    companies = []
    for e in enrolments:
        a: Any = e  # the annotations above
        floor = e.min_interviews if e.min_interviews is not None else event.min_interviews_per_company
        companies.append(
            CompanySelectionRow(
                enrolment=e,
                applicants=a.n_applicants,
                accepted=a.n_accepted,
                declined=a.n_declined,
                pending=a.n_pending,
                invited=a.n_invited,
                possible=a.n_accepted + a.n_pending + a.n_invited_only,
                floor=floor,
            )
        )

    senior_invitations = live_invitations().filter(enrolment__event=event, senior=OuterRef("senior"))
    applications = (
        SeniorApplication.objects.filter(
            event=event, status=ApplicationStatus.SUBMITTED, senior__anonymised_at__isnull=True
        )
        .select_related("senior__user")
        .annotate(
            n_chosen=Count("choices"),
            n_accepted=Count("choices", filter=Q(choices__decision=ChoiceDecision.ACCEPTED)),
            n_declined=Count("choices", filter=Q(choices__decision=ChoiceDecision.DECLINED)),
            n_invited=_count(senior_invitations, "senior"),
        )
        .order_by("senior__user__name_kana", "senior__user__name", "pk")
    )
    seniors = [
        SeniorSelectionRow(
            application=app,
            chosen=app.n_chosen,  # type: ignore[attr-defined]  # annotated above
            accepted=app.n_accepted,  # type: ignore[attr-defined]  # annotated above
            declined=app.n_declined,  # type: ignore[attr-defined]  # annotated above
            invited=app.n_invited,  # type: ignore[attr-defined]  # annotated above
        )
        for app in applications
    ]
    others = SeniorApplication.objects.filter(event=event).aggregate(
        drafts=Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
        withdrawn=Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
    )
    return SelectionOverview(
        companies=companies, seniors=seniors, drafts=others["drafts"], withdrawn=others["withdrawn"]
    )
