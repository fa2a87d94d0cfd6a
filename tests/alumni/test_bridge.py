"""The bridge: an alumnus becomes a 新現役 in one step (pledge and consent stay separate), and the companies
they declare are never matched with them (the matching engine's problem leaves the pairs out)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alumni import services
from alumni.models import ConflictDeclaration
from matching.problems import company_key, event_problem, senior_key
from participants.models import SeniorProfile
from participants.selectors import senior_has_current_pledge, senior_standing_consent
from tests.access import arranging
from tests.factories import (
    UserFactory,
    alumni_member,
    alumni_network,
    alumni_viewer,
    make_application,
    pledged_senior,
    three_bank_event,
)

pytestmark = pytest.mark.django_db


def test_become_senior_carries_the_profile_over_without_consent(client):
    network = alumni_network()
    member = alumni_member(
        network,
        user=UserFactory(name="山田 太郎", name_kana="ヤマダ タロウ"),
        year_joined=1985,
        year_left=2020,
        departments="融資第一部",
        employer="みなと経営研究所",
        job_title="代表",
        self_introduction="中小企業の資金繰りが専門です。",
    )
    client.force_login(member.user)

    response = client.post(reverse("alumni:senior_bridge", args=[network.pk]))

    profile = SeniorProfile.objects.get(user=member.user)
    assert response["Location"] == reverse("participants:senior_pledge")
    assert [(c.employer, c.department, c.role, c.year_from, c.year_to) for c in profile.careers.all()] == [
        ("みなと経営研究所", "", "代表", None, None),
        (network.organization.name, "融資第一部", "", 1985, 2020),
    ]
    assert profile.self_introduction == "中小企業の資金繰りが専門です。"
    assert not senior_has_current_pledge(profile)
    assert senior_standing_consent(profile) is None
    with pytest.raises(services.AlumniError):
        services.member_become_senior(viewer=alumni_viewer(network, member.user))


@pytest.fixture
def w():
    with arranging():
        w = three_bank_event(status="selection", rounds=4, table_capacity=1)
        e = w["enrolments"]
        w["senior"] = pledged_senior()
        make_application(w["senior"], [e["a"], e["b"]], decisions=["accepted", "accepted"])
        network = alumni_network()
        w["viewer"] = alumni_viewer(network, alumni_member(network, user=w["senior"].user).user)
        return w


def pairs(event):
    return {(r["company"], r["senior"]) for r in event_problem(event=event)["requests"]}


def test_conflict_by_name_excludes_the_pair(w):
    a, b, s = w["enrolments"]["a"], w["enrolments"]["b"], w["senior"]
    assert pairs(w["event"]) == {(company_key(a.pk), senior_key(s.pk)), (company_key(b.pk), senior_key(s.pk))}
    name = a.company.name.replace("株式会社", "")  # declared loosely: without the legal form

    services.conflict_declare(viewer=w["viewer"], company_name=f"  {name} ")

    assert pairs(w["event"]) == {(company_key(b.pk), senior_key(s.pk))}


def test_conflict_by_corporate_number_excludes_the_pair(w):
    b, s = w["enrolments"]["b"], w["senior"]
    with arranging():
        type(b.company).objects.filter(pk=b.company.pk).update(corporate_number="1234567890123")

    services.conflict_declare(viewer=w["viewer"], company_name="別名の会社", corporate_number="1234567890123")

    assert (company_key(b.pk), senior_key(s.pk)) not in pairs(w["event"])
    assert len(pairs(w["event"])) == 1


def test_conflict_of_another_senior_changes_nothing(w):
    other = pledged_senior()
    network = alumni_network()
    viewer = alumni_viewer(network, alumni_member(network, user=other.user).user)
    before = pairs(w["event"])

    services.conflict_declare(viewer=viewer, company_name=w["enrolments"]["a"].company.name)

    assert pairs(w["event"]) == before


def test_conflicts_page_declares_and_removes(client):
    network = alumni_network()
    member = alumni_member(network)
    client.force_login(member.user)
    url = reverse("alumni:conflicts", args=[network.pk])

    bad = client.post(url, {"company_name": "株式会社A", "corporate_number": "123"})
    client.post(url, {"company_name": "株式会社A", "corporate_number": "１２３４５６７８９０１２３"})
    declaration = ConflictDeclaration.objects.get()
    other = alumni_member(network)
    client.force_login(other.user)
    foreign = client.post(reverse("alumni:conflict_remove", args=[network.pk, declaration.pk]))
    client.force_login(member.user)
    client.post(reverse("alumni:conflict_remove", args=[network.pk, declaration.pk]))

    assert bad.status_code == 400
    assert "法人番号は13桁の数字で入力してください。" in bad.content.decode()
    assert declaration.corporate_number == "1234567890123"
    assert foreign.status_code == 404
    assert ConflictDeclaration.objects.count() == 0
