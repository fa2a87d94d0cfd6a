"""seed_demo's alumni network: about 60 alumni, content in every state, the two demo logins; idempotent."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alumni.models import AlumniMember, AlumniNetwork, Feedback, Meetup, MemberPost, NewsPost, RosterEntry
from participants.models import User

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (AlumniNetwork, AlumniMember, RosterEntry, NewsPost, MemberPost, Feedback, Meetup)
    }


def test_seed_demo_alumni_network_twice(client):
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)

    network = AlumniNetwork.objects.get()
    statuses = Counter(AlumniMember.objects.values_list("status", flat=True))
    now = timezone.now()
    assert counts() == first
    assert 55 <= sum(statuses.values()) <= 65
    assert statuses["pending"] == 3
    assert set(Feedback.objects.values_list("status", flat=True)) == {"received", "considering", "done", "declined"}
    assert Meetup.objects.filter(starts_at__lt=now, survey_answers__isnull=False).exists()
    assert Meetup.objects.filter(starts_at__gt=now, rsvps__status="waiting").exists()
    alumnus = User.objects.get(email="alumnus@demo.sks.example.jp")
    client.force_login(alumnus)
    assert client.get(reverse("alumni:network_home", args=[network.pk])).status_code == 200
    client.force_login(User.objects.get(email="alumni@demo.sks.example.jp"))
    queue = client.get(reverse("alumni:office_approvals", args=[network.pk]))
    assert len(queue.context["pending"]) == 3
