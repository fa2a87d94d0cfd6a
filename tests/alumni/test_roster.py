"""Roster matching: the roster is kept only as keyed hashes, and a matching signup is verified."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from alumni import services
from alumni.enums import MemberStatus, PendingReason
from alumni.models import RosterEntry, RosterUpload
from tests.factories import UserFactory, alumni_network, alumni_viewer

pytestmark = pytest.mark.django_db

ROSTER = (
    "氏名,氏名（カナ）,社員番号,部署,在籍期間\n"
    "山田 太郎,ヤマダ タロウ,001234,融資第一部,1985-2020\n"
    "佐藤 花子,サトウ ハナコ,5678,審査部,1990-2022\n"
)


@pytest.fixture
def network():
    return alumni_network()


def upload(network, content: bytes = ROSTER.encode(), filename: str = "roster.csv"):
    return services.roster_upload(viewer=alumni_viewer(network, network.office), content=content, filename=filename)


def join(network, *, name="山田 太郎", kana="ヤマダ タロウ", number="001234", user=None):
    return services.member_join(
        network=network, user=user or UserFactory(), name=name, name_kana=kana, employee_number=number
    )


def test_roster_stores_no_clear_text(network):
    result = upload(network)

    assert result.errors == []
    assert result.upload.row_count == 2
    stored = " ".join(
        str(v) for row in RosterEntry.objects.values_list("number_hash", "name_hash", "kana_hash") for v in row
    ) + " ".join(str(v) for v in RosterUpload.objects.values_list("filename", "row_count").get())
    for clear in ("山田", "太郎", "ヤマダ", "1234", "001234", "佐藤", "サトウ", "5678", "融資第一部"):
        assert clear not in stored
    assert all(len(h) == 64 for h in RosterEntry.objects.values_list("name_hash", flat=True))


def test_roster_hash_is_keyed_and_per_network(network, settings):
    other = alumni_network()
    a = services.roster_hash(network=network, kind="number", value="1234")

    assert a != services.roster_hash(network=other, kind="number", value="1234")
    assert a != services.roster_hash(network=network, kind="name", value="1234")
    settings.ALUMNI_ROSTER_HASH_KEY = "another-key"
    assert a != services.roster_hash(network=network, kind="number", value="1234")


def test_roster_match_verifies_at_once(network):
    upload(network)

    member = join(network)

    assert member.status == MemberStatus.VERIFIED
    assert member.pending_reasons == []
    assert member.roster_entry is not None


def test_roster_match_ignores_width_spaces_hiragana_and_leading_zeros(network):
    upload(network)

    member = join(network, name="山田太郎", kana="やまだ　たろう", number="１２３４")

    assert member.status == MemberStatus.VERIFIED


def test_roster_xlsx_is_read_like_csv(network):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["氏名", "氏名（カナ）", "社員番号"])
    sheet.append(["山田 太郎", "ヤマダ タロウ", 1234])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = upload(network, buffer.getvalue(), "roster.xlsx")

    assert result.errors == []
    assert join(network).status == MemberStatus.VERIFIED


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"number": "9999"}, PendingReason.NUMBER_UNKNOWN),
        ({"name": "山田 次郎"}, PendingReason.NAME_MISMATCH),
        ({"kana": "ヤマダ ジロウ"}, PendingReason.NAME_MISMATCH),
    ],
)
def test_roster_mismatch_goes_to_the_queue_with_its_reason(network, kwargs, reason):
    upload(network)

    member = join(network, **kwargs)

    assert member.status == MemberStatus.PENDING
    assert member.pending_reasons == [reason]


def test_roster_missing_means_pending(network):
    assert join(network).pending_reasons == [PendingReason.NO_ROSTER]


def test_roster_row_is_claimed_once(network):
    upload(network)
    join(network)

    second = join(network)

    assert second.status == MemberStatus.PENDING
    assert second.pending_reasons == [PendingReason.ALREADY_CLAIMED]


def test_roster_bad_rows_are_reported_by_line_and_nothing_saved(network):
    content = "氏名,氏名（カナ）,社員番号\n山田 太郎,ヤマダ タロウ,1\n,サトウ,2\n鈴木,スズキ,1\n".encode()

    result = upload(network, content)

    assert result.upload is None
    assert result.errors == [
        "3行目：氏名・カナ・社員番号のいずれかが空です。",
        "4行目：社員番号が前の行と重複しています。",
    ]
    assert RosterEntry.objects.count() == 0


def test_roster_missing_column_is_named(network):
    result = upload(network, "氏名,社員番号\n山田,1\n".encode())

    assert result.errors == ["必須の列「氏名（カナ）」がありません（1行目：氏名,氏名（カナ）,社員番号）。"]


def test_roster_passes_the_upload_guard(network, monkeypatch):
    monkeypatch.setattr(services, "ROSTER_LIMITS", services.UploadLimits(max_bytes=10_000, max_rows=1))

    result = upload(network)

    assert result.errors == ["行数が多すぎます（上限 1 行）。ファイルを分けてアップロードしてください。"]


def test_roster_page_uploads_and_reports(network, client):
    client.force_login(network.office)
    url = reverse("alumni:office_roster", args=[network.pk])

    ok = client.post(url, {"file": SimpleUploadedFile("r.csv", ROSTER.encode())})
    bad = client.post(url, {"file": SimpleUploadedFile("r.pdf", b"%PDF")})

    assert ok.status_code == 302
    assert RosterEntry.objects.filter(network=network).count() == 2
    assert bad.status_code == 400
    assert "CSV（.csv）か Excel（.xlsx）のファイルを選んでください。" in bad.content.decode()


def test_roster_upload_again_updates_the_hashes(network):
    upload(network)
    upload(network, "氏名,氏名（カナ）,社員番号\n山田 一郎,ヤマダ イチロウ,1234\n".encode())

    assert RosterEntry.objects.filter(network=network).count() == 2
    assert join(network, name="山田 一郎", kana="ヤマダ イチロウ").status == MemberStatus.VERIFIED


def test_roster_rejoin_after_leaving_matches_own_row(network):
    upload(network)
    user = UserFactory()
    member = join(network, user=user)
    services.member_leave(member=member)

    again = join(network, user=user)

    assert (again.pk, again.status, again.left_at) == (member.pk, MemberStatus.VERIFIED, None)
