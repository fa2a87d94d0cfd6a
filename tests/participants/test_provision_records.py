"""The 第三者提供記録 service: what of a senior's profile was provided to which institution's user."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from participants.models import ProvisionRecord
from participants.services import (
    PROVISION_PURPOSE_MATCHING,
    ProvisionError,
    provision_items_for_institutions,
    provision_record,
)
from sks.roles import Role
from tests.factories import OrganizationFactory, searchable_senior, staff_user

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
ITEMS = ["氏名", "専門分野"]


def test_provision_record_names_the_recipients_institution():
    bank = OrganizationFactory(name="さくら信用金庫")
    staff = staff_user(Role.BANK_STAFF, bank)
    senior = searchable_senior()

    record = provision_record(senior=senior, recipient=staff, purpose=PROVISION_PURPOSE_MATCHING, items=ITEMS)

    assert ProvisionRecord.objects.get() == record
    assert (record.senior, record.recipient, record.recipient_organization, record.purpose, record.items) == (
        senior,
        staff,
        bank,
        "新現役交流会のマッチング",
        "氏名、専門分野",
    )


def test_provision_record_for_institution_admin_names_their_institution():
    bank = OrganizationFactory(name="みなと銀行")
    admin = staff_user(Role.INSTITUTION_ADMIN, bank)

    record = provision_record(senior=searchable_senior(), recipient=admin, purpose="目的", items=ITEMS)

    assert record.recipient_organization == bank


def test_provision_record_for_someone_without_an_institution_is_refused():
    coordinator = staff_user(Role.COORDINATOR)

    with pytest.raises(ProvisionError) as caught:
        provision_record(senior=searchable_senior(), recipient=coordinator, purpose="目的", items=ITEMS)

    assert (caught.value.message, ProvisionRecord.objects.count()) == (
        "金融機関の職員ではない利用者への提供は記録できません。",
        0,
    )


def test_provision_record_same_day_returns_the_days_record():
    staff = staff_user(Role.BANK_STAFF)
    senior = searchable_senior()
    with time_machine.travel(datetime(2026, 4, 3, 0, 5, tzinfo=JST), tick=False):
        first = provision_record(senior=senior, recipient=staff, purpose="目的", items=ITEMS)
    with time_machine.travel(datetime(2026, 4, 3, 23, 55, tzinfo=JST), tick=False):
        again = provision_record(senior=senior, recipient=staff, purpose="目的", items=ITEMS)

    assert (again, ProvisionRecord.objects.count()) == (first, 1)


def test_provision_record_next_day_in_japan_adds_a_record():
    staff = staff_user(Role.BANK_STAFF)
    senior = searchable_senior()
    # 23:55 and 00:05 in Japan are the same UTC day (14:55 and 15:05): the Japanese day is what counts.
    evening = datetime(2026, 4, 3, 23, 55, tzinfo=JST)
    with time_machine.travel(evening, tick=False):
        provision_record(senior=senior, recipient=staff, purpose="目的", items=ITEMS)
    with time_machine.travel(evening + timedelta(minutes=10), tick=False):
        provision_record(senior=senior, recipient=staff, purpose="目的", items=ITEMS)

    assert ProvisionRecord.objects.count() == 2


def test_provision_record_other_items_the_same_day_add_a_record():
    staff = staff_user(Role.BANK_STAFF)
    senior = searchable_senior()

    provision_record(senior=senior, recipient=staff, purpose="目的", items=["氏名"])
    provision_record(senior=senior, recipient=staff, purpose="目的", items=["氏名", "職歴"])

    assert list(ProvisionRecord.objects.order_by("pk").values_list("items", flat=True)) == ["氏名", "氏名、職歴"]


@pytest.mark.parametrize(
    ("purpose", "items", "message"),
    [
        ("目的", [], "提供した項目と目的を指定してください。"),
        ("", ITEMS, "提供した項目と目的を指定してください。"),
        ("目的", ["項目" * 200], "提供した項目または目的が長すぎて記録できません。"),
        ("目" * 201, ITEMS, "提供した項目または目的が長すぎて記録できません。"),
    ],
)
def test_provision_record_bad_purpose_or_items_are_refused(purpose, items, message):
    staff = staff_user(Role.BANK_STAFF)

    with pytest.raises(ProvisionError) as caught:
        provision_record(senior=searchable_senior(), recipient=staff, purpose=purpose, items=items)

    assert (caught.value.message, ProvisionRecord.objects.count()) == (message, 0)


def test_provision_items_are_in_japanese_whatever_the_language():
    with translation.override("en"):
        items = provision_items_for_institutions()

    assert items == [
        "氏名",
        "氏名（カナ）",
        "生まれ年",
        "都道府県",
        "市区町村",
        "自己紹介",
        "専門分野",
        "経験のある業種",
        "資格",
        "その他の資格",
        "活動できる日数（月あたり）",
        "活動できる曜日",
        "訪問できる地域",
        "オンラインでの支援も可能",
        "希望謝金（下限・円/回）",
        "希望謝金（上限・円/回）",
        "職歴",
    ]
