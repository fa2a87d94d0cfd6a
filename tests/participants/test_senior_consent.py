"""The confidentiality pledge (守秘義務) and the APPI consent ledger of a senior."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from participants.models import Consent, ConsentPurpose, PledgeAcceptance, PledgeVersion, SeniorProfile, User
from participants.selectors import (
    consent_purpose_current,
    pledge_current,
    senior_consent_ledger,
    senior_has_current_pledge,
    senior_profiles_visible_to_institutions,
)
from participants.services import (
    SeniorConsentError,
    SeniorPledgeError,
    senior_consent_grant,
    senior_consent_withdraw,
    senior_pledge_accept,
)
from tests.factories import senior_user

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 5, 11, 10, 30, tzinfo=JST)


@pytest.fixture(autouse=True)
def _policies_in_force_since_january() -> None:
    # Migration 0002 dates the first versions at the moment the test database was built; fixed times in
    # these tests must come after it.
    PledgeVersion.objects.update(effective_from=datetime(2026, 1, 1, tzinfo=JST))
    ConsentPurpose.objects.update(effective_from=datetime(2026, 1, 1, tzinfo=JST))


@pytest.fixture
def senior(client) -> User:
    user = senior_user(name="山田 太郎")
    client.force_login(user)
    return user


def profile_of(user: User) -> SeniorProfile:
    return SeniorProfile.objects.get(user=user)


# --- pledge ------------------------------------------------------------------------------------------------


def test_pledge_current_is_newest_in_force():
    first = PledgeVersion.objects.get(version="2026-1")
    newer = PledgeVersion.objects.create(version="2026-2", text="新しい誓約", effective_from=timezone.now())
    PledgeVersion.objects.create(
        version="2027-1", text="来年の誓約", effective_from=timezone.now() + timedelta(days=30)
    )

    assert (first.effective_from < newer.effective_from, pledge_current()) == (True, newer)


def test_pledge_page_shows_current_text_and_version(client, senior):
    html = client.get(reverse("participants:senior_pledge")).content.decode()

    assert "第2026-1版" in html
    assert "知り得た企業の情報" in html
    assert "誓約する" in html


def test_pledge_accept_records_version_and_time(client, senior):
    pledge = pledge_current()

    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("participants:senior_pledge"), {"pledge": pledge.pk, "agree": "on"})

    acceptance = PledgeAcceptance.objects.get(senior__user=senior)
    assert response.status_code == 302
    assert (acceptance.pledge, acceptance.accepted_at) == (pledge, NOW)
    assert senior_has_current_pledge(profile_of(senior)) is True


def test_pledge_page_after_accepting_shows_when(client, senior):
    with time_machine.travel(NOW, tick=False):
        senior_pledge_accept(profile=profile_of(senior), pledge=pledge_current())

    html = client.get(reverse("participants:senior_pledge")).content.decode()

    assert "2026年5月11日 10:30に、この版に誓約しました。" in html
    assert 'name="agree"' not in html


def test_pledge_without_checkbox_error_beside_field(client, senior):
    response = client.post(reverse("participants:senior_pledge"), {"pledge": pledge_current().pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_agree-errors"' in html
    assert "誓約するには、チェックを入れてください。" in html
    assert PledgeAcceptance.objects.count() == 0


def test_pledge_newer_version_requires_accepting_again(senior):
    profile = profile_of(senior)
    senior_pledge_accept(profile=profile, pledge=pledge_current())

    PledgeVersion.objects.create(version="2026-2", text="改訂版", effective_from=timezone.now())

    assert senior_has_current_pledge(profile) is False


def test_pledge_future_version_does_not_yet_require_accepting(senior):
    profile = profile_of(senior)
    senior_pledge_accept(profile=profile, pledge=pledge_current())
    PledgeVersion.objects.create(version="2026-2", text="改訂版", effective_from=timezone.now() + timedelta(days=7))

    before = senior_has_current_pledge(profile)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        after = senior_has_current_pledge(profile)

    assert (before, after) == (True, False)


def test_pledge_page_after_revision_asks_again(client, senior):
    senior_pledge_accept(profile=profile_of(senior), pledge=pledge_current())
    PledgeVersion.objects.create(version="2026-2", text="改訂版の本文", effective_from=timezone.now())

    html = client.get(reverse("participants:senior_pledge")).content.decode()

    assert "誓約書が改訂されました。" in html
    assert "改訂版の本文" in html
    assert 'name="agree"' in html


def test_pledge_accept_stale_version_refused(client, senior):
    old = pledge_current()
    PledgeVersion.objects.create(version="2026-2", text="改訂版", effective_from=timezone.now())

    response = client.post(reverse("participants:senior_pledge"), {"pledge": old.pk, "agree": "on"}, follow=True)

    assert "誓約書の内容が更新されました。" in response.content.decode()
    assert PledgeAcceptance.objects.count() == 0


def test_pledge_service_refuses_version_not_in_force(senior):
    future = PledgeVersion.objects.create(
        version="2027-1", text="来年", effective_from=timezone.now() + timedelta(days=1)
    )

    with pytest.raises(SeniorPledgeError):
        senior_pledge_accept(profile=profile_of(senior), pledge=future)


def test_pledge_accepting_twice_keeps_one_row(senior):
    profile = profile_of(senior)

    first = senior_pledge_accept(profile=profile, pledge=pledge_current())
    second = senior_pledge_accept(profile=profile, pledge=pledge_current())

    assert (first.pk, PledgeAcceptance.objects.count()) == (second.pk, 1)


def test_has_current_pledge_false_when_no_pledge_in_force(senior):
    PledgeVersion.objects.update(effective_from=timezone.now() + timedelta(days=1))

    assert senior_has_current_pledge(profile_of(senior)) is False


def test_has_current_pledge_false_for_someone_else(senior):
    other = senior_user()
    senior_pledge_accept(profile=profile_of(other), pledge=pledge_current())

    assert senior_has_current_pledge(profile_of(senior)) is False


# --- consent ----------------------------------------------------------------------------------------------


def test_consent_page_shows_purpose_text_and_version(client, senior):
    html = client.get(reverse("participants:senior_consent")).content.decode()

    assert "利用目的 第2026-1版" in html
    assert "マッチングのために" in html
    assert "現在、同意していません。" in html


def test_consent_grant_records_ledger_entry(client, senior):
    purpose = consent_purpose_current()

    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("participants:senior_consent"), {"purpose": purpose.pk, "agree": "on"})

    consent = Consent.objects.get(senior__user=senior)
    assert response.status_code == 302
    assert (consent.purpose, consent.granted_at, consent.withdrawn_at) == (purpose, NOW, None)


def test_consent_without_checkbox_error_beside_field(client, senior):
    response = client.post(reverse("participants:senior_consent"), {"purpose": consent_purpose_current().pk})

    html = response.content.decode()
    assert 'id="id_agree-errors"' in html
    assert "同意するには、チェックを入れてください。" in html
    assert Consent.objects.count() == 0


def test_consent_withdraw_ends_standing_consent(client, senior):
    senior_consent_grant(profile=profile_of(senior), purpose=consent_purpose_current())

    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("participants:senior_consent_withdraw"))

    consent = Consent.objects.get(senior__user=senior)
    assert response.url == reverse("participants:senior_consent")
    assert consent.withdrawn_at == NOW


def test_consent_withdraw_without_consent_says_so(client, senior):
    response = client.post(reverse("participants:senior_consent_withdraw"), follow=True)

    assert "撤回できる同意はありません。" in response.content.decode()


def test_consent_withdraw_by_get_not_allowed(client, senior):
    assert client.get(reverse("participants:senior_consent_withdraw")).status_code == 405


def test_consent_grant_twice_refused(senior):
    profile = profile_of(senior)
    senior_consent_grant(profile=profile, purpose=consent_purpose_current())

    with pytest.raises(SeniorConsentError):
        senior_consent_grant(profile=profile, purpose=consent_purpose_current())


def test_consent_ledger_history_shown_with_times_and_versions(client, senior):
    profile = profile_of(senior)
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=JST), tick=False):
        senior_consent_grant(profile=profile, purpose=consent_purpose_current())
    with time_machine.travel(datetime(2026, 4, 20, 15, 5, tzinfo=JST), tick=False):
        senior_consent_withdraw(profile=profile)
    with time_machine.travel(datetime(2026, 5, 2, 8, 45, tzinfo=JST), tick=False):
        senior_consent_grant(profile=profile, purpose=consent_purpose_current())

    html = client.get(reverse("participants:senior_consent")).content.decode()

    assert "<td>2026-1</td>\n          <td>2026年5月2日 08:45</td>\n          <td>同意中</td>" in html
    assert "<td>2026-1</td>\n          <td>2026年4月1日 09:00</td>\n          <td>2026年4月20日 15:05</td>" in html
    assert "同意を撤回する" in html


def test_consent_new_purpose_version_replaces_old_consent(senior):
    profile = profile_of(senior)
    old = senior_consent_grant(profile=profile, purpose=consent_purpose_current())
    newer = ConsentPurpose.objects.create(version="2026-2", text="新しい利用目的", effective_from=timezone.now())

    new = senior_consent_grant(profile=profile, purpose=newer)

    old.refresh_from_db()
    ledger = senior_consent_ledger(profile)
    assert old.withdrawn_at == new.granted_at
    assert [(row.consent.purpose.version, row.replaced) for row in ledger] == [("2026-2", False), ("2026-1", True)]


def test_consent_page_asks_again_for_new_purpose_version(client, senior):
    senior_consent_grant(profile=profile_of(senior), purpose=consent_purpose_current())
    ConsentPurpose.objects.create(version="2026-2", text="新しい利用目的の本文", effective_from=timezone.now())

    html = client.get(reverse("participants:senior_consent")).content.decode()

    assert "利用目的が改訂されました。" in html
    assert "新しい利用目的の本文" in html
    assert 'name="agree"' in html


def test_consent_grant_stale_purpose_refused(client, senior):
    old = consent_purpose_current()
    ConsentPurpose.objects.create(version="2026-2", text="新しい利用目的", effective_from=timezone.now())

    response = client.post(reverse("participants:senior_consent"), {"purpose": old.pk, "agree": "on"}, follow=True)

    assert "利用目的が更新されました。" in response.content.decode()
    assert Consent.objects.count() == 0


# --- visibility to institutions ------------------------------------------------------------------------


def test_visible_to_institutions_only_with_standing_consent(senior):
    consenting, never = profile_of(senior), profile_of(senior_user())
    senior_consent_grant(profile=consenting, purpose=consent_purpose_current())

    assert list(senior_profiles_visible_to_institutions()) == [consenting]
    assert never not in senior_profiles_visible_to_institutions()


def test_visible_to_institutions_withdrawal_excludes_at_once(senior):
    profile = profile_of(senior)
    senior_consent_grant(profile=profile, purpose=consent_purpose_current())
    visible = senior_profiles_visible_to_institutions()
    assert list(visible) == [profile]

    senior_consent_withdraw(profile=profile)

    assert list(senior_profiles_visible_to_institutions()) == []
    assert list(visible.all()) == []


def test_visible_to_institutions_regranting_shows_again_once(senior):
    profile = profile_of(senior)
    senior_consent_grant(profile=profile, purpose=consent_purpose_current())
    senior_consent_withdraw(profile=profile)

    senior_consent_grant(profile=profile, purpose=consent_purpose_current())

    assert list(senior_profiles_visible_to_institutions()) == [profile]


def test_visible_to_institutions_excludes_anonymised_and_inactive(senior):
    anonymised, inactive = profile_of(senior), profile_of(senior_user())
    for profile in (anonymised, inactive):
        senior_consent_grant(profile=profile, purpose=consent_purpose_current())

    SeniorProfile.objects.filter(pk=anonymised.pk).update(anonymised_at=timezone.now())
    User.objects.filter(pk=inactive.user_id).update(is_active=False)

    assert list(senior_profiles_visible_to_institutions()) == []


def test_overview_shows_pledge_and_consent_status(client, senior):
    profile = profile_of(senior)
    before = client.get(reverse("participants:senior_profile_edit")).content.decode()
    senior_pledge_accept(profile=profile, pledge=pledge_current())
    senior_consent_grant(profile=profile, purpose=consent_purpose_current())

    after = client.get(reverse("participants:senior_profile_edit")).content.decode()

    assert ("未誓約" in before, "未同意" in before) == (True, True)
    assert ("誓約済み" in after, "同意済み" in after, "未誓約" in after) == (True, True, False)
