"""Every write of the alumni app (STYLE.md rule 2): one service per state change.

Callers pass rows already authorised through alumni/access.py (a `Viewer` for the network).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Organization, User
from participants.normalize import normalize_digits, normalize_kana, normalize_text
from participants.services import notify, tabular_rows
from sks.audit import audit
from sks.exceptions import DomainError
from sks.tasks import enqueue_on_commit
from sks.uploads import UploadLimits, UploadRefusedError, upload_guard

from . import access
from .access import Viewer
from .enums import (
    DigestFrequency,
    DigestStatus,
    FeedbackStatus,
    MemberStatus,
    NewsStatus,
    PendingReason,
    RsvpStatus,
    Visibility,
)
from .models import (
    PRIVATE_FIELDS,
    AlumniMember,
    AlumniNetwork,
    ConflictDeclaration,
    ContactMessage,
    DigestDelivery,
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


class AlumniError(DomainError):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- networks ------------------------------------------------------------------------------------------------


@transaction.atomic
def network_create(*, organization: Organization, by: User, name: str, description: str = "") -> AlumniNetwork:
    if AlumniNetwork.objects.filter(organization=organization).exists():
        raise AlumniError(_("この組織のOB・OGネットワークはすでにあります。"))
    network = AlumniNetwork.objects.create(
        organization=organization, name=name, description=description, join_code=secrets.token_urlsafe(16)
    )
    audit(obj=network, action="alumni.network_created", user=by)
    return network


# --- the roster: keyed hashes only ------------------------------------------------------------------------------

ROSTER_LIMITS = UploadLimits(max_bytes=5 * 1024 * 1024, max_rows=20_000, max_columns=30)
ROSTER_HEADERS = {
    "name": ("氏名", "名前", "name"),
    "kana": ("氏名（カナ）", "氏名(カナ)", "カナ", "フリガナ", "ふりがな", "kana"),
    "number": ("社員番号", "職員番号", "従業員番号", "employee_number", "number"),
}
_SPACES = re.compile(r"\s+")


def roster_normalise_name(value: object) -> str:
    """Full/half width and spaces do not matter: 「山田　太郎」 and 「山田太郎」 are the same name."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", normalize_text(value)))


def roster_normalise_kana(value: object) -> str:
    return _SPACES.sub("", normalize_kana(value))


def roster_normalise_number(value: object) -> str:
    """Digits in ASCII, separators gone, upper case, leading zeros dropped (Excel drops them too)."""
    return normalize_digits(value).upper().lstrip("0")


def roster_hash(*, network: AlumniNetwork, kind: str, value: str) -> str:
    """HMAC-SHA256 under ALUMNI_ROSTER_HASH_KEY, separated per network and field: equal values of two networks
    or two fields never give the same hash, and without the key a hash cannot be checked against guesses."""
    key = str(settings.ALUMNI_ROSTER_HASH_KEY).encode()
    return hmac.new(key, f"{network.pk}:{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass
class RosterResult:
    upload: RosterUpload | None = None
    errors: list[str] = field(default_factory=list)


def _roster_columns(headers: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    cleaned = [roster_normalise_name(h).lower() for h in headers]
    for key, names in ROSTER_HEADERS.items():
        for i, header in enumerate(cleaned):
            if header in {roster_normalise_name(n).lower() for n in names}:
                found[key] = i
                break
    return found


@transaction.atomic
def roster_upload(*, viewer: Viewer, content: bytes, filename: str) -> RosterResult:
    """Read an HR roster (CSV/.xlsx: 氏名, 氏名（カナ）, 社員番号; other columns ignored) and keep only the
    keyed hashes of its normalised name, kana and employee number. Nothing is saved if any row is wrong; every
    wrong row is reported with its line number. A number already in the roster gets the new name hashes."""
    assert viewer.is_office
    try:
        rows, _format, _encoding = tabular_rows(content=content, filename=filename, limits=ROSTER_LIMITS)
        _line, headers = next(rows)
    except DomainError as exc:
        return RosterResult(errors=[exc.message])
    except StopIteration:
        return RosterResult(errors=[_("ファイルが空です。")])
    columns = _roster_columns(list(headers))
    missing = [ROSTER_HEADERS[k][0] for k in ("name", "kana", "number") if k not in columns]
    if missing:
        return RosterResult(
            errors=[
                _("必須の列「%(columns)s」がありません（1行目：氏名,氏名（カナ）,社員番号）。")
                % {"columns": "、".join(missing)}
            ]
        )
    network = viewer.network
    parsed: dict[str, tuple[str, str]] = {}
    errors: list[str] = []
    try:
        for line, values in rows:
            cells = {k: values[i] if i < len(values) else None for k, i in columns.items()}
            if not any(normalize_text(v) for v in cells.values()):
                continue
            name = roster_normalise_name(cells["name"])
            kana = roster_normalise_kana(cells["kana"])
            number = roster_normalise_number(cells["number"])
            if not (name and kana and number):
                errors.append(_("%(line)s行目：氏名・カナ・社員番号のいずれかが空です。") % {"line": line})
                continue
            number_hash = roster_hash(network=network, kind="number", value=number)
            if number_hash in parsed:
                errors.append(_("%(line)s行目：社員番号が前の行と重複しています。") % {"line": line})
                continue
            parsed[number_hash] = (
                roster_hash(network=network, kind="name", value=name),
                roster_hash(network=network, kind="kana", value=kana),
            )
    except DomainError as exc:
        return RosterResult(errors=[exc.message])
    if errors:
        return RosterResult(errors=errors)
    if not parsed:
        return RosterResult(errors=[_("見出しの行のほかに、名簿の行がありません。")])
    upload = RosterUpload.objects.create(
        network=network, uploaded_by=viewer.user, filename=PurePath(filename).name[:200], row_count=len(parsed)
    )
    existing = access.roster_entries_by_number(network=network, number_hashes=list(parsed))
    new = []
    for number_hash, (name_hash, kana_hash) in parsed.items():
        entry = existing.get(number_hash)
        if entry is not None:
            entry.name_hash, entry.kana_hash, entry.upload = name_hash, kana_hash, upload
            entry.save(update_fields=["name_hash", "kana_hash", "upload"])
        else:
            new.append(
                RosterEntry(
                    network=network, upload=upload, number_hash=number_hash, name_hash=name_hash, kana_hash=kana_hash
                )
            )
    RosterEntry.objects.bulk_create(new)
    audit(obj=upload, action="alumni.roster_uploaded", user=viewer.user, data={"rows": len(parsed)})
    return RosterResult(upload=upload)


# --- membership ----------------------------------------------------------------------------------------------


def _roster_match(
    network: AlumniNetwork, *, user: User, name: str, kana: str, number: str
) -> tuple[RosterEntry | None, list[str]]:
    if not network.roster_entries.exists():
        return None, [PendingReason.NO_ROSTER]
    entry = access.roster_entry_by_number(
        network=network, number_hash=roster_hash(network=network, kind="number", value=roster_normalise_number(number))
    )
    if entry is None:
        return None, [PendingReason.NUMBER_UNKNOWN]
    name_ok = hmac.compare_digest(
        entry.name_hash, roster_hash(network=network, kind="name", value=roster_normalise_name(name))
    )
    kana_ok = hmac.compare_digest(
        entry.kana_hash, roster_hash(network=network, kind="kana", value=roster_normalise_kana(kana))
    )
    if not (name_ok and kana_ok):
        return None, [PendingReason.NAME_MISMATCH]
    claimant = getattr(entry, "member", None)
    if claimant is not None and claimant.user_id != user.pk:  # their own row when they rejoin after leaving
        return None, [PendingReason.ALREADY_CLAIMED]
    return entry, []


@transaction.atomic
def member_join_with_account(
    *, network: AlumniNetwork, email: str, password: str, name: str, name_kana: str, **fields: Any
) -> tuple[AlumniMember, EmailAddress]:
    """A newcomer's signup through the network's join link: the account (signing in only once its address
    is confirmed, ACCOUNT_EMAIL_VERIFICATION) and the membership, together or not at all. Returns the member
    and the address to send the confirmation to."""
    user = User.objects.create_user(email=email, password=password, name=name, name_kana=name_kana)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    member = member_join(network=network, user=user, name=name, name_kana=name_kana, **fields)
    return member, address


@transaction.atomic
def member_join(
    *,
    network: AlumniNetwork,
    user: User,
    name: str,
    name_kana: str,
    employee_number: str,
    year_joined: int | None = None,
    year_left: int | None = None,
    departments: str = "",
) -> AlumniMember:
    """Sign up to a network: verified at once when the roster has this person, else in the office's queue with
    the reasons. The employee number itself is not kept; only the roster row it matched."""
    member = AlumniMember.objects.select_for_update().filter(network=network, user=user).first()
    if member is not None and member.status in (MemberStatus.VERIFIED, MemberStatus.PENDING):
        raise AlumniError(_("このネットワークにはすでに登録しています。"))
    if member is not None and member.status == MemberStatus.REJECTED:
        raise AlumniError(_("この登録は事務局により承認されませんでした。事務局にお問い合わせください。"))
    if user.name != name or user.name_kana != name_kana:
        user.name, user.name_kana = name, name_kana
        user.save(update_fields=["name", "name_kana"])
    entry, reasons = _roster_match(network, user=user, name=name, kana=name_kana, number=employee_number)
    values: dict[str, Any] = {
        "status": MemberStatus.VERIFIED if entry is not None else MemberStatus.PENDING,
        "pending_reasons": [str(r) for r in reasons],
        "roster_entry": entry,
        "year_joined": year_joined,
        "year_left": year_left,
        "departments": departments,
        "left_at": None,
        "decided_at": timezone.now() if entry is not None else None,
        "decided_by": None,
    }
    if member is None:
        member = AlumniMember(network=network, user=user, **values)
    else:  # rejoining after leaving: the same row, checked again
        for key, value in values.items():
            setattr(member, key, value)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # two signups claimed the same roster row at once: the second waits for the office
        member.roster_entry, member.status = None, MemberStatus.PENDING
        member.pending_reasons = [str(PendingReason.ALREADY_CLAIMED)]
        member.save()
    member_refresh_search_text(member=member)
    audit(obj=member, action=f"alumni.member_{member.status}", user=user, data={"reasons": member.pending_reasons})
    return member


@transaction.atomic
def member_decide(*, viewer: Viewer, member: AlumniMember, approve: bool, note: str = "") -> AlumniMember:
    assert viewer.is_office and member.network_id == viewer.network.pk
    if member.status != MemberStatus.PENDING:
        raise AlumniError(_("承認待ちの登録だけを承認・否認できます。"))
    member.status = MemberStatus.VERIFIED if approve else MemberStatus.REJECTED
    member.decided_by, member.decided_at, member.decision_note = viewer.user, timezone.now(), note[:300]
    member.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit(obj=member, action=f"alumni.member_{member.status}", user=viewer.user)
    if approve:
        notify(
            user=member.user,
            kind="alumni.member_verified",
            template="alumni/member_verified",
            context={"network": member.network.name},
            url=reverse("alumni:network_home", args=[member.network_id]),
        )
    return member


def member_search_text(member: AlumniMember) -> str:
    """The name and the fields shown to members: the directory search never matches a private field."""
    parts = [member.user.name, member.user.name_kana]
    values = {
        "years": f"{member.year_joined or ''} {member.year_left or ''}",
        "departments": member.departments,
        "employer": member.employer,
        "job_title": member.job_title,
        "industry": member.industry.name if member.industry_id and member.industry else "",
        "skills": member.skills,
        "self_introduction": member.self_introduction,
    }
    parts += [v for k, v in values.items() if member.visibility(k) == Visibility.MEMBERS]
    return "\n".join(p for p in parts if p).lower()


def member_refresh_search_text(*, member: AlumniMember) -> None:
    member.search_text = member_search_text(member)
    AlumniMember.objects.filter(pk=member.pk).update(search_text=member.search_text)


@transaction.atomic
def member_profile_update(
    *, member: AlumniMember, values: dict[str, Any], privacy: dict[str, str], accepts_contact: bool
) -> AlumniMember:
    allowed = {
        "year_joined",
        "year_left",
        "departments",
        "employer",
        "job_title",
        "industry",
        "skills",
        "self_introduction",
        "digest_frequency",
    }
    for key, value in values.items():
        if key in allowed:
            setattr(member, key, value)
    member.privacy = {k: v for k, v in privacy.items() if k in PRIVATE_FIELDS and v in Visibility.values}
    member.accepts_contact = accepts_contact
    member.save()
    member_refresh_search_text(member=member)
    return member


@transaction.atomic
def member_leave(*, member: AlumniMember) -> AlumniMember:
    """Leave the network: out of the directory and every member page at once (the status is the rule)."""
    if member.status != MemberStatus.VERIFIED:
        raise AlumniError(_("退会できるのは認証済みの会員だけです。"))
    member.status, member.left_at = MemberStatus.LEFT, timezone.now()
    member.save(update_fields=["status", "left_at", "updated_at"])
    MeetupRsvp.objects.filter(
        user=member.user, meetup__network=member.network, meetup__starts_at__gt=timezone.now()
    ).exclude(status=RsvpStatus.CANCELLED).update(status=RsvpStatus.CANCELLED)
    audit(obj=member, action="alumni.member_left", user=member.user)
    return member


@transaction.atomic
def member_contact(*, viewer: Viewer, recipient: AlumniMember, body: str) -> ContactMessage:
    """A message by mail (and in the inbox), with a link back to the sender's contact page; no address shown."""
    if viewer.member is None:
        raise AlumniError(_("会員だけが他の会員に連絡できます。"))
    if recipient.pk == viewer.member.pk:
        raise AlumniError(_("自分自身には送れません。"))
    if not recipient.accepts_contact:
        raise AlumniError(_("この会員は連絡の受け取りを停止しています。"))
    message = ContactMessage.objects.create(
        network=viewer.network, sender=viewer.user, recipient=recipient.user, body=body
    )
    notify(
        user=recipient.user,
        kind="alumni.contact",
        template="alumni/contact",
        context={"network": viewer.network.name, "sender": viewer.user.get_short_name(), "body": body},
        url=reverse("alumni:member_contact", args=[viewer.network.pk, viewer.member.pk]),
    )
    return message


# --- news ----------------------------------------------------------------------------------------------------

ATTACHMENT_LIMITS = UploadLimits(max_bytes=10 * 1024 * 1024)
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
}


def attachment_check(upload: UploadedFile) -> tuple[bytes, str]:
    """The attachment's bytes and content type, or AlumniError: the size and zip contents through the upload
    guard, the type from the file's first bytes (the name alone is not trusted)."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise AlumniError(
            _("添付できるのは PDF・PNG・JPEG・Excel（.xlsx）・Word（.docx）のファイルです。"), field="attachment"
        )
    if (upload.size or 0) > ATTACHMENT_LIMITS.max_bytes:
        raise AlumniError(_("ファイルが大きすぎます（上限 10 MB）。"), field="attachment")
    content = upload.read()
    try:
        upload_guard(content=content, filename=name, limits=ATTACHMENT_LIMITS)
    except UploadRefusedError as exc:
        raise AlumniError(exc.message, field="attachment") from None
    content_type, magics = ATTACHMENT_TYPES[suffix]
    if not content.startswith(magics):
        raise AlumniError(_("ファイルの中身が拡張子（%(ext)s）と一致しません。") % {"ext": suffix}, field="attachment")
    return content, content_type


@transaction.atomic
def news_save(
    *,
    viewer: Viewer,
    news: NewsPost | None,
    title: str,
    body: str,
    category: str,
    status: str,
    publish_at: Any = None,
    mail_members: bool = False,
    attachment: UploadedFile | None = None,
) -> NewsPost:
    assert viewer.is_office
    if status == NewsStatus.SCHEDULED and publish_at is None:
        raise AlumniError(_("予約公開には公開日時を入力してください。"), field="publish_at")
    if status == NewsStatus.SCHEDULED and publish_at <= timezone.now():
        raise AlumniError(_("予約公開の日時は今より後にしてください。"), field="publish_at")
    content_and_type = attachment_check(attachment) if attachment is not None else None
    if news is None:
        news = NewsPost(network=viewer.network, author=viewer.user)
    if news.mailed_at is not None and status == NewsStatus.DRAFT:
        raise AlumniError(_("メールで知らせたお知らせは下書きに戻せません。"), field="status")
    news.title, news.body, news.category, news.status = title, body, category, status
    news.mail_members = mail_members
    if status == NewsStatus.PUBLISHED:
        news.publish_at = news.publish_at if news.publish_at and news.publish_at <= timezone.now() else timezone.now()
    elif status == NewsStatus.SCHEDULED:
        news.publish_at = publish_at
    else:
        news.publish_at = None
    news.save()
    if content_and_type is not None and attachment is not None:
        from django.core.files.base import ContentFile

        content, content_type = content_and_type
        NewsAttachment.objects.create(
            news=news,
            file=ContentFile(content, name=f"{secrets.token_hex(8)}{PurePath(attachment.name or '').suffix.lower()}"),
            filename=PurePath(attachment.name or "file").name[:200],
            content_type=content_type,
            size=len(content),
        )
    audit(obj=news, action=f"alumni.news_{status}", user=viewer.user)
    if status == NewsStatus.PUBLISHED and mail_members and news.mailed_at is None:
        from .tasks import task_mail_news

        enqueue_on_commit(task_mail_news, news_id=news.pk)
    return news


def news_mail(*, news_id: int) -> int:
    """Mail a visible news item to the network's members, once: the claim on `mailed_at` makes a second run a
    no-op. Returns how many were notified."""
    news = access.news_for_task(pk=news_id)
    if news is None or not news.mail_members:
        return 0
    visible = news.status == NewsStatus.PUBLISHED or (
        news.status == NewsStatus.SCHEDULED and news.publish_at is not None and news.publish_at <= timezone.now()
    )
    if not visible:
        return 0
    with transaction.atomic():
        claimed = NewsPost.objects.filter(pk=news.pk, mailed_at__isnull=True).update(mailed_at=timezone.now())
        if not claimed:
            return 0
        count = 0
        for member in access.verified_members_of(news.network):
            notify(
                user=member.user,
                kind="alumni.news",
                template="alumni/news",
                context={"network": news.network.name, "title": news.title, "category": news.get_category_display()},
                url=reverse("alumni:news_detail", args=[news.network_id, news.pk]),
            )
            count += 1
    return count


def news_mail_due() -> int:
    """Periodic: mail the scheduled news that has come due (and any published one whose task was lost)."""
    from .tasks import task_mail_news

    ids = list(access.news_due_for_mail().values_list("pk", flat=True))
    for pk in ids:
        task_mail_news.delay(news_id=pk)  # a scan outside any transaction: enqueued at once
    return len(ids)


# --- feedback ------------------------------------------------------------------------------------------------


@transaction.atomic
def feedback_create(*, viewer: Viewer, topic: str, good_points: str, improvements: str) -> Feedback:
    if viewer.member is None:
        raise AlumniError(_("フィードバックを送れるのは会員だけです。"))
    if not (good_points.strip() or improvements.strip()):
        raise AlumniError(_("「良い点」か「改善してほしい点」のどちらかを書いてください。"), field="good_points")
    feedback = Feedback.objects.create(
        network=viewer.network, author=viewer.user, topic=topic, good_points=good_points, improvements=improvements
    )
    audit(obj=feedback, action="alumni.feedback_received", user=viewer.user)
    return feedback


FEEDBACK_NEXT = {
    FeedbackStatus.RECEIVED: {FeedbackStatus.CONSIDERING, FeedbackStatus.DONE, FeedbackStatus.DECLINED},
    FeedbackStatus.CONSIDERING: {FeedbackStatus.DONE, FeedbackStatus.DECLINED},
    FeedbackStatus.DONE: {FeedbackStatus.DONE},
    FeedbackStatus.DECLINED: {FeedbackStatus.DECLINED},
}


@transaction.atomic
def feedback_answer(*, viewer: Viewer, feedback: Feedback, status: str, answer: str) -> Feedback:
    """受付 → 検討中 → 対応済 or 見送り; closing needs an answer to the author (who sees both)."""
    assert viewer.is_office and feedback.network_id == viewer.network.pk
    if status != feedback.status and status not in FEEDBACK_NEXT[FeedbackStatus(feedback.status)]:
        raise AlumniError(
            _("「%(from)s」から「%(to)s」には変更できません。")
            % {"from": feedback.get_status_display(), "to": FeedbackStatus(status).label},
            field="status",
        )
    if status in (FeedbackStatus.DONE, FeedbackStatus.DECLINED) and not answer.strip():
        raise AlumniError(_("対応済・見送りにするときは、投稿者への回答を書いてください。"), field="answer")
    feedback.status, feedback.answer = status, answer
    feedback.answered_by, feedback.answered_at = viewer.user, timezone.now()
    feedback.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
    audit(obj=feedback, action=f"alumni.feedback_{status}", user=viewer.user)
    notify(
        user=feedback.author,
        kind="alumni.feedback_answered",
        template="alumni/feedback_answered",
        context={"network": viewer.network.name, "topic": feedback.topic, "status": feedback.get_status_display()},
        url=reverse("alumni:feedback", args=[viewer.network.pk]),
    )
    return feedback


# --- posts ---------------------------------------------------------------------------------------------------


@transaction.atomic
def post_create(*, viewer: Viewer, kind: str, title: str, body: str, share_with_staff: bool) -> MemberPost:
    if viewer.member is None:
        raise AlumniError(_("投稿できるのは会員だけです。"))
    post = MemberPost.objects.create(
        network=viewer.network,
        author=viewer.user,
        kind=kind,
        title=title,
        body=body,
        digest_status=DigestStatus.REQUESTED if share_with_staff else DigestStatus.NONE,
    )
    return post


@transaction.atomic
def post_reply(*, viewer: Viewer, post: MemberPost, body: str) -> PostReply:
    if viewer.member is None and not viewer.is_office:
        raise AlumniError(_("返信できるのは会員と事務局だけです。"))
    reply = PostReply.objects.create(post=post, author=viewer.user, body=body)
    if post.author_id != viewer.user.pk:
        notify(
            user=post.author,
            kind="alumni.reply",
            template="alumni/reply",
            context={"network": viewer.network.name, "title": post.title, "sender": viewer.user.get_short_name()},
            url=reverse("alumni:post_detail", args=[viewer.network.pk, post.pk]),
            email=False,
        )
    return reply


@transaction.atomic
def post_interest_toggle(*, viewer: Viewer, post: MemberPost) -> bool:
    """Mark or unmark "interested"; returns whether the viewer is now interested."""
    if viewer.member is None:
        raise AlumniError(_("「関心あり」は会員だけが押せます。"))
    deleted, _rows = PostInterest.objects.filter(post=post, user=viewer.user).delete()
    if deleted:
        return False
    PostInterest.objects.create(post=post, user=viewer.user)
    return True


@transaction.atomic
def post_digest_decide(*, viewer: Viewer, post: MemberPost, approve: bool) -> MemberPost:
    """The office puts a shared post into the staff digest, or leaves it out."""
    assert viewer.is_office and post.network_id == viewer.network.pk
    if post.digest_status == DigestStatus.NONE:
        raise AlumniError(_("投稿者が職員への共有を希望していない投稿です。"))
    post.digest_status = DigestStatus.APPROVED if approve else DigestStatus.DECLINED
    post.digest_decided_by, post.digest_decided_at = viewer.user, timezone.now()
    post.save(update_fields=["digest_status", "digest_decided_by", "digest_decided_at", "updated_at"])
    audit(obj=post, action=f"alumni.digest_{post.digest_status}", user=viewer.user)
    return post


# --- meetups -------------------------------------------------------------------------------------------------


@transaction.atomic
def meetup_create(*, viewer: Viewer, title: str, description: str, venue: str, starts_at: Any, capacity: int) -> Meetup:
    assert viewer.is_office
    meetup = Meetup.objects.create(
        network=viewer.network,
        title=title,
        description=description,
        venue=venue,
        starts_at=starts_at,
        capacity=capacity,
        created_by=viewer.user,
    )
    audit(obj=meetup, action="alumni.meetup_created", user=viewer.user)
    return meetup


@transaction.atomic
def meetup_rsvp(*, viewer: Viewer, meetup: Meetup) -> MeetupRsvp:
    """Join: a seat while there is one, else the waiting list (in order of reply)."""
    if viewer.member is None:
        raise AlumniError(_("参加申込みができるのは会員だけです。"))
    meetup = access.lock_meetup(pk=meetup.pk)  # one seat is counted by one request at a time
    if meetup.starts_at <= timezone.now():
        raise AlumniError(_("開始済みの交流会には申し込めません。"))
    rsvp = access.meetup_rsvp_of(meetup=meetup, user=viewer.user)
    if rsvp is not None and rsvp.status != RsvpStatus.CANCELLED:
        raise AlumniError(_("すでに申し込んでいます。"))
    full = access.meetup_going_count(meetup=meetup) >= meetup.capacity
    status = RsvpStatus.WAITING if full else RsvpStatus.GOING
    if rsvp is None:
        rsvp = MeetupRsvp.objects.create(meetup=meetup, user=viewer.user, status=status)
    else:
        rsvp.status, rsvp.created_at = status, timezone.now()  # back of the queue
        rsvp.save(update_fields=["status", "created_at", "updated_at"])
    return rsvp


@transaction.atomic
def meetup_cancel(*, viewer: Viewer, meetup: Meetup) -> MeetupRsvp | None:
    """Cancel; a freed seat goes to the first on the waiting list, who is told."""
    meetup = access.lock_meetup(pk=meetup.pk)
    rsvp = access.meetup_rsvp_of(meetup=meetup, user=viewer.user)
    if rsvp is None or rsvp.status == RsvpStatus.CANCELLED:
        raise AlumniError(_("申込みがありません。"))
    was_going = rsvp.status == RsvpStatus.GOING
    rsvp.status = RsvpStatus.CANCELLED
    rsvp.save(update_fields=["status", "updated_at"])
    promoted = None
    if was_going and access.meetup_going_count(meetup=meetup) < meetup.capacity:
        promoted = access.meetup_waiting_first(meetup=meetup)
        if promoted is not None:
            promoted.status = RsvpStatus.GOING
            promoted.save(update_fields=["status", "updated_at"])
            notify(
                user=promoted.user,
                kind="alumni.rsvp_promoted",
                template="alumni/rsvp_promoted",
                context={"network": meetup.network.name, "title": meetup.title},
                url=reverse("alumni:meetup_detail", args=[meetup.network_id, meetup.pk]),
            )
    return promoted


@transaction.atomic
def meetup_check_in(*, viewer: Viewer, rsvp: MeetupRsvp) -> MeetupRsvp:
    """Check an attendee in; the post-event survey is sent to them once (the invited date is the claim)."""
    assert viewer.is_office
    if rsvp.status != RsvpStatus.GOING:
        raise AlumniError(_("参加予定の方だけを受付できます。"))
    if rsvp.checked_in_at is None:
        rsvp.checked_in_at = timezone.now()
        rsvp.save(update_fields=["checked_in_at", "updated_at"])
    if MeetupRsvp.objects.filter(pk=rsvp.pk, survey_invited_at__isnull=True).update(survey_invited_at=timezone.now()):
        notify(
            user=rsvp.user,
            kind="alumni.survey",
            template="alumni/survey_invite",
            context={"network": viewer.network.name, "title": rsvp.meetup.title},
            url=reverse("alumni:meetup_survey", args=[viewer.network.pk, rsvp.meetup_id]),
        )
    return rsvp


@transaction.atomic
def survey_answer(
    *, viewer: Viewer, meetup: Meetup, satisfaction: int, comment: str, anonymous: bool
) -> MeetupSurveyAnswer:
    rsvp = access.meetup_rsvp_of(meetup=meetup, user=viewer.user)
    if rsvp is None or rsvp.checked_in_at is None:
        raise AlumniError(_("アンケートは当日受付をした参加者だけが回答できます。"))
    if not MeetupRsvp.objects.filter(pk=rsvp.pk, survey_answered_at__isnull=True).update(
        survey_answered_at=timezone.now()
    ):
        raise AlumniError(_("このアンケートにはすでに回答しています。"))
    return MeetupSurveyAnswer.objects.create(
        meetup=meetup, respondent=None if anonymous else viewer.user, satisfaction=satisfaction, comment=comment
    )


__all__ = [
    "AlumniError",
    "RosterResult",
    "attachment_check",
    "company_name_key",
    "conflict_declare",
    "conflict_remove",
    "conflict_source",
    "digest_deliver",
    "digest_previous_period",
    "digests_enqueue",
    "feedback_answer",
    "feedback_create",
    "help_interest_express",
    "help_interest_record",
    "help_request_close",
    "help_request_create",
    "meetup_cancel",
    "meetup_check_in",
    "meetup_create",
    "meetup_reminders_scan",
    "meetup_rsvp",
    "member_become_senior",
    "member_contact",
    "member_decide",
    "member_join",
    "member_leave",
    "member_profile_update",
    "member_refresh_search_text",
    "network_create",
    "news_mail",
    "news_mail_due",
    "news_save",
    "post_create",
    "post_digest_decide",
    "post_interest_toggle",
    "post_reply",
    "roster_hash",
    "roster_upload",
    "survey_answer",
    "worksheet_submit",
]


# --- digests -------------------------------------------------------------------------------------------------


def digest_previous_period(*, frequency: str, today: dt.date) -> tuple[str, dt.datetime, dt.datetime]:
    """The last complete period before `today` (Asia/Tokyo): its key and its bounds [start, end)."""
    tz = timezone.get_current_timezone()
    if frequency == DigestFrequency.WEEKLY:
        this_monday = today - dt.timedelta(days=today.weekday())
        start_day, end_day = this_monday - dt.timedelta(days=7), this_monday
        year, week, _weekday = start_day.isocalendar()
        key = f"{year}-W{week:02d}"
    else:
        end_day = today.replace(day=1)
        start_day = (end_day - dt.timedelta(days=1)).replace(day=1)
        key = f"{start_day:%Y-%m}"
    start = dt.datetime.combine(start_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(end_day, dt.time.min, tzinfo=tz)
    return key, start, end


def digest_deliver(*, member_id: int, frequency: str, today: dt.date) -> bool:
    """Mail one member the digest of the last complete period, once: the ledger's unique (member, period)
    claims it, so a second run (or a second worker) is a no-op. Nothing new: recorded, not mailed."""
    member = access.member_for_task(pk=member_id)
    if member is None or member.status != MemberStatus.VERIFIED or member.digest_frequency != frequency:
        return False
    period, start, end = digest_previous_period(frequency=frequency, today=today)
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery = DigestDelivery.objects.create(member=member, period=period)
        except IntegrityError:
            return False
        news, posts, meetups = access.digest_content(network=member.network, start=start, end=end)
        delivery.item_count = len(news) + len(posts) + len(meetups)
        if delivery.item_count:
            delivery.sent_at = timezone.now()
            notify(
                user=member.user,
                kind="alumni.digest",
                template="alumni/digest",
                context={
                    "network": member.network.name,
                    "period": period,
                    "news": [n.title for n in news],
                    "posts": [f"［{p.get_kind_display()}］{p.title}" for p in posts],
                    "meetups": [f"{timezone.localtime(m.starts_at):%Y/%m/%d %H:%M} {m.title}" for m in meetups],
                },
                url=reverse("alumni:network_home", args=[member.network_id]),
            )
        delivery.save(update_fields=["item_count", "sent_at"])
    return bool(delivery.item_count)


def digests_enqueue(*, today: dt.date | None = None) -> int:
    """Periodic (daily): one task per member whose period has ended; the ledger makes repeats no-ops."""
    from .tasks import task_send_member_digest

    today = today or timezone.localdate()
    count = 0
    for frequency in (DigestFrequency.WEEKLY, DigestFrequency.MONTHLY):
        period, _start, _end = digest_previous_period(frequency=frequency, today=today)
        members = access.members_for_digest(frequency=frequency).exclude(digests__period=period)
        for member_id in members.values_list("pk", flat=True):
            task_send_member_digest.delay(member_id=member_id, frequency=str(frequency), today=today.isoformat())
            count += 1
    return count


# --- worksheets ----------------------------------------------------------------------------------------------


@transaction.atomic
def worksheet_submit(
    *,
    viewer: Viewer,
    meetup: Meetup,
    useful_skills: str,
    good_points: str,
    improvements: str,
    share_feedback: bool,
    add_skills: bool,
) -> Worksheet:
    """Save the member's worksheet; with their agreement, the points become a feedback item (once) and the
    skills are added to their profile (once)."""
    member = viewer.member
    if member is None:
        raise AlumniError(_("ワークシートは会員だけが記入できます。"))
    rsvp = access.meetup_rsvp_of(meetup=meetup, user=viewer.user)
    if rsvp is None or rsvp.status != RsvpStatus.GOING:
        raise AlumniError(_("ワークシートは参加予定の方だけが記入できます。"))
    sheet = access.worksheet_of(meetup=meetup, user=viewer.user) or Worksheet(meetup=meetup, user=viewer.user)
    sheet.useful_skills, sheet.good_points, sheet.improvements = useful_skills, good_points, improvements
    if share_feedback and sheet.feedback is None and (good_points.strip() or improvements.strip()):
        sheet.feedback = feedback_create(
            viewer=viewer,
            topic=_("交流会「%(title)s」のワークシート") % {"title": meetup.title},
            good_points=good_points,
            improvements=improvements,
        )
    if add_skills and not sheet.skills_added and useful_skills.strip():
        member.skills = "\n".join(s for s in (member.skills.strip(), useful_skills.strip()) if s)
        member.save(update_fields=["skills", "updated_at"])
        member_refresh_search_text(member=member)
        sheet.skills_added = True
    sheet.save()
    return sheet


# --- the bridge to 新現役 ------------------------------------------------------------------------------------------

_LEGAL_FORMS = re.compile(r"株式会社|有限会社|合同会社|合資会社|合名会社|\(株\)|\(有\)|㈱|㈲")


def company_name_key(name: str) -> str:
    """A company name compared loosely: width, spaces and the legal form do not matter."""
    text = unicodedata.normalize("NFKC", name)
    return _SPACES.sub("", _LEGAL_FORMS.sub("", text)).lower()


def conflict_source(candidates: Any) -> set[tuple[str, int]]:
    """participants.conflicts source: the candidates whose company one of the senior's declarations names (by
    法人番号, or by name when the declaration has no number)."""
    declared: dict[int, list[tuple[str, str]]] = {}
    for senior_id, name, number in access.conflicts_of_seniors({c.senior_id for c in candidates}):
        declared.setdefault(senior_id, []).append((company_name_key(name), normalize_digits(number)))
    found = set()
    for c in candidates:
        number = normalize_digits(c.corporate_number)
        key = company_name_key(c.company_name)
        for name_key, declared_number in declared.get(c.senior_id, []):
            if (declared_number and declared_number == number) or (not declared_number and name_key == key):
                found.add((c.company_key, c.senior_id))
    return found


@transaction.atomic
def conflict_declare(*, viewer: Viewer, company_name: str, corporate_number: str = "") -> ConflictDeclaration:
    if viewer.member is None:
        raise AlumniError(_("申告できるのは会員だけです。"))
    return ConflictDeclaration.objects.create(
        user=viewer.user, company_name=company_name.strip(), corporate_number=normalize_digits(corporate_number)
    )


@transaction.atomic
def conflict_remove(*, declaration: ConflictDeclaration) -> None:
    declaration.delete()


@transaction.atomic
def member_become_senior(*, viewer: Viewer) -> Any:
    """One step from alumnus to 新現役: a senior profile carrying over the alumni profile (name, the years and
    departments at the organisation as a career entry, the current post, the introduction). The pledge and
    the matching consent stay separate: the senior gives them on their own pages before any matching."""
    from participants.models import SeniorProfile
    from participants.services import CareerInput, senior_careers_replace, senior_introduction_update, senior_register

    member = viewer.member
    if member is None:
        raise AlumniError(_("新現役への登録は会員だけができます。"))
    user = viewer.user
    if SeniorProfile.objects.filter(user=user).exists():
        raise AlumniError(_("すでに新現役として登録しています。"))
    profile = senior_register(user=user, name=user.name, name_kana=user.name_kana)
    careers = [
        CareerInput(member.network.organization.name, member.departments, "", member.year_joined, member.year_left)
    ]
    if member.employer:
        careers.insert(0, CareerInput(member.employer, "", member.job_title, None, None))
    senior_careers_replace(profile=profile, careers=careers)
    introduction = "\n\n".join(t for t in (member.self_introduction.strip(), member.skills.strip()) if t)
    if introduction:
        senior_introduction_update(profile=profile, self_introduction=introduction)
    audit(obj=member, action="alumni.member_became_senior", user=user)
    return profile


# --- help wanted (協力募集) ------------------------------------------------------------------------------------


@transaction.atomic
def help_request_create(*, viewer: Viewer, kind: str, title: str, body: str) -> HelpRequest:
    assert viewer.is_office
    request = HelpRequest.objects.create(
        network=viewer.network, kind=kind, title=title, body=body, created_by=viewer.user
    )
    audit(obj=request, action="alumni.help_requested", user=viewer.user)
    return request


@transaction.atomic
def help_request_close(*, viewer: Viewer, request: HelpRequest) -> HelpRequest:
    assert viewer.is_office and request.network_id == viewer.network.pk
    request.is_open = False
    request.save(update_fields=["is_open", "updated_at"])
    return request


@transaction.atomic
def help_interest_express(*, viewer: Viewer, request: HelpRequest, message: str) -> HelpInterest:
    if viewer.member is None:
        raise AlumniError(_("応募できるのは会員だけです。"))
    if not request.is_open:
        raise AlumniError(_("この募集は締め切りました。"))
    if access.help_interest_of(request=request, user=viewer.user) is not None:
        raise AlumniError(_("すでに応募しています。"))
    return HelpInterest.objects.create(request=request, user=viewer.user, message=message)


@transaction.atomic
def help_interest_record(*, viewer: Viewer, interest: HelpInterest, outcome: str) -> HelpInterest:
    """The office records how its follow-up went (counted in the network's outcomes when engaged)."""
    assert viewer.is_office and interest.request.network_id == viewer.network.pk
    interest.outcome, interest.outcome_by = outcome, viewer.user
    interest.save(update_fields=["outcome", "outcome_by", "updated_at"])
    audit(obj=interest.request, action=f"alumni.help_{outcome}", user=viewer.user)
    return interest


# --- meetup reminders ----------------------------------------------------------------------------------------


def meetup_reminders_scan(*, today: dt.date | None = None) -> int:
    """Daily: remind everyone with a seat at tomorrow's meetups, once (participants' reminder ledger keys it
    by the RSVP and the day). Returns how many new reminders were scheduled."""
    from participants.services import reminder_schedule

    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=tz)
    count = 0
    for rsvp in access.rsvps_going_on(day_start=start, day_end=start + dt.timedelta(days=1)):
        meetup = rsvp.meetup
        local = timezone.localtime(meetup.starts_at)
        _reminder, created = reminder_schedule(
            kind="alumni_meetup_tomorrow",
            obj=rsvp,
            due_date=tomorrow,
            recipient=rsvp.user,
            context={
                "template": "alumni/meetup_reminder",
                "network": meetup.network.name,
                "title": meetup.title,
                "starts_at": local.isoformat(),
                "venue": meetup.venue,
            },
            url=reverse("alumni:meetup_detail", args=[meetup.network_id, meetup.pk]),
        )
        count += created
    return count
