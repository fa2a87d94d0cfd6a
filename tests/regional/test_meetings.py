"""Dialogue meetings: RSVP within the capacity, check-in, and flat mode (no organisation or title anywhere on a
flat meeting's pages or prints)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from regional.enums import RsvpStatus
from regional.models import DialogueMeeting, Rsvp
from regional.services import RegionalError, dialogue_groups_form, meeting_rsvp

from .helpers import join, round_robin_solve, rsvp

pytestmark = pytest.mark.django_db

# What flat mode must hide: the organisations and titles of the 静岡 members (see conftest.net).
HIDDEN = ("しずおか信用金庫", "支店長", "富士精機株式会社", "代表取締役", "静岡県庁", "課長補佐")


def pdf_text(content: bytes) -> str:
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def formed(net):
    meeting = net["meeting"]
    for key in ("organiser", "alice", "bob"):
        rsvp(meeting, net["members"][key], checked_in=True)
    dialogue_groups_form(meeting=meeting, by=net["users"]["organiser"], solver=round_robin_solve)
    meeting.refresh_from_db()
    return meeting


def test_rsvp_within_capacity_then_refused(net):
    meeting = net["meeting"]
    meeting.capacity = 2
    meeting.save()
    meeting_rsvp(meeting=meeting, member=net["members"]["alice"], going=True)
    meeting_rsvp(meeting=meeting, member=net["members"]["bob"], going=True)

    with pytest.raises(RegionalError, match="定員"):
        meeting_rsvp(meeting=meeting, member=net["members"]["organiser"], going=True)
    meeting_rsvp(meeting=meeting, member=net["members"]["bob"], going=False)
    meeting_rsvp(meeting=meeting, member=net["members"]["organiser"], going=True)

    assert dict(Rsvp.objects.values_list("member__name", "status")) == {
        "青木 花子": RsvpStatus.GOING,
        "馬場 太郎": RsvpStatus.CANCELLED,
        "世話人 一郎": RsvpStatus.GOING,
    }


def test_rsvp_view_full_meeting_says_so(net, as_user):
    meeting = net["meeting"]
    meeting.capacity = 2
    meeting.save()
    rsvp(meeting, net["members"]["bob"])
    rsvp(meeting, net["members"]["organiser"])

    response = as_user(net["users"]["alice"]).post(
        reverse("regional:meeting_rsvp", args=[meeting.pk]), {"going": "yes"}, follow=True
    )

    assert "定員（2名）に達しているため" in response.text
    assert not Rsvp.objects.filter(member=net["members"]["alice"]).exists()


def test_check_in_a_late_arrival_from_round_two(net, as_user):
    r = rsvp(net["meeting"], net["members"]["alice"])

    response = as_user(net["users"]["organiser"]).post(
        reverse("regional:meeting_checkin_member", args=[r.pk]),
        {"action": "checkin", "first_round": "2", "last_round": ""},
    )

    r.refresh_from_db()
    assert response.status_code == 302
    assert (r.checked_in_at is not None, r.first_round, r.last_round) == (True, 1, None)


def test_check_in_refuses_a_round_past_the_last(net, as_user):
    r = rsvp(net["meeting"], net["members"]["alice"])

    response = as_user(net["users"]["organiser"]).post(
        reverse("regional:meeting_checkin_member", args=[r.pk]), {"action": "checkin", "first_round": "9"}, follow=True
    )

    r.refresh_from_db()
    assert r.checked_in_at is None
    assert "参加開始ラウンドは1〜3で指定してください。" in response.text


def test_check_in_is_the_organisers(net, as_user):
    r = rsvp(net["meeting"], net["members"]["alice"])
    url = reverse("regional:meeting_checkin_member", args=[r.pk])

    assert as_user(net["users"]["bob"]).post(url, {"first_round": "1"}).status_code == 404
    assert (
        as_user(net["users"]["carol"]).get(reverse("regional:meeting_checkin", args=[net["meeting"].pk])).status_code
        == 404
    )


def test_meeting_form_errors_beside_fields(net, as_user):
    response = as_user(net["users"]["organiser"]).post(
        reverse("regional:meeting_new", args=[net["shizuoka"].pk]),
        {"title": "", "starts_at": "not a date", "capacity": "3", "rounds": "2", "group_size": "5"},
    )

    assert response.status_code == 400
    assert "定員は1グループの人数以上にしてください。" in response.text
    assert DialogueMeeting.objects.filter(chapter=net["shizuoka"]).count() == 1


def test_member_cannot_create_a_meeting(net, as_user):
    response = as_user(net["users"]["alice"]).get(reverse("regional:meeting_new", args=[net["shizuoka"].pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "page",
    [
        ("regional:meeting_detail", "alice"),
        ("regional:meeting_detail", "organiser"),
        ("regional:meeting_checkin", "organiser"),
        ("regional:meeting_groups", "organiser"),
    ],
)
def test_flat_meeting_pages_show_no_organisation_or_title(net, formed, as_user, page):
    name, who = page

    response = as_user(net["users"][who]).get(reverse(name, args=[formed.pk]))

    assert response.status_code == 200
    assert "青木 花子" in response.text
    assert "金融機関" in response.text
    assert [h for h in HIDDEN if h in response.text] == []


@pytest.mark.parametrize("sheet", ["cards", "itineraries"])
def test_flat_meeting_prints_show_no_organisation_or_title(net, formed, as_user, sheet):
    response = as_user(net["users"]["organiser"]).get(reverse("regional:meeting_print", args=[formed.pk, sheet]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "青木花子" in text
    assert "金融機関" in text
    assert [h for h in HIDDEN if h in text] == []


def test_table_cards_one_page_per_table_itineraries_one_per_person(net, formed, as_user):
    client = as_user(net["users"]["organiser"])
    cards = PdfReader(io.BytesIO(client.get(reverse("regional:meeting_print", args=[formed.pk, "cards"])).content))
    people = PdfReader(
        io.BytesIO(client.get(reverse("regional:meeting_print", args=[formed.pk, "itineraries"])).content)
    )

    assert len(cards.pages) == formed.groups.filter(round=0).count() == 1
    assert len(people.pages) == 3
    assert "第3ラウンド" in pdf_text(
        client.get(reverse("regional:meeting_print", args=[formed.pk, "itineraries"])).content
    )


def test_not_flat_meeting_shows_organisation_and_title(net, formed, as_user):
    DialogueMeeting.objects.filter(pk=formed.pk).update(flat=False)

    page = as_user(net["users"]["alice"]).get(reverse("regional:meeting_detail", args=[formed.pk]))
    pdf = pdf_text(
        as_user(net["users"]["organiser"]).get(reverse("regional:meeting_print", args=[formed.pk, "cards"])).content
    )

    assert "富士精機株式会社" in page.text
    assert "代表取締役" in pdf


def test_print_is_the_organisers_and_unknown_sheet_404(net, formed, as_user):
    assert (
        as_user(net["users"]["alice"]).get(reverse("regional:meeting_print", args=[formed.pk, "cards"])).status_code
        == 404
    )
    assert (
        as_user(net["users"]["organiser"]).get(reverse("regional:meeting_print", args=[formed.pk, "grid"])).status_code
        == 404
    )


def test_print_before_groups_sends_back_with_a_message(net, as_user):
    response = as_user(net["users"]["organiser"]).get(
        reverse("regional:meeting_print", args=[net["meeting"].pk, "cards"]), follow=True
    )

    assert "グループを編成してから印刷してください。" in response.text


def test_member_sees_own_tables_and_who_they_met(net, formed, as_user):
    join(net["shizuoka"], name="欠席 さん")

    response = as_user(net["users"]["alice"]).get(reverse("regional:meeting_detail", args=[formed.pk]))

    assert "あなたの席" in response.text
    assert "同じグループになった方" in response.text
    assert "馬場 太郎" in response.text


def test_walk_in_is_added_and_checked_in_even_when_full(net, as_user):
    meeting = net["meeting"]
    meeting.capacity = 2
    meeting.save()
    rsvp(meeting, net["members"]["alice"])
    rsvp(meeting, net["members"]["organiser"])

    response = as_user(net["users"]["organiser"]).post(
        reverse("regional:meeting_walk_in", args=[meeting.pk]), {"member": net["members"]["bob"].pk, "first_round": "2"}
    )

    r = Rsvp.objects.get(meeting=meeting, member=net["members"]["bob"])
    assert response.status_code == 302
    assert (r.status, r.checked_in_at is not None, r.first_round) == (RsvpStatus.GOING, True, 1)


def test_walk_in_only_for_the_chapters_members(net, as_user):
    response = as_user(net["users"]["organiser"]).post(
        reverse("regional:meeting_walk_in", args=[net["meeting"].pk]),
        {"member": net["members"]["carol"].pk, "first_round": "1"},
    )

    assert response.status_code == 400
    assert "正しく選択してください。" in response.text
    assert not Rsvp.objects.filter(member=net["members"]["carol"]).exists()
    assert (
        as_user(net["users"]["alice"])
        .post(reverse("regional:meeting_walk_in", args=[net["meeting"].pk]), {})
        .status_code
        == 404
    )


def test_the_groups_form_re_forms_from_where_the_last_forming_started(net, formed, as_user):
    # A plain click on 編成し直す must not re-form rounds that the last forming kept (they were held).
    organiser = net["users"]["organiser"]
    page = as_user(organiser).get(reverse("regional:meeting_groups", args=[formed.pk]))
    assert 'name="from_round" value="1"' in page.text

    dialogue_groups_form(meeting=formed, by=organiser, from_round=1, solver=round_robin_solve)
    page = as_user(organiser).get(reverse("regional:meeting_groups", args=[formed.pk]))

    assert 'name="from_round" value="2"' in page.text
