"""Roles a user can hold. Staff roles come from a Membership; `senior` from a senior profile."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BANK_STAFF = "bank_staff", _("金融機関職員")
    INSTITUTION_ADMIN = "institution_admin", _("金融機関管理者")
    COORDINATOR = "coordinator", _("コーディネーター")
    ALUMNI_OFFICE = "alumni_office", _("OB・OG会事務局")
    LOCAL_GOVERNMENT = "local_government", _("自治体職員")


SENIOR = "senior"
# A client company's own login (CompanyContact): approves its hearing sheet, sees its event.
COMPANY = "company"
# Not a role: what a page open to every signed-in user declares (sks.access.signed_in_required), so that the
# page registry can list it like any other page.
ANY_SIGNED_IN = "*signed_in"

STAFF_ROLES: frozenset[str] = frozenset(Role.values)
# Roles that act for a financial institution and so see its client companies.
INSTITUTION_ROLES: frozenset[str] = frozenset({Role.BANK_STAFF, Role.INSTITUTION_ADMIN})
