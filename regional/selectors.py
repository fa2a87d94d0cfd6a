"""Reads of the regional app that shape rows for pages and prints (the rows come from regional/access.py).

Flat mode lives here: a `MemberCard` built for a flat meeting carries no organisation and no title, so no
page or print of such a meeting can show them, whatever its template does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from .access import groups_of_meeting, rsvps_of_meeting
from .models import CollaborationStory, DialogueMeeting, NetworkMember

__all__ = [
    "GroupTable",
    "Itinerary",
    "MemberCard",
    "meeting_attendees",
    "meeting_itineraries",
    "meeting_rounds",
    "member_card",
    "met_at_meeting",
    "story_search",
]


@dataclass(frozen=True)
class MemberCard:
    pk: int
    name: str
    sector: str
    organisation: str = ""
    title: str = ""


def member_card(member: NetworkMember, *, flat: bool) -> MemberCard:
    if flat:
        return MemberCard(pk=member.pk, name=member.name, sector=member.get_sector_display())
    return MemberCard(
        pk=member.pk,
        name=member.name,
        sector=member.get_sector_display(),
        organisation=member.organisation,
        title=member.title,
    )


@dataclass
class GroupTable:
    number: int
    members: list[MemberCard]


@dataclass
class Itinerary:
    member: MemberCard
    tables: list[int | None] = field(default_factory=list)  # per round: the table number, None if absent


def meeting_attendees(*, meeting: DialogueMeeting) -> list[tuple[Any, MemberCard]]:
    """(rsvp, card) of everyone coming, for the attendee and check-in lists."""
    return [(r, member_card(r.member, flat=meeting.flat)) for r in rsvps_of_meeting(meeting=meeting)]


def meeting_rounds(*, meeting: DialogueMeeting) -> list[list[GroupTable]]:
    """The stored groups, round by round (every round listed, empty if not formed)."""
    rounds: list[list[GroupTable]] = [[] for _ in range(meeting.rounds)]
    for group in groups_of_meeting(meeting=meeting):
        if group.round < meeting.rounds:
            cards = sorted((member_card(m, flat=meeting.flat) for m in group.members.all()), key=lambda c: c.name)
            rounds[group.round].append(GroupTable(number=group.number, members=cards))
    return rounds


def meeting_itineraries(*, meeting: DialogueMeeting, member: NetworkMember | None = None) -> list[Itinerary]:
    """Each participant's table per round (only `member`'s when given), by name."""
    by_member: dict[int, Itinerary] = {}
    for group in groups_of_meeting(meeting=meeting):
        if group.round >= meeting.rounds:
            continue
        for m in group.members.all():
            if member is not None and m.pk != member.pk:
                continue
            it = by_member.setdefault(m.pk, Itinerary(member_card(m, flat=meeting.flat), [None] * meeting.rounds))
            it.tables[group.round] = group.number
    return sorted(by_member.values(), key=lambda i: (i.member.name, i.member.pk))


def met_at_meeting(*, meeting: DialogueMeeting, member: NetworkMember) -> list[MemberCard]:
    """The people `member` shared a group with at `meeting`."""
    seen: dict[int, MemberCard] = {}
    for group in groups_of_meeting(meeting=meeting):
        ids = {m.pk for m in group.members.all()}
        if member.pk in ids:
            for m in group.members.all():
                if m.pk != member.pk:
                    seen[m.pk] = member_card(m, flat=meeting.flat)
    return sorted(seen.values(), key=lambda c: c.name)


def story_search(stories: QuerySet[CollaborationStory], query: str) -> QuerySet[CollaborationStory]:
    """Stories whose every word appears in the title, organisations, story or outcome."""
    for word in query.split():
        stories = stories.filter(
            Q(title__icontains=word)
            | Q(organisations__icontains=word)
            | Q(body__icontains=word)
            | Q(outcome__icontains=word)
        )
    return stories
