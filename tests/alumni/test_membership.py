"""Signup through the office's link, the approval queue with its reasons, leaving, contact by mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from alumni import services
from alumni.enums import MemberStatus, PendingReason
from alumni.models import AlumniMember, ContactMessage
from participants.models import User
from tests.factories import UserFactory, alumni_member, alumni_network, alumni_viewer

pytestmark = pytest.mark.django_db

ROSTER = "氏名,氏名（カナ）,社員番号\n山田 太郎,ヤマダ タロウ,1234\n".encode()


@pytest.fixture
def network():
    network = alumni_network()
    services.roster_upload(viewer=alumni_viewer(network, network.office), content=ROSTER, filename="r.csv")
    return network


def join_url(network):
    return reverse("alumni:join", args=[network.join_code])


def test_join_link_with_a_wrong_code_is_404(client, network):
    assert client.get(reverse("alumni:join", args=["not-the-code"])).status_code == 404


def test_join_newcomer_gets_an_account_and_is_verified_by_the_roster(client, network):
    response = client.post(
        join_url(network),
        {
            "email": "taro@example.jp",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
            "name": "山田 太郎",
            "name_kana": "ヤマダ タロウ",
            "employee_number": "1234",
            "year_joined": "昭和60年",
            "year_left": "2020",
        },
    )

    user = User.objects.get(email="taro@example.jp")
    member = AlumniMember.objects.get(user=user)
    assert response.status_code == 200
    assert member.status == MemberStatus.VERIFIED
    assert (member.year_joined, member.year_left) == (1985, 2020)
    assert not user.emailaddress_set.get().verified
    assert len(mail.outbox) == 1  # the address confirmation


def test_join_signed_in_user_with_unknown_number_waits_with_reason(client, network):
    user = UserFactory(name="山田 太郎", name_kana="ヤマダ タロウ")
    client.force_login(user)

    response = client.post(
        join_url(network), {"name": "山田 太郎", "name_kana": "ヤマダ タロウ", "employee_number": "999"}
    )

    member = AlumniMember.objects.get(user=user)
    assert response.status_code == 200
    assert member.status == MemberStatus.PENDING
    assert "事務局が確認しています" in response.content.decode()
    # pending: not a member yet
    assert client.get(reverse("alumni:network_home", args=[network.pk])).status_code == 404


def test_join_form_errors_are_in_japanese_beside_the_field(client, network):
    response = client.post(join_url(network), {"email": "x", "name": "", "name_kana": "abc", "employee_number": ""})

    body = response.content.decode()
    assert response.status_code == 400
    assert "有効なメールアドレスを入力してください。" in body
    assert "全角カタカナで入力してください。" in body


def test_approval_queue_shows_reasons_and_approves(client, network):
    member = services.member_join(
        network=network, user=UserFactory(), name="山田 太郎", name_kana="ヤマダ タロウ", employee_number="77"
    )
    client.force_login(network.office)

    page = client.get(reverse("alumni:office_approvals", args=[network.pk])).content.decode()
    response = client.post(
        reverse("alumni:office_decide", args=[network.pk, member.pk]),
        {"decision": "approve", "note": "人事部に確認済み"},
    )

    member.refresh_from_db()
    assert str(PendingReason.NUMBER_UNKNOWN.label) in page
    assert response.status_code == 302
    assert (member.status, member.decided_by, member.decision_note) == (
        MemberStatus.VERIFIED,
        network.office,
        "人事部に確認済み",
    )
    assert member.user.notifications.get().kind == "alumni.member_verified"


def test_approval_reject_and_only_pending_can_be_decided(network):
    member = alumni_member(network, status=MemberStatus.PENDING)
    office = alumni_viewer(network, network.office)

    services.member_decide(viewer=office, member=member, approve=False)

    assert member.status == MemberStatus.REJECTED
    with pytest.raises(services.AlumniError):
        services.member_decide(viewer=office, member=member, approve=True)


def test_approval_by_another_networks_office_is_404(client, network):
    member = alumni_member(network, status=MemberStatus.PENDING)
    other = alumni_network()
    client.force_login(other.office)

    assert (
        client.post(reverse("alumni:office_decide", args=[network.pk, member.pk]), {"decision": "approve"}).status_code
        == 404
    )
    assert (
        client.post(reverse("alumni:office_decide", args=[other.pk, member.pk]), {"decision": "approve"}).status_code
        == 404
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.PENDING


def test_leaving_removes_from_directory_at_once(client, network):
    leaver = alumni_member(network)
    stayer = alumni_member(network)
    client.force_login(stayer.user)
    directory = reverse("alumni:directory", args=[network.pk])
    assert leaver.user.name in client.get(directory).content.decode()

    client.force_login(leaver.user)
    client.post(reverse("alumni:leave", args=[network.pk]))
    client.force_login(stayer.user)

    leaver.refresh_from_db()
    assert leaver.status == MemberStatus.LEFT
    assert leaver.user.name not in client.get(directory).content.decode()
    assert client.get(reverse("alumni:member_detail", args=[network.pk, leaver.pk])).status_code == 404


def test_contact_by_mail_without_showing_the_address(client, network, django_capture_on_commit_callbacks):
    sender = alumni_member(network, user=UserFactory(email="sender@example.jp", name="送信 者"))
    recipient = alumni_member(network, user=UserFactory(email="recipient@example.jp"))
    client.force_login(sender.user)

    page = client.get(reverse("alumni:member_detail", args=[network.pk, recipient.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("alumni:member_contact", args=[network.pk, recipient.pk]), {"body": "協業のご相談です。"}
        )

    assert "recipient@example.jp" not in page
    assert response.status_code == 302
    assert ContactMessage.objects.get().body == "協業のご相談です。"
    sent = mail.outbox[-1]
    assert sent.to == ["recipient@example.jp"]
    assert "sender@example.jp" not in sent.body
    assert "協業のご相談です。" in sent.body
    assert reverse("alumni:member_contact", args=[network.pk, sender.pk]) in sent.body


def test_contact_turned_off_is_refused(network):
    sender = alumni_member(network)
    recipient = alumni_member(network, accepts_contact=False)

    with pytest.raises(services.AlumniError, match="停止"):
        services.member_contact(viewer=alumni_viewer(network, sender.user), recipient=recipient, body="こんにちは")
