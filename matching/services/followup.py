"""What follows the event (DESIGN.md process 4): interview results, second interviews (二次面談), support
agreements (支援成立) and their visit log. Every write of these rows happens here, one service per step.

    second interview:  提案 ─start_scheduling─▶ 日程調整中 ─schedule─▶ 確定 ─mark_held─▶ 実施済
                                                              (re-schedule ⟲)         ├─record_agreement─▶ 支援成立
                                                                                      └─record_not_agreed─▶ 不成立
                       any open step ─cancel─▶ 中止

The callers (views, tasks, the demo) have authorised `by` already (matching.selectors.followup). The rows
are written through the `unscoped` managers: a coordinator records for every host's tables, and the
institution scope of the request would hide them (the selectors have filtered by event or person first).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.access import enrolment_by_pk
from events.enums import EventStatus
from events.models import Event, EventCompany
from participants.models import SeniorProfile, User
from participants.selectors import is_active_staff_of
from participants.services.mail_ledger import content_version, mail_once
from participants.services.notifications import notification_create, notification_render
from sks import clock
from sks.audit import audit
from sks.exceptions import DomainError
from sks.export import download_name
from sks.tasks import enqueue_on_commit

from .. import access
from ..enums import (
    SECOND_INTERVIEW_OPEN,
    AgreementKind,
    NotAgreedReason,
    SecondInterviewStatus,
    TimetableStatus,
    Wish,
)
from ..models import AgreementVisit, InterviewResult, SecondInterview, SupportAgreement, TimetableMeeting
from ..selectors.followup import (
    INVITATION_KIND,
    RECORDABLE_EVENT_STATUSES,
    second_interview_ics,
    second_interview_invitation_urls,
    second_interview_parties,
)

__all__ = [
    "AgreementError",
    "InterviewResultError",
    "SecondInterviewError",
    "agreement_change_kind",
    "agreement_visit_log",
    "interview_result_record_company",
    "interview_result_record_senior",
    "second_interview_cancel",
    "second_interview_invitations_send",
    "second_interview_mark_held",
    "second_interview_propose",
    "second_interview_record_agreement",
    "second_interview_record_not_agreed",
    "second_interview_schedule",
    "second_interview_start_scheduling",
    "second_interviews_propose",
]

logger = logging.getLogger(__name__)

S = SecondInterviewStatus


class InterviewResultError(DomainError):
    """An interview result that cannot be recorded now."""


class SecondInterviewError(DomainError):
    """A second interview step that is not allowed from its current status."""


class AgreementError(DomainError):
    """A support agreement or visit that cannot be recorded."""


# --- interview results --------------------------------------------------------------------------------------


def _check_results_open(event: Event) -> None:
    if event.status == EventStatus.CLOSED:
        raise InterviewResultError(_("この交流会のフォローアップは終了しました。面談結果はもう変更できません。"))
    if event.status not in RECORDABLE_EVENT_STATUSES:
        raise InterviewResultError(
            _(
                "面談結果を記録できるのは、交流会の開催後（開催済・フォローアップ中）です。この交流会はいま「%(status)s」です。"
            )
            % {"status": event.get_status_display()}
        )


def _check_meeting(enrolment: EventCompany, senior: SeniorProfile) -> None:
    if not TimetableMeeting.objects.filter(
        timetable__event_id=enrolment.event_id,
        timetable__status=TimetableStatus.PUBLISHED,
        enrolment=enrolment,
        senior=senior,
    ).exists():
        raise InterviewResultError(_("この企業と新現役の面談は、公開された時間割にありません。"))


def _result_for_update(enrolment: EventCompany, senior: SeniorProfile) -> InterviewResult:
    return access.interview_result_for_update(enrolment=enrolment, senior=senior)


@transaction.atomic
def interview_result_record_company(
    *, enrolment: EventCompany, senior: SeniorProfile, by: User, held: bool, wish: str, notes: str | None = ""
) -> InterviewResult:
    """The record of one interview at a table: held or not, the company's wish, and the bank's memo.

    `notes=None` keeps the memo as it is: the coordinator records outcomes but never sees or overwrites the
    bank's internal memo."""
    event = Event.objects.select_for_update().get(pk=enrolment.event_id)
    _check_results_open(event)
    _check_meeting(enrolment, senior)
    if held and wish not in Wish.values:
        raise InterviewResultError(_("企業の希望（また会いたい・検討中・希望しない）を選んでください。"))
    if not held:
        wish = ""
    result = _result_for_update(enrolment, senior)
    before = {"held": result.held, "wish": result.company_wish, "notes": result.company_notes}
    result.held = held
    result.company_wish = wish
    if notes is not None:
        result.company_notes = notes.strip()
    result.company_recorded_by = by
    result.company_recorded_at = timezone.now()
    result.save()
    audit(
        obj=result,
        action="interview_result.company_recorded",
        user=by,
        data={"before": before, "held": held, "wish": wish, "notes": result.company_notes},
    )
    _propose_if_mutual(result, by)
    return result


@transaction.atomic
def interview_result_record_senior(
    *, senior: SeniorProfile, enrolment: EventCompany, by: User, wish: str, notes: str = ""
) -> InterviewResult:
    """The senior's own wish after an interview (and a comment), from their schedule page."""
    event = Event.objects.select_for_update().get(pk=enrolment.event_id)
    _check_results_open(event)
    _check_meeting(enrolment, senior)
    if wish not in Wish.values:
        raise InterviewResultError(_("あなたの希望（また会いたい・検討中・希望しない）を選んでください。"))
    result = _result_for_update(enrolment, senior)
    if not result.held:
        raise InterviewResultError(
            _("この面談は実施されなかったと記録されています。金融機関の担当者にご連絡ください。")
        )
    before = {"wish": result.senior_wish, "notes": result.senior_notes}
    result.senior_wish = wish
    result.senior_notes = notes.strip()
    result.senior_recorded_at = timezone.now()
    result.save()
    audit(
        obj=result,
        action="interview_result.senior_recorded",
        user=by,
        data={"before": before, "wish": wish, "notes": result.senior_notes},
    )
    _propose_if_mutual(result, by)
    return result


# --- second interviews: proposals ---------------------------------------------------------------------------


def _has_live(result: InterviewResult) -> bool:
    return (
        access.second_interviews_of_pair(enrolment_id=result.enrolment_id, senior_id=result.senior_id)
        .exclude(status=S.CANCELLED)
        .exists()
    )


def _create_proposal(result: InterviewResult, by: User, *, by_coordinator: bool) -> SecondInterview:
    enrolment = enrolment_by_pk(pk=result.enrolment_id, related=("attending_staff",))
    now = timezone.now()
    # The scoped manager's create() needs no scope (django-scopes guards reads only).
    si = SecondInterview.objects.create(
        event_id=result.event_id,
        enrolment=enrolment,
        senior_id=result.senior_id,
        institution_id=result.institution_id,
        result=result,
        by_coordinator=by_coordinator,
        staff=enrolment.attending_staff,
        status_changed_at=now,
    )
    audit(obj=si, action="second_interview.proposed", user=by, data={"by_coordinator": by_coordinator})
    return si


def _propose_if_mutual(result: InterviewResult, by: User) -> None:
    """Both said yes: the pair becomes a proposal at once (once: no duplicate while one is live)."""
    if result.held and result.company_wish == Wish.YES and result.senior_wish == Wish.YES and not _has_live(result):
        _create_proposal(result, by, by_coordinator=False)


@transaction.atomic
def second_interviews_propose(*, event: Event, by: User) -> int:
    """A proposal for every pair of `event` where both said yes and none is live yet; how many were new."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_results_open(event)
    created = 0
    mutual = (
        access.interview_results_of_event(event=event)
        .filter(held=True, company_wish=Wish.YES, senior_wish=Wish.YES)
        .order_by("pk")
    )
    for result in mutual:
        if not _has_live(result):
            _create_proposal(result, by, by_coordinator=False)
            created += 1
    return created


@transaction.atomic
def second_interview_propose(*, result: InterviewResult, by: User) -> SecondInterview:
    """The coordinator's decision: propose a pair where one or both sides said "maybe" (or both yes)."""
    event = Event.objects.select_for_update().get(pk=result.event_id)
    _check_results_open(event)
    result = access.interview_result_locked(pk=result.pk)
    if not result.held:
        raise SecondInterviewError(_("実施されなかった面談からは二次面談を提案できません。"))
    if Wish.NO in (result.company_wish, result.senior_wish):
        raise SecondInterviewError(_("どちらかが「希望しない」と答えた組み合わせは、二次面談を提案できません。"))
    if not result.company_wish:
        raise SecondInterviewError(_("企業の希望がまだ記録されていません。先に面談結果を記録してください。"))
    if _has_live(result):
        raise SecondInterviewError(_("この組み合わせの二次面談はすでに進んでいます。"))
    both_yes = result.company_wish == Wish.YES and result.senior_wish == Wish.YES
    return _create_proposal(result, by, by_coordinator=not both_yes)


# --- second interviews: the ladder --------------------------------------------------------------------------


def _locked(si: SecondInterview) -> SecondInterview:
    return access.second_interview_for_update(pk=si.pk)


def _refuse(si: SecondInterview, step: str) -> SecondInterviewError:
    return SecondInterviewError(
        _("いま「%(status)s」の二次面談は、%(step)sできません。") % {"status": si.get_status_display(), "step": step}
    )


def _move(si: SecondInterview, status: str, *, by: User, action: str, data: dict[str, object] | None = None) -> None:
    previous = si.status
    si.status = status
    si.status_changed_at = timezone.now()
    si.save()
    audit(obj=si, action=action, user=by, data={"from": previous, "to": status, **(data or {})})


def _refreshed(target: SecondInterview, current: SecondInterview) -> SecondInterview:
    """The caller's instance shows the new state too."""
    target.refresh_from_db()
    return current


@transaction.atomic
def second_interview_start_scheduling(*, si: SecondInterview, by: User) -> SecondInterview:
    current = _locked(si)
    if current.status != S.PROPOSED:
        raise _refuse(current, _("日程調整を始めることは"))
    _move(current, S.SCHEDULING, by=by, action="second_interview.scheduling")
    return _refreshed(si, current)


def _event_date(si: SecondInterview) -> dt.date:
    return Event.objects.filter(pk=si.event_id).values_list("date", flat=True).get()


def _check_second_interview_time(scheduled_at: dt.datetime, *, event_date: dt.date) -> None:
    """A second interview is fixed for a moment still to come (Asia/Tokyo), after the event: confirming
    it sends the three parties an invitation with an .ics, and one for a past day would be nonsense."""
    local = timezone.localtime(scheduled_at, clock.TOKYO)
    today = clock.today()
    if local.date() < event_date:
        raise SecondInterviewError(
            _("二次面談の日付は、交流会の開催日（%(event)s）か、それより後の日付にしてください。")
            % {"event": clock.date_ja(event_date)},
            field="date",
        )
    if local.date() < today:
        raise SecondInterviewError(
            _("過ぎた日（%(date)s）には二次面談を設定できません。今日（%(today)s）以降の日付にしてください。")
            % {"date": clock.date_ja(local.date()), "today": clock.date_ja(today)},
            field="date",
        )
    if scheduled_at < timezone.now():
        raise SecondInterviewError(
            _("今日の%(time)sはもう過ぎています。これから先の時刻にしてください。") % {"time": f"{local:%H:%M}"},
            field="time",
        )


@transaction.atomic
def second_interview_schedule(
    *,
    si: SecondInterview,
    by: User,
    scheduled_at: dt.datetime | None,
    duration_minutes: int = 60,
    place: str = "",
    online_url: str = "",
) -> SecondInterview:
    """Confirm the date and the place (or an online link); a confirmed one may be re-scheduled. All three
    parties are told, with an .ics, after commit."""
    current = _locked(si)
    if current.status not in (S.SCHEDULING, S.CONFIRMED):
        raise _refuse(current, _("日程を確定することは"))
    if scheduled_at is None:
        raise SecondInterviewError(_("二次面談の日時を入力してください。"))
    if timezone.is_naive(scheduled_at):
        raise SecondInterviewError(_("日時にはタイムゾーンが必要です。"))
    _check_second_interview_time(scheduled_at, event_date=_event_date(current))
    place, online_url = place.strip(), online_url.strip()
    if not place and not online_url:
        raise SecondInterviewError(_("場所かオンライン会議のURLのどちらかを入力してください。"))
    if not 10 <= duration_minutes <= 480:
        raise SecondInterviewError(_("所要時間は10分から480分の間で入力してください。"))
    rescheduled = current.status == S.CONFIRMED
    if rescheduled and second_interview_invitation_version(current) == _version_of(
        scheduled_at, duration_minutes, place, online_url
    ):
        # The same date and place confirmed again (a double submit, two people pressing 確定 at once): nothing
        # changes, so nothing is recorded and nobody is told twice.
        return _refreshed(si, current)
    before = current.scheduled_at.isoformat() if current.scheduled_at else None
    current.scheduled_at = scheduled_at
    current.duration_minutes = duration_minutes
    current.place = place
    current.online_url = online_url
    _move(
        current,
        S.CONFIRMED,
        by=by,
        action="second_interview.rescheduled" if rescheduled else "second_interview.confirmed",
        data={
            "scheduled_at": scheduled_at.isoformat(),
            "before": before,
            "duration_minutes": duration_minutes,
            "place": place,
            "online_url": online_url,
        },
    )
    from ..tasks import task_send_second_interview_invitations

    enqueue_on_commit(task_send_second_interview_invitations, second_interview_id=current.pk)
    return _refreshed(si, current)


@transaction.atomic
def second_interview_mark_held(*, si: SecondInterview, by: User) -> SecondInterview:
    current = _locked(si)
    if current.status != S.CONFIRMED:
        raise _refuse(current, _("実施済にすることは"))
    assert current.scheduled_at is not None  # a confirmed one has its date
    if timezone.now() < current.scheduled_at:
        raise SecondInterviewError(
            _("二次面談の予定日時（%(when)s）より前に、実施済にすることはできません。")
            % {"when": date_format(timezone.localtime(current.scheduled_at), "DATE_TIME_FORMAT")}
        )
    current.held_at = timezone.now()
    _move(current, S.HELD, by=by, action="second_interview.held")
    return _refreshed(si, current)


@transaction.atomic
def second_interview_record_agreement(
    *,
    si: SecondInterview,
    by: User,
    kind: str,
    start_date: dt.date | None,
    subsidised_visits: int = 3,
    fee: int | None = None,
    responsible_staff: User | None = None,
    note: str = "",
) -> SupportAgreement:
    """支援成立: the outcome of a held second interview, with the agreement it created."""
    current = _locked(si)
    if current.status != S.HELD:
        raise _refuse(current, _("支援成立を記録することは"))
    if kind not in AgreementKind.values:
        raise AgreementError(_("支援の形を選んでください。"))
    if start_date is None:
        raise AgreementError(_("支援の開始日を入力してください。"), field="start_date")
    if current.scheduled_at is not None:
        met_on = timezone.localtime(current.scheduled_at, clock.TOKYO).date()
        if start_date < met_on:
            # Support is agreed at the second interview: it cannot have started before the two met again.
            raise AgreementError(
                _("支援の開始日は、二次面談の日（%(date)s）か、それより後の日付にしてください。")
                % {"date": clock.date_ja(met_on)},
                field="start_date",
            )
    if not 1 <= subsidised_visits <= 50:
        raise AgreementError(_("補助対象の訪問回数は1回から50回の間で入力してください。"))
    if fee is not None and fee < 0:
        raise AgreementError(_("謝金・報酬は0円以上で入力してください。"))
    responsible = responsible_staff or current.staff
    if not is_active_staff_of(responsible, current.institution_id):
        raise AgreementError(_("担当職員は、この企業の金融機関の職員から選んでください。"))
    enrolment = enrolment_by_pk(pk=current.enrolment_id)
    agreement = SupportAgreement.objects.create(  # create() needs no scope (django-scopes guards reads only)
        event_id=current.event_id,
        enrolment=enrolment,
        company_id=enrolment.company_id,
        senior_id=current.senior_id,
        institution_id=current.institution_id,
        second_interview=current,
        kind=kind,
        subsidised_visits=subsidised_visits,
        start_date=start_date,
        fee=fee,
        responsible_staff=responsible,
        note=note.strip(),
        created_by=by,
    )
    current.outcome_at = timezone.now()
    current.outcome_note = note.strip()
    _move(current, S.AGREED, by=by, action="second_interview.agreed", data={"agreement": agreement.pk})
    audit(
        obj=agreement,
        action="agreement.created",
        user=by,
        data={"kind": kind, "subsidised_visits": subsidised_visits, "start_date": start_date.isoformat()},
    )
    _refreshed(si, current)
    return agreement


@transaction.atomic
def second_interview_record_not_agreed(
    *, si: SecondInterview, by: User, reason: str, note: str = ""
) -> SecondInterview:
    current = _locked(si)
    if current.status != S.HELD:
        raise _refuse(current, _("不成立を記録することは"))
    if reason not in NotAgreedReason.values:
        raise SecondInterviewError(_("不成立の理由を選んでください。"))
    note = note.strip()
    if reason == NotAgreedReason.OTHER and not note:
        raise SecondInterviewError(_("理由が「その他」のときは、メモに具体的な理由を書いてください。"))
    current.not_agreed_reason = reason
    current.outcome_note = note
    current.outcome_at = timezone.now()
    _move(current, S.NOT_AGREED, by=by, action="second_interview.not_agreed", data={"reason": reason, "note": note})
    return _refreshed(si, current)


@transaction.atomic
def second_interview_cancel(*, si: SecondInterview, by: User, note: str = "") -> SecondInterview:
    current = _locked(si)
    if current.status not in SECOND_INTERVIEW_OPEN:
        raise _refuse(current, _("中止することは"))
    current.outcome_note = note.strip()
    current.outcome_at = timezone.now()
    _move(current, S.CANCELLED, by=by, action="second_interview.cancelled", data={"note": current.outcome_note})
    return _refreshed(si, current)


# --- the invitations (task) ---------------------------------------------------------------------------------


def _version_of(scheduled_at: dt.datetime | None, duration_minutes: int, place: str, online_url: str) -> str:
    moment = scheduled_at.astimezone(dt.UTC).isoformat() if scheduled_at else ""  # one instant, one text
    return content_version(moment, duration_minutes, place, online_url)


def second_interview_invitation_version(si: SecondInterview) -> str:
    """What the invitation says that matters (date, time, length, place, link): its version in the send
    ledger. The same content is the same mail; a real change is a new one."""
    return _version_of(si.scheduled_at, si.duration_minutes, si.place, si.online_url)


def second_interview_invitations_send(*, second_interview_id: int) -> int:
    """Mail each party of a confirmed second interview the date and an .ics, with the in-app notification,
    once per party and version of the date and place (participants.services.mail_ledger.mail_once: two
    tasks at once, a retry or a redelivery send it once; an SMTP error leaves nothing recorded).
    A second interview that is gone or no longer confirmed sends nothing. Returns how many were sent."""
    si = access.second_interview_for_task(pk=second_interview_id)
    if si is None or si.status != S.CONFIRMED or si.scheduled_at is None:
        logger.info("second interview %s is gone or not confirmed; no invitation sent", second_interview_id)
        return 0
    ics = second_interview_ics(si)
    sent = 0
    urls = second_interview_invitation_urls(si)
    version = second_interview_invitation_version(si)
    for user, role in second_interview_parties(si):
        if mail_once(
            kind=INVITATION_KIND,
            target=si,
            recipient=user,
            version=version,
            build=functools.partial(_invitation_message, si, user=user, role=role, url=urls[role], ics=ics),
            record=functools.partial(_invitation_record, user=user, url=urls[role]),
        ):
            sent += 1
    return sent


def _invitation_record(message: EmailMessage, *, user: User, url: str) -> None:
    notification_create(user=user, kind=INVITATION_KIND, title=_subject(message), body=str(message.body), url=url)


def _subject(message: EmailMessage) -> str:
    """The notification's title: the mail's subject without the site prefix."""
    return str(message.subject).removeprefix(settings.EMAIL_SUBJECT_PREFIX)


def _invitation_message(si: SecondInterview, *, user: User, role: str, url: str, ics: bytes) -> EmailMessage:
    assert si.scheduled_at is not None
    language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    local = timezone.localtime(si.scheduled_at)
    context = {
        "recipient_name": user.get_short_name(),
        "role": role,
        "event_title": si.event.title,
        "company_name": si.enrolment.company.name,
        "senior_name": si.senior.user.get_full_name() if si.senior.anonymised_at is None else "",
        "staff_name": si.staff.get_full_name(),
        "interview_date": local.date(),
        "interview_time": local.strftime("%H:%M"),
        "duration_minutes": si.duration_minutes,
        "place": si.place,
        "online_url": si.online_url,
        "url": settings.SITE_URL + url,
    }
    subject, body = notification_render(
        template="followup/second_interview_confirmed", context=context, language=language
    )
    with translation.override(language):
        message = EmailMessage(subject=settings.EMAIL_SUBJECT_PREFIX + subject, body=body, to=[user.email])
        ics_filename = download_name(si.event.title, _("二次面談"), f"{local:%Y%m%d}", extension="ics")
    message.attach(ics_filename, ics, "text/calendar")
    return message


# --- support agreements -------------------------------------------------------------------------------------


@transaction.atomic
def agreement_visit_log(
    *, agreement: SupportAgreement, by: User, date: dt.date | None, hours: Decimal | None, summary: str
) -> AgreementVisit:
    """One visit of the senior to the company. A subsidised agreement takes no more visits than its count:
    going over needs a confirmed change of its kind first (`agreement_change_kind`)."""
    current = access.agreement_for_update(pk=agreement.pk)
    if date is None:
        raise AgreementError(_("訪問日を入力してください。"))
    if date > timezone.localdate():
        raise AgreementError(_("まだ来ていない日の訪問は記録できません。"))
    if date < current.start_date:
        raise AgreementError(_("支援の開始日より前の訪問は記録できません。"))
    if hours is None or not Decimal("0.5") <= hours <= Decimal("24"):
        raise AgreementError(_("時間は0.5時間から24時間の間で入力してください。"))
    summary = summary.strip()
    if not summary:
        raise AgreementError(_("訪問の内容を書いてください。"))
    count = access.visits_of_agreement(agreement=current).count()
    if current.kind == AgreementKind.SUBSIDISED and count >= current.subsidised_visits:
        raise AgreementError(
            _(
                "補助対象の訪問回数（%(n)s回）をすべて記録済みです。これ以上の訪問を記録するには、"
                "先に支援の形を変更してください。"
            )
            % {"n": current.subsidised_visits}
        )
    visit = AgreementVisit.objects.create(agreement=current, date=date, hours=hours, summary=summary, recorded_by=by)
    audit(
        obj=current,
        action="agreement.visit_logged",
        user=by,
        data={"visit": visit.pk, "date": date.isoformat(), "hours": str(hours)},
    )
    return visit


@transaction.atomic
def agreement_change_kind(*, agreement: SupportAgreement, by: User, kind: str, confirm: bool) -> SupportAgreement:
    """Change the form of support (e.g. the subsidised visits are used up and the company signs a private
    contract). Needs the staff member's explicit confirmation."""
    current = access.agreement_for_update(pk=agreement.pk)
    if kind not in AgreementKind.values:
        raise AgreementError(_("支援の形を選んでください。"))
    if kind == current.kind:
        raise AgreementError(
            _("支援の形は「%(kind)s」のままです。別の形を選んでください。") % {"kind": current.get_kind_display()}
        )
    if not confirm:
        raise AgreementError(_("「支援の形の変更を確認しました」にチェックを入れてください。"))
    previous = current.kind
    current.kind = kind
    current.save(update_fields=["kind", "updated_at"])
    audit(obj=current, action="agreement.kind_changed", user=by, data={"from": previous, "to": kind})
    agreement.kind = kind
    return current
