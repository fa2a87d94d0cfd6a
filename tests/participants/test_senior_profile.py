"""The senior profile wizard (/profile/step/<n>/), its overview (/profile/) and the completeness meter."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import ExpertiseArea, Industry, Qualification, Region, SeniorProfile
from participants.normalize import parse_year
from participants.selectors import senior_profile_completeness
from participants.services import (
    CareerInput,
    SeniorProfileError,
    senior_basic_info_update,
    senior_careers_replace,
    senior_conditions_update,
    senior_expertise_update,
    senior_introduction_update,
    senior_wizard_advance,
)
from tests.factories import senior_user

pytestmark = pytest.mark.django_db


def step_url(step: int) -> str:
    return reverse("participants:senior_profile_step", args=[step])


@pytest.fixture
def senior(client):
    """A senior as signup leaves them (the factory adds birth year 1958 and Kanagawa), signed in."""
    user = senior_user(name="山田 太郎", name_kana="ヤマダ タロウ")
    client.force_login(user)
    return user


def profile_of(user) -> SeniorProfile:
    return SeniorProfile.objects.select_related("user").get(user=user)


def fill_everything(profile: SeniorProfile) -> None:
    senior_basic_info_update(
        profile=profile,
        name="山田 太郎",
        name_kana="ヤマダ タロウ",
        birth_year=1958,
        prefecture="14",
        city="横浜市港北区",
        phone="045-123-4567",
    )
    senior_careers_replace(profile=profile, careers=[CareerInput(employer="東洋電機株式会社")])
    senior_expertise_update(
        profile=profile,
        expertise=ExpertiseArea.objects.filter(code="sales-channels"),
        industries=Industry.objects.filter(code="E"),
        qualifications=[],
        other_qualifications="",
    )
    senior_introduction_update(profile=profile, self_introduction="営業一筋40年です。")
    senior_conditions_update(
        profile=profile,
        days_per_month=4,
        weekdays=[0, 2],
        travel_regions=Region.objects.filter(code="kanto"),
        remote_ok=False,
        fee_min=10000,
        fee_max=30000,
        registry_number="",
    )


# --- completeness ------------------------------------------------------------------------------------


def test_completeness_fresh_signup_counts_name_kana_birth_year_prefecture(senior):
    completeness = senior_profile_completeness(profile_of(senior))

    assert (completeness.filled, completeness.total, completeness.percent) == (4, 14, 28)
    assert [(str(item.label), item.step) for item in completeness.missing] == [
        ("市区町村", 1),
        ("電話番号", 1),
        ("職歴（1件以上）", 2),
        ("専門分野", 3),
        ("経験のある業種", 3),
        ("自己紹介", 4),
        ("活動できる日数", 5),
        ("活動できる曜日", 5),
        ("訪問できる地域（またはオンライン可）", 5),
        ("希望謝金", 5),
    ]


def test_completeness_everything_filled_is_100(senior):
    profile = profile_of(senior)
    fill_everything(profile)

    completeness = senior_profile_completeness(profile)

    assert (completeness.percent, completeness.missing, completeness.is_complete) == (100, [], True)


def test_completeness_remote_ok_counts_for_regions(senior):
    profile = profile_of(senior)
    fill_everything(profile)
    profile.travel_regions.clear()
    before = senior_profile_completeness(profile).percent
    profile.remote_ok = True
    profile.save()

    after = senior_profile_completeness(profile).percent

    assert (before, after) == (92, 100)


@pytest.mark.parametrize(
    ("fill", "label"),
    [
        (lambda p: p.careers.create(employer="東洋電機株式会社"), "職歴（1件以上）"),
        (lambda p: p.expertise.set(ExpertiseArea.objects.filter(code="sales-channels")), "専門分野"),
        (lambda p: p.industries.set(Industry.objects.filter(code="E")), "経験のある業種"),
        (lambda p: p.travel_regions.set(Region.objects.filter(code="kanto")), "訪問できる地域（またはオンライン可）"),
    ],
)
def test_completeness_tells_each_list_apart(senior, fill, label):
    # The four lists are read in one statement: each answers for its own item only.
    profile = profile_of(senior)
    fill(profile)

    missing = [str(item.label) for item in senior_profile_completeness(profile).missing]

    assert label not in missing
    assert len(missing) == 9


def test_completeness_shown_on_overview_and_every_step(client, senior):
    pages = [reverse("participants:senior_profile_edit")] + [step_url(n) for n in range(1, 6)]

    htmls = [client.get(url).content.decode() for url in pages]

    assert ["28%" in html and "（14項目のうち 4項目を入力済み）" in html for html in htmls] == [True] * 6
    assert ["電話番号" in html and f'href="{step_url(1)}"' in html for html in htmls] == [True] * 6


# --- overview and resuming -------------------------------------------------------------------------


def test_overview_new_senior_offers_to_start(client, senior):
    html = client.get(reverse("participants:senior_profile_edit")).content.decode()

    assert "入力を始める" in html
    assert f'href="{step_url(1)}"' in html


def test_overview_resumes_at_saved_step(client, senior):
    senior_wizard_advance(profile=profile_of(senior), step=3)

    html = client.get(reverse("participants:senior_profile_edit")).content.decode()

    assert "手順3「専門分野・業種・資格」から続ける" in html


def test_overview_finished_wizard_offers_no_resume(client, senior):
    senior_wizard_advance(profile=profile_of(senior), step=6)

    html = client.get(reverse("participants:senior_profile_edit")).content.decode()

    assert "から続ける" not in html
    assert "入力を始める" not in html


def test_overview_shows_saved_content(client, senior):
    fill_everything(profile_of(senior))

    html = client.get(reverse("participants:senior_profile_edit")).content.decode()

    for text in (
        "横浜市港北区",
        "045-123-4567",
        "東洋電機株式会社",
        "販路開拓",
        "製造業",
        "営業一筋40年です。",
        "月4日",
        "月・水",
        "関東",
    ):
        assert text in html
    assert "10,000円〜30,000円" in html


def test_wizard_step_never_moves_backwards(senior):
    profile = profile_of(senior)
    senior_wizard_advance(profile=profile, step=6)

    senior_wizard_advance(profile=profile, step=2)

    profile.refresh_from_db()
    assert profile.wizard_step == 6


@pytest.mark.parametrize("step", [0, 6, 99])
def test_step_outside_wizard_is_404(client, senior, step):
    assert client.get(step_url(step)).status_code == 404


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5])
def test_step_page_has_indicator_back_link_and_both_buttons(client, senior, step):
    html = client.get(step_url(step)).content.decode()

    back = step_url(step - 1) if step > 1 else reverse("participants:senior_profile_edit")
    assert f"手順 {step} / 5" in html
    assert 'aria-current="step"' in html
    assert f'href="{back}"' in html
    assert 'value="later"' in html and "保存して後で続ける" in html
    assert ("保存して終わる" if step == 5 else "保存して次へ") in html


def test_anonymised_senior_profile_is_404(client, senior):
    SeniorProfile.objects.filter(user=senior).update(anonymised_at=timezone.now())

    assert client.get(reverse("participants:senior_profile_edit")).status_code == 404


# --- step 1: 基本情報 ----------------------------------------------------------------------------------


BASIC = {
    "name": "山田 太郎",
    "name_kana": "ヤマダ タロウ",
    "birth_year": "1958",
    "prefecture": "14",
    "city": "横浜市港北区",
    "phone": "045-123-4567",
}


def test_step1_next_saves_and_goes_to_step2(client, senior):
    response = client.post(step_url(1), {**BASIC, "name": "山田 次郎", "action": "next"})

    profile = profile_of(senior)
    assert response.status_code == 302
    assert response.url == step_url(2)
    assert (profile.user.name, profile.city, profile.phone, profile.wizard_step) == (
        "山田 次郎",
        "横浜市港北区",
        "045-123-4567",
        2,
    )
    assert "山田 次郎" in profile.search_text


def test_step1_later_saves_and_returns_to_overview(client, senior):
    response = client.post(step_url(1), {**BASIC, "city": "藤沢市", "action": "later"})

    profile = profile_of(senior)
    assert response.url == reverse("participants:senior_profile_edit")
    assert (profile.city, profile.wizard_step) == ("藤沢市", 1)


def test_step_later_says_where_to_resume(client, senior):
    senior_wizard_advance(profile=profile_of(senior), step=3)

    response = client.post(step_url(1), {**BASIC, "action": "later"}, follow=True)

    assert "続きは「手順3 専門分野・業種・資格」からいつでも入力できます。" in response.content.decode()


def test_step_later_after_finishing_just_says_saved(client, senior):
    senior_wizard_advance(profile=profile_of(senior), step=6)

    response = client.post(step_url(1), {**BASIC, "action": "later"}, follow=True)

    html = response.content.decode()
    assert ("保存しました。" in html, "続きは" in html) == (True, False)


def test_step1_accepts_wareki_fullwidth_and_hiragana(client, senior):
    client.post(
        step_url(1),
        {**BASIC, "birth_year": "昭和３３年", "name_kana": "やまだ たろう", "phone": "０４５－１２３－４５６７"},
    )

    profile = profile_of(senior)
    assert (profile.birth_year, profile.user.name_kana, profile.phone) == (1958, "ヤマダ タロウ", "045-123-4567")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1800", "1800年生まれはありえません。"),
        (str(timezone.localdate().year), "年生まれはありえません。"),
        ("58", "58年生まれはありえません。"),
        ("せんきゅうひゃく", "西暦4桁（例：1958）または和暦（例：昭和33年）で入力してください。"),
    ],
)
def test_step1_impossible_birth_year_error_beside_field(client, senior, typed, message):
    response = client.post(step_url(1), {**BASIC, "birth_year": typed})

    html = response.content.decode()
    profile = profile_of(senior)
    assert response.status_code == 200
    assert 'id="id_birth_year-errors"' in html
    assert message in html
    assert profile.birth_year == 1958


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("name", "", "氏名を入力してください。"),
        ("name_kana", "山田", "全角カタカナで入力してください"),
        ("phone", "12345", "電話番号は市外局番から"),
        ("phone", "045-123-abcd", "電話番号は市外局番から"),
        ("prefecture", "99", "都道府県を一覧から選んでください。"),
        ("city", "あ" * 101, "100 文字以内で入力してください（現在 101 文字）。"),
    ],
)
def test_step1_bad_input_error_beside_field(client, senior, field, typed, message):
    response = client.post(step_url(1), {**BASIC, field: typed})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}-errors"' in html
    assert message in html


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("1958", 1958),
        ("１９５８年", 1958),
        ("昭和33年", 1958),
        ("S33", 1958),
        ("平成元年", 1989),
        ("令和2", 2020),
        ("", None),
    ],
)
def test_parse_year_reads_western_and_wareki(typed, year):
    assert parse_year(typed) == year


def test_basic_info_service_refuses_impossible_birth_year(senior):
    with pytest.raises(SeniorProfileError):
        senior_basic_info_update(
            profile=profile_of(senior), name="山田", name_kana="", birth_year=1700, prefecture="", city="", phone=""
        )


# --- step 2: 職歴 ------------------------------------------------------------------------------------------


def careers_post(rows: list[dict[str, str]], *, initial: int = 0, action: str = "next") -> dict[str, str]:
    data = {
        "careers-TOTAL_FORMS": str(len(rows)),
        "careers-INITIAL_FORMS": str(initial),
        "careers-MIN_NUM_FORMS": "0",
        "careers-MAX_NUM_FORMS": "30",
        "action": action,
    }
    for i, row in enumerate(rows):
        for key in ("employer", "department", "role", "year_from", "year_to"):
            data[f"careers-{i}-{key}"] = row.get(key, "")
        if row.get("DELETE"):
            data[f"careers-{i}-DELETE"] = "on"
    return data


def test_step2_new_senior_gets_two_empty_rows(client, senior):
    formset = client.get(step_url(2)).context["form"]

    assert len(formset.forms) == 2


def test_step2_saves_careers_in_order_and_skips_empty_rows(client, senior):
    rows = [
        {
            "employer": "東洋電機株式会社",
            "department": "海外営業部",
            "role": "部長",
            "year_from": "1981",
            "year_to": "2010",
        },
        {"employer": "東洋電機サービス株式会社", "role": "顧問", "year_from": "平成22年"},
        {},
    ]

    response = client.post(step_url(2), careers_post(rows))

    profile = profile_of(senior)
    assert response.url == step_url(3)
    assert list(profile.careers.values_list("employer", "department", "role", "year_from", "year_to", "position")) == [
        ("東洋電機株式会社", "海外営業部", "部長", 1981, 2010, 0),
        ("東洋電機サービス株式会社", "", "顧問", 2010, None, 1),
    ]
    assert "海外営業部" in profile.search_text
    assert profile.wizard_step == 3


def test_step2_row_without_employer_error_beside_field(client, senior):
    response = client.post(step_url(2), careers_post([{"department": "総務部"}]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_careers-0-employer-errors"' in html
    assert "勤務先を入力してください" in html
    assert profile_of(senior).careers.count() == 0


def test_step2_year_to_before_year_from_error_beside_field(client, senior):
    response = client.post(
        step_url(2), careers_post([{"employer": "東洋電機", "year_from": "2000", "year_to": "1990"}])
    )

    html = response.content.decode()
    assert 'id="id_careers-0-year_to-errors"' in html
    assert "終了年は開始年と同じか、それより後の年にしてください。" in html
    assert profile_of(senior).careers.count() == 0


def test_step2_impossible_year_error_beside_field(client, senior):
    response = client.post(step_url(2), careers_post([{"employer": "東洋電機", "year_from": "1700"}]))

    html = response.content.decode()
    assert 'id="id_careers-0-year_from-errors"' in html
    assert "1700年はありえない年です。" in html


def test_step2_delete_checkbox_removes_row(client, senior):
    profile = profile_of(senior)
    senior_careers_replace(profile=profile, careers=[CareerInput(employer="A社"), CareerInput(employer="B社")])
    rows = [{"employer": "A社", "DELETE": "on"}, {"employer": "B社"}, {}]

    client.post(step_url(2), careers_post(rows, initial=2))

    assert list(profile.careers.values_list("employer", flat=True)) == ["B社"]


def test_step2_existing_row_cleared_without_delete_is_refused(client, senior):
    profile = profile_of(senior)
    senior_careers_replace(profile=profile, careers=[CareerInput(employer="A社")])

    response = client.post(step_url(2), careers_post([{"employer": ""}], initial=1))

    assert 'id="id_careers-0-employer-errors"' in response.content.decode()
    assert list(profile.careers.values_list("employer", flat=True)) == ["A社"]


def test_step2_add_row_saves_and_shows_one_more_empty_row(client, senior):
    response = client.post(step_url(2), careers_post([{"employer": "A社"}, {}], action="add"))
    page = client.get(response.url)

    assert response.url == step_url(2) + "?extra=2#career-rows"
    assert list(profile_of(senior).careers.values_list("employer", flat=True)) == ["A社"]
    assert len(page.context["form"].forms) == 3


def test_step2_too_many_rows_refused(client, senior):
    response = client.post(step_url(2), careers_post([{"employer": f"会社{i}"} for i in range(31)]))

    assert response.status_code == 200
    assert profile_of(senior).careers.count() == 0


def test_step2_extra_parameter_not_a_number_is_ignored(client, senior):
    response = client.get(step_url(2) + "?extra=lots")

    assert response.status_code == 200


def test_careers_service_refuses_reversed_years(senior):
    with pytest.raises(SeniorProfileError):
        senior_careers_replace(profile=profile_of(senior), careers=[CareerInput("A社", year_from=2000, year_to=1999)])


# --- step 3: 専門分野・業種・資格 -----------------------------------------------------------------------------


def test_step3_saves_choices(client, senior):
    sales = ExpertiseArea.objects.get(code="sales-channels")
    manufacturing = Industry.objects.get(code="E")
    shindanshi = Qualification.objects.get(code="shindanshi")

    response = client.post(
        step_url(3),
        {
            "expertise": [sales.pk],
            "industries": [manufacturing.pk],
            "qualifications": [shindanshi.pk],
            "other_qualifications": "第一種衛生管理者",
        },
    )

    profile = profile_of(senior)
    assert response.url == step_url(4)
    assert (list(profile.expertise.all()), list(profile.industries.all()), list(profile.qualifications.all())) == (
        [sales],
        [manufacturing],
        [shindanshi],
    )
    assert profile.other_qualifications == "第一種衛生管理者"
    assert "販路開拓" in profile.search_text


def test_step3_offers_only_jsic_major_divisions(client, senior):
    form = client.get(step_url(3)).context["form"]

    assert list(form.fields["industries"].queryset) == list(Industry.objects.majors())
    assert len(form.fields["industries"].queryset) == 20


def test_step3_checkboxes_are_large_tiles_in_a_fieldset(client, senior):
    html = client.get(step_url(3)).content.decode()

    assert '<legend class="form-label fw-bold">専門分野</legend>' in html
    assert '<label class="check-tile" for="id_expertise_0"><input type="checkbox"' in html


def test_step3_middle_industry_refused_beside_field(client, senior):
    middle = Industry.objects.middles().first()

    response = client.post(step_url(3), {"industries": [middle.pk]})

    html = response.content.decode()
    assert 'id="id_industries-errors"' in html
    assert "一覧から選んでください。" in html


def test_step3_unchecking_everything_clears_choices(client, senior):
    profile = profile_of(senior)
    fill_everything(profile)

    client.post(step_url(3), {"other_qualifications": ""})

    assert (profile.expertise.count(), profile.industries.count()) == (0, 0)


# --- step 4: 自己紹介 -------------------------------------------------------------------------------------


def test_step4_saves_introduction(client, senior):
    client.post(step_url(4), {"self_introduction": "  メーカーで海外営業を30年担当しました。  "})

    profile = profile_of(senior)
    assert profile.self_introduction == "メーカーで海外営業を30年担当しました。"
    assert "海外営業" in profile.search_text


def test_step4_too_long_error_beside_field(client, senior):
    response = client.post(step_url(4), {"self_introduction": "あ" * 2001})

    html = response.content.decode()
    assert 'id="id_self_introduction-errors"' in html
    assert "2000 文字以内で入力してください" in html


# --- step 5: 活動条件 -----------------------------------------------------------------------------------


CONDITIONS = {
    "days_per_month": "4",
    "weekdays": ["0", "2", "4"],
    "remote_ok": "on",
    "fee_min": "10000",
    "fee_max": "30000",
    "registry_number": "K-12345",
}


def test_step5_saves_conditions_and_finishes(client, senior):
    kanto = Region.objects.get(code="kanto")

    response = client.post(step_url(5), {**CONDITIONS, "travel_regions": [kanto.pk]})

    profile = profile_of(senior)
    assert response.url == reverse("participants:senior_profile_edit")
    assert (
        profile.days_per_month,
        profile.weekdays,
        profile.weekday_list,
        list(profile.travel_regions.all()),
        profile.remote_ok,
        profile.fee_min,
        profile.fee_max,
        profile.registry_number,
        profile.wizard_step,
    ) == (4, 0b10101, [0, 2, 4], [kanto], True, 10000, 30000, "K-12345", 6)


def test_step5_reads_yen_as_typed_in_japanese(client, senior):
    client.post(step_url(5), {**CONDITIONS, "fee_min": "１万円", "fee_max": "¥30,000", "days_per_month": "４日"})

    profile = profile_of(senior)
    assert (profile.fee_min, profile.fee_max, profile.days_per_month) == (10000, 30000, 4)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"fee_min": "50000", "fee_max": "30000"}, "fee_max", "上限は下限と同じか、それより大きい金額にしてください。"),
        ({"fee_min": "-1"}, "fee_min", "金額は0円以上で入力してください。"),
        ({"fee_max": "たくさん"}, "fee_max", "金額は数字で入力してください"),
        ({"fee_max": "99999999999999999999"}, "fee_max", "金額は1000万円以下で入力してください。"),
        ({"days_per_month": "40"}, "days_per_month", "日数は0から31までの数で入力してください。"),
        ({"weekdays": ["7"]}, "weekdays", "曜日は一覧から選んでください。"),
        ({"registry_number": "x" * 31}, "registry_number", "30 文字以内で入力してください（現在 31 文字）。"),
    ],
)
def test_step5_bad_input_error_beside_field(client, senior, changes, field, message):
    response = client.post(step_url(5), {**CONDITIONS, **changes})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}-errors"' in html
    assert message in html
    assert profile_of(senior).fee_min is None


def test_step5_without_registry_number_is_fine(client, senior):
    response = client.post(step_url(5), {**CONDITIONS, "registry_number": ""})

    assert response.status_code == 302


def test_conditions_service_refuses_reversed_fee_range(senior):
    with pytest.raises(SeniorProfileError):
        senior_conditions_update(
            profile=profile_of(senior),
            days_per_month=None,
            weekdays=[],
            travel_regions=[],
            remote_ok=False,
            fee_min=2,
            fee_max=1,
            registry_number="",
        )


# --- demo data -------------------------------------------------------------------------------------------


def test_seed_demo_seniors_complete_with_pledge_and_consent():
    from django.core.management import call_command

    from participants.models import Consent, PledgeAcceptance
    from participants.selectors import senior_has_current_pledge, senior_profiles_visible_to_institutions

    call_command("seed_demo")
    call_command("seed_demo")

    demo = list(SeniorProfile.objects.filter(user__email__endswith="@demo.sks.example.jp").order_by("user__email"))
    assert [senior_profile_completeness(p).percent for p in demo] == [100, 100, 100, 100]
    assert [senior_has_current_pledge(p) for p in demo] == [True] * 4
    assert set(senior_profiles_visible_to_institutions()) >= set(demo)
    assert (
        Consent.objects.filter(senior__in=demo).count(),
        PledgeAcceptance.objects.filter(senior__in=demo).count(),
    ) == (4, 4)
    assert [p.user.email for p in demo if p.expertise.filter(code="sales-channels").exists()] == [
        "senior2@demo.sks.example.jp",
        "senior@demo.sks.example.jp",
    ]
    assert demo[0].wizard_step == 6
