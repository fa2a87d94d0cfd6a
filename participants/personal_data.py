"""What participants holds about a person, declared to the personal-data registry (sks.personal_data).

The user and the senior profile themselves are the person: participants.selectors.senior_data_export
exports them and participants.services.senior_anonymise anonymises them. The entries here cover every
other model of this app that refers to a person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sks.personal_data import Person, PersonalData, Rows, register

from .access import company_contacts_of_user
from .models import (
    CareerEntry,
    Company,
    CompanyContact,
    Consent,
    DeletionRequest,
    MailDelivery,
    Membership,
    Notification,
    PledgeAcceptance,
    ProvisionRecord,
    Reminder,
    SeniorProfile,
    StaffInvitation,
)

__all__ = ["local", "register_personal_data"]

STAFF_ACTOR = "kept: staff actor reference (who did it, not data about the person)"


def local(value: datetime | None) -> datetime | None:
    # Datetimes in Japan time: DjangoJSONEncoder writes them as ISO 8601 with the +09:00 offset.
    return timezone.localtime(value) if value is not None else None


def _of_senior(qs: QuerySet[Any], person: Person, path: str = "senior") -> QuerySet[Any]:
    return qs.filter(**{path: person.senior}) if person.senior is not None else qs.none()


# --- rows ---------------------------------------------------------------------------------------------------


def _profiles(person: Person) -> QuerySet[SeniorProfile]:
    return SeniorProfile.objects.filter(pk=person.senior.pk) if person.senior else SeniorProfile.objects.none()


def _careers(person: Person) -> QuerySet[CareerEntry]:
    return _of_senior(CareerEntry.objects.all(), person)


def _pledges(person: Person) -> QuerySet[PledgeAcceptance]:
    return _of_senior(PledgeAcceptance.objects.all(), person)


def _consents(person: Person) -> QuerySet[Consent]:
    return _of_senior(Consent.objects.all(), person)


def _provisions(person: Person) -> QuerySet[ProvisionRecord]:
    return _of_senior(ProvisionRecord.objects.all(), person)


def _deletion_requests(person: Person) -> QuerySet[DeletionRequest]:
    return _of_senior(DeletionRequest.objects.all(), person)


def _memberships(person: Person) -> QuerySet[Membership]:
    return Membership.objects.filter(user=person.user)


def _accepted_invitations(person: Person) -> QuerySet[StaffInvitation]:
    return StaffInvitation.objects.filter(accepted_user=person.user)


def _contacts(person: Person) -> QuerySet[CompanyContact]:
    return company_contacts_of_user(person.user)


def _notifications(person: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(user=person.user)


def _reminders(person: Person) -> QuerySet[Reminder]:
    return Reminder.objects.filter(recipient=person.user)


# --- export -------------------------------------------------------------------------------------------------


def _export_careers(person: Person) -> Rows:
    return [
        {
            "employer": c.employer,
            "department": c.department,
            "role": c.role,
            "year_from": c.year_from,
            "year_to": c.year_to,
        }
        for c in _careers(person)
    ]


def _export_pledges(person: Person) -> Rows:
    return [
        {"version": a.pledge.version, "accepted_at": local(a.accepted_at)}
        for a in _pledges(person).select_related("pledge").order_by("accepted_at", "pk")
    ]


def _export_consents(person: Person) -> Rows:
    return [
        {"purpose_version": c.purpose.version, "granted_at": local(c.granted_at), "withdrawn_at": local(c.withdrawn_at)}
        for c in _consents(person).select_related("purpose").order_by("granted_at", "pk")
    ]


def _export_provisions(person: Person) -> Rows:
    return [
        {
            "provided_at": local(p.provided_at),
            "recipient_organization": p.recipient_organization.name if p.recipient_organization else None,
            "purpose": p.purpose,
            "items": p.items,
        }
        for p in _provisions(person).select_related("recipient_organization").order_by("provided_at", "pk")
    ]


def _export_deletion_requests(person: Person) -> Rows:
    return [
        {"requested_at": local(d.requested_at), "completed_at": local(d.completed_at)}
        for d in _deletion_requests(person).order_by("requested_at", "pk")
    ]


def _export_memberships(person: Person) -> Rows:
    return [
        {"organization": m.organization.name, "role": m.get_role_display(), "active": m.is_active}
        for m in _memberships(person).select_related("organization").order_by("pk")
    ]


def _export_contacts(person: Person) -> Rows:
    return [
        {"company": c.company.name, "active": c.is_active}
        for c in _contacts(person).select_related("company").order_by("pk")
    ]


def _export_notifications(person: Person) -> Rows:
    return [
        {"created_at": local(n.created_at), "title": n.title, "body": n.body, "read_at": local(n.read_at)}
        for n in _notifications(person).order_by("created_at", "pk")
    ]


# --- erasure ------------------------------------------------------------------------------------------------


def _erase_careers(person: Person) -> None:
    _careers(person).update(employer="", department="", role="", year_from=None, year_to=None)


def _erase_accepted_invitations(person: Person) -> None:
    # The invitation was sent to the person's address; the placeholder keeps the row (who joined when).
    from .services.seniors import anonymised_email

    _accepted_invitations(person).update(email=anonymised_email(person.user))


def _mail_deliveries(person: Person) -> QuerySet[MailDelivery]:
    return MailDelivery.objects.filter(recipient=person.user)


def _erase_mail_deliveries(person: Person) -> None:
    # The rows stay: they are the exactly-once send ledger (a deleted row would let a redelivery mail again).
    # They hold no content (the mails are in the notifications); the errors may quote the address.
    _mail_deliveries(person).update(last_error="", task_kwargs={})


def _erase_reminders(person: Person) -> None:
    # The rows stay: they are the exactly-once ledger (a deleted row would be scheduled and sent again).
    _reminders(person).update(context={}, last_error="")


def register_personal_data() -> None:
    """Called from ParticipantsConfig.ready()."""
    register(
        PersonalData(
            model=SeniorProfile,
            label=_("プロフィール"),
            person=("user",),
            rows=_profiles,
            kept=(
                "the person themself: exported by participants.selectors.senior_data_export and anonymised by "
                "participants.services.senior_anonymise; the row and its id stay, so a senior is still counted"
            ),
        )
    )
    register(
        PersonalData(
            model=CareerEntry,
            label=_("職歴"),
            person=("senior",),
            text_fields=("employer", "department", "role"),
            rows=_careers,
            export=_export_careers,
            key="careers",
            erase=_erase_careers,
        )
    )
    register(
        PersonalData(
            model=PledgeAcceptance,
            label=_("守秘義務の誓約"),
            person=("senior",),
            rows=_pledges,
            export=_export_pledges,
            key="pledge_acceptances",
            kept="kept: proof of which pledge was accepted, and when (no free text)",
        )
    )
    register(
        PersonalData(
            model=Consent,
            label=_("個人情報の利用への同意"),
            person=("senior",),
            rows=_consents,
            export=_export_consents,
            key="consents",
            kept="kept: the consent ledger (no free text); senior_anonymise withdraws the standing consent",
        )
    )
    register(
        PersonalData(
            model=ProvisionRecord,
            label=_("第三者への提供の記録"),
            person=("senior",),
            actors={"recipient": "kept: the 第三者提供記録 names its recipient (APPI: three years)"},
            rows=_provisions,
            export=_export_provisions,
            key="provision_records",
            kept="kept: APPI 第三者提供記録 (what was shown to whom, and when)",
        )
    )
    register(
        PersonalData(
            model=DeletionRequest,
            label=_("削除依頼"),
            person=("senior",),
            rows=_deletion_requests,
            export=_export_deletion_requests,
            key="deletion_requests",
            kept="kept: the proof that the request was carried out",
        )
    )
    register(
        PersonalData(
            model=Membership,
            label=_("所属"),
            person=("user",),
            rows=_memberships,
            export=_export_memberships,
            key="memberships",
            columns={"organization": _("組織"), "role": _("役割"), "active": _("有効")},
            kept="kept: an organisation's record of its staff; active staff are not erased (senior_anonymise refuses)",
        )
    )
    register(
        PersonalData(
            model=StaffInvitation,
            label=_("職員招待"),
            person=("accepted_user",),
            actors={"invited_by": STAFF_ACTOR},
            rows=_accepted_invitations,
            erase=_erase_accepted_invitations,
            kept="kept: who joined when; the address the invitation went to becomes the placeholder",
        )
    )
    register(
        PersonalData(
            model=Company,
            label=_("企業"),
            actors={"responsible_staff": STAFF_ACTOR, "created_by": STAFF_ACTOR},
            kept="kept: a client company of an institution refers to its staff only as actors",
        )
    )
    register(
        PersonalData(
            model=CompanyContact,
            label=_("企業の連絡担当者"),
            person=("user",),
            actors={"created_by": STAFF_ACTOR},
            rows=_contacts,
            export=_export_contacts,
            key="company_contacts",
            columns={"company": _("企業"), "active": _("有効")},
            kept="kept: the link of a contact to their company (no free text)",
        )
    )
    register(
        PersonalData(
            model=Notification,
            label=_("お知らせ"),
            person=("user",),
            text_fields=("title", "body"),
            rows=_notifications,
            export=_export_notifications,
            key="notifications",
            columns={"created_at": _("日時"), "title": _("件名"), "body": _("本文"), "read_at": _("既読日時")},
        )
    )
    register(
        PersonalData(
            model=Reminder,
            label=_("リマインダー"),
            person=("recipient",),
            text_fields=("last_error",),
            rows=_reminders,
            erase=_erase_reminders,
            kept="kept: the delivery ledger (its mails are in the notifications); context and errors are blanked",
        )
    )
    register(
        PersonalData(
            model=MailDelivery,
            label=_("メール送信記録"),
            person=("recipient",),
            text_fields=("last_error",),
            rows=_mail_deliveries,
            erase=_erase_mail_deliveries,
            kept="kept: the send ledger (which mail, when; its content is in the notifications); errors are blanked",
        )
    )
