"""The 第三者提供記録 (APPI art. 29): what of a senior's profile was shown to which institution's user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sks.exceptions import DomainError
from sks.roles import INSTITUTION_ROLES

from ..enums import OrganizationKind
from ..models import CareerEntry, Organization, ProvisionRecord, SeniorProfile, User

__all__ = [
    "PROVISION_PURPOSE_MATCHING",
    "ProvisionError",
    "provision_items_for_institutions",
    "provision_record",
]

# Stored as written, in Japanese, whatever the viewer's language: the ledger is a legal record.
PROVISION_PURPOSE_MATCHING = "新現役交流会のマッチング"

# What the senior detail page shows to institution staff, in its order. Contact details (phone, email)
# and the registry number are not among them: coordinators arrange contact.
_PROFILE_FIELDS_SHOWN = (
    "birth_year",
    "prefecture",
    "city",
    "self_introduction",
    "expertise",
    "industries",
    "qualifications",
    "other_qualifications",
    "days_per_month",
    "weekdays",
    "travel_regions",
    "remote_ok",
    "fee_min",
    "fee_max",
)

ITEMS_SEPARATOR = "、"


class ProvisionError(DomainError):
    pass


def _label(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # a concrete or many-to-many field, not a reverse relation
    return str(field.verbose_name)


def provision_items_for_institutions() -> list[str]:
    """The items of a profile shown to institution staff, named as the model names them, in Japanese."""
    with translation.override("ja"):
        items = [_label(User, "name"), _label(User, "name_kana")]
        items += [_label(SeniorProfile, name) for name in _PROFILE_FIELDS_SHOWN]
        items.append(str(CareerEntry._meta.verbose_name))
    return items


def _recipient_institution(user: User) -> Organization | None:
    for membership in user.active_memberships:
        if (
            membership.role in INSTITUTION_ROLES
            and membership.organization.kind == OrganizationKind.FINANCIAL_INSTITUTION
        ):
            return membership.organization
    return None


@transaction.atomic
def provision_record(*, senior: SeniorProfile, recipient: User, purpose: str, items: Sequence[str]) -> ProvisionRecord:
    """Record that `items` of `senior`'s profile were provided to `recipient`'s institution for `purpose`.

    One record per senior, recipient, purpose and items per day (Asia/Tokyo): opening the same page again
    the same day provides nothing new, and the ledger stays readable. The institution is the recipient's
    own (the first by name if they belong to several).
    """
    organization = _recipient_institution(recipient)
    if organization is None:
        raise ProvisionError(_("金融機関の職員ではない利用者への提供は記録できません。"))
    items_text = ITEMS_SEPARATOR.join(items)
    if not items_text or not purpose:
        raise ProvisionError(_("提供した項目と目的を指定してください。"))
    max_items = ProvisionRecord._meta.get_field("items").max_length or 0
    if len(items_text) > max_items or len(purpose) > (ProvisionRecord._meta.get_field("purpose").max_length or 0):
        raise ProvisionError(_("提供した項目または目的が長すぎて記録できません。"))
    now = timezone.now()
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    same_day = ProvisionRecord.objects.filter(
        senior=senior,
        recipient=recipient,
        recipient_organization=organization,
        purpose=purpose,
        items=items_text,
        provided_at__gte=start_of_day,
    ).first()
    if same_day is not None:
        return same_day
    return ProvisionRecord.objects.create(
        senior=senior,
        recipient=recipient,
        recipient_organization=organization,
        provided_at=now,
        purpose=purpose,
        items=items_text,
    )
