"""Figures that leave the platform follow the statistics rule (DESIGN.md, confidentiality): in a joint event
of two banks, bank B can derive nothing about bank A's companies from what it receives.

The proof is by comparison. Two joint events of banks A and B differ only in how A's companies did (in one,
A's company met two seniors and reached a support agreement; in the other it met one and nothing came of
it); B's companies did the same in both. Everything B's people receive about each event (the close summary
mails and their in-app copies, and B's statistics export, row by row) must then be identical but for the
event's title, while A's and the coordinator's differ, which shows the comparison can fail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from events.services.events import event_close
from participants.models import Notification
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    CoordinatorOrgFactory,
    OrganizationFactory,
    enrol_company,
    make_agreement,
    make_event,
    make_result,
    make_second_interview,
    make_timetable,
    pledged_senior,
    staff_user,
)

pytestmark = pytest.mark.django_db

TITLES = ("甲の交流会", "乙の交流会")


@pytest.fixture
def world():
    with arranging():
        coord_org = CoordinatorOrgFactory(name="交流会事務局")
        coordinator = staff_user(Role.COORDINATOR, coord_org)
        bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
        people = {
            "coordinator": coordinator,
            "admin_a": staff_user(Role.INSTITUTION_ADMIN, bank_a),
            "staff_a": staff_user(Role.BANK_STAFF, bank_a),
            "admin_b": staff_user(Role.INSTITUTION_ADMIN, bank_b),
            "staff_b": staff_user(Role.BANK_STAFF, bank_b),
        }
        seniors = [pledged_senior() for _ in range(3)]
        events = []
        for title, a_succeeds in zip(TITLES, (True, False), strict=True):
            event = make_event(
                coordinator_org=coord_org,
                hosts=[bank_a, bank_b],
                status="follow_up",
                date=dt.date(2026, 9, 1),
                title=title,
            )
            a = enrol_company(event, institution=bank_a, staff=people["staff_a"])
            b = enrol_company(event, institution=bank_b, staff=people["staff_b"])
            a_meets = seniors[:2] if a_succeeds else seniors[:1]
            make_timetable(
                event,
                [(a, s, i, "mutual") for i, s in enumerate(a_meets)] + [(b, seniors[2], 0, "mutual")],
                status="published",
            )
            for senior in a_meets:
                make_result(a, senior, held=True, company_wish="yes", senior_wish="yes")
            if a_succeeds:
                si = make_second_interview(a, seniors[0], status="agreed")
                make_agreement(a, seniors[0], second_interview=si)
            make_result(b, seniors[2], held=True, company_wish="maybe", senior_wish="yes")
            make_second_interview(b, seniors[2], status="not_agreed")
            events.append(event)
        return {"people": people, "events": events}


def _received(user, event, mailoutbox) -> list[str]:
    """What `user` was sent about `event` (mails and in-app notifications), with the title blanked."""
    mails = [m.subject + "\n" + m.body for m in mailoutbox if m.to == [user.email] and event.title in m.subject]
    notes = [n.title + "\n" + n.body for n in Notification.objects.filter(user=user) if event.title in n.title]
    return sorted(text.replace(event.title, "＊") for text in mails + notes)


def _export_rows(client, event) -> list[list[str]]:
    response = client.get(reverse("matching:statistics_export") + "?format=csv&table=events")
    text = response.content.decode("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(text)) if event.title in row]
    return [[cell.replace(event.title, "＊") for cell in row] for row in rows]


def test_bank_b_cannot_tell_how_bank_a_did_from_anything_it_receives(
    world, django_capture_on_commit_callbacks, mailoutbox, client
):
    people, (good, bad) = world["people"], world["events"]
    with django_capture_on_commit_callbacks(execute=True):
        event_close(event=good, by=people["coordinator"])
        event_close(event=bad, by=people["coordinator"])

    for who in ("admin_b", "staff_b"):
        user = people[who]
        received_good, received_bad = _received(user, good, mailoutbox), _received(user, bad, mailoutbox)
        assert len(received_good) == 2  # the mail and its in-app copy
        assert received_good == received_bad, who
        client.force_login(user)
        assert _export_rows(client, good) == _export_rows(client, bad), who
        assert _export_rows(client, good) != []

    # The comparison can fail: A's own people and the coordinator do see the difference.
    for who in ("admin_a", "coordinator"):
        user = people[who]
        assert _received(user, good, mailoutbox) != _received(user, bad, mailoutbox), who
    b_mail = next(m.body for m in mailoutbox if m.to == [people["admin_b"].email])
    assert "■ B銀行 がご紹介した企業の結果" in b_mail
    assert "参加企業：1社" in b_mail
    assert "参加企業：2社" not in b_mail
