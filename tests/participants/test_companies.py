"""Client companies: list, detail, create and edit (bank staff and institution admins, own institution only)."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants.models import Company, Industry
from participants.services import CompanyDuplicateError, CompanyError, company_create, company_update
from sks.roles import Role
from tests.access import arranging, as_user, every
from tests.factories import (
    BranchFactory,
    CompanyFactory,
    MembershipFactory,
    OrganizationFactory,
    corporate_number,
    senior_user,
    staff_user,
)
from tests.helpers import assert_isolated

pytestmark = pytest.mark.django_db

CN_1 = corporate_number(100000000001)
CN_2 = corporate_number(100000000002)


@pytest.fixture
def world():
    with arranging():
        bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
        branch_a1 = BranchFactory(organization=bank_a, name="本店", code="001")
        branch_a2 = BranchFactory(organization=bank_a, name="川崎支店", code="012")
        branch_b = BranchFactory(organization=bank_b, name="B本店", code="001")
        return {
            "bank_a": bank_a,
            "bank_b": bank_b,
            "branch_a1": branch_a1,
            "branch_a2": branch_a2,
            "branch_b": branch_b,
            "staff_a": staff_user(Role.BANK_STAFF, bank_a, name="融資 花子"),
            "admin_a": staff_user(Role.INSTITUTION_ADMIN, bank_a),
            "staff_b": staff_user(Role.BANK_STAFF, bank_b),
        }


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "株式会社川崎精密工業",
        "name_kana": "カワサキセイミツコウギョウ",
        "corporate_number": CN_1,
        "client_code": "C-0001",
        "prefecture": "14",
        "city": "川崎市川崎区",
        "industry_major": "",
        "industry": "",
        "employees": "25",
        "capital": "10,000,000",
        "founded_year": "1985",
        "president_name": "佐藤 一郎",
        "phone": "044-000-0000",
        "email": "info@kawasaki-seimitsu.example.jp",
        "website": "https://kawasaki-seimitsu.example.jp/",
        "branch": "",
        "responsible_staff": "",
        "internal_notes": "設備更新の融資を検討中。",
    }
    data.update(overrides)
    return data


def field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


# --- list -------------------------------------------------------------------------------------------


def list_names(response) -> list[str]:
    return [c.name for c in response.context["page"].object_list]


def test_company_list_filter_by_branch_shows_only_that_branch(world):
    CompanyFactory(institution=world["bank_a"], branch=world["branch_a1"], name="本店の企業", name_kana="ア")
    CompanyFactory(institution=world["bank_a"], branch=world["branch_a2"], name="川崎の企業", name_kana="イ")

    response = client_for(world["staff_a"]).get(reverse("participants:company_list"), {"branch": world["branch_a2"].pk})

    assert list_names(response) == ["川崎の企業"]


def test_company_list_filter_by_industry_major_shows_only_that_industry(world):
    CompanyFactory(institution=world["bank_a"], name="製造の企業", industry_major=industry("E"), name_kana="ア")
    CompanyFactory(institution=world["bank_a"], name="小売の企業", industry_major=industry("I"), name_kana="イ")

    response = client_for(world["staff_a"]).get(reverse("participants:company_list"), {"industry": "E"})

    assert list_names(response) == ["製造の企業"]


@pytest.mark.parametrize(
    "q",
    ["精密", "カワサキ", "かわさき", "ｶﾜｻｷ", CN_1[:6], "１" + CN_1[1:5] if CN_1[0] == "1" else CN_1[:5], "c-0001"],
    ids=["name", "kana", "hiragana", "halfwidth-kana", "corporate-number", "fullwidth-digits", "client-code"],
)
def test_company_list_keyword_matches_name_kana_corporate_number_and_client_code(world, q):
    CompanyFactory(
        institution=world["bank_a"],
        name="株式会社川崎精密工業",
        name_kana="カワサキセイミツコウギョウ",
        corporate_number=CN_1,
        client_code="C-0001",
    )
    CompanyFactory(institution=world["bank_a"], name="湘南ベーカリー", name_kana="ショウナンベーカリー")

    response = client_for(world["staff_a"]).get(reverse("participants:company_list"), {"q": q})

    assert list_names(response) == ["株式会社川崎精密工業"]


def test_company_list_keyword_too_long_shows_error_beside_field(world):
    CompanyFactory(institution=world["bank_a"])

    response = client_for(world["staff_a"]).get(reverse("participants:company_list"), {"q": "あ" * 101})

    assert (response.status_code, list_names(response)) == (200, [])
    assert field_errors(response, "q") == ["100 文字以内で入力してください（現在 101 文字）。"]


def test_company_list_branch_of_other_institution_answers_404(world):
    url = reverse("participants:company_list") + f"?branch={world['branch_a1'].pk}"

    assert_isolated(url, owner=world["staff_a"], outsider=world["staff_b"])


def test_company_list_pages_keep_the_filters(world):
    for i in range(51):
        CompanyFactory(institution=world["bank_a"], branch=world["branch_a1"], name=f"企業{i:02d}", name_kana="ア")
    CompanyFactory(institution=world["bank_a"], branch=world["branch_a2"], name="別支店の企業")

    response = client_for(world["staff_a"]).get(reverse("participants:company_list"), {"branch": world["branch_a1"].pk})

    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (51, 50)
    assert f'href="?branch={world["branch_a1"].pk}&amp;page=2"' in response.content.decode()


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("-3", 1), ("99999999999999999999999", 2)])
def test_company_list_page_number_typed_badly_shows_a_page(world, page, shown):
    for i in range(51):
        CompanyFactory(institution=world["bank_a"], name=f"企業{i:02d}")

    response = client_for(world["staff_a"]).get(reverse("participants:company_list"), {"page": page})

    assert (response.status_code, response.context["page"].number) == (200, shown)


def test_company_list_htmx_request_gets_only_the_results(world):
    CompanyFactory(institution=world["bank_a"], name="株式会社HTMX")

    response = client_for(world["staff_a"]).get(
        reverse("participants:company_list"), {"q": "HTMX"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert (body.lstrip().startswith('<div id="company-results">'), "株式会社HTMX" in body, "<html" in body) == (
        True,
        True,
        False,
    )


def test_company_list_other_institution_sees_none_of_its_clients(world):
    CompanyFactory(institution=world["bank_a"], name="秘密の取引先")

    response = client_for(world["staff_b"]).get(reverse("participants:company_list"), {"q": "秘密"})

    assert (response.status_code, list_names(response)) == (200, [])


@pytest.mark.parametrize("params", [{}, {"q": "企業", "industry": "E"}], ids=["plain", "filtered"])
def test_company_list_queries_constant(world, django_assert_max_num_queries, params):
    client = client_for(world["staff_a"])
    url = reverse("participants:company_list")

    def add(n: int) -> None:
        for _ in range(n):
            CompanyFactory(
                institution=world["bank_a"],
                name="企業",
                branch=world["branch_a1"],
                industry_major=industry("E"),
                industry=industry("09"),
                responsible_staff=world["staff_a"],
            )

    add(1)
    client.get(url, params)  # warm the session
    with django_assert_max_num_queries(12) as one_row:
        client.get(url, params)
    add(9)

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get(url, params)
    assert len(response.context["page"].object_list) == 10


# --- create -----------------------------------------------------------------------------------------


def test_company_create_saves_for_the_users_institution(world):
    data = form_data(
        branch=world["branch_a2"].pk,
        responsible_staff=world["staff_a"].pk,
        industry_major=industry("E").pk,
        industry=industry("09").pk,
    )

    response = client_for(world["staff_a"]).post(reverse("participants:company_create"), data)

    company = every(Company).get(name="株式会社川崎精密工業")
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:company_detail", args=[company.pk])
    assert (
        company.institution,
        company.branch,
        company.responsible_staff,
        company.created_by,
        company.corporate_number,
        company.industry_major.code,
        company.industry.code,
        company.employees,
        company.capital,
        company.founded_year,
    ) == (
        world["bank_a"],
        world["branch_a2"],
        world["staff_a"],
        world["staff_a"],
        CN_1,
        "E",
        "09",
        25,
        10_000_000,
        1985,
    )


def test_company_create_institution_field_in_post_is_ignored(world):
    client_for(world["staff_a"]).post(reverse("participants:company_create"), form_data(institution=world["bank_b"].pk))

    assert every(Company).get(name="株式会社川崎精密工業").institution == world["bank_a"]


def test_company_create_user_with_two_institutions_registers_for_the_first(world):
    user = world["staff_a"]
    bank_c = OrganizationFactory(name="C信用組合")
    MembershipFactory(user=user, organization=bank_c, role=Role.BANK_STAFF)
    user.refresh_from_db()
    first = min(world["bank_a"].pk, bank_c.pk)

    client_for(user).post(reverse("participants:company_create"), form_data())

    assert every(Company).get(name="株式会社川崎精密工業").institution_id == first


def test_company_create_branch_of_other_institution_refused_beside_field(world):
    response = client_for(world["staff_a"]).post(
        reverse("participants:company_create"), form_data(branch=world["branch_b"].pk)
    )

    assert field_errors(response, "branch") == ["正しく選択してください。選択したものは候補にありません。"]
    assert every(Company).count() == 0


def test_company_create_responsible_staff_of_other_institution_refused_beside_field(world):
    response = client_for(world["staff_a"]).post(
        reverse("participants:company_create"), form_data(responsible_staff=world["staff_b"].pk)
    )

    assert field_errors(response, "responsible_staff") == ["正しく選択してください。選択したものは候補にありません。"]


def test_company_create_industry_middle_outside_major_error_beside_field(world):
    response = client_for(world["staff_a"]).post(
        reverse("participants:company_create"),
        form_data(industry_major=industry("E").pk, industry=industry("56").pk),
    )

    assert field_errors(response, "industry") == [
        f"「{industry('56').name}」は大分類「製造業」に含まれません（「{industry('56').parent.name}」の中分類です）。"
    ]
    assert every(Company).count() == 0


def test_company_create_industry_middle_without_major_fills_the_major(world):
    client_for(world["staff_a"]).post(reverse("participants:company_create"), form_data(industry=industry("09").pk))

    assert every(Company).get().industry_major.code == "E"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "corporate_number",
            str(int(CN_1[0]) % 9 + 1) + CN_1[1:],
            "法人番号の検査用数字（先頭の1桁）が合いません。番号をご確認ください。",
        ),
        ("corporate_number", "12345", "法人番号は13桁の半角数字で入力してください。"),
        ("name_kana", "川崎セイミツ", "全角カタカナで入力してください（例：ヤマダ タロウ）。"),
        (
            "founded_year",
            "1700",
            f"1700年はありえない年です。西暦4桁（1868〜{timezone.localdate().year}）で入力してください。",
        ),
        (
            "founded_year",
            str(timezone.localdate().year + 1),
            f"{timezone.localdate().year + 1}年はありえない年です。"
            f"西暦4桁（1868〜{timezone.localdate().year}）で入力してください。",
        ),
        ("founded_year", "むかし", "西暦4桁（例：1958）または和暦（例：昭和33年）で入力してください。"),
        ("employees", "-3", "従業員数は0以上の整数で入力してください（例：25）。"),
        ("employees", "12.5", "従業員数は0以上の整数で入力してください（例：25）。"),
        ("capital", "-100", "資本金は0以上の金額（円）で入力してください（例：10,000,000 または 1000万円）。"),
        ("phone", "でんわ", "電話番号は数字とハイフンで入力してください。"),
        ("name", "", "企業名を入力してください。"),
    ],
    ids=[
        "check-digit",
        "short-corporate-number",
        "kana-with-kanji",
        "year-too-early",
        "year-in-future",
        "year-not-a-year",
        "negative-employees",
        "fractional-employees",
        "negative-capital",
        "phone",
        "name-missing",
    ],
)
def test_company_create_bad_input_error_beside_field(world, field, value, message):
    response = client_for(world["staff_a"]).post(reverse("participants:company_create"), form_data(**{field: value}))

    assert (response.status_code, field_errors(response, field)) == (200, [message])
    assert f'id="id_{field}-errors"' in response.content.decode()
    assert every(Company).count() == 0


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("name_kana", "かわさき せいみつ", "カワサキ セイミツ"),
        ("name_kana", "ｶﾜｻｷ", "カワサキ"),
        ("corporate_number", " " + "".join(chr(ord(c) + 0xFEE0) for c in CN_1), CN_1),
        ("employees", "１，２００人", 1200),
        ("capital", "3000万円", 30_000_000),
        ("founded_year", "昭和60年", 1985),
        ("founded_year", "平成元年", 1989),
    ],
    ids=["hiragana", "halfwidth-kana", "fullwidth-digits", "fullwidth-amount", "man-yen", "showa", "heisei-gannen"],
)
def test_company_create_tidies_what_people_type(world, field, typed, stored):
    response = client_for(world["staff_a"]).post(reverse("participants:company_create"), form_data(**{field: typed}))

    assert response.status_code == 302
    assert getattr(every(Company).get(), field) == stored


@pytest.mark.parametrize(
    ("field", "existing_kwargs", "overrides", "message"),
    [
        ("corporate_number", {"corporate_number": CN_1}, {}, "この法人番号の企業はすでに登録されています。"),
        (
            "client_code",
            {"client_code": "C-0001"},
            {"corporate_number": CN_2},
            "この取引先コードの企業はすでに登録されています。",
        ),
        (
            "name",
            {"name": "株式会社川崎精密工業", "prefecture": "14"},
            {"corporate_number": "", "client_code": ""},
            "同じ企業名・都道府県の企業がすでに登録されています。",
        ),
    ],
    ids=["corporate-number", "client-code", "name-and-prefecture"],
)
def test_company_create_duplicate_refused_with_link_to_existing(world, field, existing_kwargs, overrides, message):
    existing = CompanyFactory(institution=world["bank_a"], **{"name": "既存の企業", **existing_kwargs})

    response = client_for(world["staff_a"]).post(reverse("participants:company_create"), form_data(**overrides))

    assert field_errors(response, field) == [message]
    assert response.context["duplicate"] == existing
    assert f'href="{reverse("participants:company_detail", args=[existing.pk])}"' in response.content.decode()
    assert every(Company).count() == 1


def test_company_create_same_company_in_another_institution_is_allowed(world):
    CompanyFactory(
        institution=world["bank_b"], name="株式会社川崎精密工業", corporate_number=CN_1, client_code="C-0001"
    )

    response = client_for(world["staff_a"]).post(reverse("participants:company_create"), form_data())

    assert response.status_code == 302
    assert every(Company).filter(corporate_number=CN_1).count() == 2


def test_company_create_same_name_in_another_prefecture_is_allowed(world):
    CompanyFactory(institution=world["bank_a"], name="株式会社川崎精密工業", prefecture="13")

    response = client_for(world["staff_a"]).post(reverse("participants:company_create"), form_data())

    assert response.status_code == 302


# --- services -----------------------------------------------------------------------------------------


def test_company_create_service_refuses_an_institution_the_user_does_not_belong_to(world):
    with pytest.raises(CompanyError) as exc:
        company_create(by=world["staff_a"], institution=world["bank_b"], name="越境株式会社")

    assert exc.value.message == "この金融機関の企業を登録・変更する権限がありません。"


def test_company_update_service_branch_of_other_institution_refused(world):
    company = CompanyFactory(institution=world["bank_a"])

    with pytest.raises(CompanyError) as exc, as_user(world["staff_a"]):
        company_update(company=company, by=world["staff_a"], branch=world["branch_b"])

    assert (exc.value.field, exc.value.message) == ("branch", "自機関の支店を選んでください。")


def test_company_update_service_responsible_staff_of_other_institution_refused(world):
    company = CompanyFactory(institution=world["bank_a"])

    with pytest.raises(CompanyError) as exc, as_user(world["staff_a"]):
        company_update(company=company, by=world["staff_a"], responsible_staff=world["staff_b"])

    assert (exc.value.field, exc.value.message) == ("responsible_staff", "担当者は自機関の職員から選んでください。")


def test_company_update_service_duplicate_client_code_refused(world):
    CompanyFactory(institution=world["bank_a"], client_code="C-9")
    company = CompanyFactory(institution=world["bank_a"], client_code="C-1")

    with pytest.raises(CompanyDuplicateError) as exc, as_user(world["staff_a"]):
        company_update(company=company, by=world["staff_a"], client_code="C-9")

    assert exc.value.field == "client_code"


def test_company_create_service_records_the_actor_outside_a_request(world):
    with as_user(world["staff_a"]):
        company = company_create(by=world["staff_a"], institution=world["bank_a"], name="監査株式会社")

    entry = LogEntry.objects.get_for_object(company).get(action=LogEntry.Action.CREATE)
    assert entry.actor == world["staff_a"]


# --- edit -------------------------------------------------------------------------------------------


def test_company_edit_saves_changes_and_records_history(world):
    company = CompanyFactory(institution=world["bank_a"], name="旧社名株式会社", employees=10)
    data = form_data(name="新社名株式会社", corporate_number="", client_code="", employees="12")

    response = client_for(world["staff_a"]).post(reverse("participants:company_edit", args=[company.pk]), data)

    company.refresh_from_db()
    assert (response.status_code, company.name, company.employees, company.institution) == (
        302,
        "新社名株式会社",
        12,
        world["bank_a"],
    )
    entry = LogEntry.objects.get_for_object(company).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert (entry.actor, entry.changes_dict["name"], entry.changes_dict["employees"]) == (
        world["staff_a"],
        ["旧社名株式会社", "新社名株式会社"],
        ["10", "12"],
    )


def test_company_edit_records_the_actor_and_ip_address(world):
    company = CompanyFactory(institution=world["bank_a"], name="旧社名株式会社")
    data = form_data(name="新社名株式会社", corporate_number="", client_code="")

    client_for(world["staff_a"]).post(
        reverse("participants:company_edit", args=[company.pk]), data, REMOTE_ADDR="203.0.113.9"
    )

    entry = LogEntry.objects.get_for_object(company).get(action=LogEntry.Action.UPDATE)
    assert (entry.actor, entry.remote_addr) == (world["staff_a"], "203.0.113.9")


def test_company_edit_keeping_its_own_corporate_number_is_not_a_duplicate(world):
    company = CompanyFactory(
        institution=world["bank_a"], name="株式会社川崎精密工業", corporate_number=CN_1, prefecture="14"
    )

    response = client_for(world["staff_a"]).post(reverse("participants:company_edit", args=[company.pk]), form_data())

    assert response.status_code == 302


def test_company_edit_to_another_companys_corporate_number_refused(world):
    other = CompanyFactory(institution=world["bank_a"], name="他社", corporate_number=CN_2)
    company = CompanyFactory(institution=world["bank_a"], name="株式会社川崎精密工業", corporate_number=CN_1)

    response = client_for(world["staff_a"]).post(
        reverse("participants:company_edit", args=[company.pk]), form_data(corporate_number=CN_2)
    )

    assert (field_errors(response, "corporate_number"), response.context["duplicate"]) == (
        ["この法人番号の企業はすでに登録されています。"],
        other,
    )


def test_company_edit_other_institution_gets_404(world):
    company = CompanyFactory(institution=world["bank_a"], name="元の名前")
    url = reverse("participants:company_edit", args=[company.pk])

    assert_isolated(url, owner=world["staff_a"], outsider=world["staff_b"])
    assert_isolated(url, owner=world["admin_a"], outsider=world["staff_b"])
    response = client_for(world["staff_b"]).post(url, form_data())
    company.refresh_from_db()
    assert (response.status_code, company.name) == (404, "元の名前")


def test_company_edit_page_read_is_audited(world):
    company = CompanyFactory(institution=world["bank_a"])

    client_for(world["staff_a"]).get(reverse("participants:company_edit", args=[company.pk]))

    assert LogEntry.objects.get_for_object(company).filter(action=LogEntry.Action.ACCESS).count() == 1


# --- detail -----------------------------------------------------------------------------------------


def test_company_detail_shows_every_field_and_internal_notes(world):
    company = CompanyFactory(
        institution=world["bank_a"],
        branch=world["branch_a2"],
        responsible_staff=world["staff_a"],
        name="株式会社川崎精密工業",
        name_kana="カワサキセイミツコウギョウ",
        corporate_number=CN_1,
        client_code="C-0001",
        prefecture="14",
        city="川崎市川崎区",
        industry_major=industry("E"),
        industry=industry("09"),
        employees=1200,
        capital=30_000_000,
        founded_year=1985,
        president_name="佐藤 一郎",
        phone="044-000-0000",
        email="info@example.jp",
        website="https://example.jp/",
        internal_notes="海外販路に関心あり。",
    )

    body = client_for(world["staff_a"]).get(reverse("participants:company_detail", args=[company.pk])).content.decode()

    expected = [
        "株式会社川崎精密工業",
        "カワサキセイミツコウギョウ",
        CN_1,
        "C-0001",
        "神奈川県 川崎市川崎区",
        "E 製造業",
        "09 食料品製造業",
        "1,200人",
        "30,000,000円",
        "1985年",
        "佐藤 一郎",
        "044-000-0000",
        "info@example.jp",
        "https://example.jp/",
        "A信用金庫",
        "川崎支店",
        "融資 花子",
        "海外販路に関心あり。",
        company.created_at.astimezone(timezone.get_current_timezone()).strftime("%Y年").lstrip("0"),
    ]
    assert [text for text in expected if text not in body] == []


def test_company_detail_history_shows_who_changed_what_when(world):
    with arranging():
        company = company_create(by=world["staff_a"], institution=world["bank_a"], name="履歴株式会社", employees=5)
        company_update(company=company, by=world["admin_a"], employees=8, branch=world["branch_a2"])

    response = client_for(world["staff_a"]).get(reverse("participants:company_detail", args=[company.pk]))

    history = response.context["history"]
    assert [(h.actor, h.action, h.is_create) for h in history] == [
        (str(world["admin_a"]), "変更", False),
        ("融資 花子", "登録", True),
    ]
    assert sorted((c.label, c.old, c.new) for c in history[0].changes) == [
        ("従業員数", "5", "8"),
        ("担当支店", "—", "川崎支店"),
    ]
    body = response.content.decode()
    assert re.search(r"従業員数：5 → 8", body) is not None


def test_company_detail_history_leaves_out_reads(world):
    company = CompanyFactory(institution=world["bank_a"])
    client = client_for(world["staff_a"])
    client.get(reverse("participants:company_detail", args=[company.pk]))

    response = client.get(reverse("participants:company_detail", args=[company.pk]))

    assert [h.action for h in response.context["history"]] == ["登録"]


def test_company_detail_history_queries_constant(world, django_assert_max_num_queries):
    with arranging():
        company = company_create(by=world["staff_a"], institution=world["bank_a"], name="履歴株式会社")
    client = client_for(world["staff_a"])
    url = reverse("participants:company_detail", args=[company.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as one:
        client.get(url)
    with arranging():
        for i, branch in enumerate([world["branch_a1"], world["branch_a2"]] * 5):
            company_update(company=company, by=world["staff_a"], branch=branch, employees=i)

    with django_assert_max_num_queries(len(one.captured_queries) + 2):  # + branches and users named
        response = client.get(url)
    assert len(response.context["history"]) == 11


def test_company_detail_other_institution_gets_404(world):
    company = CompanyFactory(institution=world["bank_a"])

    assert_isolated(
        reverse("participants:company_detail", args=[company.pk]), owner=world["admin_a"], outsider=world["staff_b"]
    )


# --- who may use these pages --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["company_list", "company_create", "company_import", "company_export"])
@pytest.mark.parametrize("who", ["coordinator", "local_government", "alumni_office", "senior"])
def test_company_pages_other_roles_get_404(world, name, who):
    user = senior_user() if who == "senior" else staff_user(Role(who))

    response = client_for(user).get(reverse(f"participants:{name}"))

    assert response.status_code == 404


def test_demo_companies_are_valid_and_complete():
    from participants.demo import COMPANIES, seed_demo

    seed_demo()

    companies = list(every(Company).select_related("industry", "industry_major").order_by("pk"))
    with arranging():  # checking: full_clean's uniqueness queries read every institution's companies
        for company in companies:
            company.full_clean(exclude=["created_by"])  # valid 法人番号, kana and years (seeded, so no creator)
    incomplete = [
        c.name
        for c in companies
        if not (c.corporate_number and c.client_code and c.employees and c.capital and c.founded_year)
        or c.industry.parent_id != c.industry_major_id
    ]
    assert (len(companies), incomplete) == (len(COMPANIES), [])
