"""Company contacts: a client company's own login (see CompanyContact), usually its president's.

Bank staff invite the contact; the person receives a link to choose a password (allauth's password-reset
link, valid for PASSWORD_RESET_TIMEOUT) and then signs in to approve the company's hearing sheets. The
login is optional: staff can record the company's approval on its behalf instead.
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sks.audit import audit
from sks.exceptions import DomainError
from sks.tasks import enqueue_on_commit

from ..access import company_contact_get_or_create
from ..models import Company, CompanyContact, SeniorProfile, User
from .mail_ledger import mail_send_within_budget
from .notifications import notification_create

__all__ = [
    "CompanyContactError",
    "company_contact_invite",
    "company_contact_invite_url",
    "company_contact_send_invite",
]


class CompanyContactError(DomainError):
    """An invitation that cannot be made; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _existing_user(email: str) -> User | None:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address is not None else None  # type: ignore[assignment]  # AUTH_USER_MODEL
    return user


@transaction.atomic
def company_contact_invite(*, company: Company, by: User, name: str, email: str) -> CompanyContact:
    """Make `email` a login of `company` (a new account with no password yet, or a contact's existing one)
    and mail the person a link to choose a password. Inviting an active contact again resends the link."""
    if company.institution_id not in by.institution_ids:
        raise CompanyContactError(_("自機関の取引先企業の担当者だけを招待できます。"))
    email = email.strip().lower()
    name = name.strip()
    user = _existing_user(email)
    if user is not None:
        # A staff account or a senior's must never gain a company's view of its hearing sheet.
        if user.is_staff or user.is_superuser or user.memberships.exists():
            raise CompanyContactError(
                _(
                    "このメールアドレスは金融機関・コーディネーターなどの職員のアカウントで使われているため、"
                    "企業の担当者には登録できません。企業の方のメールアドレスを入力してください。"
                ),
                "email",
            )
        if SeniorProfile.objects.filter(user=user).exists():
            raise CompanyContactError(
                _(
                    "このメールアドレスは新現役のアカウントで使われているため、企業の担当者には登録できません。"
                    "別のメールアドレスを入力してください。"
                ),
                "email",
            )
        if not user.is_active:
            raise CompanyContactError(
                _("このメールアドレスのアカウントは利用停止中です。別のメールアドレスを入力してください。"), "email"
            )
        if not user.name and name:
            user.name = name
            user.save(update_fields=["name"])
    else:
        user = User.objects.create_user(email=email, password=None, name=name)  # no usable password yet
    # The bank vouches for the address, and the link mailed to it proves it again.
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user, email=email, verified=True, primary=not EmailAddress.objects.filter(user=user).exists()
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])

    contact, created = company_contact_get_or_create(company=company, user=user, by=by)
    if not created and not contact.is_active:
        contact.is_active = True
        contact.save(update_fields=["is_active", "updated_at"])
    action = "company_contact.invited" if created else "company_contact.reinvited"
    audit(obj=contact, action=action, user=by, data={"company_id": company.pk})
    with translation.override(user.language or settings.LANGUAGE_CODE):
        notification_create(
            user=user,
            kind="company_contact_invited",
            title=_("%(company)sの担当者として登録されました") % {"company": company.name},
            body=_("事前ヒアリングシートの確認と承認は「参加する交流会」のページからできます。"),
            url=reverse("events:company_home"),
        )
    from ..tasks import task_send_company_contact_invite

    enqueue_on_commit(task_send_company_contact_invite, contact_id=contact.pk)
    return contact


def company_contact_invite_url(user: User) -> str:
    """Where the invited person goes: a link to choose a password, or the login page if they have one."""
    if user.has_usable_password():
        return settings.SITE_URL + reverse("account_login")
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return settings.SITE_URL + path


def company_contact_send_invite(*, contact: CompanyContact) -> bool:
    """Mail the invitation, written in the person's language; an inactive contact is not mailed."""
    user = contact.user
    if not contact.is_active or not user.is_active:
        return False
    context = {
        "contact": contact,
        "company": contact.company,
        "user": user,
        "url": company_contact_invite_url(user),
        "needs_password": not user.has_usable_password(),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = settings.EMAIL_SUBJECT_PREFIX + _("%(company)sの担当者としてSKSに登録されました") % {
            "company": contact.company.name
        }
        message = render_to_string("participants/company_contact_invite_email.txt", context)
    # Each invitation carries a fresh set-password key, so a repeat is a new mail by design (not in the ledger);
    # the budget keeps a slow server from holding the worker.
    mail_send_within_budget(EmailMessage(subject=subject, body=message, to=[user.email]))
    return True
