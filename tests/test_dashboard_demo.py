"""After signing in, each role of the demo sees one clear next step, and its dashboard never contradicts
itself: what the panels ask for is what the dashboard puts forward, and nobody is told that nothing is asked
of them while a panel counts things waiting for them."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from participants.models import User
from tests.access import arranging

pytestmark = pytest.mark.django_db

# Each demo login and the next step its dashboard puts forward.
EXPECTED = {
    "senior@demo.sks.example.jp": "交流会に応募しましょう",
    "company@demo.sks.example.jp": "事前ヒアリングシートを確認してください",
    "staff1@demo.sks.example.jp": "事前ヒアリングシートを仕上げましょう",
    "admin1@demo.sks.example.jp": "事前ヒアリングシートを仕上げましょう",
    "staff2@demo.sks.example.jp": "事前ヒアリングシートを仕上げましょう",
    "coordinator@demo.sks.example.jp": "次の交流会の準備を進めましょう",
    "alumni@demo.sks.example.jp": "入会の申請を確認しましょう",
    "city@demo.sks.example.jp": "次の対話会の準備をしましょう",
    "alumnus@demo.sks.example.jp": "新しいお知らせを確認しましょう",
}


def _first_section(html: str) -> str:
    main = re.search(r"<main.*?</main>", html, re.S)
    assert main is not None
    section = re.search(r'<section class="card next-step next-step-first.*?</section>', main.group(0), re.S)
    assert section is not None
    return section.group(0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_each_demo_role_is_given_one_clear_next_step_that_agrees_with_its_panels(client):
    with arranging():
        call_command("seed_demo")
    found = {}
    for email in EXPECTED:
        with arranging():
            user = User.objects.get(email=email)
        client.force_login(user)
        html = client.get(reverse("dashboard")).content.decode()
        first = _first_section(html)
        text = _text(html)

        found[email] = (
            _text(re.search(r'<h3 class="h4 card-title">(.*?)</h3>', first, re.S).group(1)).strip()
            if 'card-title"' in first
            else None,
            first.count("btn btn-primary"),
            "いまお願いしていることはありません" in text,
            "事務局からの案内" in text,
        )
        client.logout()

    assert {email: (title or "").startswith(EXPECTED[email]) for email, (title, *_rest) in found.items()} == {
        email: True for email in EXPECTED
    }, found
    assert {email: rest for email, (_title, *rest) in found.items()} == {email: [1, False, False] for email in EXPECTED}


def test_the_demo_coordinator_has_done_what_was_due_and_has_the_rest_ahead():
    """A demo event's checklist is counted back from its date: what fell due before today is ticked (by the
    coordinator, through the service), what is ahead is not, so the demo does not open on 8 overdue tasks."""
    from django.utils import timezone

    from events.demo import JOINT_TITLE, SINGLE_TITLE
    from events.models import ChecklistItem
    from tests.access import every

    with arranging():
        call_command("seed_demo")
    today = timezone.localdate()
    items = every(ChecklistItem).filter(event__title__in=[SINGLE_TITLE, JOINT_TITLE])

    assert items.filter(due_date__lt=today, done_at__isnull=True).count() == 0
    assert items.filter(due_date__lt=today, done_by__email="coordinator@demo.sks.example.jp").exists()
    assert items.filter(due_date__gte=today, done_at__isnull=True).exists()
