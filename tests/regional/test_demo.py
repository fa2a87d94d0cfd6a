from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from participants.models import User
from regional.demo import CHALLENGE_THEME, NETWORK
from regional.models import Campaign, CollaborationStory, Connection, DialogueMeeting, Network


@pytest.mark.django_db
def test_seed_demo_twice_gives_a_network_a_past_meeting_stories_and_a_campaign(client):
    call_command("seed_demo")
    call_command("seed_demo")

    network = Network.objects.get(name=NETWORK)
    past = DialogueMeeting.objects.filter(chapter__network=network, groups_formed_at__isnull=False).get()
    campaign = Campaign.objects.get(challenge__theme=CHALLENGE_THEME)
    assert network.chapters.count() == 3
    assert past.groups.filter(round=0).count() == 4  # 19 people in tables of 5: four tables
    assert CollaborationStory.objects.filter(network=network).count() == 3
    assert Connection.objects.count() == 3
    assert (campaign.goal_amount, campaign.total_amount) == (1_100_000_000, 399_150_000)

    client.force_login(User.objects.get(email="city@demo.sks.example.jp"))
    groups = client.get(reverse("regional:meeting_groups", args=[past.pk]))
    project = client.get(reverse("regional:challenge_detail", args=[campaign.challenge_id]))
    assert groups.status_code == project.status_code == 200
    assert "テーブル 4" in groups.text
    assert "399,150,000" in project.text
