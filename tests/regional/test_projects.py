"""Public-private projects: a government posts a challenge, a bank applies and is accepted under a recorded
agreement, contributions move the campaign's total (summed in the database, audited, none lost when two
arrive at once), volunteers and the activity log."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.db.models import Sum
from django.urls import reverse

from regional.models import Activity, Campaign, Challenge, Contribution, PartnerApplication, Volunteer
from regional.services import RegionalError, application_accept, contribution_record, partner_apply
from sks.roles import Role
from tests.conftest import need
from tests.factories import LocalGovernmentFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db):
    prefecture = LocalGovernmentFactory(name="静岡県")
    bank = OrganizationFactory(name="するが銀行")
    other_bank = OrganizationFactory(name="遠州信用金庫")
    users = {
        "gov": staff_user(Role.LOCAL_GOVERNMENT, prefecture, name="県 職員"),
        "other_gov": staff_user(Role.LOCAL_GOVERNMENT, LocalGovernmentFactory(name="愛知県")),
        "bank": staff_user(Role.BANK_STAFF, bank, name="銀行 職員"),
        "colleague": staff_user(Role.BANK_STAFF, bank, name="同僚 職員"),
        "other_bank": staff_user(Role.BANK_STAFF, other_bank, name="信金 職員"),
    }
    challenge = Challenge.objects.create(
        government=prefecture,
        created_by=users["gov"],
        theme="動物愛護センターの再建",
        description="老朽化した施設の建て替え",
        region="静岡県全域",
        partner_wanted="金融機関・カード会社",
    )
    return {"prefecture": prefecture, "bank": bank, "other_bank": other_bank, "users": users, "challenge": challenge}


def accepted(project) -> PartnerApplication:
    application = partner_apply(
        challenge=project["challenge"],
        partner=project["bank"],
        by=project["users"]["bank"],
        message="会員向けに告知します",
    )
    return application_accept(
        application=application,
        by=project["users"]["gov"],
        agreement_kind="memorandum",
        signed_on=dt.date(2026, 4, 1),
        signatories="静岡県知事、するが銀行頭取",
    )


def with_campaign(project) -> Campaign:
    accepted(project)
    return Campaign.objects.create(challenge=project["challenge"], title="再建募金", goal_amount=1_100_000_000)


def test_government_posts_a_challenge(project, as_user):
    response = as_user(project["users"]["gov"]).post(
        reverse("regional:challenge_new"),
        {
            "government": project["prefecture"].pk,
            "theme": "健康づくり",
            "description": "歩数に応じた寄付",
            "region": "静岡県",
            "partner_wanted": "企業",
        },
    )

    challenge = Challenge.objects.get(theme="健康づくり")
    assert response.status_code == 302
    assert (challenge.government, challenge.created_by) == (project["prefecture"], project["users"]["gov"])


def test_government_cannot_post_for_another_government(project, as_user):
    response = as_user(project["users"]["other_gov"]).post(
        reverse("regional:challenge_new"),
        {
            "government": project["prefecture"].pk,
            "theme": "x",
            "description": "x",
            "region": "x",
            "partner_wanted": "x",
        },
    )

    assert response.status_code == 400
    assert "正しく選択してください" in response.text
    assert not Challenge.objects.filter(theme="x").exists()


def test_bank_applies_and_government_accepts_with_agreement(project, as_user):
    bank = as_user(project["users"]["bank"])
    bank.post(
        reverse("regional:challenge_apply", args=[project["challenge"].pk]),
        {"partner": project["bank"].pk, "message": "全国の会員に告知"},
    )
    application = PartnerApplication.objects.get()

    response = as_user(project["users"]["gov"]).post(
        reverse("regional:application_accept", args=[application.pk]),
        {"agreement_kind": "partnership", "agreement_signed_on": "2026-04-01", "agreement_signatories": "知事、頭取"},
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert (application.status, application.agreement_kind, application.agreement_signed_on) == (
        "accepted",
        "partnership",
        dt.date(2026, 4, 1),
    )
    assert (
        "連携協定"
        in as_user(project["users"]["other_bank"])
        .get(reverse("regional:challenge_detail", args=[project["challenge"].pk]))
        .text
    )


def test_acceptance_is_the_challenges_government_only(project, as_user):
    application = partner_apply(
        challenge=project["challenge"], partner=project["bank"], by=project["users"]["bank"], message="x"
    )
    url = reverse("regional:application_accept", args=[application.pk])

    assert as_user(project["users"]["other_gov"]).get(url).status_code == 404
    assert as_user(project["users"]["bank"]).get(url).status_code == 404


def test_accept_form_says_what_is_missing(project, as_user):
    application = partner_apply(
        challenge=project["challenge"], partner=project["bank"], by=project["users"]["bank"], message="x"
    )

    response = as_user(project["users"]["gov"]).post(
        reverse("regional:application_accept", args=[application.pk]), {"agreement_kind": "memorandum"}
    )

    assert response.status_code == 400
    assert "このフィールドは必須です。" in response.text


def test_apply_twice_is_refused_beside_the_field(project, as_user):
    partner_apply(challenge=project["challenge"], partner=project["bank"], by=project["users"]["bank"], message="x")

    response = as_user(project["users"]["colleague"]).post(
        reverse("regional:challenge_apply", args=[project["challenge"].pk]),
        {"partner": project["bank"].pk, "message": "y"},
    )

    assert response.status_code == 400
    assert "するが銀行はこの課題にすでに申し込んでいます。" in response.text


def test_other_banks_application_is_not_shown_to_a_bank(project, as_user):
    partner_apply(
        challenge=project["challenge"],
        partner=project["other_bank"],
        by=project["users"]["other_bank"],
        message="内密の提案",
    )

    bank_page = as_user(project["users"]["bank"]).get(
        reverse("regional:challenge_detail", args=[project["challenge"].pk])
    )
    gov_page = as_user(project["users"]["gov"]).get(
        reverse("regional:challenge_detail", args=[project["challenge"].pk])
    )

    assert "内密の提案" not in bank_page.text
    assert "内密の提案" in gov_page.text


def test_contributions_sum_in_the_database_and_move_the_progress(project, as_user):
    campaign = with_campaign(project)
    client = as_user(project["users"]["bank"])
    url = reverse("regional:contribution_new", args=[project["challenge"].pk])

    client.post(url, {"partner": project["bank"].pk, "source": "corporate", "amount": "550000000"})
    client.post(url, {"partner": project["bank"].pk, "source": "points", "amount": "5500000"})
    page = as_user(project["users"]["other_bank"]).get(
        reverse("regional:challenge_detail", args=[project["challenge"].pk])
    )

    campaign.refresh_from_db()
    assert campaign.total_amount == 555_500_000 == Contribution.objects.aggregate(s=Sum("amount"))["s"]
    assert campaign.progress_percent == 50
    assert 'max="1100000000" value="555500000"' in page.text
    assert "555,500,000" in page.text
    assert "法人寄付: 550,000,000円" not in page.text  # the breakdown and rows are the insiders'
    assert "寄付・拠出を記録する" not in page.text
    insider = as_user(project["users"]["gov"]).get(reverse("regional:challenge_detail", args=[project["challenge"].pk]))
    assert "会員のポイント交換: 5,500,000円" in insider.text
    assert "法人寄付: 550,000,000円" in insider.text


def test_every_contribution_is_audited(project):
    campaign = with_campaign(project)

    c = contribution_record(
        campaign=campaign, partner=project["bank"], by=project["users"]["bank"], source="employee", amount=30000
    )

    created = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Contribution), object_pk=str(c.pk))
    named = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Campaign),
        additional_data__event="regional.contribution_recorded",
    )
    assert created.action == LogEntry.Action.CREATE
    assert (named.additional_data["amount"], named.additional_data["source"], named.actor) == (
        30000,
        "employee",
        project["users"]["bank"],
    )


def test_only_accepted_partners_record_contributions(project, as_user):
    campaign = with_campaign(project)

    with pytest.raises(RegionalError, match="承認された組織"):
        contribution_record(
            campaign=campaign,
            partner=project["other_bank"],
            by=project["users"]["other_bank"],
            source="corporate",
            amount=1,
        )
    with pytest.raises(RegionalError, match="所属する組織"):
        contribution_record(
            campaign=campaign, partner=project["bank"], by=project["users"]["other_bank"], source="corporate", amount=1
        )
    response = as_user(project["users"]["other_bank"]).post(
        reverse("regional:contribution_new", args=[project["challenge"].pk]),
        {"partner": project["bank"].pk, "source": "corporate", "amount": "1"},
    )
    assert response.status_code == 404
    assert Contribution.objects.count() == 0


def test_contribution_form_rejects_a_negative_amount(project, as_user):
    with_campaign(project)

    response = as_user(project["users"]["bank"]).post(
        reverse("regional:contribution_new", args=[project["challenge"].pk]),
        {"partner": project["bank"].pk, "source": "corporate", "amount": "-5"},
    )

    assert response.status_code == 400
    assert "この値は 1 以上でなければなりません。" in response.text


def test_volunteers_and_activity_log(project, as_user):
    with_campaign(project)
    bank = as_user(project["users"]["colleague"])
    bank.post(reverse("regional:volunteer_new", args=[project["challenge"].pk]), {"partner": project["bank"].pk})
    bank.post(
        reverse("regional:activity_new", args=[project["challenge"].pk]),
        {
            "organisation": project["bank"].pk,
            "kind": "outreach",
            "description": "会員誌に募金の記事を掲載",
            "happened_on": "2026-05-10",
        },
    )

    assert list(Volunteer.objects.values_list("user__name", "partner__name")) == [("同僚 職員", "するが銀行")]
    assert list(Activity.objects.values_list("user__name", "kind", "description")) == [
        ("同僚 職員", "outreach", "会員誌に募金の記事を掲載")
    ]
    outsider_page = as_user(project["users"]["other_bank"]).get(
        reverse("regional:challenge_detail", args=[project["challenge"].pk])
    )
    assert "会員誌に募金の記事を掲載" not in outsider_page.text
    assert "同僚 職員" not in outsider_page.text


def test_non_partner_cannot_volunteer_or_log(project, as_user):
    with_campaign(project)
    client = as_user(project["users"]["other_bank"])

    assert (
        client.post(
            reverse("regional:volunteer_new", args=[project["challenge"].pk]), {"partner": project["other_bank"].pk}
        ).status_code
        == 404
    )
    assert client.post(reverse("regional:activity_new", args=[project["challenge"].pk]), {}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_contributions_at_once_are_both_counted(project):
    need(connection.vendor == "postgresql", "concurrent row locks need PostgreSQL (set DATABASE_URL)")
    campaign = with_campaign(project)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def record(amount: int) -> None:
        try:
            barrier.wait()
            contribution_record(
                campaign=campaign,
                partner=project["bank"],
                by=project["users"]["bank"],
                source="corporate",
                amount=amount,
            )
        except BaseException as e:  # reported by the assertion below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(amount,)) for amount in (700, 5000)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    campaign.refresh_from_db()
    assert errors == []
    assert campaign.total_amount == 5700
    assert Contribution.objects.count() == 2


def test_challenge_list_queries_do_not_grow_with_rows(project, as_user, django_assert_max_num_queries):
    with_campaign(project)
    client = as_user(project["users"]["other_bank"])
    url = reverse("regional:challenge_list")
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for i in range(10):
        c = Challenge.objects.create(
            government=project["prefecture"],
            created_by=project["users"]["gov"],
            theme=f"課題 {i}",
            description="d",
            region="r",
            partner_wanted="p",
        )
        Campaign.objects.create(challenge=c, title=f"募金 {i}", goal_amount=1000)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


# --- news and the daily digest -------------------------------------------------------------------------------------


def test_partner_posts_news_and_the_digest_goes_once_to_partners_and_followers(
    project, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    from participants.models import Reminder
    from regional.models import ChallengeFollower, ProjectUpdate
    from regional.tasks import task_send_project_digests

    with_campaign(project)
    follower = staff_user(Role.BANK_STAFF, OrganizationFactory(name="見守り信金"), name="見守る 人")
    as_user(follower).post(reverse("regional:challenge_follow", args=[project["challenge"].pk]), {"follow": "yes"})
    as_user(project["users"]["bank"]).post(
        reverse("regional:update_new", args=[project["challenge"].pk]),
        {"title": "譲渡会を開きます", "body": "本店ロビーで"},
    )
    update = ProjectUpdate.objects.get()
    ProjectUpdate.objects.filter(pk=update.pk).update(created_at=update.created_at - dt.timedelta(days=1))
    today = update.created_at.astimezone().date().isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        first = task_send_project_digests(as_of=today)
    with django_capture_on_commit_callbacks(execute=True):
        second = task_send_project_digests(as_of=today)

    # The bank's two staff (accepted partner) and the follower; the government and other bank are not mailed.
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert (first, second) == (3, 0)
    assert recipients == sorted([project["users"]["bank"].email, project["users"]["colleague"].email, follower.email])
    assert Reminder.objects.filter(kind="regional_project_digest").count() == 3
    assert "譲渡会を開きます" in mailoutbox[0].body
    assert "動物愛護センターの再建" in mailoutbox[0].body
    assert ChallengeFollower.objects.count() == 1


def test_news_is_the_insiders(project, as_user):
    from regional.models import ProjectUpdate

    response = as_user(project["users"]["other_bank"]).post(
        reverse("regional:update_new", args=[project["challenge"].pk]), {"title": "x", "body": "y"}
    )

    assert response.status_code == 404
    assert ProjectUpdate.objects.count() == 0
