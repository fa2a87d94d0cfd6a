"""The senior's career rows: an extra row is optional until something is typed in it."""

import re

import pytest
from django.urls import reverse

from participants.models import SeniorProfile
from tests.access import arranging, every
from tests.factories import senior_user
from tests.participants.test_senior_profile import careers_post

pytestmark = pytest.mark.django_db

STEP2 = reverse("participants:senior_profile_step", args=[2])


@pytest.fixture
def senior(client):
    with arranging():
        user = senior_user(name="山田 太郎", name_kana="ヤマダ タロウ")
    client.force_login(user)
    return user


def _required_badges(html: str) -> int:
    rows = html[html.index('id="career-rows"') :]
    return len(re.findall(r"required-badge", rows))


def test_career_step_empty_extra_rows_show_no_required_badge(client, senior):
    response = client.get(STEP2)

    assert _required_badges(response.content.decode()) == 0


def test_career_step_empty_extra_row_is_not_validated(client, senior):
    rows = [{"employer": "東洋電機株式会社", "year_from": "1981"}, {}]

    response = client.post(STEP2, careers_post(rows))

    assert response.status_code == 302
    profile = every(SeniorProfile).get(user=senior)
    assert list(profile.careers.values_list("employer", flat=True)) == ["東洋電機株式会社"]


def test_career_step_extra_row_with_department_only_asks_for_the_employer(client, senior):
    rows = [{"department": "海外営業部"}]

    response = client.post(STEP2, careers_post(rows))

    assert response.status_code == 200
    assert response.context["form"].forms[0].errors == {
        "employer": ["勤務先を入力してください（この行を使わないときは、全部の欄を空にします）。"]
    }
