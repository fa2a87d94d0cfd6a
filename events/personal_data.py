"""What events holds about a person, declared to the personal-data registry (sks.personal_data).

A senior's applications, the companies they chose with their proposals, and the companies' invitations to
them. Companies are named as the senior may see them (companies_as_seen_by_senior): the published display
name under the pledge in force, else the anonymous label. The company's decision on a choice is the
company's, not the senior's, and is not exported.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from participants.personal_data import STAFF_ACTOR, local
from sks.personal_data import Person, PersonalData, Rows, register

from .models import (
    ApplicationChoice,
    ChecklistItem,
    Event,
    EventCompany,
    HearingSheet,
    SeniorApplication,
    SeniorInvitation,
)
from .selectors.hearings import companies_as_seen_by_senior

__all__ = ["register_personal_data"]


def _applications(person: Person) -> QuerySet[SeniorApplication]:
    if person.senior is None:
        return SeniorApplication.objects.none()
    return SeniorApplication.objects.filter(senior=person.senior)


def _choices(person: Person) -> QuerySet[ApplicationChoice]:
    if person.senior is None:
        return ApplicationChoice.objects.none()
    return ApplicationChoice.objects.filter(application__senior=person.senior)


def _invitations(person: Person) -> QuerySet[SeniorInvitation]:
    if person.senior is None:
        return SeniorInvitation.objects.none()
    return SeniorInvitation.objects.filter(senior=person.senior)


def _names(person: Person, event: Event, cache: dict[int, dict[int, str]]) -> dict[int, str]:
    assert person.senior is not None
    if event.pk not in cache:
        cache[event.pk] = companies_as_seen_by_senior(event=event, senior=person.senior)
    return cache[event.pk]


def _export_applications(person: Person) -> Rows:
    return [
        {
            "event": a.event.title,
            "event_date": a.event.date,
            "status": str(a.get_status_display()),
            "submitted_at": local(a.submitted_at),
            "withdrawn_at": local(a.withdrawn_at),
            "arrival_slot": a.arrival_slot,
            "leaving_slot": a.leaving_slot,
            "max_meetings": a.max_meetings,
        }
        for a in _applications(person).select_related("event").order_by("event__date", "pk")
    ]


def _export_choices(person: Person) -> Rows:
    cache: dict[int, dict[int, str]] = {}
    return [
        {
            "event": c.application.event.title,
            "company": _names(person, c.application.event, cache).get(c.enrolment_id, ""),
            "position": c.position + 1,
            "proposal": c.proposal,
            "created_at": local(c.created_at),
        }
        for c in _choices(person).select_related("application__event").order_by("application__event__date", "position")
    ]


def _export_invitations(person: Person) -> Rows:
    cache: dict[int, dict[int, str]] = {}
    return [
        {
            "event": i.enrolment.event.title,
            "company": _names(person, i.enrolment.event, cache).get(i.enrolment_id, ""),
            "message": i.message,
            "created_at": local(i.created_at),
            "withdrawn_at": local(i.withdrawn_at),
        }
        for i in _invitations(person).select_related("enrolment__event").order_by("created_at", "pk")
    ]


def register_personal_data() -> None:
    """Called from EventsConfig.ready()."""
    register(
        PersonalData(
            model=Event,
            label=_("交流会"),
            actors={"created_by": STAFF_ACTOR},
            kept="kept: an event refers to people only as the staff who created it",
        )
    )
    register(
        PersonalData(
            model=ChecklistItem,
            label=_("準備チェックリスト"),
            actors={"owner": STAFF_ACTOR, "done_by": STAFF_ACTOR},
            kept="kept: preparation tasks refer to people only as the staff doing them",
        )
    )
    register(
        PersonalData(
            model=EventCompany,
            label=_("参加企業"),
            actors={"attending_staff": STAFF_ACTOR, "enrolled_by": STAFF_ACTOR},
            kept="kept: an enrolment refers to people only as its institution's staff",
        )
    )
    register(
        PersonalData(
            model=HearingSheet,
            label=_("事前ヒアリングシート"),
            actors={
                "interviewer": STAFF_ACTOR,
                "submitted_by": STAFF_ACTOR,
                # The company's own contact when the company approved it itself: still an actor reference.
                "approved_by": STAFF_ACTOR,
                "summary_updated_by": STAFF_ACTOR,
            },
            kept="kept: the company's hearing sheet is the institution's; people appear only as actors",
        )
    )
    register(
        PersonalData(
            model=SeniorApplication,
            label=_("交流会への応募"),
            person=("senior",),
            rows=_applications,
            export=_export_applications,
            key="event_applications",
            columns={
                "event": _("交流会"),
                "event_date": _("開催日"),
                "status": _("状態"),
                "submitted_at": _("応募日時"),
                "withdrawn_at": _("辞退日時"),
            },
            kept="kept: statuses and dates count the person's participation (no free text)",
        )
    )
    register(
        PersonalData(
            model=ApplicationChoice,
            label=_("応募先の企業と提案"),
            person=("application__senior",),
            actors={"decided_by": STAFF_ACTOR},
            text_fields=("proposal",),
            rows=_choices,
            export=_export_choices,
            key="event_choices",
            columns={"event": _("交流会"), "company": _("企業"), "position": _("順位"), "proposal": _("提案")},
            kept="kept: the choice and the company's decision (the counts of applicants); the proposal is blanked",
        )
    )
    register(
        PersonalData(
            model=SeniorInvitation,
            label=_("企業からの招待"),
            person=("senior",),
            actors={"invited_by": STAFF_ACTOR},
            text_fields=("message",),
            rows=_invitations,
            export=_export_invitations,
            key="event_invitations",
            columns={
                "event": _("交流会"),
                "company": _("企業"),
                "message": _("招待のメッセージ"),
                "created_at": _("招待日時"),
                "withdrawn_at": _("取消日時"),
            },
            kept="kept: the invitation and its dates; the message is blanked",
        )
    )
