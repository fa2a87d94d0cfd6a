"""The alumni app's one access module: every read of the alumni models, with the rule that limits it.

A network is closed. Its pages are for its verified members and for its office (the organisation's staff with
the alumni-office role); everyone else, including members and offices of other networks, gets 404. The
models have plain managers (they are not institution-owned, so the institution scope does not apply to them):
the rule here is the scope, and tests/test_access_sources.py keeps every read of them in this module.

`Viewer` is the outcome of the check: the network, the viewer's own verified membership (if any) and
whether they are its office. Every other function takes a viewer and reads inside its network only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sks.access import get_or_404
from sks.roles import Role

from .enums import DigestStatus, MemberStatus, NewsStatus, RsvpStatus
from .models import (
    AlumniMember,
    AlumniNetwork,
    ConflictDeclaration,
    ContactMessage,
    Feedback,
    HelpInterest,
    HelpRequest,
    Meetup,
    MeetupRsvp,
    MeetupSurveyAnswer,
    MemberPost,
    NewsAttachment,
    NewsPost,
    PostInterest,
    PostReply,
    RosterEntry,
    RosterUpload,
    Worksheet,
)

if TYPE_CHECKING:
    from participants.models import User

__all__ = [
    "Viewer",
    "access_attachment",
    "access_feedback_for_office",
    "access_meetup",
    "access_member",
    "access_network",
    "access_network_by_code",
    "access_news",
    "access_post",
    "access_queue_member",
    "access_rsvp_for_office",
    "access_staff_digest",
    "approval_queue",
    "digest_queue",
    "directory",
    "feedback_counts",
    "feedback_for_office",
    "feedback_of_viewer",
    "meetup_rsvp_of",
    "meetup_rsvps",
    "meetups_for",
    "member_for_task",
    "membership_of",
    "network_of_office",
    "networks_of",
    "news_for",
    "news_for_task",
    "posts_for",
    "roster_entry_by_number",
    "roster_uploads",
    "staff_digest_posts",
    "survey_answers",
    "verified_members_of",
]


@dataclass(frozen=True)
class Viewer:
    network: AlumniNetwork
    member: AlumniMember | None
    is_office: bool
    user: User

    @property
    def is_member(self) -> bool:
        return self.member is not None


def _office_organization_ids(user: User) -> set[int]:
    return {m.organization_id for m in user.active_memberships if m.role == Role.ALUMNI_OFFICE}


def _viewer(user: User, network: AlumniNetwork) -> Viewer | None:
    is_office = network.organization_id in _office_organization_ids(user)
    member = AlumniMember.objects.filter(network=network, user=user, status=MemberStatus.VERIFIED).first()
    if member is None and not is_office:
        return None
    return Viewer(network=network, member=member, is_office=is_office, user=user)


def access_network(*, user: User, pk: int, office: bool = False) -> Viewer:
    """The network `pk` for a verified member or its office (with `office`: its office only), else 404."""
    if not user.is_authenticated:
        raise Http404
    network = get_or_404(AlumniNetwork.objects.select_related("organization"), pk=pk)
    viewer = _viewer(user, network)
    if viewer is None or (office and not viewer.is_office):
        raise Http404
    return viewer


def networks_of(user: User) -> list[Viewer]:
    """Every network the user may enter (as a verified member or as its office)."""
    ids = set(AlumniMember.objects.filter(user=user, status=MemberStatus.VERIFIED).values_list("network_id", flat=True))
    networks = AlumniNetwork.objects.filter(
        Q(pk__in=ids) | Q(organization_id__in=_office_organization_ids(user))
    ).select_related("organization")
    return [v for v in (_viewer(user, n) for n in networks.order_by("name")) if v is not None]


def network_of_office(user: User, organization_id: int) -> AlumniNetwork | None:
    """The network of an organisation whose office `user` is (None: not its office, or no network yet)."""
    if organization_id not in _office_organization_ids(user):
        return None
    return AlumniNetwork.objects.filter(organization_id=organization_id).first()


def access_network_by_code(*, code: str) -> AlumniNetwork:
    """The network whose signup link carries `code`: the link is the only way in for a newcomer."""
    return get_or_404(AlumniNetwork.objects.select_related("organization"), join_code=code)


def membership_of(*, user: User, network: AlumniNetwork) -> AlumniMember | None:
    """The user's own membership row, whatever its status (the join page shows it)."""
    if not user.is_authenticated:
        return None
    return AlumniMember.objects.filter(network=network, user=user).first()


# --- members -------------------------------------------------------------------------------------------------


def directory(viewer: Viewer) -> QuerySet[AlumniMember]:
    """Verified members; leaving or rejection removes a member at once (the status is read on each request)."""
    return (
        AlumniMember.objects.filter(network=viewer.network, status=MemberStatus.VERIFIED, user__is_active=True)
        .select_related("user", "industry")
        .order_by("user__name_kana", "pk")
    )


def access_member(viewer: Viewer, pk: int) -> AlumniMember:
    return get_or_404(directory(viewer), pk=pk)


def approval_queue(viewer: Viewer) -> QuerySet[AlumniMember]:
    """The office's queue: pending signups first, then the latest decisions."""
    assert viewer.is_office
    return AlumniMember.objects.filter(network=viewer.network).select_related("user", "decided_by")


def access_queue_member(viewer: Viewer, pk: int) -> AlumniMember:
    return get_or_404(approval_queue(viewer), pk=pk)


def roster_uploads(viewer: Viewer) -> QuerySet[RosterUpload]:
    assert viewer.is_office
    return RosterUpload.objects.filter(network=viewer.network).select_related("uploaded_by")


def roster_entry_by_number(*, network: AlumniNetwork, number_hash: str) -> RosterEntry | None:
    """The roster row with this employee-number hash, with its claimant. Called by the join service for the
    network the newcomer's link named."""
    return RosterEntry.objects.filter(network=network, number_hash=number_hash).select_related("member").first()


def roster_entries_by_number(*, network: AlumniNetwork, number_hashes: list[str]) -> dict[str, RosterEntry]:
    """The network's roster rows among `number_hashes` (the upload service, authorised for the office)."""
    return {e.number_hash: e for e in RosterEntry.objects.filter(network=network, number_hash__in=number_hashes)}


def member_for_task(*, pk: int) -> AlumniMember | None:
    """System path: a task loads the row its own service enqueued."""
    return AlumniMember.objects.select_related("user", "network").filter(pk=pk).first()


def verified_members_of(network: AlumniNetwork) -> QuerySet[AlumniMember]:
    """System path (mail to members): the network's verified members with active accounts."""
    return AlumniMember.objects.filter(
        network=network, status=MemberStatus.VERIFIED, user__is_active=True
    ).select_related("user")


# --- news ----------------------------------------------------------------------------------------------------


def _visible_news() -> Q:
    now = timezone.now()
    return Q(status=NewsStatus.PUBLISHED) | Q(status=NewsStatus.SCHEDULED, publish_at__lte=now)


def news_for(viewer: Viewer, *, editing: bool = False) -> QuerySet[NewsPost]:
    """Members see what is published (or scheduled and due); the office, editing, sees drafts too."""
    qs = NewsPost.objects.filter(network=viewer.network).prefetch_related("attachments")
    if editing and viewer.is_office:
        return qs.order_by("-updated_at", "-pk")
    return qs.filter(_visible_news()).order_by("-publish_at", "-pk")


def access_news(viewer: Viewer, pk: int, *, editing: bool = False) -> NewsPost:
    return get_or_404(news_for(viewer, editing=editing), pk=pk)


def access_attachment(viewer: Viewer, news_pk: int, pk: int) -> NewsAttachment:
    news = access_news(viewer, news_pk, editing=viewer.is_office)
    return get_or_404(NewsAttachment.objects.filter(news=news), pk=pk)


def news_for_task(*, pk: int) -> NewsPost | None:
    """System path: the mail task loads the news its own service enqueued."""
    return NewsPost.objects.select_related("network").filter(pk=pk).first()


def news_due_for_mail() -> QuerySet[NewsPost]:
    """System path (periodic task): visible news that asked for a mail and has not been mailed."""
    return NewsPost.objects.filter(_visible_news(), mail_members=True, mailed_at__isnull=True)


# --- feedback ------------------------------------------------------------------------------------------------


def feedback_of_viewer(viewer: Viewer) -> QuerySet[Feedback]:
    """A member's own feedback, with its status and the office's answer."""
    return Feedback.objects.filter(network=viewer.network, author=viewer.user).order_by("-created_at")


def feedback_for_office(viewer: Viewer, *, status: str = "", topic: str = "") -> QuerySet[Feedback]:
    assert viewer.is_office
    qs = Feedback.objects.filter(network=viewer.network).select_related("author", "answered_by")
    if status:
        qs = qs.filter(status=status)
    if topic:
        qs = qs.filter(topic__icontains=topic)
    return qs.order_by("-created_at", "-pk")


def feedback_counts(viewer: Viewer) -> dict[str, int]:
    assert viewer.is_office
    rows = Feedback.objects.filter(network=viewer.network).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def access_feedback_for_office(viewer: Viewer, pk: int) -> Feedback:
    return get_or_404(feedback_for_office(viewer), pk=pk)


# --- posts ---------------------------------------------------------------------------------------------------


def posts_for(viewer: Viewer, *, kind: str = "") -> QuerySet[MemberPost]:
    qs = (
        MemberPost.objects.filter(network=viewer.network)
        .select_related("author")
        .annotate(
            interest_count=Count("interests", distinct=True),
            reply_count=Count("replies", distinct=True),
            interested=Exists(PostInterest.objects.filter(post=OuterRef("pk"), user=viewer.user)),
        )
        .order_by("-created_at", "-pk")
    )
    return qs.filter(kind=kind) if kind else qs


def access_post(viewer: Viewer, pk: int) -> MemberPost:
    replies = PostReply.objects.select_related("author").order_by("created_at", "pk")
    return get_or_404(posts_for(viewer).prefetch_related(Prefetch("replies", queryset=replies)), pk=pk)


def digest_queue(viewer: Viewer) -> QuerySet[MemberPost]:
    """Posts whose authors asked to share them with current staff, and those already decided."""
    assert viewer.is_office
    return (
        MemberPost.objects.filter(network=viewer.network)
        .exclude(digest_status=DigestStatus.NONE)
        .select_related("author")
        .order_by("-created_at")
    )


def access_staff_digest(*, user: User, pk: int) -> AlumniNetwork:
    """The staff digest of network `pk`, for the organisation's current staff (any active membership)."""
    if not user.is_authenticated:
        raise Http404
    organization_ids = {m.organization_id for m in user.active_memberships}
    return get_or_404(AlumniNetwork.objects.filter(organization_id__in=organization_ids), pk=pk)


def staff_digest_posts(network: AlumniNetwork) -> QuerySet[MemberPost]:
    """The posts the office approved for the staff digest (called after access_staff_digest)."""
    return (
        MemberPost.objects.filter(network=network, digest_status=DigestStatus.APPROVED)
        .select_related("author")
        .order_by("-digest_decided_at", "-pk")
    )


# --- meetups -------------------------------------------------------------------------------------------------


def meetups_for(viewer: Viewer) -> QuerySet[Meetup]:
    going = Count("rsvps", filter=Q(rsvps__status=RsvpStatus.GOING), distinct=True)
    waiting = Count("rsvps", filter=Q(rsvps__status=RsvpStatus.WAITING), distinct=True)
    return Meetup.objects.filter(network=viewer.network).annotate(going=going, waiting=waiting).order_by("starts_at")


def access_meetup(viewer: Viewer, pk: int) -> Meetup:
    return get_or_404(meetups_for(viewer), pk=pk)


def meetup_rsvp_of(*, meetup: Meetup, user: User) -> MeetupRsvp | None:
    """The user's own reply for a meetup the caller authorised."""
    return MeetupRsvp.objects.filter(meetup=meetup, user=user).first()


def meetup_rsvps(viewer: Viewer, meetup: Meetup) -> QuerySet[MeetupRsvp]:
    """The check-in list (office)."""
    assert viewer.is_office and meetup.network_id == viewer.network.pk
    return MeetupRsvp.objects.filter(meetup=meetup).select_related("user").order_by("status", "created_at", "pk")


def access_rsvp_for_office(viewer: Viewer, meetup: Meetup, pk: int) -> MeetupRsvp:
    return get_or_404(meetup_rsvps(viewer, meetup), pk=pk)


def meetup_waiting_first(*, meetup: Meetup) -> MeetupRsvp | None:
    """The first on the waiting list (the RSVP service, for a meetup it holds locked)."""
    return MeetupRsvp.objects.filter(meetup=meetup, status=RsvpStatus.WAITING).order_by("created_at", "pk").first()


def meetup_going_count(*, meetup: Meetup) -> int:
    """How many are going (the RSVP service, for a meetup it holds locked)."""
    return MeetupRsvp.objects.filter(meetup=meetup, status=RsvpStatus.GOING).count()


def survey_answers(viewer: Viewer, meetup: Meetup) -> QuerySet[MeetupSurveyAnswer]:
    assert viewer.is_office and meetup.network_id == viewer.network.pk
    return MeetupSurveyAnswer.objects.filter(meetup=meetup).select_related("respondent").order_by("-created_at")


def lock_meetup(*, pk: int) -> Meetup:
    """The meetup row locked for an RSVP change (the caller authorised it)."""
    return Meetup.objects.select_for_update().get(pk=pk)


# --- personal data: export and erasure -------------------------------------------------------------------------


def members_of_user(user: User) -> QuerySet[AlumniMember]:
    """The person's own memberships, in every network (export, erasure)."""
    return AlumniMember.objects.filter(user=user).select_related("network", "industry")


def feedback_of_user(user: User) -> QuerySet[Feedback]:
    return Feedback.objects.filter(author=user).select_related("network")


def posts_of_user(user: User) -> QuerySet[MemberPost]:
    return MemberPost.objects.filter(author=user).select_related("network")


def replies_of_user(user: User) -> QuerySet[PostReply]:
    return PostReply.objects.filter(author=user).select_related("post")


def interests_of_user(user: User) -> QuerySet[PostInterest]:
    return PostInterest.objects.filter(user=user).select_related("post")


def messages_of_user(user: User) -> QuerySet[ContactMessage]:
    return ContactMessage.objects.filter(Q(sender=user) | Q(recipient=user))


def messages_sent_by(user: User) -> QuerySet[ContactMessage]:
    return ContactMessage.objects.filter(sender=user)


def rsvps_of_user(user: User) -> QuerySet[MeetupRsvp]:
    return MeetupRsvp.objects.filter(user=user).select_related("meetup")


def survey_answers_of_user(user: User) -> QuerySet[MeetupSurveyAnswer]:
    return MeetupSurveyAnswer.objects.filter(respondent=user).select_related("meetup")


# --- digests (system paths: the periodic task serves no request) ------------------------------------------------


def members_for_digest(*, frequency: str) -> QuerySet[AlumniMember]:
    """System path: verified members with active accounts who chose this digest frequency."""
    return AlumniMember.objects.filter(
        status=MemberStatus.VERIFIED, user__is_active=True, digest_frequency=frequency
    ).select_related("user", "network")


def digest_content(
    *, network: AlumniNetwork, start: datetime, end: datetime
) -> tuple[list[NewsPost], list[MemberPost], list[Meetup]]:
    """System path, for one member's own network: what was new in [start, end): visible news, posts, and
    meetups announced then that are still ahead."""
    news = NewsPost.objects.filter(_visible_news(), network=network, publish_at__gte=start, publish_at__lt=end)
    posts = MemberPost.objects.filter(network=network, created_at__gte=start, created_at__lt=end).select_related(
        "author"
    )
    meetups = Meetup.objects.filter(network=network, created_at__gte=start, created_at__lt=end, starts_at__gt=end)
    return list(news.order_by("publish_at")), list(posts.order_by("created_at")), list(meetups.order_by("starts_at"))


# --- worksheets ----------------------------------------------------------------------------------------------


def worksheet_of(*, meetup: Meetup, user: User) -> Worksheet | None:
    """The user's own worksheet for a meetup the caller authorised."""
    return Worksheet.objects.filter(meetup=meetup, user=user).select_related("feedback").first()


def worksheets_of_meetup(viewer: Viewer, meetup: Meetup) -> QuerySet[Worksheet]:
    """The office's view of a meetup's worksheets."""
    assert viewer.is_office and meetup.network_id == viewer.network.pk
    return Worksheet.objects.filter(meetup=meetup).select_related("user").order_by("created_at")


def worksheets_of_user(user: User) -> QuerySet[Worksheet]:
    return Worksheet.objects.filter(user=user).select_related("meetup")


# --- the bridge to 新現役: conflicts of interest ------------------------------------------------------------------


def conflicts_of_user(user: User) -> QuerySet[ConflictDeclaration]:
    """The person's own declarations (their page, export, erasure)."""
    return ConflictDeclaration.objects.filter(user=user)


def conflicts_of_seniors(senior_ids: set[int]) -> list[tuple[int, str, str]]:
    """System path (the matching engine's problem builder, through participants.conflicts): the declarations
    of these senior profiles, as (senior id, company name, corporate number)."""
    return list(
        ConflictDeclaration.objects.filter(user__senior_profile__id__in=senior_ids).values_list(
            "user__senior_profile__id", "company_name", "corporate_number"
        )
    )


def access_own_conflict(viewer: Viewer, pk: int) -> ConflictDeclaration:
    return get_or_404(conflicts_of_user(viewer.user), pk=pk)


# --- help wanted (協力募集) ------------------------------------------------------------------------------------


def help_requests_for(viewer: Viewer) -> QuerySet[HelpRequest]:
    mine = HelpInterest.objects.filter(request=OuterRef("pk"), user=viewer.user)
    return (
        HelpRequest.objects.filter(network=viewer.network)
        .annotate(interest_count=Count("interests", distinct=True), applied=Exists(mine))
        .order_by("-is_open", "-created_at")
    )


def access_help_request(viewer: Viewer, pk: int) -> HelpRequest:
    return get_or_404(help_requests_for(viewer), pk=pk)


def help_interest_of(*, request: HelpRequest, user: User) -> HelpInterest | None:
    """The user's own interest in a request the caller authorised."""
    return HelpInterest.objects.filter(request=request, user=user).first()


def help_interests(viewer: Viewer, request: HelpRequest) -> QuerySet[HelpInterest]:
    """The office's follow-up list for one request."""
    assert viewer.is_office and request.network_id == viewer.network.pk
    return HelpInterest.objects.filter(request=request).select_related("user")


def access_help_interest(viewer: Viewer, request: HelpRequest, pk: int) -> HelpInterest:
    return get_or_404(help_interests(viewer, request), pk=pk)


def help_interests_of_user(user: User) -> QuerySet[HelpInterest]:
    return HelpInterest.objects.filter(user=user).select_related("request")


# --- analytics: outcomes, not logins ------------------------------------------------------------------------------


def network_outcomes(viewer: Viewer) -> dict[str, int]:
    """What the network achieved: help and collaborations started, feedback adopted, meetup attendance."""
    assert viewer.is_office
    network = viewer.network
    return {
        "members": AlumniMember.objects.filter(network=network, status=MemberStatus.VERIFIED).count(),
        "help_engaged": HelpInterest.objects.filter(request__network=network, outcome="engaged").count(),
        "collaboration_replies": MemberPost.objects.filter(network=network, kind__in=COLLABORATION_KINDS)
        .filter(Q(replies__isnull=False) | Q(interests__isnull=False))
        .distinct()
        .count(),
        "feedback_adopted": Feedback.objects.filter(network=network, status="done").count(),
        "feedback_total": Feedback.objects.filter(network=network).count(),
        "attended": MeetupRsvp.objects.filter(meetup__network=network, checked_in_at__isnull=False).count(),
        "digest_posts": MemberPost.objects.filter(network=network, digest_status=DigestStatus.APPROVED).count(),
    }


COLLABORATION_KINDS = ("collaboration", "introduction", "speaking", "business")


def rsvps_going_on(*, day_start: datetime, day_end: datetime) -> QuerySet[MeetupRsvp]:
    """System path (the daily reminder scan): the seats taken at meetups starting in [day_start, day_end), of
    members still verified."""
    return MeetupRsvp.objects.filter(
        status=RsvpStatus.GOING,
        meetup__starts_at__gte=day_start,
        meetup__starts_at__lt=day_end,
        meetup__network__members__user=F("user"),
        meetup__network__members__status=MemberStatus.VERIFIED,
    ).select_related("meetup__network", "user")
