"""Personal-data rights of a senior (APPI): export of all their data, and deletion by anonymisation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from participants.models import (
    CareerEntry,
    Consent,
    ConsentPurpose,
    DeletionRequest,
    ExpertiseArea,
    Industry,
    Membership,
    PledgeVersion,
    ProvisionRecord,
    Qualification,
    Region,
    SeniorProfile,
    User,
)
from participants.selectors import consent_purpose_current, pledge_current, senior_profiles_visible_to_institutions
from participants.services import (
    ANONYMISED_NAME,
    SeniorDeletionError,
    senior_anonymise,
    senior_anonymised,
    senior_consent_grant,
    senior_pledge_accept,
)
from sks.audit import audit_read
from sks.roles import Role
from tests.factories import PASSWORD, OrganizationFactory, enrol_totp, senior_user, staff_user

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")

PERSON = {
    "name": "綱島 源一郎",
    "name_kana": "ツナシマ ゲンイチロウ",
    "email": "genichiro.tsunashima@example.jp",
    "city": "横浜市港北区綱島東",
    "phone": "045-987-6543",
    "self_introduction": "東洋電機で海外営業を担当し、綱島の町工場の販路開拓を手伝ってきました。",
    "other_qualifications": "第一種衛生管理者",
    "registry_number": "K-98765",
    "employer": "東洋電機株式会社",
    "department": "海外営業第二部",
    "role": "営業部長",
}


def step_url(step: int) -> str:
    return reverse("participants:senior_profile_step", args=[step])


@pytest.fixture(autouse=True)
def _policies_in_force_since_january() -> None:
    PledgeVersion.objects.update(effective_from=datetime(2026, 1, 1, tzinfo=JST))
    ConsentPurpose.objects.update(effective_from=datetime(2026, 1, 1, tzinfo=JST))


@pytest.fixture
def person(client: Client) -> User:
    """A senior who filled in the whole wizard through the pages (so the audit log saw every change)."""
    user = senior_user(email=PERSON["email"], name="仮の名前", name_kana="カリ")
    client.force_login(user)
    client.post(
        step_url(1),
        {
            "name": PERSON["name"],
            "name_kana": PERSON["name_kana"],
            "birth_year": "1958",
            "prefecture": "14",
            "city": PERSON["city"],
            "phone": PERSON["phone"],
        },
    )
    client.post(
        step_url(2),
        {
            "careers-TOTAL_FORMS": "1",
            "careers-INITIAL_FORMS": "0",
            "careers-0-employer": PERSON["employer"],
            "careers-0-department": PERSON["department"],
            "careers-0-role": PERSON["role"],
            "careers-0-year_from": "1981",
            "careers-0-year_to": "2018",
        },
    )
    client.post(
        step_url(3),
        {
            "expertise": [ExpertiseArea.objects.get(code="sales-channels").pk],
            "industries": [Industry.objects.get(code="E").pk],
            "qualifications": [Qualification.objects.get(code="shindanshi").pk],
            "other_qualifications": PERSON["other_qualifications"],
        },
    )
    client.post(step_url(4), {"self_introduction": PERSON["self_introduction"]})
    client.post(
        step_url(5),
        {
            "days_per_month": "4",
            "weekdays": ["0", "2"],
            "travel_regions": [Region.objects.get(code="kanto").pk],
            "fee_min": "10000",
            "fee_max": "30000",
            "registry_number": PERSON["registry_number"],
        },
    )
    profile = SeniorProfile.objects.get(user=user)
    assert profile.wizard_step == 6, "the wizard did not save every step"
    return User.objects.get(pk=user.pk)


def profile_of(user: User) -> SeniorProfile:
    return SeniorProfile.objects.select_related("user").get(user=user)


def rows_text(*querysets: Any) -> str:
    return json.dumps([list(qs.values()) for qs in querysets], default=str, ensure_ascii=False)


# --- export -------------------------------------------------------------------------------------------


def test_export_json_is_an_attachment_with_all_data(client, person):
    profile = profile_of(person)
    bank = OrganizationFactory(name="さくら台信用金庫")
    with time_machine.travel(datetime(2026, 5, 11, 10, 30, tzinfo=JST), tick=False):
        senior_pledge_accept(profile=profile, pledge=pledge_current())
        senior_consent_grant(profile=profile, purpose=consent_purpose_current())
        ProvisionRecord.objects.create(
            senior=profile, recipient_organization=bank, purpose="交流会のマッチング", items="氏名、経歴、専門分野"
        )

    response = client.get(reverse("participants:senior_data_export_json"))

    data = json.loads(response.content.decode())
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''SKS%E7%99%BB%E9%8C%B2")  # SKS登録
    assert data["user"] | {"date_joined": None, "last_login": None} == {
        "email": PERSON["email"],
        "name": PERSON["name"],
        "name_kana": PERSON["name_kana"],
        "date_joined": None,
        "last_login": None,
    }
    assert data["email_addresses"] == [{"email": PERSON["email"], "verified": True, "primary": True}]
    assert {k: v for k, v in data["profile"].items() if k not in ("created_at", "updated_at")} == {
        "birth_year": 1958,
        "prefecture": "神奈川県",
        "city": PERSON["city"],
        "phone": PERSON["phone"],
        "self_introduction": PERSON["self_introduction"],
        "other_qualifications": PERSON["other_qualifications"],
        "days_per_month": 4,
        "weekdays": ["月", "水"],
        "remote_ok": False,
        "fee_min": 10000,
        "fee_max": 30000,
        "registry_number": PERSON["registry_number"],
    }
    assert (data["expertise"], data["industries"], data["qualifications"], data["travel_regions"]) == (
        ["販路開拓"],
        ["製造業"],
        ["中小企業診断士"],
        ["関東"],
    )
    assert data["careers"] == [
        {
            "employer": PERSON["employer"],
            "department": PERSON["department"],
            "role": PERSON["role"],
            "year_from": 1981,
            "year_to": 2018,
        }
    ]
    assert data["pledge_acceptances"] == [{"version": "2026-1", "accepted_at": "2026-05-11T10:30:00+09:00"}]
    assert data["consents"] == [
        {"purpose_version": "2026-1", "granted_at": "2026-05-11T10:30:00+09:00", "withdrawn_at": None}
    ]
    assert data["provision_records"] == [
        {
            "provided_at": "2026-05-11T10:30:00+09:00",
            "recipient_organization": "さくら台信用金庫",
            "purpose": "交流会のマッチング",
            "items": "氏名、経歴、専門分野",
        }
    ]
    assert data["deletion_requests"] == []


def test_export_contains_nothing_of_another_senior(client, person):
    other = senior_user(name="別人 花子", email="hanako@example.jp")

    body = client.get(reverse("participants:senior_data_export_json")).content.decode()

    assert ("別人 花子" in body, "hanako@example.jp" in body, other.email in body) == (False, False, False)


def test_export_page_is_readable_and_printable(client, person):
    ProvisionRecord.objects.create(
        senior=profile_of(person),
        recipient_organization=OrganizationFactory(name="みなと信用組合"),
        purpose="交流会のマッチング",
        items="経歴",
    )

    response = client.get(reverse("participants:senior_data_export"))

    html = response.content.decode()
    assert response.status_code == 200
    for text in (PERSON["name"], PERSON["employer"], PERSON["phone"], "販路開拓", "みなと信用組合", "月・水"):
        assert text in html
    assert '<button type="button" class="btn btn-primary btn-lg" data-print-button hidden>' in html
    assert "/static/js/print-button.js" in html


def test_export_is_recorded_in_audit_log(client, person):
    client.get(reverse("participants:senior_data_export_json"))

    events = [(e.additional_data or {}).get("event") for e in LogEntry.objects.get_for_object(profile_of(person))]
    assert "senior.data_exported" in events


# --- deletion -----------------------------------------------------------------------------------------------


def test_delete_page_explains_what_is_kept(client, person):
    html = client.get(reverse("participants:senior_delete")).content.decode()

    assert "消去する情報" in html
    assert "統計のために残す情報" in html


def test_delete_without_confirmation_error_beside_field(client, person):
    response = client.post(reverse("participants:senior_delete"), {})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_confirm-errors"' in html
    assert "削除するには、チェックを入れてください。" in html
    assert profile_of(person).anonymised_at is None


def test_delete_anonymises_logs_out_and_completes_request(client, person):
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=JST), tick=False):
        response = client.post(reverse("participants:senior_delete"), {"confirm": "on"}, follow=True)

    profile = profile_of(person)
    request = DeletionRequest.objects.get(senior=profile)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "登録と個人情報を削除しました。" in response.content.decode()
    assert response.context["user"].is_authenticated is False
    assert profile.anonymised_at == datetime(2026, 6, 1, 12, 0, tzinfo=JST)
    assert (request.requested_at, request.completed_at) == (profile.anonymised_at, profile.anonymised_at)


def test_anonymise_leaves_no_pii_in_user_profile_careers_or_audit_log(client, person):
    profile = profile_of(person)
    staff = staff_user(Role.BANK_STAFF)
    with set_actor(staff):
        audit_read(obj=profile)  # a bank reading the profile: an ACCESS entry naming the person
    senior_pledge_accept(profile=profile, pledge=pledge_current())
    senior_consent_grant(profile=profile, purpose=consent_purpose_current())
    before = rows_text(LogEntry.objects.all())
    assert PERSON["name"] in before and PERSON["email"] in before and PERSON["phone"] in before

    client.post(reverse("participants:senior_delete"), {"confirm": "on"})

    text = rows_text(
        User.objects.filter(pk=person.pk),
        SeniorProfile.objects.filter(pk=profile.pk),
        CareerEntry.objects.filter(senior=profile),
        LogEntry.objects.all(),
    )
    leaked = [value for value in PERSON.values() if value in text]
    assert leaked == []
    assert "綱島" not in text and "ツナシマ" not in text


def test_anonymise_keeps_rows_that_count_the_person(client, person):
    profile = profile_of(person)
    staff = staff_user(Role.BANK_STAFF)
    with set_actor(staff):
        audit_read(obj=profile)
    entries_before = LogEntry.objects.filter(object_pk=str(profile.pk)).count()

    client.post(reverse("participants:senior_delete"), {"confirm": "on"})

    profile = profile_of(person)
    access = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(profile.pk))
    assert (profile.pk, profile.birth_year, profile.prefecture) == (profile.pk, 1950, "14")
    assert ([e.code for e in profile.expertise.all()], [i.code for i in profile.industries.all()]) == (
        ["sales-channels"],
        ["E"],
    )
    assert (profile.qualifications.count(), profile.travel_regions.count()) == (0, 0)
    assert CareerEntry.objects.filter(senior=profile).count() == 1
    assert (access.actor, access.object_repr) == (staff, ANONYMISED_NAME)
    # Every earlier row is kept; the request and the anonymisation add one named event each.
    assert LogEntry.objects.filter(object_pk=str(profile.pk), content_type__model="seniorprofile").count() >= 3
    assert LogEntry.objects.filter(object_pk=str(profile.pk)).count() == entries_before + 2


def test_anonymise_keeps_event_names_in_audit_log(client, person):
    profile = profile_of(person)
    senior_consent_grant(profile=profile, purpose=consent_purpose_current())

    senior_anonymise(profile=profile)

    events = sorted(e.additional_data["event"] for e in LogEntry.objects.get_for_object(profile) if e.additional_data)
    assert events == ["senior.anonymised", "senior.consent_granted"]
    assert [e.additional_data for e in LogEntry.objects.get_for_object(profile) if e.additional_data] == [
        {"event": "senior.anonymised"},
        {"event": "senior.consent_granted"},
    ]


def test_anonymise_user_cannot_log_in_and_address_is_placeholder(person):
    profile = profile_of(person)

    senior_anonymise(profile=profile)

    user = User.objects.get(pk=person.pk)
    assert (user.name, user.name_kana, user.email) == (ANONYMISED_NAME, "", f"anonymised-{user.pk}@anonymised.invalid")
    assert (user.is_active, user.has_usable_password()) == (False, False)
    assert EmailAddress.objects.filter(user=user).count() == 0
    assert authenticate(email=PERSON["email"], password=PASSWORD) is None
    assert authenticate(email=user.email, password=PASSWORD) is None


def test_anonymise_two_people_get_distinct_placeholders(person):
    other = senior_user()

    senior_anonymise(profile=profile_of(person))
    senior_anonymise(profile=profile_of(other))

    assert User.objects.filter(email__endswith="@anonymised.invalid").count() == 2


def test_anonymise_ends_sessions_on_other_devices(client, person):
    other_device = Client()
    other_device.force_login(person)
    assert other_device.get(reverse("dashboard")).status_code == 200
    assert UserSession.objects.filter(user=person).count() == 2

    client.post(reverse("participants:senior_delete"), {"confirm": "on"})

    response = other_device.get(reverse("dashboard"))
    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("account_login"))
    assert UserSession.objects.filter(user=person).count() == 0


def test_anonymise_withdraws_consent_and_hides_profile(person):
    profile = profile_of(person)
    senior_consent_grant(profile=profile, purpose=consent_purpose_current())

    senior_anonymise(profile=profile)

    assert Consent.objects.get(senior=profile).withdrawn_at == profile_of(person).anonymised_at
    assert list(senior_profiles_visible_to_institutions()) == []


def test_anonymise_leaves_other_seniors_untouched(person):
    other = senior_user(name="別人 花子")
    other_profile = profile_of(other)
    other_profile.city = "鎌倉市"
    other_profile.save()  # an audit entry naming the other person

    senior_anonymise(profile=profile_of(person))

    other = User.objects.get(pk=other.pk)
    assert (other.name, other.is_active, profile_of(other).city) == ("別人 花子", True, "鎌倉市")
    assert "別人 花子" in rows_text(LogEntry.objects.filter(object_pk=str(other_profile.pk)))


def test_anonymise_twice_changes_nothing(person):
    first = senior_anonymise(profile=profile_of(person))

    second = senior_anonymise(profile=profile_of(person))

    assert (second.anonymised_at, DeletionRequest.objects.count()) == (first.anonymised_at, 1)


def test_anonymise_refused_for_someone_who_is_also_staff(client, person):
    Membership.objects.create(user=person, organization=OrganizationFactory(), role=Role.BANK_STAFF)

    with pytest.raises(SeniorDeletionError):
        senior_anonymise(profile=profile_of(person))

    assert (profile_of(person).anonymised_at, User.objects.get(pk=person.pk).name) == (None, PERSON["name"])


def test_delete_page_for_staff_senior_shows_error_and_keeps_request(client, person):
    Membership.objects.create(user=person, organization=OrganizationFactory(), role=Role.BANK_STAFF)
    enrol_totp(person)  # staff must have MFA before any page opens

    response = client.post(reverse("participants:senior_delete"), {"confirm": "on"})

    assert response.status_code == 200
    assert "職員としても使われているため" in response.content.decode()
    assert DeletionRequest.objects.filter(senior__user=person, completed_at__isnull=True).count() == 1


def test_anonymise_sends_signal_for_other_apps(person):
    received: list[int] = []

    def receiver(sender: Any, profile: SeniorProfile, **kwargs: Any) -> None:
        received.append(profile.pk)

    senior_anonymised.connect(receiver)
    try:
        senior_anonymise(profile=profile_of(person))
    finally:
        senior_anonymised.disconnect(receiver)

    assert received == [profile_of(person).pk]
