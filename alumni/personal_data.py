"""What the alumni app holds about a person, declared to the personal-data registry (sks.personal_data).

Erasure anonymises: rows, statuses and dates stay (the network still counts its members, feedback and
attendance), the free text about the person is blanked.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from participants.personal_data import local
from sks.personal_data import Person, PersonalData, Rows, register

from . import access
from .enums import MemberStatus
from .models import (
    AlumniMember,
    ConflictDeclaration,
    ContactMessage,
    Feedback,
    HelpInterest,
    HelpRequest,
    Meetup,
    MeetupRsvp,
    MeetupSurveyAnswer,
    MemberPost,
    NewsPost,
    PostInterest,
    PostReply,
    RosterUpload,
    Worksheet,
)

__all__ = ["register_personal_data"]

STAFF_ACTOR = "kept: office staff actor reference (who did it, not data about the person)"


def _members(person: Person):  # type: ignore[no-untyped-def]  # a queryset of AlumniMember
    return access.members_of_user(person.user)


def _export_members(person: Person) -> Rows:
    return [
        {
            "network": m.network.name,
            "status": m.get_status_display(),
            "year_joined": m.year_joined,
            "year_left": m.year_left,
            "departments": m.departments,
            "employer": m.employer,
            "job_title": m.job_title,
            "industry": m.industry.name if m.industry else None,
            "skills": m.skills,
            "self_introduction": m.self_introduction,
            "privacy": m.privacy,
            "accepts_contact": m.accepts_contact,
            "digest_frequency": m.digest_frequency,
            "joined_at": local(m.created_at),
            "left_at": local(m.left_at),
        }
        for m in _members(person).order_by("pk")
    ]


def _erase_members(person: Person) -> None:
    # The person leaves every network and their profile is blanked; the row stays (counted, not shown).
    _members(person).update(
        departments="",
        employer="",
        job_title="",
        industry=None,
        skills="",
        self_introduction="",
        search_text="",
        privacy={},
        accepts_contact=False,
        roster_entry=None,
    )
    _members(person).filter(status__in=[MemberStatus.VERIFIED, MemberStatus.PENDING]).update(status=MemberStatus.LEFT)


def _export_feedback(person: Person) -> Rows:
    return [
        {
            "network": f.network.name,
            "created_at": local(f.created_at),
            "topic": f.topic,
            "good_points": f.good_points,
            "improvements": f.improvements,
            "status": f.get_status_display(),
            "answer": f.answer,
        }
        for f in access.feedback_of_user(person.user).order_by("pk")
    ]


def _export_posts(person: Person) -> Rows:
    return [
        {
            "network": p.network.name,
            "created_at": local(p.created_at),
            "kind": p.get_kind_display(),
            "title": p.title,
            "body": p.body,
        }
        for p in access.posts_of_user(person.user).order_by("pk")
    ]


def _export_replies(person: Person) -> Rows:
    return [
        {"post": r.post.title, "created_at": local(r.created_at), "body": r.body}
        for r in access.replies_of_user(person.user).order_by("pk")
    ]


def _export_interests(person: Person) -> Rows:
    return [{"post": i.post.title, "created_at": local(i.created_at)} for i in access.interests_of_user(person.user)]


def _export_messages(person: Person) -> Rows:
    return [
        {
            "direction": "sent" if m.sender_id == person.user.pk else "received",
            "created_at": local(m.created_at),
            "body": m.body,
        }
        for m in access.messages_of_user(person.user).order_by("pk")
    ]


def _erase_messages(person: Person) -> None:
    # Both sides' copies of a conversation with the person lose their text.
    access.messages_of_user(person.user).update(body="")


def _export_rsvps(person: Person) -> Rows:
    return [
        {
            "meetup": r.meetup.title,
            "starts_at": local(r.meetup.starts_at),
            "status": r.get_status_display(),
            "checked_in_at": local(r.checked_in_at),
        }
        for r in access.rsvps_of_user(person.user).order_by("pk")
    ]


def _export_survey(person: Person) -> Rows:
    return [
        {"meetup": a.meetup.title, "satisfaction": a.satisfaction, "comment": a.comment}
        for a in access.survey_answers_of_user(person.user).order_by("pk")
    ]


def _erase_survey(person: Person) -> None:
    # The score still counts in the meetup's results, as an anonymous answer.
    access.survey_answers_of_user(person.user).update(comment="", respondent=None)


def _export_worksheets(person: Person) -> Rows:
    return [
        {
            "meetup": w.meetup.title,
            "useful_skills": w.useful_skills,
            "good_points": w.good_points,
            "improvements": w.improvements,
        }
        for w in access.worksheets_of_user(person.user).order_by("pk")
    ]


def register_personal_data() -> None:
    """Called from AlumniConfig.ready()."""
    register(
        PersonalData(
            model=AlumniMember,
            label=_("OB・OGネットワークの会員情報"),
            person=("user",),
            actors={"decided_by": STAFF_ACTOR},
            rows=_members,
            export=_export_members,
            key="alumni_memberships",
            erase=_erase_members,
            kept="kept: the membership row and its status (left), so the network still counts its members",
        )
    )
    register(
        PersonalData(
            model=Feedback,
            label=_("OB・OGネットワークへのフィードバック"),
            person=("author",),
            actors={"answered_by": STAFF_ACTOR},
            text_fields=("topic", "good_points", "improvements"),
            rows=lambda p: access.feedback_of_user(p.user),
            export=_export_feedback,
            key="alumni_feedback",
        )
    )
    register(
        PersonalData(
            model=MemberPost,
            label=_("OB・OGネットワークへの投稿"),
            person=("author",),
            actors={"digest_decided_by": STAFF_ACTOR},
            text_fields=("title", "body"),
            rows=lambda p: access.posts_of_user(p.user),
            export=_export_posts,
            key="alumni_posts",
        )
    )
    register(
        PersonalData(
            model=PostReply,
            label=_("投稿への返信"),
            person=("author",),
            text_fields=("body",),
            rows=lambda p: access.replies_of_user(p.user),
            export=_export_replies,
            key="alumni_replies",
        )
    )
    register(
        PersonalData(
            model=PostInterest,
            label=_("投稿への「関心あり」"),
            person=("user",),
            rows=lambda p: access.interests_of_user(p.user),
            export=_export_interests,
            key="alumni_interests",
            kept="kept: a mark without text (counted on the post)",
        )
    )
    register(
        PersonalData(
            model=ContactMessage,
            label=_("会員間の連絡"),
            person=("sender", "recipient"),
            rows=lambda p: access.messages_of_user(p.user),
            export=_export_messages,
            key="alumni_messages",
            erase=_erase_messages,
            kept="kept: that a message was sent, and when; its text is blanked",
        )
    )
    register(
        PersonalData(
            model=MeetupRsvp,
            label=_("OB・OG交流会の出欠"),
            person=("user",),
            rows=lambda p: access.rsvps_of_user(p.user),
            export=_export_rsvps,
            key="alumni_rsvps",
            kept="kept: attendance (no free text), counted in the meetup's figures",
        )
    )
    register(
        PersonalData(
            model=MeetupSurveyAnswer,
            label=_("OB・OG交流会のアンケート"),
            person=("respondent",),
            rows=lambda p: access.survey_answers_of_user(p.user),
            export=_export_survey,
            key="alumni_survey_answers",
            erase=_erase_survey,
            kept="kept: the score, as an anonymous answer; the comment is blanked",
        )
    )
    register(
        PersonalData(
            model=Worksheet,
            label=_("交流会のワークシート"),
            person=("user",),
            text_fields=("useful_skills", "good_points", "improvements"),
            rows=lambda p: access.worksheets_of_user(p.user),
            export=_export_worksheets,
            key="alumni_worksheets",
        )
    )
    register(
        PersonalData(
            model=ConflictDeclaration,
            label=_("利益相反の申告"),
            person=("user",),
            text_fields=("company_name", "corporate_number"),
            rows=lambda p: access.conflicts_of_user(p.user),
            export=lambda p: [
                {"company_name": c.company_name, "corporate_number": c.corporate_number}
                for c in access.conflicts_of_user(p.user)
            ],
            key="alumni_conflicts",
        )
    )
    register(
        PersonalData(
            model=HelpInterest,
            label=_("協力募集への応募"),
            person=("user",),
            actors={"outcome_by": STAFF_ACTOR},
            text_fields=("message",),
            rows=lambda p: access.help_interests_of_user(p.user),
            export=lambda p: [
                {"request": i.request.title, "message": i.message, "outcome": i.get_outcome_display()}
                for i in access.help_interests_of_user(p.user).order_by("pk")
            ],
            key="alumni_help_interests",
        )
    )
    for model, label in (
        (RosterUpload, _("名簿の登録")),
        (NewsPost, _("事務局からのお知らせ")),
        (Meetup, _("OB・OG交流会")),
        (HelpRequest, _("協力募集")),
    ):
        field = {RosterUpload: "uploaded_by", NewsPost: "author", Meetup: "created_by", HelpRequest: "created_by"}[
            model
        ]
        register(
            PersonalData(
                model=model, label=label, actors={field: STAFF_ACTOR}, kept="kept: office staff actor reference only"
            )
        )
