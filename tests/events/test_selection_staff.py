"""The company's side, through its bank staff: applicants, profiles under consent, decisions, invitations; and
the isolation of banks in a joint event of three."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.exceptions import SelectionError
from events.models import ApplicationChoice, SeniorInvitation
from events.selectors import applicant_counts_for_enrolments
from events.services import application_choice_decide, senior_invitation_create, senior_invitation_withdraw
from participants.models import Notification, ProvisionRecord
from participants.services import senior_consent_withdraw
from sks.roles import Role
from tests.access import arranging
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    approved_hearing,
    enrol_company,
    make_application,
    make_event,
    make_invitation,
    pledged_senior,
    searchable_senior,
    staff_user,
)
from tests.helpers import assert_isolated

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint():
    """A published joint event of banks A, B and C, each with one company on the issue list."""
    with arranging():
        banks = [OrganizationFactory(name=f"{letter}信用金庫") for letter in "ABC"]
        event = make_event(hosts=banks, status="published")
        staff = {letter: staff_user(Role.BANK_STAFF, bank) for letter, bank in zip("ABC", banks, strict=True)}
        enrolments = {}
        for letter, bank in zip("ABC", banks, strict=True):
            enrolments[letter] = enrol_company(event, institution=bank, staff=staff[letter])
            approved_hearing(enrolments[letter], title=f"{letter}の課題")
        return event, staff, enrolments


def _applicant(enrolment, *, name: str = "山田 太郎", **kwargs):
    """A consenting, pledged senior who applied to `enrolment` (kwargs: make_application's); returns the choice too."""
    senior = pledged_senior(user=UserFactory(name=name))
    application = make_application(senior, [enrolment], **kwargs)
    return senior, application.choices.get()


# --- isolation in a joint event of three banks ----------------------------------------------------


def test_staff_applicants_isolated_between_banks(joint):
    _event, staff, enrolments = joint
    url = reverse("events:staff_applicants", args=[enrolments["A"].pk])

    assert_isolated(url, owner=staff["A"], outsider=staff["B"])
    assert_isolated(url, owner=staff["A"], outsider=staff["C"])


def test_applicant_profile_isolated_between_banks(joint):
    _event, staff, enrolments = joint
    _senior, choice = _applicant(enrolments["A"])
    url = reverse("events:applicant_profile", args=[choice.pk])

    assert_isolated(url, owner=staff["A"], outsider=staff["B"])
    assert_isolated(url, owner=staff["A"], outsider=staff["C"])


def test_choice_decide_isolated_between_banks(joint, login_as):
    _event, staff, enrolments = joint
    _senior, choice = _applicant(enrolments["A"])
    url = reverse("events:choice_decide", args=[choice.pk])

    for outsider in (staff["B"], staff["C"]):
        assert login_as(outsider).post(url, {"decision": "declined"}).status_code == 404
    choice.refresh_from_db()
    assert choice.decision == "pending"
    assert login_as(staff["A"]).post(url, {"decision": "accepted"}).status_code == 302


def test_staff_invite_isolated_between_banks(joint, login_as):
    _event, staff, enrolments = joint
    senior = searchable_senior()
    url = reverse("events:staff_invite", args=[enrolments["A"].pk])

    assert_isolated(url, owner=staff["A"], outsider=staff["B"])
    assert_isolated(url, owner=staff["A"], outsider=staff["C"])
    for outsider in (staff["B"], staff["C"]):
        assert login_as(outsider).post(url, {"senior": senior.pk}).status_code == 404
    assert SeniorInvitation.objects.count() == 0


def test_invitation_withdraw_isolated_between_banks(joint, login_as):
    _event, staff, enrolments = joint
    invitation = make_invitation(enrolments["A"], searchable_senior())
    url = reverse("events:invitation_withdraw", args=[invitation.pk])

    for outsider in (staff["B"], staff["C"]):
        assert login_as(outsider).post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None


def test_staff_applicants_lists_only_own_company(joint, login_as):
    _event, staff, enrolments = joint
    _applicant(enrolments["A"], name="A社への応募者")
    _applicant(enrolments["B"], name="B社への応募者")

    content = login_as(staff["A"]).get(reverse("events:staff_applicants", args=[enrolments["A"].pk])).content.decode()

    assert "A社への応募者" in content
    assert "B社への応募者" not in content
    assert enrolments["B"].company.name not in content


def test_staff_applicants_lists_submitted_only(joint, login_as):
    _event, staff, enrolments = joint
    _applicant(enrolments["A"], name="応募済みの人")
    _applicant(enrolments["A"], name="下書きの人", status="draft")
    _applicant(enrolments["A"], name="辞退した人", status="withdrawn")

    content = login_as(staff["A"]).get(reverse("events:staff_applicants", args=[enrolments["A"].pk])).content.decode()

    assert "応募済みの人" in content
    assert "下書きの人" not in content
    assert "辞退した人" not in content


def test_applicant_profile_of_draft_application_is_404(joint, login_as):
    _event, staff, enrolments = joint
    _senior, choice = _applicant(enrolments["A"], status="draft")

    assert login_as(staff["A"]).get(reverse("events:applicant_profile", args=[choice.pk])).status_code == 404


# --- profiles under consent -----------------------------------------------------------------------


def test_applicant_profile_with_consent_shows_profile_and_records_provision(joint, login_as):
    _event, staff, enrolments = joint
    senior, choice = _applicant(enrolments["A"], name="同意している人", proposal="在庫管理を改善できます。")

    response = login_as(staff["A"]).get(reverse("events:applicant_profile", args=[choice.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "同意している人" in content
    assert "在庫管理を改善できます。" in content
    record = ProvisionRecord.objects.get()
    assert (record.senior, record.recipient, record.recipient_organization) == (
        senior,
        staff["A"],
        enrolments["A"].institution,
    )


def test_applicant_profile_without_consent_hidden(joint, login_as):
    _event, staff, enrolments = joint
    senior, choice = _applicant(enrolments["A"], name="撤回した人", proposal="提案は読めます。")
    senior_consent_withdraw(profile=senior)

    response = login_as(staff["A"]).get(reverse("events:applicant_profile", args=[choice.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "同意が撤回されたため表示できません" in content
    assert "撤回した人" not in content
    assert "提案は読めます。" in content
    assert ProvisionRecord.objects.count() == 0


def test_staff_applicants_without_consent_shows_no_profile_data(joint, login_as):
    _event, staff, enrolments = joint
    senior, _choice = _applicant(enrolments["A"], name="撤回した人")
    senior.prefecture = "47"
    senior.save(update_fields=["prefecture"])
    senior_consent_withdraw(profile=senior)

    content = login_as(staff["A"]).get(reverse("events:staff_applicants", args=[enrolments["A"].pk])).content.decode()

    assert "同意が撤回されたため表示できません" in content
    assert "撤回した人" not in content
    assert "沖縄県" not in content


def test_staff_applicants_with_consent_shows_summary(joint, login_as):
    _event, staff, enrolments = joint
    senior, _choice = _applicant(enrolments["A"], name="同意している人")
    senior.prefecture = "47"
    senior.save(update_fields=["prefecture"])

    content = login_as(staff["A"]).get(reverse("events:staff_applicants", args=[enrolments["A"].pk])).content.decode()

    assert "同意している人" in content
    assert "沖縄県" in content
    assert "同意が撤回されたため表示できません" not in content


def test_staff_applicants_constant_queries(joint, login_as, django_assert_num_queries):
    _event, staff, enrolments = joint
    url = reverse("events:staff_applicants", args=[enrolments["A"].pk])
    client = login_as(staff["A"])
    _applicant(enrolments["A"])
    client.get(url)  # the session's first request does more
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(9):
        _applicant(enrolments["A"], name=f"応募者{number}")

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)

    assert response.content.decode().count('class="card mb-3" id="choice-') == 10


# --- decisions ------------------------------------------------------------------------------------


def test_choice_decide_accept_then_decline(joint, login_as):
    _event, staff, enrolments = joint
    _senior, choice = _applicant(enrolments["A"])
    client = login_as(staff["A"])
    url = reverse("events:choice_decide", args=[choice.pk])

    client.post(url, {"decision": "accepted"})
    choice.refresh_from_db()
    first = (choice.decision, choice.decided_by)
    client.post(url, {"decision": "declined"})
    choice.refresh_from_db()

    assert first == ("accepted", staff["A"])
    assert choice.decision == "declined"


def test_choice_decide_invalid_value_refused(joint, login_as):
    _event, staff, enrolments = joint
    _senior, choice = _applicant(enrolments["A"])

    response = login_as(staff["A"]).post(
        reverse("events:choice_decide", args=[choice.pk]), {"decision": "pending"}, follow=True
    )

    assert "「面談を希望」か「見送り」を選んでください。" in response.content.decode()
    choice.refresh_from_db()
    assert choice.decision == "pending"


def test_choice_decide_during_selection_status_allowed(joint):
    event, staff, enrolments = joint
    _senior, choice = _applicant(enrolments["A"])
    type(event).objects.filter(pk=event.pk).update(status="selection")

    decided = application_choice_decide(choice=choice, decision="accepted", by=staff["A"])

    assert decided.decision == "accepted"


def test_choice_decide_after_selection_deadline_refused(joint):
    event, staff, enrolments = joint
    _senior, choice = _applicant(enrolments["A"])
    today = timezone.localdate()
    type(event).objects.filter(pk=event.pk).update(
        enrolment_deadline=today - timedelta(days=5),
        hearing_deadline=today - timedelta(days=4),
        issue_list_date=today - timedelta(days=3),
        application_deadline=today - timedelta(days=2),
        selection_deadline=today - timedelta(days=1),
    )

    with pytest.raises(SelectionError) as error:
        application_choice_decide(choice=choice, decision="accepted", by=staff["A"])

    assert error.value.message == "選考の期間ではないため、変更できません。"


def test_choice_decide_when_timetabling_refused(joint):
    event, staff, enrolments = joint
    _senior, choice = _applicant(enrolments["A"])
    type(event).objects.filter(pk=event.pk).update(status="timetabling")

    with pytest.raises(SelectionError):
        application_choice_decide(choice=choice, decision="accepted", by=staff["A"])


# --- invitations ----------------------------------------------------------------------------------


def test_invite_senior_who_did_not_apply(joint, login_as, mailoutbox, django_capture_on_commit_callbacks):
    event, staff, enrolments = joint
    senior = pledged_senior()

    with django_capture_on_commit_callbacks(execute=True):
        response = login_as(staff["A"]).post(
            reverse("events:staff_invite", args=[enrolments["A"].pk]), {"senior": senior.pk, "message": "ぜひ"}
        )

    assert response.status_code == 302
    invitation = SeniorInvitation.objects.get()
    assert (invitation.enrolment, invitation.senior, invitation.message, invitation.invited_by) == (
        enrolments["A"],
        senior,
        "ぜひ",
        staff["A"],
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [senior.user.email]
    assert event.title in mailoutbox[0].subject
    # No issue content before the pledge gate: neither the company nor its title.
    assert enrolments["A"].company.name not in mailoutbox[0].body
    assert "Aの課題" not in mailoutbox[0].body
    notification = Notification.objects.get(user=senior.user)
    assert notification.url == reverse("events:senior_application", args=[event.pk])


def test_invite_notification_sent_once_when_task_runs_again(joint, mailoutbox, django_capture_on_commit_callbacks):
    _event, staff, enrolments = joint
    from events.tasks import task_send_selection_invitation

    with django_capture_on_commit_callbacks(execute=True):
        invitation = senior_invitation_create(
            enrolment=enrolments["A"], senior=searchable_senior(), message="", by=staff["A"]
        )

    task_send_selection_invitation(invitation_id=invitation.pk)
    task_send_selection_invitation(invitation_id=invitation.pk)

    assert (len(mailoutbox), Notification.objects.count()) == (1, 1)


def test_invite_senior_who_applied_refused(joint):
    _event, staff, enrolments = joint
    senior, _choice = _applicant(enrolments["A"])

    with pytest.raises(SelectionError) as error:
        senior_invitation_create(enrolment=enrolments["A"], senior=senior, message="", by=staff["A"])

    assert error.value.message == "この新現役はすでにこの企業に応募しています。応募者の一覧から回答してください。"


def test_invite_senior_who_applied_to_another_company_allowed(joint):
    _event, staff, enrolments = joint
    senior, _choice = _applicant(enrolments["B"])

    invitation = senior_invitation_create(enrolment=enrolments["A"], senior=senior, message="", by=staff["A"])

    assert invitation.withdrawn_at is None


def test_invite_twice_refused(joint, login_as):
    _event, staff, enrolments = joint
    senior = searchable_senior()
    url = reverse("events:staff_invite", args=[enrolments["A"].pk])
    client = login_as(staff["A"])
    client.post(url, {"senior": senior.pk})

    response = client.post(url, {"senior": senior.pk}, follow=True)

    assert "この新現役はすでに招待しています。" in response.content.decode()
    assert SeniorInvitation.objects.count() == 1


def test_invite_senior_without_consent_refused(joint, login_as):
    _event, staff, enrolments = joint
    senior = searchable_senior()
    senior_consent_withdraw(profile=senior)

    response = login_as(staff["A"]).post(
        reverse("events:staff_invite", args=[enrolments["A"].pk]), {"senior": senior.pk}, follow=True
    )

    assert "この新現役は、現在招待できません（同意が撤回されたなど）。" in response.content.decode()
    assert SeniorInvitation.objects.count() == 0


def test_invite_from_company_not_on_issue_list_refused(joint):
    event, staff, _enrolments = joint
    draft = enrol_company(event, institution=staff["A"].active_memberships[0].organization, staff=staff["A"])

    with pytest.raises(SelectionError) as error:
        senior_invitation_create(enrolment=draft, senior=searchable_senior(), message="", by=staff["A"])

    assert error.value.message == "課題一覧に載っていない企業からは招待できません。"


def test_invitation_withdraw_then_invite_again(joint, login_as, mailoutbox, django_capture_on_commit_callbacks):
    _event, staff, enrolments = joint
    senior = searchable_senior()
    client = login_as(staff["A"])
    invite_url = reverse("events:staff_invite", args=[enrolments["A"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url, {"senior": senior.pk})
    invitation = SeniorInvitation.objects.get()

    client.post(reverse("events:invitation_withdraw", args=[invitation.pk]))
    invitation.refresh_from_db()
    withdrawn_at = invitation.withdrawn_at
    with django_capture_on_commit_callbacks(execute=True):
        client.post(invite_url, {"senior": senior.pk, "message": "再度"})
    invitation.refresh_from_db()

    assert withdrawn_at is not None
    assert (invitation.withdrawn_at, invitation.message) == (None, "再度")
    assert len(mailoutbox) == 2


def test_invitation_withdraw_twice_refused(joint):
    _event, staff, enrolments = joint
    invitation = make_invitation(enrolments["A"], searchable_senior(), withdrawn=True)

    with pytest.raises(SelectionError) as error:
        senior_invitation_withdraw(invitation=invitation, by=staff["A"])

    assert error.value.message == "この招待は、すでに取り消されています。"


def test_staff_invite_search_marks_applied_and_invited(joint, login_as):
    _event, staff, enrolments = joint
    applied, _choice = _applicant(enrolments["A"], name="応募した検索対象")
    invited = searchable_senior(user=UserFactory(name="招待した検索対象"))
    make_invitation(enrolments["A"], invited)

    response = login_as(staff["A"]).get(reverse("events:staff_invite", args=[enrolments["A"].pk]), {"q": "検索対象"})

    content = response.content.decode()
    assert "応募した検索対象" in content
    assert "招待した検索対象" in content
    assert "応募者の一覧から回答してください。" in content
    assert f'name="senior" value="{applied.pk}"' not in content
    assert f'name="senior" value="{invited.pk}"' not in content


# --- counts ---------------------------------------------------------------------------------------


def test_applicant_counts_for_enrolments_one_query(joint, django_assert_num_queries):
    _event, _staff, enrolments = joint
    _applicant(enrolments["A"])
    _applicant(enrolments["A"])
    _applicant(enrolments["B"])
    _applicant(enrolments["B"], status="withdrawn")
    _applicant(enrolments["C"], status="draft")
    listed = list(enrolments.values())

    with django_assert_num_queries(1):
        counts = applicant_counts_for_enrolments(listed)

    assert counts == {enrolments["A"].pk: 2, enrolments["B"].pk: 1, enrolments["C"].pk: 0}


def test_applicant_counts_for_no_enrolments_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert applicant_counts_for_enrolments([]) == {}


def test_staff_dashboard_panel_counts_pending(joint, login_as):
    _event, staff, enrolments = joint
    _applicant(enrolments["A"])
    _applicant(enrolments["A"], decisions=["accepted"])
    _applicant(enrolments["B"])

    content = login_as(staff["A"]).get(reverse("dashboard")).content.decode()

    assert "未回答の応募が 1件 あります。" in content
    assert enrolments["A"].company.name in content
    assert enrolments["B"].company.name not in content


def test_choices_count_is_unchanged_by_decision(joint):
    _event, staff, enrolments = joint
    _senior, choice = _applicant(enrolments["A"])

    application_choice_decide(choice=choice, decision="declined", by=staff["A"])

    assert ApplicationChoice.objects.get().decision == "declined"
    assert applicant_counts_for_enrolments([enrolments["A"]]) == {enrolments["A"].pk: 1}
