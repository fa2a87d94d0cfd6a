"""Builders for the regional tests and the permission matrix's regional rows, and a small group solver.

`round_robin_solve` stands in for the group engine (matching/engine/groups.py, written separately): it keeps
the fixed rounds and deals everyone present in every other round into ceil(n / size) tables, rotating the
order from round to round, so its solutions meet the spec's hard constraints (tests check them with the
shared checker) without optimising anything.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils import timezone

from participants.models import User
from regional.enums import ChapterMembershipStatus, ChapterRole, RsvpStatus, Sector
from regional.models import Chapter, ChapterMembership, DialogueMeeting, Network, NetworkMember, Rsvp
from tests.factories import UserFactory


def make_network(
    name: str = "東海地域官民ネットワーク", chapters: tuple[str, ...] = ("静岡支部", "愛知支部")
) -> Network:
    network = Network.objects.create(name=name)
    for chapter in chapters:
        Chapter.objects.create(network=network, name=chapter, region=chapter.removesuffix("支部"))
    return network


def chapter_of(network: Network, name: str) -> Chapter:
    return network.chapters.get(name=name)


def join(
    chapter: Chapter,
    user: User | None = None,
    *,
    name: str | None = None,
    sector: str = Sector.LOCAL_GOVERNMENT,
    organisation: str = "静岡県庁",
    title: str = "課長補佐",
    role: str = ChapterRole.MEMBER,
    status: str = ChapterMembershipStatus.ACTIVE,
) -> NetworkMember:
    """A network member (a new user unless given) in `chapter`."""
    user = user or UserFactory()
    member, _ = NetworkMember.objects.get_or_create(
        network=chapter.network,
        user=user,
        defaults={
            "name": name or user.name or user.email,
            "sector": sector,
            "organisation": organisation,
            "title": title,
        },
    )
    ChapterMembership.objects.update_or_create(
        chapter=chapter, member=member, defaults={"role": role, "status": status}
    )
    return member


def make_meeting(chapter: Chapter, *, days: int = 7, **fields: Any) -> DialogueMeeting:
    defaults: dict[str, Any] = {
        "title": "第1回 対話会",
        "starts_at": timezone.now() + dt.timedelta(days=days),
        "venue": "静岡市民文化会館",
        "capacity": 40,
        "rounds": 3,
        "group_size": 5,
        "flat": True,
    }
    defaults.update(fields)
    return DialogueMeeting.objects.create(chapter=chapter, **defaults)


def rsvp(meeting: DialogueMeeting, member: NetworkMember, *, checked_in: bool = False, **fields: Any) -> Rsvp:
    return Rsvp.objects.create(
        meeting=meeting,
        member=member,
        status=RsvpStatus.GOING,
        checked_in_at=timezone.now() if checked_in else None,
        **fields,
    )


def round_robin_solve(problem: dict[str, Any], *, time_limit: float = 1.0, seed: int = 0) -> dict[str, Any]:
    rounds, size = problem["rounds"], problem["group_size"]
    fixed = {f["round"]: [list(g) for g in f["groups"]] for f in problem.get("fixed", [])}
    present: list[list[str]] = [[] for _ in range(rounds)]
    for p in problem["participants"]:
        for r in p.get("rounds", range(rounds)):
            present[r].append(p["id"])
    out: list[list[list[str]]] = []
    for r in range(rounds):
        if r in fixed:
            out.append(fixed[r])
            continue
        people = sorted(present[r])
        n = len(people)
        groups = math.ceil(n / size) if n else 0
        shift = (r + seed) % n if n else 0
        people = people[shift:] + people[:shift]
        tables: list[list[str]] = [[] for _ in range(groups)]
        for i, person in enumerate(people):
            # Stride by the round so that neighbours of one round sit apart in the next.
            tables[(i * (r + 1) + i // max(groups, 1)) % groups].append(person)
        if tables and max(map(len, tables)) - min(map(len, tables)) > 1:
            tables = [people[i::groups] for i in range(groups)]
        out.append(tables)
    return {"format": "sks-groups-solution/1", "rounds": out, "same_organisation": 0, "repeats": 0, "diversity": 0}


def regional_world(world: dict[str, Any]) -> dict[str, Any]:
    """The permission matrix's regional rows: a network whose 静岡支部 has the matrix's `lg` user as organiser
    and its `staff` user as member (the other columns belong to no chapter), with a meeting, a story and a
    challenge of the `lg` user's government with A's bank accepted as partner and a campaign."""
    from regional.models import Campaign, Challenge, CollaborationStory, PartnerApplication

    if "regional" in world:
        return world["regional"]
    users = world["users"]
    network = make_network()
    chapter = chapter_of(network, "静岡支部")
    organiser = join(chapter, users["lg"], name="世話人", role=ChapterRole.ORGANISER)
    member = join(chapter, users["staff"], name="会員", sector=Sector.FINANCIAL, organisation="A信用金庫")
    meeting = make_meeting(chapter)
    r = rsvp(meeting, member)
    rsvp(meeting, organiser)
    story = CollaborationStory.objects.create(
        network=network,
        chapter=chapter,
        author=member,
        title="事例",
        organisations="A、B",
        body="経緯",
        outcome="成果",
        year=2026,
    )
    government = users["lg"].active_memberships[0].organization
    challenge = Challenge.objects.create(
        government=government,
        created_by=users["lg"],
        theme="動物愛護センター再建",
        description="説明",
        region="静岡県",
        partner_wanted="金融機関",
    )
    bank_a = users["staff"].active_memberships[0].organization
    application = PartnerApplication.objects.create(
        challenge=challenge,
        partner=bank_a,
        applicant=users["staff"],
        message="参加します",
        status="accepted",
        agreement_kind="memorandum",
        agreement_signed_on=dt.date(2026, 4, 1),
        agreement_signatories="知事、理事長",
    )
    Campaign.objects.create(challenge=challenge, title="再建募金", goal_amount=1_100_000_000)
    world["regional"] = {
        "chapter": chapter,
        "meeting": meeting,
        "rsvp": r,
        "member": member,
        "organiser": organiser,
        "story": story,
        "challenge": challenge,
        "application": application,
        "membership": member.chapter_memberships.get(),
    }
    return world["regional"]
