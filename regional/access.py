"""The regional app's one access module: every read rule of networks, chapters, meetings and projects.

The rules:

* membership is individual: a user is a `NetworkMember` of a network and joins its chapters; a chapter's
  members, meetings, posts and groups are seen only by its active members (a pending request sees nothing);
  an organiser (a per-chapter role) manages the chapter, its meetings, check-in and groups;
* collaboration stories form the case library of a network: any active member of one of its chapters reads
  and searches them;
* a connection is its owner's own list; the other person learns of it only when they have marked the owner
  too (mutual);
* a regional challenge, its campaign's totals and its accepted partners are public to every signed-in user;
  the government that posted it manages it; applications are seen by the government and the applying
  organisation; contributions are recorded by accepted partners' staff.

Regional rows carry no institution scope (they belong to chapters, not to a financial institution), so there
is no unscoped manager to bypass here: the rule is applied by the querysets below. Missing and forbidden both
raise Http404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from participants.enums import OrganizationKind
from participants.models import Organization, User
from sks.access import get_or_404
from sks.roles import Role

from .enums import ApplicationStatus, ChapterMembershipStatus, ChapterRole, RsvpStatus
from .models import (
    Activity,
    Challenge,
    ChallengeFollower,
    Chapter,
    ChapterMembership,
    ChapterPost,
    CollaborationStory,
    Connection,
    Contribution,
    DialogueGroup,
    DialogueMeeting,
    Network,
    NetworkMember,
    PartnerApplication,
    ProjectUpdate,
    Rsvp,
    Volunteer,
)

__all__ = [
    "accepted_partner_ids",
    "access_application_for_government",
    "access_challenge",
    "access_challenge_for_government",
    "access_chapter",
    "access_chapter_for_organiser",
    "access_chapter_to_join",
    "access_meeting",
    "access_meeting_for_organiser",
    "access_membership_for_organiser",
    "access_network",
    "access_rsvp_for_organiser",
    "access_story",
    "applications_for",
    "attendee_of",
    "challenges_for",
    "chapter_members",
    "chapters_for",
    "connection_other",
    "connections_of",
    "digest_recipients",
    "earlier_groups_of_chapter",
    "government_ids_for",
    "groups_of_meeting",
    "is_following",
    "is_organiser",
    "meetings_for",
    "meetings_of_chapter",
    "member_of",
    "membership_of",
    "mutual_connections_of",
    "networks",
    "organisation",
    "organised_chapters_for",
    "partner_ids_for",
    "pending_requests_for_organiser",
    "posts_of_chapter",
    "project_insider_rows",
    "project_updates_of",
    "rsvps_of_meeting",
    "stories_for",
    "updates_between",
    "walk_in_candidates",
]


# --- networks and chapters -------------------------------------------------------------------------------------


def member_of(*, user: User, network: Network) -> NetworkMember | None:
    return NetworkMember.objects.filter(network=network, user=user).first()


def _active_memberships(user: User) -> QuerySet[ChapterMembership]:
    return ChapterMembership.objects.filter(member__user=user, status=ChapterMembershipStatus.ACTIVE)


def membership_of(*, user: User, chapter: Chapter) -> ChapterMembership | None:
    """The user's membership of `chapter` (pending or active), if any."""
    return ChapterMembership.objects.filter(member__user=user, chapter=chapter).select_related("member").first()


def chapters_for(*, user: User) -> QuerySet[Chapter]:
    """The chapters the user is an active member of."""
    return Chapter.objects.filter(Exists(_active_memberships(user).filter(chapter=OuterRef("pk"))))


def access_chapter(*, user: User, pk: object) -> Chapter:
    return get_or_404(chapters_for(user=user).select_related("network"), pk=pk)


def organised_chapters_for(*, user: User) -> QuerySet[Chapter]:
    return Chapter.objects.filter(
        Exists(_active_memberships(user).filter(chapter=OuterRef("pk"), role=ChapterRole.ORGANISER))
    )


def chapter_roles_for(*, user: User) -> dict[int, str]:
    """The user's active chapters (chapter id -> their role there), in one narrow query."""
    return dict(_active_memberships(user).values_list("chapter_id", "role"))


def pending_requests_of_chapters(*, chapter_ids: list[int]) -> QuerySet[ChapterMembership]:
    """The requests to join `chapter_ids`, oldest first.

    After authorisation: the ids are chapters the user organises (chapter_roles_for)."""
    return (
        ChapterMembership.objects.filter(chapter_id__in=chapter_ids, status=ChapterMembershipStatus.PENDING)
        .select_related("chapter")
        .order_by("created_at", "pk")
    )


def pending_requests_for_organiser(*, user: User) -> QuerySet[ChapterMembership]:
    """The requests to join the chapters the user organises, oldest first."""
    return (
        ChapterMembership.objects.filter(
            chapter__in=organised_chapters_for(user=user), status=ChapterMembershipStatus.PENDING
        )
        .select_related("chapter")
        .order_by("created_at", "pk")
    )


def access_chapter_for_organiser(*, user: User, pk: object) -> Chapter:
    return get_or_404(organised_chapters_for(user=user).select_related("network"), pk=pk)


def is_organiser(*, user: User, chapter: Chapter) -> bool:
    return _active_memberships(user).filter(chapter=chapter, role=ChapterRole.ORGANISER).exists()


def chapter_members(*, chapter: Chapter, include_pending: bool = False) -> QuerySet[ChapterMembership]:
    """The memberships of `chapter`.

    After authorisation: the caller has fetched `chapter` through access_chapter (pending requests only for
    access_chapter_for_organiser).
    """
    qs = ChapterMembership.objects.filter(chapter=chapter).select_related("member")
    if not include_pending:
        qs = qs.filter(status=ChapterMembershipStatus.ACTIVE)
    return qs.order_by("status", "member__name", "pk")


def posts_of_chapter(*, chapter: Chapter) -> QuerySet[ChapterPost]:
    """After authorisation through access_chapter."""
    return ChapterPost.objects.filter(chapter=chapter).select_related("author")


# --- dialogue meetings -------------------------------------------------------------------------------------------


def meetings_of_chapters(*, chapter_ids: list[int]) -> QuerySet[DialogueMeeting]:
    """After authorisation: the ids are chapters the user is an active member of (chapter_roles_for)."""
    return DialogueMeeting.objects.filter(chapter_id__in=chapter_ids)


def meetings_for(*, user: User) -> QuerySet[DialogueMeeting]:
    return DialogueMeeting.objects.filter(chapter__in=chapters_for(user=user))


def access_meeting(*, user: User, pk: object) -> DialogueMeeting:
    return get_or_404(meetings_for(user=user).select_related("chapter", "chapter__network"), pk=pk)


def access_meeting_for_organiser(*, user: User, pk: object) -> DialogueMeeting:
    qs = DialogueMeeting.objects.filter(chapter__in=organised_chapters_for(user=user))
    return get_or_404(qs.select_related("chapter", "chapter__network"), pk=pk)


def rsvps_of_meeting(*, meeting: DialogueMeeting, going_only: bool = True) -> QuerySet[Rsvp]:
    """After authorisation through access_meeting (or a system caller: the group problem)."""
    qs = Rsvp.objects.filter(meeting=meeting).select_related("member")
    if going_only:
        qs = qs.filter(status=RsvpStatus.GOING)
    return qs.order_by("member__name", "pk")


def groups_of_meeting(*, meeting: DialogueMeeting) -> QuerySet[DialogueGroup]:
    """After authorisation through access_meeting (or a system caller: the group problem)."""
    return DialogueGroup.objects.filter(meeting=meeting).prefetch_related("members").order_by("round", "number")


def earlier_groups_of_chapter(*, meeting: DialogueMeeting) -> QuerySet[DialogueGroup]:
    """The groups of the chapter's meetings before `meeting` (who met whom), for the group problem.

    System read: the organiser authorised `meeting`; only pairs of this meeting's own participants are used.
    """
    return (
        DialogueGroup.objects.filter(meeting__chapter=meeting.chapter, meeting__starts_at__lt=meeting.starts_at)
        .exclude(meeting=meeting)
        .prefetch_related("members")
    )


# --- connections and stories -------------------------------------------------------------------------------------


def connections_of(*, user: User) -> QuerySet[Connection]:
    """The user's own list (whom they marked), with whether each is mutual."""
    mutual = Connection.objects.filter(owner=OuterRef("other"), other=OuterRef("owner"))
    return (
        Connection.objects.filter(owner__user=user)
        .annotate(mutual=Exists(mutual))
        .select_related("other", "other__network", "meeting")
        .order_by("other__name", "pk")
    )


def mutual_connections_of(*, member: NetworkMember) -> QuerySet[NetworkMember]:
    """The members `member` marked and who marked `member` back: the only connections anyone else may see."""
    return NetworkMember.objects.filter(
        Exists(Connection.objects.filter(owner=member, other=OuterRef("pk"))),
        Exists(Connection.objects.filter(owner=OuterRef("pk"), other=member)),
    ).order_by("name", "pk")


def stories_for(*, user: User) -> QuerySet[CollaborationStory]:
    """The case libraries of the networks in whose chapters the user is an active member."""
    networks = Chapter.objects.filter(pk__in=chapters_for(user=user)).values("network_id")
    return CollaborationStory.objects.filter(network_id__in=networks).select_related("network", "chapter", "author")


def access_story(*, user: User, pk: object) -> CollaborationStory:
    return get_or_404(stories_for(user=user), pk=pk)


# --- public-private projects -----------------------------------------------------------------------------------


def government_ids_for(user: User) -> list[int]:
    """The local governments the user posts challenges for (local government staff)."""
    if Role.LOCAL_GOVERNMENT not in user.roles:
        return []
    return sorted(m.organization_id for m in user.active_memberships if m.role == Role.LOCAL_GOVERNMENT)


def partner_ids_for(user: User) -> list[int]:
    """The organisations the user may act for as a partner: their own, unless it is a government or a
    coordinator (financial institutions and other businesses)."""
    kinds = {OrganizationKind.LOCAL_GOVERNMENT, OrganizationKind.COORDINATOR}
    return sorted({m.organization_id for m in user.active_memberships if m.organization.kind not in kinds})


def challenges_for(*, user: User) -> QuerySet[Challenge]:
    """Challenges are public to every signed-in user (they are posted to find partners)."""
    if not user.is_authenticated:
        return Challenge.objects.none()
    return Challenge.objects.select_related("government", "campaign")


def access_challenge(*, user: User, pk: object) -> Challenge:
    return get_or_404(challenges_for(user=user), pk=pk)


def access_challenge_for_government(*, user: User, pk: object) -> Challenge:
    return get_or_404(challenges_for(user=user).filter(government_id__in=government_ids_for(user)), pk=pk)


def applications_for(*, user: User, challenge: Challenge) -> QuerySet[PartnerApplication]:
    """The government sees every application to its challenge; a partner's staff their own organisation's;
    accepted partners are public (they are listed as the project's partners)."""
    qs = PartnerApplication.objects.filter(challenge=challenge).select_related("partner")
    if challenge.government_id in government_ids_for(user):
        return qs
    return qs.filter(Q(partner_id__in=partner_ids_for(user)) | Q(status=ApplicationStatus.ACCEPTED))


def access_application_for_government(*, user: User, pk: object) -> PartnerApplication:
    qs = PartnerApplication.objects.filter(challenge__government_id__in=government_ids_for(user))
    return get_or_404(qs.select_related("challenge", "partner"), pk=pk)


def accepted_partner_ids(*, challenge: Challenge) -> set[int]:
    return set(
        PartnerApplication.objects.filter(challenge=challenge, status=ApplicationStatus.ACCEPTED).values_list(
            "partner_id", flat=True
        )
    )


def organisation(pk: int) -> Organization:
    try:
        return Organization.objects.get(pk=pk)
    except Organization.DoesNotExist:
        raise Http404 from None


def networks() -> QuerySet[Network]:
    """Networks are listed to every signed-in user (names and chapters only), so that people can join."""
    return Network.objects.prefetch_related("chapters")


def access_network(*, pk: object) -> Network:
    return get_or_404(networks(), pk=pk)


def access_chapter_to_join(*, user: User, pk: object) -> Chapter:
    """A chapter of a network the user has joined (its name only is shown before they are a member)."""
    return get_or_404(Chapter.objects.filter(network__members__user=user).select_related("network"), pk=pk)


def access_membership_for_organiser(*, user: User, pk: object) -> ChapterMembership:
    qs = ChapterMembership.objects.filter(chapter__in=organised_chapters_for(user=user))
    return get_or_404(qs.select_related("chapter", "member"), pk=pk)


def access_rsvp_for_organiser(*, user: User, pk: object) -> Rsvp:
    qs = Rsvp.objects.filter(meeting__chapter__in=organised_chapters_for(user=user))
    return get_or_404(qs.select_related("meeting", "member"), pk=pk)


def attendee_of(*, meeting: DialogueMeeting, pk: object) -> NetworkMember:
    """A member who said they come to `meeting` (after authorisation of the meeting)."""
    return get_or_404(NetworkMember.objects.filter(rsvps__meeting=meeting, rsvps__status=RsvpStatus.GOING), pk=pk)


def connection_other(*, user: User, pk: object) -> NetworkMember:
    """Someone the user has marked (to remove them from the list)."""
    return get_or_404(NetworkMember.objects.filter(connected_by__owner__user=user), pk=pk)


def project_updates_of(*, challenge: Challenge) -> QuerySet[ProjectUpdate]:
    """A project's news: public, like the challenge itself."""
    return ProjectUpdate.objects.filter(challenge=challenge).select_related("author")


def is_following(*, user: User, challenge: Challenge) -> bool:
    return ChallengeFollower.objects.filter(user=user, challenge=challenge).exists()


def digest_recipients(*, challenge: Challenge) -> QuerySet[User]:
    """Who hears of a project's news: its followers and the active staff of its accepted partners.

    System read (the daily digest serves no request): only users the project already involves.
    """
    partners = accepted_partner_ids(challenge=challenge)
    return User.objects.filter(
        Q(pk__in=ChallengeFollower.objects.filter(challenge=challenge).values("user_id"))
        | Q(memberships__organization_id__in=partners, memberships__is_active=True),
        is_active=True,
    ).distinct()


def updates_between(*, start: object, end: object) -> QuerySet[ProjectUpdate]:
    """System read for the digest: every project's news posted in [start, end)."""
    return ProjectUpdate.objects.filter(created_at__gte=start, created_at__lt=end).select_related("challenge")


def meetings_of_chapter(*, chapter: Chapter) -> QuerySet[DialogueMeeting]:
    """After authorisation through access_chapter."""
    return DialogueMeeting.objects.filter(chapter=chapter).order_by("-starts_at", "-pk")


def project_insider_rows(*, challenge: Challenge) -> dict[str, QuerySet[Any]]:
    """The rows only a project's insiders see: contributions, the team and the activity log.

    After authorisation: the caller has checked that the user is the challenge's government or the staff of
    an accepted partner.
    """
    return {
        "contributions": Contribution.objects.filter(campaign__challenge=challenge).select_related("partner"),
        "volunteers": Volunteer.objects.filter(challenge=challenge).select_related("user", "partner"),
        "activities": Activity.objects.filter(challenge=challenge).select_related("user", "organisation"),
    }


def walk_in_candidates(*, meeting: DialogueMeeting) -> QuerySet[NetworkMember]:
    """Active members of the meeting's chapter who have not said they are coming (after authorisation)."""
    going = Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING).values("member_id")
    return (
        NetworkMember.objects.filter(
            chapter_memberships__chapter=meeting.chapter,
            chapter_memberships__status=ChapterMembershipStatus.ACTIVE,
        )
        .exclude(pk__in=going)
        .order_by("name", "pk")
    )
