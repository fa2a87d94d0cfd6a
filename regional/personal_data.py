"""What the regional app holds about a person, declared to the personal-data registry (sks.personal_data).

A network member's profile (name, organisation, title), their posts, replies, connections and stories hang
off their `NetworkMember` rows; erasure blanks the profile's free text and their posts' and stories' text and
removes their connections (a private list of whom they met), and keeps replies and group seats, which count
attendance.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from participants.personal_data import STAFF_ACTOR, local
from sks.personal_data import Person, PersonalData, Rows, register

from .models import (
    Activity,
    Challenge,
    ChallengeFollower,
    ChapterPost,
    CollaborationStory,
    Connection,
    Contribution,
    NetworkMember,
    PartnerApplication,
    ProjectUpdate,
    Rsvp,
    Volunteer,
)

__all__ = ["register_personal_data"]


def _members(person: Person) -> QuerySet[NetworkMember]:
    return NetworkMember.objects.filter(user=person.user)


def _volunteering(person: Person) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(user=person.user)


def _export_members(person: Person) -> Rows:
    rows: Rows = []
    for m in _members(person).select_related("network").prefetch_related("chapter_memberships__chapter"):
        rows.append(
            {
                "network": m.network.name,
                "name": m.name,
                "sector": m.get_sector_display(),
                "organisation": m.organisation,
                "title": m.title,
                "chapters": "、".join(c.chapter.name for c in m.chapter_memberships.all()),
                "posts": [p.body for p in ChapterPost.objects.filter(author=m).order_by("created_at")],
                "connections": [c.other.name for c in Connection.objects.filter(owner=m).select_related("other")],
                "stories": [s.title for s in CollaborationStory.objects.filter(author=m)],
                "meetings": [
                    {
                        "meeting": r.meeting.title,
                        "status": r.get_status_display(),
                        "checked_in_at": local(r.checked_in_at),
                    }
                    for r in Rsvp.objects.filter(member=m).select_related("meeting").order_by("meeting__starts_at")
                ],
            }
        )
    return rows


def _erase_members(person: Person) -> None:
    members = _members(person)
    ChapterPost.objects.filter(author__in=members).update(body="")
    CollaborationStory.objects.filter(author__in=members).update(author=None)
    Connection.objects.filter(owner__in=members).delete()
    members.update(name=_("退会した会員"), organisation="", title="")


def _follows(person: Person) -> QuerySet[ChallengeFollower]:
    return ChallengeFollower.objects.filter(user=person.user)


def _erase_follows(person: Person) -> None:
    _follows(person).delete()


def _export_volunteering(person: Person) -> Rows:
    return [
        {"challenge": v.challenge.theme, "partner": v.partner.name, "joined_at": local(v.created_at)}
        for v in _volunteering(person).select_related("challenge", "partner")
    ]


def register_personal_data() -> None:
    """Called from RegionalConfig.ready()."""
    register(
        PersonalData(
            model=NetworkMember,
            label=_("地域ネットワークの会員情報"),
            person=("user",),
            rows=_members,
            export=_export_members,
            key="regional_members",
            columns={
                "network": _("ネットワーク"),
                "name": _("表示名"),
                "sector": _("セクター"),
                "organisation": _("所属組織"),
                "title": _("役職"),
                "chapters": _("支部"),
            },
            erase=_erase_members,
            kept="kept: the membership rows, replies and group seats count attendance; the profile text, posts "
            "and connections are erased, stories lose their author",
        )
    )
    register(
        PersonalData(
            model=Volunteer,
            label=_("官民連携プロジェクトのボランティア"),
            person=("user",),
            rows=_volunteering,
            export=_export_volunteering,
            key="regional_volunteering",
            columns={"challenge": _("地域課題"), "partner": _("所属"), "joined_at": _("参加日時")},
            kept="kept: the team list counts the volunteers of a project (no free text)",
        )
    )
    register(
        PersonalData(
            model=Challenge,
            label=_("地域課題"),
            actors={"created_by": STAFF_ACTOR},
            kept="kept: a challenge refers to people only as the government staff who posted it",
        )
    )
    register(
        PersonalData(
            model=PartnerApplication,
            label=_("連携の申込"),
            actors={"applicant": STAFF_ACTOR},
            kept="kept: an application refers to people only as the partner's staff who applied",
        )
    )
    register(
        PersonalData(
            model=Contribution,
            label=_("寄付・拠出"),
            actors={"recorded_by": STAFF_ACTOR},
            kept="kept: a contribution refers to people only as the partner's staff who recorded it (audited)",
        )
    )
    register(
        PersonalData(
            model=ProjectUpdate,
            label=_("プロジェクトのお知らせ"),
            actors={"author": STAFF_ACTOR},
            kept="kept: news refers to people only as the staff who posted it for their organisation",
        )
    )
    register(
        PersonalData(
            model=ChallengeFollower,
            label=_("官民連携プロジェクトのフォロー"),
            person=("user",),
            rows=_follows,
            erase=_erase_follows,
            kept="erased: following a project is a mail preference; the rows are deleted",
        )
    )
    register(
        PersonalData(
            model=Activity,
            label=_("活動記録"),
            actors={"user": STAFF_ACTOR},
            kept="kept: an activity refers to people only as the staff who did it for their organisation",
        )
    )
