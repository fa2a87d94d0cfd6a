"""The pledge gate: no issue-list content, and no application, without the confidentiality pledge in force."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.exceptions import SelectionError
from events.models import SeniorApplication
from events.services import ChoiceInput, senior_application_save
from participants.models import PledgeAcceptance, PledgeVersion
from participants.services import senior_pledge_accept
from tests.access import arranging
from tests.factories import (
    OrganizationFactory,
    approved_hearing,
    enrol_company,
    make_application,
    make_event,
    pledged_senior,
    searchable_senior,
)

pytestmark = pytest.mark.django_db

TITLE = "秘密の課題タイトル"
SUMMARY = "秘密の課題の概要"
PLEDGE_URL = reverse("participants:senior_pledge")


@pytest.fixture
def published():
    with arranging():
        bank = OrganizationFactory(name="A信用金庫")
        event = make_event(hosts=[bank], status="published")
        enrolment = enrol_company(event)
        approved_hearing(enrolment, title=TITLE, summary=SUMMARY)
        return event, enrolment


def _requests(event, enrolment):
    """Every senior page and POST behind the gate, as (method, url, data)."""
    form = {"application_form": "1", f"choose_{enrolment.pk}": "on", f"proposal_{enrolment.pk}": "支援できます。"}
    return [
        ("get", reverse("events:senior_issue_list", args=[event.pk]), {}),
        ("get", reverse("events:senior_application", args=[event.pk]), {}),
        ("post", reverse("events:senior_application", args=[event.pk]), form),
        ("post", reverse("events:senior_application_submit", args=[event.pk]), form),
        ("post", reverse("events:senior_application_submit", args=[event.pk]), {}),
        ("post", reverse("events:senior_application_withdraw", args=[event.pk]), {}),
    ]


def _newer_pledge() -> PledgeVersion:
    return PledgeVersion.objects.create(version="99", text="改訂された誓約書", effective_from=timezone.now())


def test_pledge_gate_without_pledge_redirects_everywhere(published, login_as):
    event, enrolment = published
    senior = searchable_senior()
    client = login_as(senior.user)

    for method, url, data in _requests(event, enrolment):
        response = getattr(client, method)(url, data)

        assert (response.status_code, response["Location"].split("?")[0]) == (302, PLEDGE_URL), f"{method} {url}"
        assert TITLE not in response.content.decode()
    assert SeniorApplication.objects.count() == 0


def test_pledge_gate_older_pledge_only_redirects_everywhere(published, login_as):
    event, enrolment = published
    senior = pledged_senior()  # accepted the version that was in force
    _newer_pledge()  # a revision is now in force and has not been accepted
    client = login_as(senior.user)

    for method, url, data in _requests(event, enrolment):
        response = getattr(client, method)(url, data)

        assert (response.status_code, response["Location"].split("?")[0]) == (302, PLEDGE_URL), f"{method} {url}"
    assert SeniorApplication.objects.count() == 0


def test_pledge_gate_older_pledge_keeps_existing_application_unchanged(published, login_as):
    event, enrolment = published
    senior = pledged_senior()
    application = make_application(senior, [enrolment], status="draft")
    _newer_pledge()
    client = login_as(senior.user)

    client.post(reverse("events:senior_application_submit", args=[event.pk]))
    client.post(reverse("events:senior_application_withdraw", args=[event.pk]))

    application.refresh_from_db()
    assert application.status == "draft"


def test_pledge_gate_current_pledge_opens_pages(published, login_as):
    event, _enrolment = published
    senior = pledged_senior()
    client = login_as(senior.user)

    issue_list = client.get(reverse("events:senior_issue_list", args=[event.pk]))
    application = client.get(reverse("events:senior_application", args=[event.pk]))

    assert (issue_list.status_code, application.status_code) == (200, 200)
    assert TITLE in issue_list.content.decode()
    assert SUMMARY in application.content.decode()


def test_pledge_gate_accepting_new_version_opens_pages_again(published, login_as):
    event, _enrolment = published
    senior = pledged_senior()
    newer = _newer_pledge()
    senior_pledge_accept(profile=senior, pledge=newer)
    client = login_as(senior.user)

    response = client.get(reverse("events:senior_issue_list", args=[event.pk]))

    assert response.status_code == 200


def test_pledge_gate_current_pledge_posts_go_through(published, login_as):
    event, enrolment = published
    senior = pledged_senior()
    client = login_as(senior.user)
    form = {"application_form": "1", f"choose_{enrolment.pk}": "on", f"proposal_{enrolment.pk}": "支援できます。"}

    response = client.post(reverse("events:senior_application_submit", args=[event.pk]), form)

    assert (response.status_code, response["Location"]) == (
        302,
        reverse("events:senior_application", args=[event.pk]),
    )
    application = SeniorApplication.objects.get()
    assert (application.status, application.pledge) == (
        "submitted",
        PledgeAcceptance.objects.get(senior=senior),
    )


def test_pledge_gate_no_pledge_in_force_redirects(published, login_as):
    event, _enrolment = published
    senior = pledged_senior()
    PledgeVersion.objects.update(effective_from=timezone.now() + timedelta(days=1))
    client = login_as(senior.user)

    response = client.get(reverse("events:senior_issue_list", args=[event.pk]))

    assert (response.status_code, response["Location"].split("?")[0]) == (302, PLEDGE_URL)


def test_pledge_gate_anonymised_senior_gets_404(published, login_as):
    event, enrolment = published
    senior = pledged_senior()
    client = login_as(senior.user)
    type(senior).objects.filter(pk=senior.pk).update(anonymised_at=timezone.now())

    for method, url, data in _requests(event, enrolment):
        assert getattr(client, method)(url, data).status_code == 404, f"{method} {url}"
    assert client.get(reverse("events:senior_event_list")).status_code == 404


def test_senior_event_list_without_pledge_shows_no_issue_content(published, login_as):
    event, _enrolment = published
    senior = searchable_senior()

    response = login_as(senior.user).get(reverse("events:senior_event_list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert event.title in content
    assert TITLE not in content
    assert reverse("events:senior_issue_list", args=[event.pk]) not in content
    assert PLEDGE_URL in content


def test_senior_event_list_hides_events_before_publication(login_as):
    event = make_event(status="hearing", title="準備中の交流会")
    senior = pledged_senior()

    response = login_as(senior.user).get(reverse("events:senior_event_list"))

    assert event.title not in response.content.decode()
    assert login_as(senior.user).get(reverse("events:senior_issue_list", args=[event.pk])).status_code == 404


def test_dashboard_panel_without_pledge_shows_only_a_count(published, login_as):
    event, _enrolment = published
    senior = searchable_senior()

    response = login_as(senior.user).get(reverse("dashboard"))

    content = response.content.decode()
    assert "いま応募できる交流会が1件あります。" in content
    assert event.title not in content
    assert TITLE not in content


def test_dashboard_panel_with_pledge_lists_events_and_status(published, login_as):
    event, enrolment = published
    senior = pledged_senior()
    make_application(senior, [enrolment])

    response = login_as(senior.user).get(reverse("dashboard"))

    content = response.content.decode()
    assert event.title in content
    assert "応募済" in content
    assert TITLE not in content


def test_application_save_service_refuses_without_current_pledge(published):
    event, enrolment = published
    senior = pledged_senior()
    _newer_pledge()

    with pytest.raises(SelectionError):
        senior_application_save(
            event=event, senior=senior, choices=[ChoiceInput(enrolment.pk, "支援できます。")], by=senior.user
        )

    assert SeniorApplication.objects.count() == 0


def test_pledge_gate_brings_the_senior_back_to_the_issue_list_after_accepting(published, login_as):
    event, _enrolment = published
    senior = searchable_senior()
    client = login_as(senior.user)
    issues_url = reverse("events:senior_issue_list", args=[event.pk])

    gate = client.get(issues_url)
    pledge_page = client.get(gate["Location"])
    accepted = client.post(
        PLEDGE_URL,
        {"pledge": PledgeVersion.objects.order_by("-effective_from").first().pk, "agree": "on", "next": issues_url},
    )

    assert gate["Location"] == PLEDGE_URL + "?next=" + issues_url.replace("/", "%2F")
    assert f'name="next" value="{issues_url}"' in pledge_page.content.decode()
    assert (accepted.status_code, accepted["Location"]) == (302, issues_url)
    assert TITLE in client.get(issues_url).content.decode()


def test_pledge_page_ignores_a_next_url_on_another_site(login_as):
    senior = searchable_senior()
    client = login_as(senior.user)

    accepted = client.post(
        PLEDGE_URL,
        {
            "pledge": PledgeVersion.objects.order_by("-effective_from").first().pk,
            "agree": "on",
            "next": "https://evil.example/",
        },
    )

    assert (accepted.status_code, accepted["Location"]) == (302, PLEDGE_URL)
