"""A senior's application: choices and proposals, the limit, the deadline, submitting, withdrawing, re-applying."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.exceptions import SelectionError
from events.models import ApplicationChoice, SeniorApplication, SeniorInvitation
from events.selectors import applicant_counts_for_enrolments, issue_entries_for_senior
from events.services import (
    ChoiceInput,
    application_choice_decide,
    senior_application_save,
    senior_application_submit,
    senior_application_withdraw,
)
from participants.models import PledgeAcceptance
from participants.services import senior_anonymise
from tests.access import arranging
from tests.factories import (
    OrganizationFactory,
    approved_hearing,
    enrol_company,
    make_application,
    make_event,
    make_invitation,
    pledged_senior,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """A published event (up to 2 companies per senior) with three companies on its issue list and one not."""
    with arranging():
        bank = OrganizationFactory(name="A信用金庫")
        event = make_event(hosts=[bank], status="published", max_choices_per_senior=2)
        enrolments = [enrol_company(event) for _ in range(3)]
        for number, enrolment in enumerate(enrolments, start=1):
            approved_hearing(enrolment, title=f"課題{number}", summary=f"概要{number}")
        unpublished = enrol_company(event)  # its sheet is still a draft
        return event, enrolments, unpublished


def _form(*pairs: tuple[object, str]) -> dict[str, str]:
    data = {"application_form": "1"}
    for enrolment, proposal in pairs:
        data[f"choose_{enrolment.pk}"] = "on"
        data[f"proposal_{enrolment.pk}"] = proposal
    return data


def _url(name: str, event) -> str:
    return reverse(f"events:{name}", args=[event.pk])


def _close_applications(event) -> None:
    today = timezone.localdate()
    type(event).objects.filter(pk=event.pk).update(
        enrolment_deadline=today - timedelta(days=4),
        hearing_deadline=today - timedelta(days=3),
        issue_list_date=today - timedelta(days=2),
        application_deadline=today - timedelta(days=1),
    )
    event.refresh_from_db()


# --- saving a draft -------------------------------------------------------------------------------


def test_application_save_creates_draft_with_pledge_and_ordered_choices(setup, login_as):
    event, (first, second, _third), _unpublished = setup
    senior = pledged_senior()

    response = login_as(senior.user).post(
        _url("senior_application", event), _form((second, "二の提案"), (first, "一の提案"))
    )

    assert response.status_code == 302
    application = SeniorApplication.objects.get()
    assert (application.status, application.senior, application.pledge) == (
        "draft",
        senior,
        PledgeAcceptance.objects.get(senior=senior),
    )
    # In the issue list's order, whatever the order of the form's fields.
    assert list(application.choices.values_list("enrolment_id", "proposal", "position")) == [
        (first.pk, "一の提案", 0),
        (second.pk, "二の提案", 1),
    ]


def test_application_save_too_many_companies_refused(setup, login_as):
    event, (first, second, third), _unpublished = setup
    senior = pledged_senior()

    response = login_as(senior.user).post(
        _url("senior_application", event), _form((first, "一"), (second, "二"), (third, "三"))
    )

    assert response.status_code == 200
    assert "選べる企業は2社までです（いま3社選んでいます）。" in response.content.decode()
    assert SeniorApplication.objects.count() == 0


def test_application_save_missing_proposal_refused(setup, login_as):
    event, (first, second, _third), _unpublished = setup
    senior = pledged_senior()

    response = login_as(senior.user).post(_url("senior_application", event), _form((first, "一の提案"), (second, "  ")))

    assert response.status_code == 200
    assert "この企業への提案を入力してください。" in response.content.decode()
    assert SeniorApplication.objects.count() == 0


def test_application_save_proposal_over_1000_characters_refused(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()

    response = login_as(senior.user).post(_url("senior_application", event), _form((first, "あ" * 1001)))

    assert response.status_code == 200
    assert "提案は1000文字以内で入力してください（いま1001文字です）。" in response.content.decode()
    assert SeniorApplication.objects.count() == 0


def test_application_save_proposal_of_1000_characters_accepted(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()

    login_as(senior.user).post(_url("senior_application", event), _form((first, "あ" * 1000)))

    assert ApplicationChoice.objects.get().proposal == "あ" * 1000


def test_application_save_service_refuses_company_not_on_issue_list(setup):
    event, _enrolments, unpublished = setup
    senior = pledged_senior()

    with pytest.raises(SelectionError) as error:
        senior_application_save(
            event=event, senior=senior, choices=[ChoiceInput(unpublished.pk, "提案")], by=senior.user
        )

    assert error.value.message == "課題一覧に載っていない企業は選べません。"


def test_application_save_service_refuses_too_many(setup):
    event, (first, second, third), _unpublished = setup
    senior = pledged_senior()
    choices = [ChoiceInput(e.pk, "提案") for e in (first, second, third)]

    with pytest.raises(SelectionError) as error:
        senior_application_save(event=event, senior=senior, choices=choices, by=senior.user)

    assert error.value.message == "選べる企業は2社までです（3社選ばれています）。"


def test_application_form_ignores_company_not_on_issue_list(setup, login_as):
    event, (first, _second, _third), unpublished = setup
    senior = pledged_senior()

    login_as(senior.user).post(_url("senior_application", event), _form((first, "一"), (unpublished, "裏口")))

    assert list(ApplicationChoice.objects.values_list("enrolment_id", flat=True)) == [first.pk]


def test_application_edit_keeps_decision_of_kept_company(setup, login_as):
    event, (first, second, third), _unpublished = setup
    senior = pledged_senior()
    application = make_application(senior, [first, second], decisions=["accepted", "declined"])

    login_as(senior.user).post(_url("senior_application", event), _form((first, "新しい提案"), (third, "三")))

    application.refresh_from_db()
    assert application.status == "submitted"
    assert list(application.choices.values_list("enrolment_id", "decision", "proposal")) == [
        (first.pk, "accepted", "新しい提案"),
        (third.pk, "pending", "三"),
    ]


# --- submitting -----------------------------------------------------------------------------------


def test_application_submit_from_form_saves_and_submits(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()

    response = login_as(senior.user).post(_url("senior_application_submit", event), _form((first, "一の提案")))

    assert response.status_code == 302
    application = SeniorApplication.objects.get()
    assert application.status == "submitted"
    assert application.submitted_at is not None
    assert list(application.choices.values_list("proposal", flat=True)) == ["一の提案"]


def test_application_submit_saved_draft(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()
    application = make_application(senior, [first], status="draft")

    login_as(senior.user).post(_url("senior_application_submit", event))

    application.refresh_from_db()
    assert application.status == "submitted"


def test_application_submit_without_choices_refused(setup, login_as):
    event, _enrolments, _unpublished = setup
    senior = pledged_senior()

    response = login_as(senior.user).post(
        _url("senior_application_submit", event), {"application_form": "1"}, follow=True
    )

    assert "応募するには、企業を1社以上選んで提案を入力してください。" in response.content.decode()
    assert SeniorApplication.objects.get().status == "draft"


def test_application_submit_twice_refused(setup):
    _event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()
    application = make_application(senior, [first])

    with pytest.raises(SelectionError) as error:
        senior_application_submit(application=application, by=senior.user)

    assert error.value.message == "この交流会には、すでに応募済みです。"


def test_application_shows_only_submitted_not_the_decision(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()
    application = make_application(senior, [first])
    application_choice_decide(choice=application.choices.get(), decision="accepted", by=first.attending_staff)

    content = login_as(senior.user).get(_url("senior_application", event)).content.decode()

    assert "応募済" in content
    assert "面談を希望" not in content
    assert "見送り" not in content


# --- the deadline and the event's status ----------------------------------------------------------


def test_application_after_deadline_refused(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()
    application = make_application(senior, [first], status="draft")
    _close_applications(event)
    client = login_as(senior.user)

    saved = client.post(_url("senior_application", event), _form((first, "変更")), follow=True)
    submitted = client.post(_url("senior_application_submit", event), follow=True)
    withdrawn = client.post(_url("senior_application_withdraw", event), follow=True)

    deadline = event.application_deadline
    expected = f"応募の締切（{deadline.year}年{deadline.month}月{deadline.day}日）を過ぎたため、変更できません。"
    assert expected in saved.content.decode()
    assert expected in submitted.content.decode()
    assert expected in withdrawn.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"
    assert list(application.choices.values_list("proposal", flat=True)) == ["販路開拓の経験を活かして支援できます。"]


def test_application_page_after_deadline_is_read_only(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()
    make_application(senior, [first], proposal="締切前の提案")
    _close_applications(event)

    content = login_as(senior.user).get(_url("senior_application", event)).content.decode()

    assert "応募の受付は終了しました。内容の変更や辞退はできません。" in content
    assert "締切前の提案" in content
    assert 'name="proposal_' not in content


def test_application_on_deadline_day_accepted(setup):
    event, (first, _second, _third), _unpublished = setup
    _close_applications(event)
    type(event).objects.filter(pk=event.pk).update(application_deadline=timezone.localdate())
    event.refresh_from_db()
    senior = pledged_senior()

    application = senior_application_save(
        event=event, senior=senior, choices=[ChoiceInput(first.pk, "提案")], by=senior.user
    )

    assert application.status == "draft"


def test_application_when_event_in_selection_refused(setup):
    event, (first, _second, _third), _unpublished = setup
    type(event).objects.filter(pk=event.pk).update(status="selection")
    event.refresh_from_db()
    senior = pledged_senior()

    with pytest.raises(SelectionError) as error:
        senior_application_save(event=event, senior=senior, choices=[ChoiceInput(first.pk, "提案")], by=senior.user)

    assert error.value.message == "この交流会は、現在応募を受け付けていません。"


# --- withdrawing and re-applying ------------------------------------------------------------------


def test_application_withdraw_stops_counting_choices(setup, login_as):
    event, (first, second, _third), _unpublished = setup
    senior = pledged_senior()
    application = make_application(senior, [first, second])

    response = login_as(senior.user).post(_url("senior_application_withdraw", event))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert application.withdrawn_at is not None
    assert applicant_counts_for_enrolments([first, second]) == {first.pk: 0, second.pk: 0}


def test_application_withdraw_twice_refused(setup):
    _event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()
    application = make_application(senior, [first], status="withdrawn")

    with pytest.raises(SelectionError) as error:
        senior_application_withdraw(application=application, by=senior.user)

    assert error.value.message == "この応募は、すでに辞退しています。"


def test_application_reapply_after_withdrawal_is_draft_then_submitted(setup, login_as):
    event, (first, second, _third), _unpublished = setup
    senior = pledged_senior()
    application = make_application(senior, [first], status="withdrawn")
    client = login_as(senior.user)

    client.post(_url("senior_application", event), _form((second, "やり直しの提案")))
    application.refresh_from_db()
    status_after_save = application.status
    client.post(_url("senior_application_submit", event))
    application.refresh_from_db()

    assert (status_after_save, application.status) == ("draft", "submitted")
    assert list(application.choices.values_list("enrolment_id", flat=True)) == [second.pk]
    assert applicant_counts_for_enrolments([first, second]) == {first.pk: 0, second.pk: 1}


def test_application_submit_withdrawn_refused(setup):
    _event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()
    application = make_application(senior, [first], status="withdrawn")

    with pytest.raises(SelectionError):
        senior_application_submit(application=application, by=senior.user)


# --- what the senior sees -------------------------------------------------------------------------


def test_issue_list_shows_anonymised_summaries_only(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()

    content = login_as(senior.user).get(_url("senior_issue_list", event)).content.decode()

    assert "課題1" in content
    assert "概要1" in content
    assert "A社" in content
    assert first.company.name not in content
    assert first.institution.name not in content
    assert "内部メモ" not in content


def test_issue_list_disclosed_name_shown(login_as):
    event = make_event(status="published")
    enrolment = enrol_company(event)
    approved_hearing(enrolment, show_name=True)
    senior = pledged_senior()

    content = login_as(senior.user).get(_url("senior_issue_list", event)).content.decode()

    assert enrolment.company.name in content


def test_issue_entries_list_only_published_sheets(setup):
    event, enrolments, _unpublished = setup

    entries = issue_entries_for_senior(event=event)

    assert [e.enrolment_id for e in entries] == [e.pk for e in enrolments]
    assert [e.title for e in entries] == ["課題1", "課題2", "課題3"]


def test_application_page_shows_invitation_behind_gate(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()
    make_invitation(first, senior, message="ぜひお話を伺いたいです。")

    content = login_as(senior.user).get(_url("senior_application", event)).content.decode()

    assert "企業からの招待" in content
    assert "ぜひお話を伺いたいです。" in content
    assert "課題1" in content


def test_event_list_shows_application_status(setup, login_as):
    event, (first, _second, _third), _unpublished = setup
    senior = pledged_senior()
    make_application(senior, [first], status="draft")

    content = login_as(senior.user).get(reverse("events:senior_event_list")).content.decode()

    assert event.title in content
    assert "下書き（まだ応募していません）" in content


# --- anonymisation --------------------------------------------------------------------------------


def test_senior_anonymised_blanks_proposals_and_invitation_messages(setup):
    _event, (first, second, _third), _unpublished = setup
    senior = pledged_senior()
    make_application(senior, [first], proposal="元の提案")
    make_invitation(second, senior, message="招待のメッセージ")
    other = pledged_senior()
    make_application(other, [first], proposal="ほかの人の提案")

    senior_anonymise(profile=senior)

    assert list(ApplicationChoice.objects.filter(application__senior=senior).values_list("proposal", flat=True)) == [""]
    assert list(SeniorInvitation.objects.filter(senior=senior).values_list("message", flat=True)) == [""]
    assert list(ApplicationChoice.objects.filter(application__senior=other).values_list("proposal", flat=True)) == [
        "ほかの人の提案"
    ]
    assert applicant_counts_for_enrolments([first]) == {first.pk: 1}
