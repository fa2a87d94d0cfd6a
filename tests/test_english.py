"""The English side of the interface: dates in English form, reference data (JSIC industries, expertise
areas, qualifications, regions) in English, and counts with a space between the number and the unit.
Every test switches to English with translation.override, which restores the language on the way out."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from alumni.enums import FeedbackStatus
from participants.models import ExpertiseArea, Industry, Qualification, Region
from participants.reference import DATA_DIR
from participants.reference_names import REFERENCE_NAMES
from participants.services import notification_render
from sks.roles import Role
from tests.access import arranging
from tests.factories import CompanyFactory, enrol_company, make_event, senior_user, staff_user

TOKYO = ZoneInfo("Asia/Tokyo")
SATURDAY = dt.date(2027, 1, 23)
SATURDAY_EVENING = dt.datetime(2027, 1, 23, 18, 30, tzinfo=TOKYO)
HAND_BUILT_DATE = re.compile(r'\|date:"[^"]*[年月日]')


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.fixture(autouse=True)
def _language_restored():
    yield
    assert translation.get_language() == settings.LANGUAGE_CODE


# --- dates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "japanese", "english"),
    [
        ("DATE_FORMAT", SATURDAY, "2027年1月23日", "Jan. 23, 2027"),
        ("WEEKDAY_DATE_FORMAT", SATURDAY, "2027年1月23日（土）", "Sat, Jan. 23, 2027"),
        ("DATE_TIME_FORMAT", SATURDAY_EVENING, "2027年1月23日 18:30", "Jan. 23, 2027, 18:30"),
        ("WEEKDAY_DATE_TIME_FORMAT", SATURDAY_EVENING, "2027年1月23日（土）18:30", "Sat, Jan. 23, 2027, 18:30"),
        ("MONTH_DAY_FORMAT", SATURDAY, "1月23日", "January 23"),
        ("MONTH_DAY_TIME_FORMAT", SATURDAY_EVENING, "1月23日 18:30", "Jan. 23, 18:30"),
        ("WEEKDAY_MONTH_DAY_TIME_FORMAT", SATURDAY_EVENING, "1月23日（土）18:30", "Sat, Jan. 23, 18:30"),
    ],
)
def test_named_date_formats_follow_the_active_language(name, value, japanese, english):
    source = '{{ value|date:"' + name + '" }}'

    with translation.override("ja"):
        assert render(source, value=value) == japanese
        assert date_format(value, name) == japanese
    with translation.override("en"):
        assert render(source, value=value) == english
        assert date_format(value, name) == english


def test_no_template_builds_a_japanese_date_by_hand():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in sorted((settings.BASE_DIR / "templates").rglob("*"))
        if path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if HAND_BUILT_DATE.search(line)
    ]

    assert offenders == []


@pytest.mark.django_db
def test_company_page_in_english_shows_english_dates_and_industries(client):
    with arranging():
        bank = staff_user(Role.BANK_STAFF)
        institution = bank.memberships.get().organization
        company = CompanyFactory(
            institution=institution,
            industry_major=Industry.objects.get(code="E"),
            industry=Industry.objects.get(code="09"),
        )
        event = make_event(hosts=[institution], date=SATURDAY, title="一月の交流会")
        enrol_company(event, company=company, staff=bank)
    client.force_login(bank)

    with translation.override("en"):
        html = client.get(reverse("participants:company_detail", args=[company.pk]), HTTP_ACCEPT_LANGUAGE="en")
        html = html.content.decode()

    assert "一月の交流会（Jan. 23, 2027）" in html
    assert ">E Manufacturing</dd>" in html
    assert ">09 Manufacture of food</dd>" in html
    assert "年" not in html.split("一月の交流会", 1)[1].split("</li>", 1)[0]


def test_meetup_reminder_mail_in_english_gives_the_time_in_english():
    context = {
        "template": "alumni/meetup_reminder",
        "recipient_name": "Taro Yamada",
        "network": "OB Network",
        "title": "New Year meetup",
        "starts_at": SATURDAY_EVENING.isoformat(),
        "venue": "Hall A",
        "url": "https://sks.example.jp/",
    }

    _subject, english = notification_render(template="alumni/meetup_reminder", context=context, language="en")
    _subject, japanese = notification_render(template="alumni/meetup_reminder", context=context, language="ja")

    assert "When: Jan. 23, 2027, 18:30" in english
    assert "日時：2027年1月23日 18:30" in japanese


# --- reference data ---------------------------------------------------------------------------------------


def test_every_reference_name_in_the_data_files_is_marked_for_translation():
    industries = json.loads((DATA_DIR / "jsic.json").read_text(encoding="utf-8"))["industries"]
    taxonomy = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    names = {row["name"] for row in industries}
    names |= {row["name"] for key in ("expertise", "qualifications", "regions") for row in taxonomy[key]}

    assert names - set(REFERENCE_NAMES) == set()
    with translation.override("en"):
        untranslated = {name for name in names if translation.gettext(name) == name and not name.isascii()}
    assert untranslated == set()


@pytest.mark.django_db
def test_reference_rows_are_labelled_in_the_active_language():
    expertise = ExpertiseArea.objects.get(name="販路開拓")
    region = Region.objects.get(name="九州・沖縄")
    qualification = Qualification.objects.get(name="中小企業診断士")
    middle = Industry.objects.get(code="09")

    with translation.override("en"):
        english = [str(expertise), region.label, qualification.label, str(middle)]
    with translation.override("ja"):
        japanese = [str(expertise), region.label, qualification.label, str(middle)]

    assert english == [
        "Sales channel development",
        "Kyushu and Okinawa",
        "Certified SME management consultant",
        "09 Manufacture of food",
    ]
    assert japanese == ["販路開拓", "九州・沖縄", "中小企業診断士", "09 食料品製造業"]


@pytest.mark.django_db
def test_senior_profile_lists_reference_data_in_english():
    with arranging():
        profile = senior_user().senior_profile
        profile.expertise.set(ExpertiseArea.objects.filter(name__in=["販路開拓", "事業承継"]))
        profile.industries.set(Industry.objects.filter(code="09"))
        profile.qualifications.set(Qualification.objects.filter(name="中小企業診断士"))
        profile.travel_regions.set(Region.objects.filter(name="関東"))

    with translation.override("en"):
        html = render_to_string("participants/senior_profile_sections.html", {"senior": profile})

    assert "Sales channel development、Business succession" in html
    assert "Manufacture of food" in html
    assert "Certified SME management consultant" in html
    assert "Kanto" in html
    assert "販路開拓" not in html and "関東" not in html


# --- counts -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_statistics_figures_in_english_keep_a_space_before_the_unit(client):
    with arranging():
        coordinator = staff_user(Role.COORDINATOR)
    client.force_login(coordinator)

    with translation.override("en"):
        response = client.get(reverse("matching:statistics"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert response.status_code == 200
    assert "0 <small>companies</small>" in html
    assert "0 <small>events</small>" in html
    assert "0 <small>people</small>" in html
    assert not re.search(r"\d<small>", html)

    with translation.override("ja"):
        response = client.get(reverse("matching:statistics"), HTTP_ACCEPT_LANGUAGE="ja")
    assert "0<small>社</small>" in response.content.decode()


def test_one_company_is_singular_in_english():
    source = (
        "{% load i18n %}{% blocktranslate count counter=n with n=n %}{{ n }}<small>社</small>"
        "{% plural %}{{ n }}<small>社</small>{% endblocktranslate %}"
    )

    with translation.override("en"):
        assert render(source, n=1) == "1 <small>company</small>"
        assert render(source, n=6) == "6 <small>companies</small>"
    with translation.override("ja"):
        assert render(source, n=6) == "6<small>社</small>"


def test_feedback_status_and_check_in_are_different_words_in_english():
    with translation.override("en"):
        assert str(FeedbackStatus.RECEIVED.label) == "Received"
        assert render('{% load i18n %}{% translate "受付" %}') == "Check-in"
    with translation.override("ja"):
        assert str(FeedbackStatus.RECEIVED.label) == "受付"


@pytest.mark.django_db
def test_fit_reasons_read_in_english_with_english_names():
    """The fit engine gives each reason as a Japanese msgid with its parameters; in English both are
    translated, the expertise area and the prefecture included."""
    from matching.selectors.fit import fit_suggestions_for_enrolment
    from participants.models import ExpertiseArea
    from tests.factories import OrganizationFactory, UserFactory, approved_hearing, pledged_senior

    with arranging():
        bank = OrganizationFactory(name="A信用金庫")
        coord = staff_user(Role.COORDINATOR)
        event = make_event(coordinator_org=coord.active_memberships[0].organization, hosts=[bank], status="published")
        company = CompanyFactory(institution=bank, prefecture="15", industry_major=Industry.objects.get(code="E"))
        enrolment = enrol_company(event, company=company, staff=staff_user(Role.BANK_STAFF, bank))
        approved_hearing(enrolment, title="百貨店への販路", summary="百貨店に販路を広げたい。", category="sales")
        senior = pledged_senior(user=UserFactory(name="販路 太郎"), prefecture="15", weekdays=127)
        senior.expertise.set(ExpertiseArea.objects.filter(code="sales-channels"))

    with translation.override("ja"):
        japanese = fit_suggestions_for_enrolment(enrolment=enrolment)[0].reasons
    with translation.override("en"):
        english = fit_suggestions_for_enrolment(enrolment=enrolment)[0].reasons

    weekday = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[event.date.weekday()]
    assert japanese[:2] == ["販路開拓の経験", "同じ県（新潟県）"]
    assert english[:2] == ["Experience in Sales channel development", "Same prefecture (Niigata)"]
    assert f"Available on {weekday}, the event's weekday" in english


@pytest.mark.django_db
def test_a_seniors_fit_list_is_in_each_readers_language_whatever_language_filled_the_cache():
    """The published issue list is prepared once per process and reused for every senior: a senior reading
    in English after one in Japanese (and the other way round) gets their own language's names."""
    from matching.selectors.fit import fit_issues_for_senior
    from participants.models import ExpertiseArea
    from tests.factories import OrganizationFactory, UserFactory, approved_hearing, pledged_senior

    with arranging():
        bank = OrganizationFactory(name="A信用金庫")
        coord = staff_user(Role.COORDINATOR)
        event = make_event(coordinator_org=coord.active_memberships[0].organization, hosts=[bank], status="published")
        company = CompanyFactory(institution=bank, prefecture="15", industry_major=Industry.objects.get(code="E"))
        enrolment = enrol_company(event, company=company, staff=staff_user(Role.BANK_STAFF, bank))
        approved_hearing(enrolment, title="百貨店への販路", summary="百貨店に販路を広げたい。", category="sales")
        senior = pledged_senior(user=UserFactory(name="販路 太郎"), prefecture="15")
        senior.expertise.set(ExpertiseArea.objects.filter(code="sales-channels"))

    read = {}
    for language in ("en", "ja", "en"):
        with translation.override(language):
            [suggestion] = fit_issues_for_senior(event=event, senior=senior)
        read.setdefault(language, []).append((suggestion.category, suggestion.reasons[:2]))

    assert read["ja"] == [("販路開拓", ["販路開拓の経験", "同じ県（新潟県）"])]
    assert (
        read["en"]
        == [("Sales channel development", ["Experience in Sales channel development", "Same prefecture (Niigata)"])] * 2
    )
