"""Searching 新現役 (coordinators and institution staff), the senior's page and the 第三者提供記録 page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.models import (
    CareerEntry,
    ExpertiseArea,
    Industry,
    ProvisionRecord,
    Qualification,
    Region,
    SeniorProfile,
    User,
)
from participants.selectors import (
    SeniorSearchCriteria,
    search_keywords,
    senior_profiles_visible_to_institutions,
    senior_search,
    senior_search_queryset,
)
from participants.selectors.search import _is_ranked, _planned_for_memory, ranked_ids_sql
from participants.services import (
    senior_anonymise,
    senior_consent_withdraw,
    senior_refresh_search_text,
    senior_search_text,
)
from sks.roles import Role
from tests.conftest import need
from tests.factories import OrganizationFactory, UserFactory, searchable_senior, senior_user, staff_user

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("participants:senior_search")


def make_senior(
    *,
    name: str = "山田 太郎",
    intro: str = "",
    expertise: Iterable[str] = (),
    industries: Iterable[str] = (),
    qualifications: Iterable[str] = (),
    regions: Iterable[str] = (),
    careers: Iterable[tuple[str, str, str]] = (),
    **fields: object,
) -> SeniorProfile:
    """A senior visible to institutions, with choices given by reference-data codes."""
    profile = searchable_senior(
        user=UserFactory(name=name, name_kana="ヤマダ タロウ"), self_introduction=intro, **fields
    )
    profile.expertise.set(ExpertiseArea.objects.filter(code__in=list(expertise)))
    profile.industries.set(Industry.objects.filter(code__in=list(industries)))
    profile.qualifications.set(Qualification.objects.filter(code__in=list(qualifications)))
    profile.travel_regions.set(Region.objects.filter(code__in=list(regions)))
    for position, (employer, department, role) in enumerate(careers):
        CareerEntry.objects.create(
            senior=profile, employer=employer, department=department, role=role, position=position
        )
    senior_refresh_search_text(profile=profile)
    return profile


def found(criteria: SeniorSearchCriteria, page: int = 1) -> list[SeniorProfile]:
    return senior_search(criteria=criteria, page=page).object_list


def kw(text: str) -> SeniorSearchCriteria:
    return SeniorSearchCriteria(keywords=search_keywords(text))


@pytest.fixture
def coordinator() -> User:
    return staff_user(Role.COORDINATOR)


@pytest.fixture
def bank():
    return OrganizationFactory(name="さくら信用金庫")


@pytest.fixture
def bank_staff(bank) -> User:
    return staff_user(Role.BANK_STAFF, bank, name="佐藤 一郎")


# --- keywords ----------------------------------------------------------------------------------------------


def test_search_two_character_keyword_finds_it_inside_japanese_text():
    overseas = make_senior(intro="海外販路開拓の経験があります。")
    make_senior(intro="品質管理を担当しました。")

    assert found(kw("販路")) == [overseas]


def test_search_latin_keyword_finds_it_whatever_the_case():
    dx = make_senior(intro="社内DX推進を担当しました。")
    make_senior(intro="海外販路開拓の経験があります。")

    assert (found(kw("DX")), found(kw("dx")), found(kw("Dx"))) == ([dx], [dx], [dx])


def test_search_full_width_keyword_finds_half_width_text():
    dx = make_senior(intro="社内DX推進を担当しました。")

    assert found(kw("ＤＸ")) == [dx]


def test_search_single_character_keyword_finds_it():
    brewer = make_senior(intro="酒蔵の経営を支援してきました。")
    make_senior(intro="品質管理を担当しました。")

    assert found(kw("酒")) == [brewer]


def test_search_long_keyword_finds_it():
    quality = make_senior(intro="品質管理の仕組みづくり（ISO9001）を指導できます。")
    make_senior(intro="品質保証の責任者でした。管理職研修の講師も務めました。")

    assert (found(kw("品質管理")), found(kw("iso9001"))) == ([quality], [quality])


def test_search_keywords_separated_by_any_space_must_all_match():
    both = make_senior(intro="海外販路開拓の経験があります。")
    make_senior(intro="海外拠点の立ち上げを経験しました。")
    make_senior(intro="国内の販路を広げました。")

    assert (found(kw("海外 販路")), found(kw("海外　販路"))) == ([both], [both])


def test_search_keyword_matches_careers_expertise_and_qualification_names():
    senior = make_senior(
        careers=[("東洋電機株式会社", "品質保証部", "部長")], expertise=["succession"], qualifications=["shindanshi"]
    )

    assert (found(kw("東洋電機")), found(kw("事業承継")), found(kw("診断士"))) == ([senior], [senior], [senior])


@pytest.mark.parametrize("keyword", ["%", "_", "100%", "a_b", "C++", "(株)", "a.b", "\\"])
def test_search_keyword_with_special_characters_matches_literally(keyword):
    literal = make_senior(intro=f"記号を含む文章：{keyword} です。")
    make_senior(intro="記号を含まない文章です。axb acb 100 株")

    assert found(kw(keyword)) == [literal]


def test_search_ranks_more_occurrences_first():
    once = make_senior(intro="販路開拓の経験があります。")
    three_times = make_senior(intro="販路開拓、販路拡大、新しい販路づくりを支援します。")
    twice = make_senior(intro="販路開拓と販路拡大を担当しました。")

    assert found(kw("販路")) == [three_times, twice, once]


def test_search_ranks_ties_newest_first():
    older = make_senior(intro="販路開拓の経験があります。")
    newer = make_senior(intro="販路開拓の経験があります。")

    assert found(kw("販路")) == [newer, older]


def test_ranked_search_gives_the_flat_querysets_rows_in_its_order_on_random_data():
    """senior_search ranks through `ranked_ids_sql` (matches ranked first, visibility checked after); the
    result must be exactly the flat queryset's (`senior_search_queryset`), order included: random profiles,
    some hidden (consent withdrawn, account inactive, anonymised), random keyword and filter combinations."""
    import random

    rng = random.Random(20261205)
    words = ["販路", "海外", "DX", "品質管理", "経営", "財務"]
    areas = list(ExpertiseArea.objects.values_list("code", flat=True)[:5])
    base = timezone.now() - timedelta(days=30)
    for i in range(45):
        text = "".join(rng.choice(words) + "の支援。" for _ in range(rng.randint(0, 7)))
        profile = make_senior(intro=text, expertise=rng.sample(areas, rng.randint(0, 3)), weekdays=rng.randint(0, 127))
        # Ties in the score broken by updated_at: many share one (i % 4), the rest by pk.
        SeniorProfile.objects.filter(pk=profile.pk).update(updated_at=base + timedelta(hours=i % 4))
        hide = rng.random()
        if hide < 0.08:
            senior_consent_withdraw(profile=profile)
        elif hide < 0.14:
            User.objects.filter(pk=profile.user_id).update(is_active=False)
        elif hide < 0.18:
            senior_anonymise(profile=profile)
    area_ids = list(ExpertiseArea.objects.filter(code__in=areas).values_list("pk", flat=True))
    checked = 0
    for _ in range(40):
        criteria = SeniorSearchCriteria(
            keywords=tuple(rng.sample(words, rng.randint(0, 2))),
            expertise_ids=tuple(sorted(rng.sample(area_ids, rng.choice([0, 0, 2, 3])))),
            weekdays=tuple(sorted(rng.sample(range(7), rng.choice([0, 0, 2, 3])))),
        )
        if not _is_ranked(criteria):
            continue
        for limit in (3, 1000):
            sql, params = ranked_ids_sql(criteria=criteria, limit=limit)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                ranked = [row[0] for row in cursor.fetchall()]
            flat = list(senior_search_queryset(criteria=criteria).values_list("pk", flat=True)[:limit])
            assert ranked == flat, criteria
        expected = list(senior_search_queryset(criteria=criteria).values_list("pk", flat=True)[:20])
        assert [p.pk for p in found(criteria)] == expected, criteria
        checked += 1
    assert checked >= 25


def test_search_keywords_splits_on_any_whitespace_and_drops_duplicates():
    assert search_keywords(" 販路　海外\tDX 販路 ") == ("販路", "海外", "DX")


# --- filters -----------------------------------------------------------------------------------------------


def test_search_expertise_matches_any_and_ranks_more_matches_first():
    one = make_senior(expertise=["sales-channels"])
    two = make_senior(expertise=["sales-channels", "overseas"])
    make_senior(expertise=["finance"])
    ids = tuple(ExpertiseArea.objects.filter(code__in=["sales-channels", "overseas"]).values_list("pk", flat=True))

    assert found(SeniorSearchCriteria(expertise_ids=ids)) == [two, one]


def test_search_industry_major_matches_its_middle_groups():
    food = make_senior(industries=["09"])  # 食料品製造業, in E 製造業
    make_senior(industries=["58"])  # 飲食料品小売業, in I
    manufacturing = Industry.objects.get(code="E")

    assert found(SeniorSearchCriteria(industry_major_id=manufacturing.pk)) == [food]


def test_search_qualification_prefecture_and_region_filters():
    wanted = make_senior(qualifications=["shindanshi"], prefecture="27", regions=["kinki"])
    make_senior(qualifications=["shindanshi"], prefecture="13", regions=["kinki"])
    make_senior(qualifications=["zeirishi"], prefecture="27", regions=["kinki"])
    make_senior(qualifications=["shindanshi"], prefecture="27", regions=["kanto"])
    criteria = SeniorSearchCriteria(
        qualification_id=Qualification.objects.get(code="shindanshi").pk,
        prefecture="27",
        region_id=Region.objects.get(code="kinki").pk,
    )

    assert found(criteria) == [wanted]


def test_search_weekdays_match_any_ticked_day_and_rank_more_days_first():
    monday = make_senior(weekdays=0b0000001)
    monday_and_wednesday = make_senior(weekdays=0b0000101)
    make_senior(weekdays=0b0000010)  # Tuesday only

    assert found(SeniorSearchCriteria(weekdays=(0, 2))) == [monday_and_wednesday, monday]


def test_search_min_days_and_remote_filters():
    wanted = make_senior(days_per_month=8, remote_ok=True)
    make_senior(days_per_month=4, remote_ok=True)
    make_senior(days_per_month=10, remote_ok=False)
    make_senior(days_per_month=None, remote_ok=True)

    assert found(SeniorSearchCriteria(min_days_per_month=8, remote_ok=True)) == [wanted]


def test_search_keyword_and_filters_combine():
    wanted = make_senior(intro="社内DX推進を担当しました。", prefecture="13")
    make_senior(intro="社内DX推進を担当しました。", prefecture="14")
    make_senior(intro="品質管理を担当しました。", prefecture="13")

    assert found(SeniorSearchCriteria(keywords=("DX",), prefecture="13")) == [wanted]


# --- who appears ---------------------------------------------------------------------------------------------


def test_search_without_criteria_lists_visible_seniors_newest_first():
    first = make_senior()
    second = make_senior()

    assert found(SeniorSearchCriteria()) == [second, first]


def test_search_hides_senior_without_consent():
    make_senior(intro="販路開拓の経験があります。")
    no_consent = SeniorProfile.objects.get(user=senior_user())
    no_consent.self_introduction = "販路開拓の経験があります。"
    no_consent.save()
    senior_refresh_search_text(profile=no_consent)

    assert no_consent not in found(kw("販路"))


def test_search_withdrawn_consent_hides_senior_at_once():
    senior = make_senior(intro="販路開拓の経験があります。")
    assert found(kw("販路")) == [senior]

    senior_consent_withdraw(profile=senior)

    assert found(kw("販路")) == []


def test_search_never_shows_anonymised_senior():
    senior = make_senior(name="消える 人", intro="販路開拓の経験があります。", expertise=["sales-channels"])

    senior_anonymise(profile=senior)

    assert (found(kw("販路")), found(SeniorSearchCriteria())) == ([], [])


def test_search_hides_senior_whose_account_is_inactive():
    senior = make_senior(intro="販路開拓の経験があります。")
    User.objects.filter(pk=senior.user_id).update(is_active=False)

    assert found(kw("販路")) == []


# --- paging and queries ------------------------------------------------------------------------------------------


def test_search_pages_hold_twenty_and_a_page_past_the_end_shows_the_last():
    seniors = [make_senior(intro="販路") for _ in range(25)]

    first, second, past = (senior_search(criteria=kw("販路"), page=n) for n in (1, 2, 9))

    assert (first.object_list, second.object_list) == (seniors[::-1][:20], seniors[::-1][20:])
    assert (first.total, first.num_pages, past.number, past.object_list) == (25, 2, 2, seniors[::-1][20:])


def test_search_counts_at_most_max_counted(monkeypatch):
    monkeypatch.setattr("participants.selectors.search.MAX_COUNTED", 3)
    for _ in range(5):
        make_senior(intro="販路")

    result = senior_search(criteria=kw("販路"), page=1)

    assert (result.capped, result.shown_total, len(result.object_list)) == (True, 3, 3)


def _selector_queries(criteria: SeniorSearchCriteria) -> int:
    with CaptureQueriesContext(connection) as ctx:
        senior_search(criteria=criteria, page=1)
    return len(ctx.captured_queries)


# PostgreSQL adds a savepoint and its release, and reads, sets and restores the planner setting (see
# _planned_for_memory).
EXTRA_ON_POSTGRESQL = 5


@pytest.mark.parametrize("criteria", [kw("販路"), SeniorSearchCriteria(prefecture="14")], ids=["ranked", "filters"])
def test_search_queries_are_constant_for_1_and_25_results(criteria):
    extra = EXTRA_ON_POSTGRESQL if connection.vendor == "postgresql" else 0
    expected = (6 if criteria.keywords else 7) + extra  # ids (+ count), profiles and users, 4 prefetches
    make_senior(intro="販路", expertise=["sales-channels"], careers=[("東洋電機株式会社", "", "")])
    one = _selector_queries(criteria)
    for _ in range(24):
        make_senior(intro="販路", expertise=["finance"], regions=["kanto"], careers=[("日本商事株式会社", "", "")])

    assert (one, _selector_queries(criteria)) == (expected, expected)


def test_search_view_queries_are_constant_for_1_and_25_results(client, coordinator):
    client.force_login(coordinator)
    client.get(SEARCH_URL)  # the first request of a session writes to it
    make_senior(intro="販路", expertise=["sales-channels"], qualifications=["shindanshi"])
    client.get(SEARCH_URL, {"q": "販路"})  # the filter column is cached from now on (test below)
    with CaptureQueriesContext(connection) as one:
        assert client.get(SEARCH_URL, {"q": "販路"}).status_code == 200
    for _ in range(24):
        make_senior(intro="販路", expertise=["finance"], qualifications=["zeirishi"], regions=["kanto"])

    with CaptureQueriesContext(connection) as many:
        response = client.get(SEARCH_URL, {"q": "販路"})

    assert (len(response.context["page"].object_list), len(many)) == (20, len(one))


# --- the search page --------------------------------------------------------------------------------------------


def test_search_page_lists_matching_seniors_with_links(client, bank_staff):
    senior = make_senior(name="高橋 健一", intro="海外販路開拓の経験があります。", expertise=["sales-channels"])
    make_senior(name="鈴木 茂", intro="品質管理を担当しました。")
    client.force_login(bank_staff)

    response = client.get(SEARCH_URL, {"q": "販路"})

    body = response.content.decode()
    assert (response.status_code, "高橋 健一" in body, "鈴木 茂" in body) == (200, True, False)
    assert reverse("participants:senior_detail", args=[senior.pk]) in body
    assert "1人見つかりました。" in body


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "あ い う え お か"}, "q", "キーワードは5個までにしてください。"),
        ({"q": "あ" * 31}, "q", "1つのキーワードは30文字以内にしてください（スペースで区切れます）。"),
        ({"min_days": "0"}, "min_days", "日数は1〜31の半角数字で入力してください。"),
        ({"min_days": "32"}, "min_days", "日数は1〜31の半角数字で入力してください。"),
        ({"min_days": "たくさん"}, "min_days", "日数は1〜31の半角数字で入力してください。"),
        ({"expertise": "99999"}, "expertise", "正しく選択してください。 99999 は候補にありません。"),
        ({"industry": "abc"}, "industry", "正しく選択してください。選択したものは候補にありません。"),
        ({"weekdays": "9"}, "weekdays", "正しく選択してください。 9 は候補にありません。"),
        ({"prefecture": "99"}, "prefecture", "正しく選択してください。 99 は候補にありません。"),
    ],
)
def test_search_bad_input_shows_japanese_error_beside_the_field(client, coordinator, params, field, message):
    client.force_login(coordinator)

    response = client.get(SEARCH_URL, params)

    assert (response.status_code, response.context["form"].errors[field], response.context["page"]) == (
        200,
        [message],
        None,
    )
    assert f'id="id_{field}-errors"' in response.content.decode()


def test_search_page_number_that_is_not_a_number_shows_the_first_page(client, coordinator):
    make_senior(intro="販路")
    client.force_login(coordinator)

    response = client.get(SEARCH_URL, {"q": "販路", "page": "abc"})

    assert (response.status_code, response.context["page"].number) == (200, 1)


def test_search_htmx_page_link_gets_the_results_only(client, coordinator):
    make_senior(name="高橋 健一", intro="販路")
    client.force_login(coordinator)

    response = client.get(SEARCH_URL, {"q": "販路"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results")

    body = response.content.decode()
    assert ("高橋 健一" in body, "<html" in body, 'name="q"' in body) == (True, False, False)


def test_search_htmx_form_gets_the_form_with_its_errors(client, coordinator):
    client.force_login(coordinator)

    response = client.get(SEARCH_URL, {"min_days": "0"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-area")

    body = response.content.decode()
    assert ("<html" in body, "日数は1〜31の半角数字で入力してください。" in body) == (False, True)


def test_search_filter_column_is_cached_per_values_and_follows_the_reference_tables(client, coordinator):
    """The filter column is cached (participants.views.search.filters_state): the same values share it, other
    values get their own, and a renamed reference row shows at once."""
    client.force_login(coordinator)
    area = ExpertiseArea.objects.get(code="sales-channels")

    def checked(params: dict[str, str]) -> bool:
        body = client.get(SEARCH_URL, params).content.decode()
        box = re.search(rf'<input[^>]*name="expertise"[^>]*value="{area.pk}"[^>]*>', body)
        assert box is not None
        return "checked" in box.group(0)

    assert [checked({"q": "販路"}), checked({"q": "販路", "expertise": str(area.pk)}), checked({"q": "販路"})] == [
        False,
        True,
        False,
    ]
    with CaptureQueriesContext(connection) as cached:
        client.get(SEARCH_URL, {"q": "販路"})
    assert not [q for q in cached.captured_queries if "participants_expertisearea" in q["sql"]]

    area.name = "販路の開拓（改称）"
    area.save()

    assert "販路の開拓（改称）" in client.get(SEARCH_URL, {"q": "販路"}).content.decode()


def test_search_filter_column_with_an_error_is_not_cached(client, coordinator):
    client.force_login(coordinator)

    first = client.get(SEARCH_URL, {"min_days": "0"}).content.decode()
    second = client.get(SEARCH_URL, {"min_days": "0"}).content.decode()
    valid = client.get(SEARCH_URL, {"min_days": "3"}).content.decode()

    message = "日数は1〜31の半角数字で入力してください。"
    assert (message in first, message in second, message in valid) == (True, True, False)
    assert 'name="min_days" value="3"' in valid


def test_search_result_card_shows_areas_qualifications_regions_and_first_career(client, coordinator):
    make_senior(
        name="高橋 健一",
        intro="販路",
        expertise=["sales-channels", "finance"],
        qualifications=["shindanshi"],
        regions=["kanto"],
        careers=[("東洋電機株式会社", "営業部", "部長"), ("日本商事株式会社", "", "")],
    )
    client.force_login(coordinator)

    body = client.get(SEARCH_URL, {"q": "販路"}).content.decode()

    card = body[body.index("高橋 健一") :]
    labels = [ExpertiseArea.objects.get(code=c).label for c in ("sales-channels", "finance")]
    expected = [*labels, Qualification.objects.get(code="shindanshi").label, Region.objects.get(code="kanto").label]
    assert all(label in card for label in expected)
    assert "東洋電機株式会社 営業部 部長" in card
    assert "日本商事株式会社" not in card


# --- a senior's page and the provision record ------------------------------------------------------------------


ITEMS = (
    "氏名、氏名（カナ）、生まれ年、都道府県、市区町村、自己紹介、専門分野、経験のある業種、資格、その他の資格、"
    "活動できる日数（月あたり）、活動できる曜日、訪問できる地域、オンラインでの支援も可能、"
    "希望謝金（下限・円/回）、希望謝金（上限・円/回）、職歴"
)


def test_senior_detail_by_bank_staff_records_the_provision(client, bank, bank_staff):
    senior = make_senior(name="高橋 健一", intro="海外販路開拓の経験があります。")
    client.force_login(bank_staff)

    response = client.get(reverse("participants:senior_detail", args=[senior.pk]))

    record = ProvisionRecord.objects.get()
    assert response.status_code == 200
    assert (record.senior, record.recipient, record.recipient_organization, record.purpose, record.items) == (
        senior,
        bank_staff,
        bank,
        "新現役交流会のマッチング",
        ITEMS,
    )


def test_senior_detail_again_the_same_day_adds_no_record(client, bank_staff):
    senior = make_senior()
    client.force_login(bank_staff)
    url = reverse("participants:senior_detail", args=[senior.pk])

    client.get(url)
    client.get(url)

    assert ProvisionRecord.objects.count() == 1


def test_senior_detail_on_another_day_adds_a_record(client, bank_staff):
    senior = make_senior()
    client.force_login(bank_staff)
    url = reverse("participants:senior_detail", args=[senior.pk])
    client.get(url)

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        client.get(url)

    assert ProvisionRecord.objects.count() == 2


def test_senior_detail_by_coordinator_records_no_provision(client, coordinator):
    senior = make_senior()
    client.force_login(coordinator)

    response = client.get(reverse("participants:senior_detail", args=[senior.pk]))

    assert (response.status_code, ProvisionRecord.objects.count()) == (200, 0)


def test_senior_detail_read_is_audited(client, bank_staff):
    senior = make_senior()
    client.force_login(bank_staff)

    client.get(reverse("participants:senior_detail", args=[senior.pk]), REMOTE_ADDR="203.0.113.9")

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(senior.pk))
    assert (entry.actor, entry.remote_addr) == (bank_staff, "203.0.113.9")


def test_senior_detail_shows_contact_details_to_coordinators_only(client, coordinator, bank_staff):
    senior = make_senior(phone="090-1234-5678", careers=[("東洋電機株式会社", "品質保証部", "部長")])
    url = reverse("participants:senior_detail", args=[senior.pk])

    client.force_login(coordinator)
    as_coordinator = client.get(url).content.decode()
    client.force_login(bank_staff)
    as_staff = client.get(url).content.decode()

    assert ("090-1234-5678" in as_coordinator, senior.user.email in as_coordinator) == (True, True)
    assert ("090-1234-5678" in as_staff, senior.user.email in as_staff, "東洋電機株式会社" in as_staff) == (
        False,
        False,
        True,
    )


def test_senior_detail_after_withdrawal_is_404_at_once(client, bank_staff):
    senior = make_senior()
    client.force_login(bank_staff)
    url = reverse("participants:senior_detail", args=[senior.pk])
    assert client.get(url).status_code == 200

    senior_consent_withdraw(profile=senior)

    assert client.get(url).status_code == 404


def test_senior_detail_of_anonymised_or_missing_senior_is_404(client, coordinator):
    senior = make_senior()
    senior_anonymise(profile=senior)
    client.force_login(coordinator)

    statuses = [client.get(reverse("participants:senior_detail", args=[pk])).status_code for pk in (senior.pk, 999999)]

    assert statuses == [404, 404]


def test_senior_detail_of_senior_without_consent_is_404_and_records_nothing(client, bank_staff):
    profile = SeniorProfile.objects.get(user=senior_user())
    client.force_login(bank_staff)

    response = client.get(reverse("participants:senior_detail", args=[profile.pk]))

    assert (response.status_code, ProvisionRecord.objects.count()) == (404, 0)


# --- the provision record page ---------------------------------------------------------------------------------


def test_senior_provisions_lists_what_was_provided_to_whom(client, bank, bank_staff, coordinator):
    senior = make_senior(name="高橋 健一")
    client.force_login(bank_staff)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 4, 3, 14, 5)), tick=False):
        client.get(reverse("participants:senior_detail", args=[senior.pk]))
    client.force_login(coordinator)

    response = client.get(reverse("participants:senior_provisions", args=[senior.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert [
        text in body
        for text in ("2026年4月3日 14:05", "さくら信用金庫", "佐藤 一郎", "新現役交流会のマッチング", ITEMS)
    ] == [True] * 5


def test_senior_provisions_stay_visible_after_withdrawal(client, bank_staff, coordinator):
    senior = make_senior()
    client.force_login(bank_staff)
    client.get(reverse("participants:senior_detail", args=[senior.pk]))
    senior_consent_withdraw(profile=senior)
    client.force_login(coordinator)

    response = client.get(reverse("participants:senior_provisions", args=[senior.pk]))

    assert (response.status_code, len(response.context["page"].object_list)) == (200, 1)


def test_senior_provisions_of_missing_senior_is_404(client, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("participants:senior_provisions", args=[999999])).status_code == 404


# --- seed_scale ------------------------------------------------------------------------------------------------------


def test_seed_scale_adds_seniors_up_to_the_count():
    make_senior()

    call_command("seed_scale", seniors=12, batch_size=5, stdout=StringIO())
    call_command("seed_scale", seniors=12, stdout=StringIO())

    assert SeniorProfile.objects.count() == 12


def test_seed_scale_search_text_is_what_senior_search_text_computes():
    call_command("seed_scale", seniors=30, stdout=StringIO())

    profiles = SeniorProfile.objects.select_related("user").prefetch_related(
        "careers", "expertise", "industries", "qualifications"
    )
    mismatched = [p.pk for p in profiles if p.search_text != senior_search_text(p)]
    assert (profiles.count(), mismatched) == (30, [])


def test_seed_scale_seniors_are_searchable():
    call_command("seed_scale", seniors=40, stdout=StringIO())
    visible = senior_profiles_visible_to_institutions()
    text_of_one = visible.order_by("pk").first().self_introduction

    assert visible.count() >= 35
    assert found(kw(text_of_one[:2])) != []


def test_seed_scale_refuses_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="本番環境"):
        call_command("seed_scale", seniors=5, stdout=StringIO())


# --- PostgreSQL: the indexes of migration 0003 ---------------------------------------------------------------------


def _postgresql() -> None:
    need(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")


@pytest.mark.postgres
def test_postgresql_keywords_are_served_by_the_search_indexes():
    """On 2,000 profiles (enough for the planner to prefer an index) plus two with rare words."""
    _postgresql()
    call_command("seed_scale", seniors=2000, stdout=StringIO())
    make_senior(intro="酒蔵の経営と養蜂場の立ち上げを支援しました。")
    with connection.cursor() as cursor:
        # What autovacuum does in a live database: merge GIN's pending list (fast inserts) into the index
        # and gather statistics. Until then the planner prices reading the whole pending list.
        for index in ("participants_senior_search_grams", "participants_senior_search_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE participants_seniorprofile")
        cursor.execute("ANALYZE participants_consent")
        cursor.execute("ANALYZE participants_user")
    plans = {}
    with _planned_for_memory():  # as the search runs its queries
        for keyword in ("酒蔵", "酒", "養蜂場", "DX", "品質管理"):
            plans[keyword] = senior_search_queryset(criteria=kw(keyword)).values_list("pk", flat=True).explain()

    def index_of(plan: str) -> str:
        for index in ("participants_senior_search_grams", "participants_senior_search_trgm"):
            if f"Bitmap Index Scan on {index}" in plan:
                return index.removeprefix("participants_senior_search_")
        return plan

    assert {k: index_of(plan) for k, plan in plans.items()} == {
        "酒蔵": "grams",
        "酒": "grams",
        "養蜂場": "trgm",
        "DX": "grams",
        "品質管理": "trgm",
    }


@pytest.mark.postgres
def test_postgresql_keyword_examples_match_substrings():
    _postgresql()
    overseas = make_senior(intro="海外販路開拓の経験")
    dx = make_senior(intro="社内DX推進")
    both = make_senior(intro="海外販路開拓と社内DX推進と品質管理")

    results = [found(kw(text)) for text in ("販路", "DX", "dx", "ＤＸ", "DX 販路", "dx 品質管理", "推進")]

    assert results == [[both, overseas], [both, dx], [both, dx], [both, dx], [both], [both], [both, dx]]


@pytest.mark.postgres
def test_postgresql_grams_are_every_character_and_adjacent_pair_lower_cased():
    _postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SELECT sks_search_grams(%s)", ["社内DX\n推進"])
        grams = set(cursor.fetchone()[0])

    assert {"社", "内", "d", "x", "推", "進", "社内", "内d", "dx", "推進"} <= grams
    assert {"DX", "x推"} & grams == set()


@pytest.mark.postgres
def test_postgresql_search_restores_random_page_cost():
    _postgresql()
    make_senior(intro="販路")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL random_page_cost = 3.5")

        senior_search(criteria=kw("販路"), page=1)

        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "3.5"
