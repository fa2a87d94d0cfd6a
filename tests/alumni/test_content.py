"""Per-field privacy and the directory search; feedback status for its author; the staff digest; news."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alumni import access, services
from alumni.enums import DigestStatus, FeedbackStatus, NewsStatus
from alumni.models import NewsAttachment
from sks.roles import Role
from tests.factories import UserFactory, alumni_member, alumni_network, alumni_viewer, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return alumni_network()


# --- privacy -------------------------------------------------------------------------------------------------


@pytest.fixture
def private_member(network):
    member = alumni_member(network, user=UserFactory(name="秘密 花子"))
    services.member_profile_update(
        member=member,
        values={"employer": "みなと経営研究所", "skills": "事業承継の支援", "self_introduction": "釣りが趣味です"},
        privacy={"employer": "office", "skills": "members", "self_introduction": "hidden"},
        accepts_contact=True,
    )
    return member


def test_privacy_members_see_only_members_fields(client, network, private_member):
    client.force_login(alumni_member(network).user)

    page = client.get(reverse("alumni:member_detail", args=[network.pk, private_member.pk])).content.decode()

    assert "事業承継の支援" in page
    assert "みなと経営研究所" not in page
    assert "釣りが趣味です" not in page


def test_privacy_office_sees_office_fields_but_not_hidden(client, network, private_member):
    client.force_login(network.office)

    page = client.get(reverse("alumni:member_detail", args=[network.pk, private_member.pk])).content.decode()

    assert "事業承継の支援" in page
    assert "みなと経営研究所" in page
    assert "釣りが趣味です" not in page


def test_privacy_member_sees_own_fields(client, network, private_member):
    client.force_login(private_member.user)

    page = client.get(reverse("alumni:member_detail", args=[network.pk, private_member.pk])).content.decode()

    assert "みなと経営研究所" in page
    assert "釣りが趣味です" in page


def test_privacy_search_matches_only_members_fields(network, private_member):
    viewer = alumni_viewer(network, alumni_member(network).user)
    from participants.selectors import search_text_match

    def found(text):
        return list(search_text_match(access.directory(viewer), (text,)))

    assert found("事業承継") == [private_member]
    assert found("みなと") == []
    assert found("釣り") == []


def test_directory_search_is_the_japanese_search(client, network, private_member):
    alumni_member(network, user=UserFactory(name="別の 人"))
    client.force_login(network.office)

    page = client.get(reverse("alumni:directory", args=[network.pk]), {"q": "秘密　事業承継"}).content.decode()

    assert "秘密 花子" in page
    assert "別の 人" not in page


def test_profile_edit_saves_privacy(client, network):
    member = alumni_member(network)
    client.force_login(member.user)
    data = {"employer": "株式会社テスト", "year_joined": "1990", "year_left": "1980", "digest_frequency": "monthly"}
    data |= {
        f"privacy_{k}": "members"
        for k in ("years", "departments", "job_title", "industry", "skills", "self_introduction")
    }
    data["privacy_employer"] = "hidden"

    bad = client.post(reverse("alumni:profile_edit", args=[network.pk]), data)
    data["year_left"] = "2020"
    ok = client.post(reverse("alumni:profile_edit", args=[network.pk]), data)

    member.refresh_from_db()
    assert bad.status_code == 400
    assert "退職年は入社年より後にしてください。" in bad.content.decode()
    assert ok.status_code == 302
    assert (member.employer, member.visibility("employer"), member.accepts_contact) == (
        "株式会社テスト",
        "hidden",
        False,
    )
    assert "株式会社テスト" not in member.search_text


# --- feedback ------------------------------------------------------------------------------------------------


def test_feedback_status_and_answer_visible_to_author(client, network):
    member = alumni_member(network)
    item = services.feedback_create(
        viewer=alumni_viewer(network, member.user), topic="手続き", good_points="", improvements="電子化してほしい"
    )
    office = alumni_viewer(network, network.office)
    services.feedback_answer(viewer=office, feedback=item, status=FeedbackStatus.CONSIDERING, answer="")
    services.feedback_answer(
        viewer=office, feedback=item, status=FeedbackStatus.DONE, answer="来月から電子申請を始めます。"
    )
    client.force_login(member.user)

    page = client.get(reverse("alumni:feedback", args=[network.pk])).content.decode()

    assert "対応済" in page
    assert "来月から電子申請を始めます。" in page
    assert member.user.notifications.filter(kind="alumni.feedback_answered").count() == 2


def test_feedback_of_another_member_is_not_shown(client, network):
    author = alumni_member(network)
    services.feedback_create(
        viewer=alumni_viewer(network, author.user), topic="内緒の話", good_points="x", improvements=""
    )
    client.force_login(alumni_member(network).user)

    assert "内緒の話" not in client.get(reverse("alumni:feedback", args=[network.pk])).content.decode()


def test_feedback_closing_needs_an_answer_and_no_way_back(network):
    item = services.feedback_create(
        viewer=alumni_viewer(network, alumni_member(network).user), topic="", good_points="良い", improvements=""
    )
    office = alumni_viewer(network, network.office)

    with pytest.raises(services.AlumniError, match="回答を書いてください"):
        services.feedback_answer(viewer=office, feedback=item, status=FeedbackStatus.DECLINED, answer=" ")
    services.feedback_answer(viewer=office, feedback=item, status=FeedbackStatus.DECLINED, answer="見送ります")
    with pytest.raises(services.AlumniError, match="変更できません"):
        services.feedback_answer(viewer=office, feedback=item, status=FeedbackStatus.CONSIDERING, answer="")


def test_feedback_form_needs_one_of_the_two(client, network):
    client.force_login(alumni_member(network).user)

    response = client.post(reverse("alumni:feedback", args=[network.pk]), {"topic": "空"})

    assert response.status_code == 400
    assert "「良い点」か「改善点」のどちらかを書いてください。" in response.content.decode()


def test_feedback_queue_filters_and_counts(client, network):
    viewer = alumni_viewer(network, alumni_member(network).user)
    office = alumni_viewer(network, network.office)
    a = services.feedback_create(viewer=viewer, topic="窓口", good_points="丁寧", improvements="")
    services.feedback_create(viewer=viewer, topic="セミナー", good_points="", improvements="告知が遅い")
    services.feedback_answer(viewer=office, feedback=a, status=FeedbackStatus.CONSIDERING, answer="")
    client.force_login(network.office)

    response = client.get(reverse("alumni:office_feedback", args=[network.pk]), {"status": "considering"})

    assert access.feedback_counts(office) == {"received": 1, "considering": 1}
    assert [f.topic for f in response.context["page"].object_list] == ["窓口"]
    assert [(s, n) for s, _label, n in response.context["counts"]] == [
        ("received", 1), ("considering", 1), ("done", 0), ("declined", 0)
    ]  # fmt: skip


def test_feedback_answer_page_shows_error_beside_field(client, network):
    item = services.feedback_create(
        viewer=alumni_viewer(network, alumni_member(network).user), topic="", good_points="良い", improvements=""
    )
    client.force_login(network.office)

    response = client.post(
        reverse("alumni:office_feedback_answer", args=[network.pk, item.pk]), {"status": "done", "answer": ""}
    )

    assert response.status_code == 400
    assert "対応済・見送りにするときは、投稿者への回答を書いてください。" in response.content.decode()


# --- staff digest --------------------------------------------------------------------------------------------


def test_staff_digest_shows_only_approved_shared_posts(client, network):
    viewer = alumni_viewer(network, alumni_member(network).user)
    shared = services.post_create(
        viewer=viewer, kind="activity", title="独立しました", body="本文", share_with_staff=True
    )
    declined = services.post_create(
        viewer=viewer, kind="speaking", title="講師します", body="本文", share_with_staff=True
    )
    private = services.post_create(
        viewer=viewer, kind="business", title="内輪の相談", body="本文", share_with_staff=False
    )
    office = alumni_viewer(network, network.office)
    staff = staff_user(Role.BANK_STAFF, network.organization)
    client.force_login(staff)
    before = client.get(reverse("alumni:staff_digest", args=[network.pk])).content.decode()

    services.post_digest_decide(viewer=office, post=shared, approve=True)
    services.post_digest_decide(viewer=office, post=declined, approve=False)
    after = client.get(reverse("alumni:staff_digest", args=[network.pk])).content.decode()

    assert shared.digest_status == DigestStatus.APPROVED
    assert "独立しました" not in before
    assert "独立しました" in after
    assert "講師します" not in after
    assert "内輪の相談" not in after
    with pytest.raises(services.AlumniError):
        services.post_digest_decide(viewer=office, post=private, approve=True)


def test_staff_digest_of_another_organisation_is_404(client, network):
    client.force_login(staff_user(Role.BANK_STAFF))

    assert client.get(reverse("alumni:staff_digest", args=[network.pk])).status_code == 404


def test_digest_approval_through_the_office_page(client, network):
    post = services.post_create(
        viewer=alumni_viewer(network, alumni_member(network).user),
        kind="activity",
        title="t",
        body="b",
        share_with_staff=True,
    )
    client.force_login(network.office)

    client.post(reverse("alumni:office_digest_decide", args=[network.pk, post.pk]), {"decision": "approve"})

    post.refresh_from_db()
    assert (post.digest_status, post.digest_decided_by) == (DigestStatus.APPROVED, network.office)


# --- posts ---------------------------------------------------------------------------------------------------


def test_post_reply_and_interest(client, network):
    author = alumni_member(network)
    post = services.post_create(
        viewer=alumni_viewer(network, author.user), kind="collaboration", title="協業", body="b", share_with_staff=False
    )
    other = alumni_member(network)
    client.force_login(other.user)

    client.post(reverse("alumni:post_interest", args=[network.pk, post.pk]))
    client.post(reverse("alumni:post_detail", args=[network.pk, post.pk]), {"body": "ぜひ"})

    assert list(post.interests.values_list("user", flat=True)) == [other.user.pk]
    assert list(post.replies.values_list("body", flat=True)) == ["ぜひ"]
    assert author.user.notifications.get().kind == "alumni.reply"
    client.post(reverse("alumni:post_interest", args=[network.pk, post.pk]))
    assert post.interests.count() == 0


def test_post_counters_hidden_while_the_network_is_small(client, network):
    author = alumni_member(network)
    post = services.post_create(
        viewer=alumni_viewer(network, author.user), kind="activity", title="近況", body="b", share_with_staff=False
    )
    client.force_login(author.user)

    page = client.get(reverse("alumni:post_detail", args=[network.pk, post.pk])).content.decode()

    assert "関心あり 0" not in page


# --- news ----------------------------------------------------------------------------------------------------


def test_news_draft_and_future_schedule_hidden_from_members(client, network):
    office = alumni_viewer(network, network.office)
    services.news_save(viewer=office, news=None, title="下書きです", body="b", category="hr", status=NewsStatus.DRAFT)
    services.news_save(
        viewer=office,
        news=None,
        title="予約です",
        body="b",
        category="career",
        status=NewsStatus.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(hours=1),
    )
    services.news_save(
        viewer=office, news=None, title="公開です", body="b", category="seminar", status=NewsStatus.PUBLISHED
    )
    client.force_login(alumni_member(network).user)

    page = client.get(reverse("alumni:news_list", args=[network.pk])).content.decode()

    assert "公開です" in page
    assert "下書きです" not in page
    assert "予約です" not in page


def test_news_scheduled_becomes_visible_and_is_mailed_once(network, django_capture_on_commit_callbacks):
    office = alumni_viewer(network, network.office)
    member = alumni_member(network, user=UserFactory(email="m@example.jp"))
    news = services.news_save(
        viewer=office,
        news=None,
        title="予約",
        body="b",
        category="notice",
        status=NewsStatus.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(minutes=5),
        mail_members=True,
    )
    assert services.news_mail(news_id=news.pk) == 0
    type(news).objects.filter(pk=news.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.news_mail_due() == 1
        assert services.news_mail_due() == 0

    assert access.access_news(alumni_viewer(network, member.user), news.pk) == news
    assert [m.to for m in mail.outbox] == [["m@example.jp"]]
    assert services.news_mail(news_id=news.pk) == 0


def test_news_attachment_is_checked_and_downloadable(client, network):
    client.force_login(network.office)
    url = reverse("alumni:office_news_create", args=[network.pk])
    data = {"title": "案内", "category": "seminar", "body": "b", "status": "published"}

    bad = client.post(url, data | {"attachment": SimpleUploadedFile("x.pdf", b"MZ not a pdf")})
    exe = client.post(url, data | {"attachment": SimpleUploadedFile("x.exe", b"MZ")})
    ok = client.post(url, data | {"attachment": SimpleUploadedFile("案内.pdf", b"%PDF-1.4 hello")})

    assert bad.status_code == 400
    assert "ファイルの中身が拡張子（.pdf）と一致しません。" in bad.content.decode()
    assert "添付できるのは" in exe.content.decode()
    assert ok.status_code == 302
    attachment = NewsAttachment.objects.get()
    client.force_login(alumni_member(network).user)
    download = client.get(reverse("alumni:news_attachment", args=[network.pk, attachment.news_id, attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 hello"


def test_news_schedule_in_the_past_is_refused_beside_the_field(client, network):
    client.force_login(network.office)

    response = client.post(
        reverse("alumni:office_news_create", args=[network.pk]),
        {"title": "t", "category": "hr", "body": "b", "status": "scheduled", "publish_at": "2000-01-01 10:00"},
    )

    assert response.status_code == 400
    assert "予約公開の日時は今より後にしてください。" in response.content.decode()
