from django.db import models
from django.utils.translation import gettext_lazy as _

from sks.roles import Role

__all__ = ["FinancialInstitutionType", "MailDeliveryStatus", "OrganizationKind", "Role"]


class OrganizationKind(models.TextChoices):
    FINANCIAL_INSTITUTION = "financial_institution", _("金融機関")
    LOCAL_GOVERNMENT = "local_government", _("自治体")
    COORDINATOR = "coordinator", _("コーディネート団体")
    EMPLOYER = "employer", _("その他の事業者")


class FinancialInstitutionType(models.TextChoices):
    SHINKIN = "shinkin", _("信用金庫")
    SHINKUMI = "shinkumi", _("信用組合")
    REGIONAL_BANK = "regional_bank", _("地方銀行")
    SECOND_REGIONAL_BANK = "second_regional_bank", _("第二地方銀行")
    GOVERNMENT = "government", _("政府系金融機関")
    OTHER = "other", _("その他の金融機関")


# Which roles an organisation of each kind can grant. Alumni offices belong to the organisation whose
# former employees they serve, which may be of any kind.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganizationKind.FINANCIAL_INSTITUTION: frozenset({Role.BANK_STAFF, Role.INSTITUTION_ADMIN, Role.ALUMNI_OFFICE}),
    OrganizationKind.LOCAL_GOVERNMENT: frozenset({Role.LOCAL_GOVERNMENT, Role.ALUMNI_OFFICE}),
    OrganizationKind.COORDINATOR: frozenset({Role.COORDINATOR, Role.ALUMNI_OFFICE}),
    OrganizationKind.EMPLOYER: frozenset({Role.ALUMNI_OFFICE}),
}


class MailDeliveryStatus(models.TextChoices):
    """A row of the send ledger (participants.models.MailDelivery)."""

    CLAIMED = "claimed", _("送信中")
    SENT = "sent", _("送信済み")
    FAILED = "failed", _("未送信（再送待ち）")
