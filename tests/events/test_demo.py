from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.demo import JOINT_TITLE, SINGLE_TITLE
from events.enums import ApplicationStatus, EventStatus
from events.models import Event, EventCompany, SeniorApplication
from events.selectors import application_window_open
from matching.demo import PAST_TITLE
from participants.models import User
from sks.roles import COMPANY
from tests.access import every


@pytest.mark.django_db
def test_seed_demo_events_twice_gives_an_open_event_and_a_joint_event_of_three_banks(client):
    call_command("seed_demo")
    call_command("seed_demo")

    single = Event.objects.get(title=SINGLE_TITLE)
    joint = Event.objects.get(title=JOINT_TITLE)
    # The two events of this app's seeder (matching's adds a past one, tests/matching/test_demo_followup.py).
    assert Event.objects.exclude(title=PAST_TITLE).count() == 2
    assert (single.status, application_window_open(single)) == (EventStatus.PUBLISHED, True)
    assert SeniorApplication.objects.filter(event=single, status=ApplicationStatus.SUBMITTED).count() == 2
    assert (joint.status, joint.hosts.count(), joint.co_hosts.count()) == (EventStatus.HEARING, 3, 1)
    assert every(EventCompany).filter(event=joint).count() == 6
    assert COMPANY in User.objects.get(email="company@demo.sks.example.jp").roles

    client.force_login(User.objects.get(email="senior@demo.sks.example.jp"))
    page = client.get(reverse("events:senior_issue_list", args=[single.pk]))
    assert page.status_code == 200
    assert "精密部品メーカーの東南アジア販路開拓" in page.content.decode()
