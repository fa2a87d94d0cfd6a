"""Every write of the regional app: networks and chapters, dialogue meetings and their groups, connections and
stories, and public-private projects (challenges, partners, campaigns, contributions, volunteers, activity).

Each service is keyword-only and atomic and raises `RegionalError` (translated, with the form field it belongs
beside) when a rule is broken.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Organization, User
from sks.audit import audit
from sks.exceptions import DomainError

from .access import accepted_partner_ids, digest_recipients, government_ids_for, partner_ids_for, updates_between
from .enums import (
    ApplicationStatus,
    ChallengeStatus,
    ChapterMembershipStatus,
    ChapterRole,
    RsvpStatus,
)
from .groups import SOLUTION_FORMAT, meeting_groups_problem, member_pk, solution_figures, solution_violations
from .models import (
    Activity,
    Campaign,
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

Solver = Callable[..., dict[str, Any]]


class RegionalError(DomainError):
    """A regional rule was broken; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- networks and chapters -------------------------------------------------------------------------------------


@transaction.atomic
def network_member_save(
    *, user: User, network: Network, name: str, sector: str, organisation: str, title: str = ""
) -> NetworkMember:
    """Join `network` as an individual, or change one's profile in it."""
    member, _created = NetworkMember.objects.update_or_create(
        network=network,
        user=user,
        defaults={"name": name.strip(), "sector": sector, "organisation": organisation.strip(), "title": title.strip()},
    )
    return member


@transaction.atomic
def chapter_join_request(*, member: NetworkMember, chapter: Chapter) -> ChapterMembership:
    """Ask to join a chapter of one's network; its organisers approve."""
    if chapter.network_id != member.network_id:
        raise RegionalError(_("この支部は別のネットワークの支部です。"))
    membership, _created = ChapterMembership.objects.get_or_create(chapter=chapter, member=member)
    return membership


@transaction.atomic
def chapter_membership_approve(*, membership: ChapterMembership, by: User) -> ChapterMembership:
    membership = ChapterMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == ChapterMembershipStatus.ACTIVE:
        raise RegionalError(_("この方はすでに支部のメンバーです。"))
    membership.status = ChapterMembershipStatus.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    audit(obj=membership, action="regional.membership_approved", user=by)
    return membership


@transaction.atomic
def chapter_organiser_set(*, membership: ChapterMembership, organiser: bool, by: User) -> ChapterMembership:
    membership = ChapterMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != ChapterMembershipStatus.ACTIVE:
        raise RegionalError(_("承認前の方は世話人にできません。"))
    if not organiser and membership.member.user_id == by.pk:
        raise RegionalError(_("ご自身の世話人の役割は外せません。他の世話人に依頼してください。"))
    membership.role = ChapterRole.ORGANISER if organiser else ChapterRole.MEMBER
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def chapter_post_create(*, chapter: Chapter, author: NetworkMember, body: str) -> ChapterPost:
    if not body.strip():
        raise RegionalError(_("本文を入力してください。"), field="body")
    return ChapterPost.objects.create(chapter=chapter, author=author, body=body.strip())


# --- dialogue meetings -------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, chapter: Chapter, by: User, **fields: Any) -> DialogueMeeting:
    meeting = DialogueMeeting.objects.create(chapter=chapter, **fields)
    audit(obj=chapter, action="regional.meeting_created", user=by, data={"meeting": meeting.pk})
    return meeting


@transaction.atomic
def meeting_update(*, meeting: DialogueMeeting, **fields: Any) -> DialogueMeeting:
    meeting = DialogueMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.groups_formed_at is not None and (
        fields.get("rounds", meeting.rounds) != meeting.rounds
        or fields.get("group_size", meeting.group_size) != meeting.group_size
    ):
        raise RegionalError(_("グループ編成後はラウンド数と人数を変更できません。"), field="rounds")
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_rsvp(*, meeting: DialogueMeeting, member: NetworkMember, going: bool) -> Rsvp:
    """Say one is coming (within the capacity) or no longer coming."""
    # The meeting row lock serialises replies, so two last-minute replies cannot both take the last seat.
    meeting = DialogueMeeting.objects.select_for_update().get(pk=meeting.pk)
    rsvp = Rsvp.objects.filter(meeting=meeting, member=member).first()
    if going:
        if rsvp is not None and rsvp.status == RsvpStatus.GOING:
            return rsvp
        taken = Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING).count()
        if taken >= meeting.capacity:
            raise RegionalError(
                _("定員（%(capacity)s名）に達しているため、参加を受け付けられません。") % {"capacity": meeting.capacity}
            )
    if rsvp is None:
        rsvp = Rsvp(meeting=meeting, member=member)
    rsvp.status = RsvpStatus.GOING if going else RsvpStatus.CANCELLED
    rsvp.save()
    return rsvp


@transaction.atomic
def meeting_check_in(
    *, rsvp: Rsvp, by: User, checked_in: bool = True, first_round: int = 0, last_round: int | None = None
) -> Rsvp:
    """Record arrival (with the round a late arrival joins from and, for an early leaver, the last round)."""
    rsvp = Rsvp.objects.select_for_update().select_related("meeting").get(pk=rsvp.pk)
    rounds = rsvp.meeting.rounds
    if not 0 <= first_round < rounds:
        raise RegionalError(
            _("参加開始ラウンドは1〜%(rounds)sで指定してください。") % {"rounds": rounds}, field="first_round"
        )
    if last_round is not None and not first_round <= last_round < rounds:
        raise RegionalError(
            _("参加終了ラウンドは開始ラウンド以降、%(rounds)s以下で指定してください。") % {"rounds": rounds},
            field="last_round",
        )
    if rsvp.status != RsvpStatus.GOING:
        raise RegionalError(_("参加の返事をしていない方は受付できません。"))
    rsvp.checked_in_at = (rsvp.checked_in_at or timezone.now()) if checked_in else None
    rsvp.first_round = first_round
    rsvp.last_round = last_round
    rsvp.save(update_fields=["checked_in_at", "first_round", "last_round", "updated_at"])
    return rsvp


def _solver() -> Solver:
    # Imported on use: the engine is a separate module of matching/engine (pure Python), loaded only when
    # groups are formed.
    from matching.engine.groups import solve

    return solve


def dialogue_groups_form(
    *,
    meeting: DialogueMeeting,
    by: User,
    from_round: int = 0,
    time_limit: float = 10.0,
    seed: int = 0,
    solver: Solver | None = None,
) -> dict[str, Any]:
    """Form (or re-form from `from_round` on) the meeting's groups with the engine, and store them.

    Outside a transaction while the engine runs (it may take seconds); the result is stored atomically and
    only if it keeps every hard constraint. Returns the stored figures.
    """
    if not 0 <= from_round < meeting.rounds:
        raise RegionalError(_("編成し直すラウンドが正しくありません。"), field="from_round")
    if from_round > 0 and meeting.groups_formed_at is None:
        raise RegionalError(
            _("まだグループが編成されていません。最初のラウンドから編成してください。"), field="from_round"
        )
    problem = meeting_groups_problem(meeting=meeting, from_round=from_round)
    if not problem["participants"]:
        raise RegionalError(_("参加者がいないため、グループを編成できません。"))
    started = time.monotonic()
    try:
        solution = (solver or _solver())(problem, time_limit=time_limit, seed=seed)
    except ValueError as e:  # the engine refuses a problem it cannot read: say so instead of a server error
        raise RegionalError(_("グループを編成できませんでした（%(reason)s）。") % {"reason": e}) from e
    seconds = time.monotonic() - started
    return dialogue_groups_store(meeting=meeting, problem=problem, solution=solution, by=by, seconds=seconds)


@transaction.atomic
def dialogue_groups_store(
    *, meeting: DialogueMeeting, problem: dict[str, Any], solution: dict[str, Any], by: User, seconds: float = 0.0
) -> dict[str, Any]:
    """Store a solution of `problem` as the meeting's groups (rounds before the problem's fixed ones kept)."""
    meeting = DialogueMeeting.objects.select_for_update().get(pk=meeting.pk)
    if solution.get("format", SOLUTION_FORMAT) != SOLUTION_FORMAT or problem["rounds"] != meeting.rounds:
        raise RegionalError(_("グループ編成の結果の形式が正しくありません。"))
    violations = solution_violations(problem, solution)
    if violations:
        raise RegionalError(
            _("グループ編成の結果が条件を満たしていません: %(reasons)s") % {"reasons": "; ".join(violations[:5])}
        )
    from_round = len(problem.get("fixed", []))
    DialogueGroup.objects.filter(meeting=meeting, round__gte=from_round).delete()
    members = {
        m.pk: m for m in NetworkMember.objects.filter(pk__in=[member_pk(p["id"]) for p in problem["participants"]])
    }
    for r in range(from_round, meeting.rounds):
        for number, ids in enumerate(sorted(solution["rounds"][r], key=lambda g: sorted(g)), start=1):
            group = DialogueGroup.objects.create(meeting=meeting, round=r, number=number)
            group.members.set([members[member_pk(i)] for i in ids])
    figures = {**solution_figures(problem, solution), "seconds": round(seconds, 2), "from_round": from_round}
    meeting.groups_formed_at = timezone.now()
    meeting.groups_figures = figures
    meeting.save(update_fields=["groups_formed_at", "groups_figures", "updated_at"])
    audit(obj=meeting, action="regional.groups_formed", user=by, data=figures)
    return figures


# --- connections and stories -------------------------------------------------------------------------------------


@transaction.atomic
def connection_add(*, owner: NetworkMember, other: NetworkMember, meeting: DialogueMeeting | None = None) -> Connection:
    if owner.pk == other.pk:
        raise RegionalError(_("ご自身はつながりに登録できません。"))
    if owner.network_id != other.network_id:
        raise RegionalError(_("同じネットワークの会員だけを登録できます。"))
    connection, _created = Connection.objects.get_or_create(owner=owner, other=other, defaults={"meeting": meeting})
    return connection


@transaction.atomic
def connection_remove(*, owner: NetworkMember, other: NetworkMember) -> None:
    Connection.objects.filter(owner=owner, other=other).delete()


@transaction.atomic
def story_create(*, author: NetworkMember, chapter: Chapter | None, **fields: Any) -> CollaborationStory:
    return CollaborationStory.objects.create(network_id=author.network_id, author=author, chapter=chapter, **fields)


# --- public-private projects -----------------------------------------------------------------------------------


@transaction.atomic
def challenge_create(*, by: User, government: Organization, **fields: Any) -> Challenge:
    if government.pk not in government_ids_for(by):
        raise RegionalError(_("所属する自治体の課題だけを登録できます。"), field="government")
    challenge = Challenge.objects.create(government=government, created_by=by, **fields)
    audit(obj=challenge, action="regional.challenge_posted", user=by)
    return challenge


@transaction.atomic
def challenge_close(*, challenge: Challenge, by: User) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status != ChallengeStatus.OPEN:
        raise RegionalError(_("この課題の募集はすでに終了しています。"))
    challenge.status = ChallengeStatus.CLOSED
    challenge.save(update_fields=["status", "updated_at"])
    audit(obj=challenge, action="regional.challenge_closed", user=by)
    return challenge


@transaction.atomic
def partner_apply(*, challenge: Challenge, partner: Organization, by: User, message: str) -> PartnerApplication:
    if partner.pk not in partner_ids_for(by):
        raise RegionalError(_("所属する組織としてだけ申し込めます。"), field="partner")
    if challenge.status != ChallengeStatus.OPEN:
        raise RegionalError(_("この課題の連携先の募集は終了しています。"))
    if PartnerApplication.objects.filter(challenge=challenge, partner=partner).exists():
        raise RegionalError(
            _("%(partner)sはこの課題にすでに申し込んでいます。") % {"partner": partner.name}, field="partner"
        )
    try:
        with transaction.atomic():
            application = PartnerApplication.objects.create(
                challenge=challenge, partner=partner, applicant=by, message=message.strip()
            )
    except IntegrityError:  # a colleague applied at the same moment
        raise RegionalError(
            _("%(partner)sはこの課題にすでに申し込んでいます。") % {"partner": partner.name}, field="partner"
        ) from None
    audit(obj=application, action="regional.partner_applied", user=by)
    return application


@transaction.atomic
def application_accept(
    *, application: PartnerApplication, by: User, agreement_kind: str, signed_on: dt.date, signatories: str
) -> PartnerApplication:
    """The government accepts a partner and records the signed agreement (覚書 or 連携協定)."""
    application = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.APPLIED:
        raise RegionalError(_("この申込はすでに処理済みです。"))
    if not signatories.strip():
        raise RegionalError(_("署名者を入力してください。"), field="agreement_signatories")
    application.status = ApplicationStatus.ACCEPTED
    application.agreement_kind = agreement_kind
    application.agreement_signed_on = signed_on
    application.agreement_signatories = signatories.strip()
    application.save()
    audit(obj=application, action="regional.partner_accepted", user=by)
    return application


@transaction.atomic
def application_decline(*, application: PartnerApplication, by: User) -> PartnerApplication:
    application = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.APPLIED:
        raise RegionalError(_("この申込はすでに処理済みです。"))
    application.status = ApplicationStatus.DECLINED
    application.save(update_fields=["status", "updated_at"])
    audit(obj=application, action="regional.partner_declined", user=by)
    return application


@transaction.atomic
def campaign_create(*, challenge: Challenge, by: User, title: str, goal_amount: int) -> Campaign:
    if Campaign.objects.filter(challenge=challenge).exists():
        raise RegionalError(_("この課題にはすでにキャンペーンがあります。"))
    campaign = Campaign.objects.create(challenge=challenge, title=title.strip(), goal_amount=goal_amount)
    audit(obj=challenge, action="regional.campaign_started", user=by, data={"goal_amount": goal_amount})
    return campaign


@transaction.atomic
def contribution_record(
    *, campaign: Campaign, partner: Organization, by: User, source: str, amount: int, note: str = ""
) -> Contribution:
    """An accepted partner records a contribution; the campaign's total grows in the database.

    The campaign row is locked and the total added with an F() expression, so contributions recorded at the
    same moment are all counted (tests/regional/test_campaigns.py runs two at once on PostgreSQL).
    """
    if partner.pk not in partner_ids_for(by):
        raise RegionalError(_("所属する組織の寄付・拠出だけを記録できます。"), field="partner")
    campaign = Campaign.objects.select_for_update().select_related("challenge").get(pk=campaign.pk)
    if partner.pk not in accepted_partner_ids(challenge=campaign.challenge):
        raise RegionalError(_("連携が承認された組織だけが寄付・拠出を記録できます。"), field="partner")
    if amount <= 0:
        raise RegionalError(_("金額は1円以上で入力してください。"), field="amount")
    contribution = Contribution.objects.create(
        campaign=campaign, partner=partner, source=source, amount=amount, note=note.strip(), recorded_by=by
    )
    Campaign.objects.filter(pk=campaign.pk).update(total_amount=F("total_amount") + amount)
    audit(
        obj=campaign,
        action="regional.contribution_recorded",
        user=by,
        data={"contribution": contribution.pk, "amount": amount, "source": source},
    )
    return contribution


@transaction.atomic
def volunteer_join(*, challenge: Challenge, user: User, partner: Organization) -> Volunteer:
    if partner.pk not in partner_ids_for(user) or partner.pk not in accepted_partner_ids(challenge=challenge):
        raise RegionalError(_("連携が承認された組織の職員だけがチームに参加できます。"), field="partner")
    volunteer, _created = Volunteer.objects.get_or_create(challenge=challenge, user=user, defaults={"partner": partner})
    return volunteer


@transaction.atomic
def activity_record(
    *, challenge: Challenge, user: User, organisation: Organization, kind: str, description: str, happened_on: dt.date
) -> Activity:
    allowed = set(government_ids_for(user)) & {challenge.government_id} | (
        set(partner_ids_for(user)) & accepted_partner_ids(challenge=challenge)
    )
    if organisation.pk not in allowed:
        raise RegionalError(
            _("この課題の自治体か、承認された連携先の組織として記録してください。"), field="organisation"
        )
    return Activity.objects.create(
        challenge=challenge,
        user=user,
        organisation=organisation,
        kind=kind,
        description=description.strip(),
        happened_on=happened_on,
    )


# --- project news and the daily digest ----------------------------------------------------------------------------

DIGEST_KIND = "regional_project_digest"


@transaction.atomic
def project_update_post(*, challenge: Challenge, by: User, title: str, body: str) -> ProjectUpdate:
    """The government or an accepted partner's staff post news; it goes out in the next daily digest."""
    insiders = {challenge.government_id} & set(government_ids_for(by)) | (
        set(partner_ids_for(by)) & accepted_partner_ids(challenge=challenge)
    )
    if not insiders:
        raise RegionalError(_("この課題の自治体か、承認された連携先の職員だけがお知らせを投稿できます。"))
    if not title.strip():
        raise RegionalError(_("見出しを入力してください。"), field="title")
    return ProjectUpdate.objects.create(challenge=challenge, author=by, title=title.strip(), body=body.strip())


@transaction.atomic
def challenge_follow(*, challenge: Challenge, user: User, follow: bool) -> bool:
    if follow:
        ChallengeFollower.objects.get_or_create(challenge=challenge, user=user)
    else:
        ChallengeFollower.objects.filter(challenge=challenge, user=user).delete()
    return follow


def project_digests_schedule(*, day: dt.date) -> int:
    """Schedule one digest per recipient of the news posted the day before `day` (Asia/Tokyo).

    Exactly once: each digest is a reminder in participants' ledger keyed by (kind, recipient, day), so a second
    run for the same day (a retried beat tick) finds the rows and sends nothing again. Returns how many digests
    were newly scheduled.
    """
    from participants.services import reminder_schedule

    end = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    start = end - dt.timedelta(days=1)
    per_user: dict[int, list[dict[str, str]]] = {}
    users: dict[int, User] = {}
    by_challenge: dict[int, list[ProjectUpdate]] = {}
    for update in updates_between(start=start, end=end).order_by("created_at", "pk"):
        by_challenge.setdefault(update.challenge_id, []).append(update)
    for updates in by_challenge.values():
        challenge = updates[0].challenge
        for user in digest_recipients(challenge=challenge):
            users[user.pk] = user
            per_user.setdefault(user.pk, []).extend(
                {"challenge": challenge.theme, "title": u.title, "body": u.body} for u in updates
            )
    created = 0
    for pk, items in sorted(per_user.items()):
        _reminder, new = reminder_schedule(
            kind=DIGEST_KIND,
            obj=users[pk],
            due_date=day,
            recipient=users[pk],
            context={"template": "regional/project_digest", "updates": items, "digest_date": day.isoformat()},
            url="/regional/challenges/",
        )
        created += new
    return created


@transaction.atomic
def meeting_walk_in(*, meeting: DialogueMeeting, member: NetworkMember, by: User, first_round: int = 0) -> Rsvp:
    """A chapter member who comes without having replied: recorded as coming and checked in at once (the
    organiser has let them in, so the capacity, a limit on replies, does not apply)."""
    meeting = DialogueMeeting.objects.select_for_update().get(pk=meeting.pk)
    rsvp, _created = Rsvp.objects.get_or_create(meeting=meeting, member=member)
    if rsvp.status != RsvpStatus.GOING:
        rsvp.status = RsvpStatus.GOING
        rsvp.save(update_fields=["status", "updated_at"])
    return meeting_check_in(rsvp=rsvp, by=by, first_round=first_round)
