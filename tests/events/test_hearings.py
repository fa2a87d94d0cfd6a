"""The hearing sheet (事前ヒアリング): bank staff write and submit it, the company approves it (by its own
login or recorded by staff on its behalf) or sends it back, and the coordinator writes the summary."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.enums import HearingStatus
from events.exceptions import HearingError
from events.models import HearingIssue, HearingSheet
from events.services.hearings import (
    HearingIssueInput,
    hearing_sheet_approve,
    hearing_sheet_record_approval,
    hearing_sheet_return,
    hearing_sheet_submit,
    hearing_sheet_update,
    hearing_summary_update,
)
from participants.models import ExpertiseArea, Notification
from tests.access import arranging, every
from tests.factories import approved_hearing, company_contact, enrol_company, three_bank_event

pytestmark = pytest.mark.django_db

NOTES = "内部メモ：運転資金の追加融資を相談中"


@pytest.fixture
def world():
    with arranging():
        return three_bank_event()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet_of(enrolment) -> HearingSheet:
    return every(HearingSheet).get(enrolment=enrolment)


def fill(world, key: str = "a", *, issues: int = 1, notes: str = NOTES) -> HearingSheet:
    staff = world["staff"][key]
    return hearing_sheet_update(
        enrolment=world["enrolments"][key],
        by=staff,
        support_form="ongoing",
        payment_capacity="subsidy_only",
        interviewer=staff,
        interviewed_on=timezone.localdate(),
        internal_notes=notes,
        issues=[
            HearingIssueInput(
                category="sales",
                description=f"首都圏の量販店に販路を広げたい（{n + 1}）",
                expertise=list(ExpertiseArea.objects.filter(code="sales-channels")),
                expertise_note="量販店との商談経験",
            )
            for n in range(issues)
        ],
    )


def submitted(world, key: str = "a") -> HearingSheet:
    sheet = fill(world, key)
    return hearing_sheet_submit(sheet=sheet, by=world["staff"][key])


def sheet_form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "support_form": "spot",
        "payment_capacity": "small",
        "payment_note": "",
        "interviewer": "",
        "interviewed_on": "",
        "internal_notes": NOTES,
        "issues-TOTAL_FORMS": "3",
        "issues-INITIAL_FORMS": "0",
        "issues-MIN_NUM_FORMS": "0",
        "issues-MAX_NUM_FORMS": "10",
        "issues-0-category": "dx",
        "issues-0-description": "受発注をFAXから切り替えたい",
        "issues-0-expertise": [str(ExpertiseArea.objects.get(code="dx-it").pk)],
        "issues-0-expertise_note": "",
        "issues-1-category": "hr",
        "issues-1-description": "若手の育成",
        "issues-1-expertise_note": "",
        "issues-2-category": "",
        "issues-2-description": "",
        "issues-2-expertise_note": "",
    }
    data.update(overrides)
    return data


# --- writing the sheet ------------------------------------------------------------------------------------


def test_hearing_edit_view_saves_sheet_and_issues(world):
    enrolment = world["enrolments"]["a"]

    response = client_for(world["staff"]["a"]).post(
        reverse("events:hearing_edit", args=[enrolment.pk]), sheet_form_data()
    )

    sheet = sheet_of(enrolment)
    issues = list(every(HearingIssue).filter(sheet=sheet).order_by("position"))
    assert response.status_code == 302
    assert (sheet.support_form, sheet.internal_notes) == ("spot", NOTES)
    assert [(i.category, i.description) for i in issues] == [
        ("dx", "受発注をFAXから切り替えたい"),
        ("hr", "若手の育成"),
    ]
    assert [a.code for a in issues[0].expertise.all()] == ["dx-it"]


def test_hearing_edit_view_save_and_add_returns_to_the_form_with_an_empty_row(world):
    enrolment = world["enrolments"]["a"]
    client = client_for(world["staff"]["a"])
    url = reverse("events:hearing_edit", args=[enrolment.pk])

    response = client.post(url, {**sheet_form_data(), "add_issue": "1"})

    assert response.status_code == 302
    assert response["Location"] == url + "#issue-last"
    assert every(HearingIssue).filter(sheet=sheet_of(enrolment)).count() == 2
    page = client.get(url)
    formset = page.context["formset"]
    assert (formset.initial_form_count(), formset.total_form_count()) == (2, 3)
    assert "ヒアリングシートを保存しました。次の課題を入力してください。" in page.content.decode()


def test_hearing_edit_view_half_filled_issue_shows_japanese_error(world):
    enrolment = world["enrolments"]["a"]

    response = client_for(world["staff"]["a"]).post(
        reverse("events:hearing_edit", args=[enrolment.pk]), sheet_form_data(**{"issues-1-description": ""})
    )

    errors = response.context["formset"].errors
    assert response.status_code == 200
    assert errors[1]["description"] == [
        "課題の内容を入力してください（この課題を使わないときは、全部の欄を空にします）。"
    ]


def test_hearing_edit_view_more_than_ten_issues_refused(world):
    enrolment = world["enrolments"]["a"]
    data = sheet_form_data(**{"issues-TOTAL_FORMS": "11"})
    for n in range(11):
        data |= {f"issues-{n}-category": "other", f"issues-{n}-description": f"課題{n}"}

    response = client_for(world["staff"]["a"]).post(reverse("events:hearing_edit", args=[enrolment.pk]), data)

    assert response.context["formset"].non_form_errors() == ["経営課題は10件まで登録できます。"]
    assert every(HearingIssue).filter(sheet__enrolment=enrolment).count() == 0


def test_hearing_edit_view_labels_internal_notes_as_bank_only(world):
    response = client_for(world["staff"]["a"]).get(reverse("events:hearing_edit", args=[world["enrolments"]["a"].pk]))

    assert "内部メモ（自機関のみ閲覧）" in response.content.decode()


def test_hearing_edit_view_submitted_sheet_redirects_to_detail(world):
    submitted(world)
    enrolment = world["enrolments"]["a"]

    response = client_for(world["staff"]["a"]).get(reverse("events:hearing_edit", args=[enrolment.pk]))

    assert (response.status_code, response["Location"]) == (302, reverse("events:hearing_detail", args=[enrolment.pk]))


def test_hearing_sheet_update_submitted_sheet_refused(world):
    submitted(world)

    with pytest.raises(HearingError):
        fill(world)


# --- submitting -------------------------------------------------------------------------------------------


def test_hearing_submit_without_issues_refused(world):
    sheet = sheet_of(world["enrolments"]["a"])

    with pytest.raises(HearingError) as error:
        hearing_sheet_submit(sheet=sheet, by=world["staff"]["a"])

    assert error.value.message == "経営課題を1件以上入力してから提出してください。"
    assert sheet_of(world["enrolments"]["a"]).status == HearingStatus.DRAFT


def test_hearing_submit_without_support_form_refused(world):
    sheet = fill(world)
    sheet.support_form = ""
    sheet.save()

    with pytest.raises(HearingError) as error:
        hearing_sheet_submit(sheet=sheet, by=world["staff"]["a"])

    assert error.value.message == "希望する支援の形を選んでから提出してください。"


def test_hearing_submit_view_without_issues_shows_error(world):
    enrolment = world["enrolments"]["a"]
    client = client_for(world["staff"]["a"])

    response = client.post(reverse("events:hearing_submit", args=[enrolment.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["経営課題を1件以上入力してから提出してください。"]
    assert sheet_of(enrolment).status == HearingStatus.DRAFT


def test_hearing_submit_view_notifies_company_contact(world, mailoutbox, django_capture_on_commit_callbacks):
    fill(world)
    enrolment = world["enrolments"]["a"]
    contact = world["contacts"]["a"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world["staff"]["a"]).post(reverse("events:hearing_submit", args=[enrolment.pk]))

    sheet = sheet_of(enrolment)
    link = reverse("events:company_hearing", args=[enrolment.pk])
    assert (response.status_code, sheet.status, sheet.submitted_by) == (302, "submitted", world["staff"]["a"])
    assert [m.to for m in mailoutbox] == [[contact.email]]
    assert link in mailoutbox[0].body
    assert NOTES not in mailoutbox[0].body
    assert list(Notification.objects.filter(user=contact).values_list("kind", "url")) == [("hearing_submitted", link)]
    assert LogEntry.objects.filter(additional_data__event="hearing.submitted").count() == 1


def test_hearing_submit_without_contact_sends_nothing_and_says_to_record(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    fill(world, "c")
    enrolment = world["enrolments"]["c"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world["staff"]["c"]).post(
            reverse("events:hearing_submit", args=[enrolment.pk]), follow=True
        )

    assert mailoutbox == []
    assert "「企業の承認を記録する」から記録してください" in str(next(iter(response.context["messages"])))


def test_hearing_submit_twice_refused(world):
    sheet = submitted(world)

    with pytest.raises(HearingError):
        hearing_sheet_submit(sheet=sheet, by=world["staff"]["a"])


# --- approval by the company's own login ------------------------------------------------------------------


def test_company_hearing_approve_by_login(world, mailoutbox, django_capture_on_commit_callbacks):
    submitted(world)
    enrolment = world["enrolments"]["a"]
    contact = world["contacts"]["a"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(contact).post(
            reverse("events:company_hearing", args=[enrolment.pk]),
            {"action": "approve", "approve-name_disclosure_agreed": "yes"},
        )

    sheet = sheet_of(enrolment)
    assert response.status_code == 302
    assert (sheet.status, sheet.approval_method, sheet.approved_by, sheet.name_disclosure_agreed) == (
        "approved",
        "company_login",
        contact,
        True,
    )
    assert [m.to for m in mailoutbox] == [[world["staff"]["a"].email]]
    assert Notification.objects.filter(user=world["staff"]["a"], kind="hearing_approved").count() == 1
    assert LogEntry.objects.filter(additional_data__event="hearing.approved", actor=contact).count() == 1


def test_company_hearing_approve_without_choice_shows_error(world):
    submitted(world)
    enrolment = world["enrolments"]["a"]

    response = client_for(world["contacts"]["a"]).post(
        reverse("events:company_hearing", args=[enrolment.pk]), {"action": "approve"}
    )

    assert response.context["approve_form"].errors["name_disclosure_agreed"] == [
        "企業名を載せてよいかを選んでください。"
    ]
    assert sheet_of(enrolment).status == "submitted"


def test_hearing_sheet_approve_by_another_companys_contact_refused(world):
    sheet = submitted(world)

    with pytest.raises(HearingError):
        hearing_sheet_approve(sheet=sheet, by=world["contacts"]["b"], name_disclosure_agreed=False)


def test_hearing_sheet_approve_draft_refused(world):
    sheet = fill(world)

    with pytest.raises(HearingError):
        hearing_sheet_approve(sheet=sheet, by=world["contacts"]["a"], name_disclosure_agreed=False)


def test_company_hearing_shows_sheet_without_internal_notes(world):
    submitted(world)

    response = client_for(world["contacts"]["a"]).get(
        reverse("events:company_hearing", args=[world["enrolments"]["a"].pk])
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "首都圏の量販店に販路を広げたい（1）" in body
    assert NOTES not in body
    assert "内部メモ" not in body


def test_company_hearing_draft_is_not_shown(world):
    fill(world)

    response = client_for(world["contacts"]["a"]).get(
        reverse("events:company_hearing", args=[world["enrolments"]["a"].pk])
    )

    assert response.context["visible"] is False
    assert "首都圏の量販店" not in response.content.decode()


def test_company_hearing_other_companys_sheet_gets_404(world):
    submitted(world, "b")
    url = reverse("events:company_hearing", args=[world["enrolments"]["b"].pk])

    got = client_for(world["contacts"]["a"]).get(url).status_code
    posted = (
        client_for(world["contacts"]["a"])
        .post(url, {"action": "approve", "approve-name_disclosure_agreed": "yes"})
        .status_code
    )

    assert (got, posted, sheet_of(world["enrolments"]["b"]).status) == (404, 404, "submitted")


def test_company_hearing_staff_gets_404(world):
    submitted(world)

    response = client_for(world["staff"]["a"]).get(
        reverse("events:company_hearing", args=[world["enrolments"]["a"].pk])
    )

    assert response.status_code == 404


def test_company_home_lists_only_own_enrolments(world):
    response = client_for(world["contacts"]["a"]).get(reverse("events:company_home"))

    assert [e.company.name for e in response.context["rows"]] == ["株式会社秘密の精密A"]


def test_company_home_deactivated_contact_gets_404(world):
    from participants.models import CompanyContact

    with arranging():
        CompanyContact.objects.filter(user=world["contacts"]["a"]).update(is_active=False)

    response = client_for(world["contacts"]["a"]).get(reverse("events:company_home"))

    assert response.status_code == 404


# --- sending back -----------------------------------------------------------------------------------------


def test_company_hearing_return_with_comment(world, mailoutbox, django_capture_on_commit_callbacks):
    submitted(world)
    enrolment = world["enrolments"]["a"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world["contacts"]["a"]).post(
            reverse("events:company_hearing", args=[enrolment.pk]),
            {"action": "return", "return-comment": "取引先の社名は載せないでください"},
        )

    sheet = sheet_of(enrolment)
    assert response.status_code == 302
    assert (sheet.status, sheet.return_comment) == ("returned", "取引先の社名は載せないでください")
    assert [m.to for m in mailoutbox] == [[world["staff"]["a"].email]]
    assert "取引先の社名は載せないでください" in mailoutbox[0].body
    assert Notification.objects.get(user=world["staff"]["a"]).kind == "hearing_returned"


def test_company_hearing_return_without_comment_refused(world):
    submitted(world)
    enrolment = world["enrolments"]["a"]

    response = client_for(world["contacts"]["a"]).post(
        reverse("events:company_hearing", args=[enrolment.pk]), {"action": "return", "return-comment": ""}
    )

    assert response.context["return_form"].errors["comment"] == ["直してほしい点を書いてください。"]
    assert sheet_of(enrolment).status == "submitted"


def test_returned_sheet_can_be_edited_and_resubmitted(world):
    sheet = submitted(world)
    hearing_sheet_return(sheet=sheet, by=world["contacts"]["a"], comment="直してください")

    fill(world, issues=2)
    sheet = hearing_sheet_submit(sheet=sheet_of(world["enrolments"]["a"]), by=world["staff"]["a"])

    assert (sheet.status, every(HearingIssue).filter(sheet=sheet).count()) == ("submitted", 2)


def test_hearing_return_empty_comment_refused(world):
    sheet = submitted(world)

    with pytest.raises(HearingError):
        hearing_sheet_return(sheet=sheet, by=world["contacts"]["a"], comment="   ")


# --- approval recorded by staff on the company's behalf -------------------------------------------------------


def test_hearing_record_approval_view_records_on_behalf(world):
    submitted(world, "c")
    enrolment = world["enrolments"]["c"]
    day = timezone.localdate() - dt.timedelta(days=2)

    response = client_for(world["staff"]["c"]).post(
        reverse("events:hearing_record_approval", args=[enrolment.pk]),
        {
            "action": "approve",
            "approval-approved_on": day.isoformat(),
            "approval-method": "phone",
            "approval-name_disclosure_agreed": "no",
            "approval-note": "社長に電話で確認",
        },
    )

    sheet = sheet_of(enrolment)
    assert response.status_code == 302
    assert (
        sheet.status,
        sheet.approval_method,
        sheet.approved_by,
        timezone.localtime(sheet.approved_at).date(),
        sheet.approval_note,
        sheet.name_disclosure_agreed,
    ) == ("approved", "phone", world["staff"]["c"], day, "社長に電話で確認", False)


def test_hearing_record_approval_company_login_method_refused(world):
    sheet = submitted(world)

    with pytest.raises(HearingError):
        hearing_sheet_record_approval(
            sheet=sheet,
            by=world["staff"]["a"],
            approved_on=timezone.localdate(),
            method="company_login",
            name_disclosure_agreed=False,
        )


def test_hearing_record_approval_view_company_login_not_a_choice(world):
    submitted(world)
    enrolment = world["enrolments"]["a"]

    response = client_for(world["staff"]["a"]).post(
        reverse("events:hearing_record_approval", args=[enrolment.pk]),
        {
            "action": "approve",
            "approval-approved_on": timezone.localdate().isoformat(),
            "approval-method": "company_login",
            "approval-name_disclosure_agreed": "no",
        },
    )

    assert response.context["approval_form"].errors["method"] == ["一覧から選んでください。"]


def test_hearing_record_approval_future_date_refused(world):
    sheet = submitted(world)

    with pytest.raises(HearingError) as error:
        hearing_sheet_record_approval(
            sheet=sheet,
            by=world["staff"]["a"],
            approved_on=timezone.localdate() + dt.timedelta(days=1),
            method="visit",
            name_disclosure_agreed=False,
        )

    assert error.value.message == "承認を受けた日に未来の日付は入力できません。"


def test_hearing_record_approval_by_other_bank_refused(world):
    sheet = submitted(world)

    with pytest.raises(HearingError):
        hearing_sheet_record_approval(
            sheet=sheet,
            by=world["staff"]["b"],
            approved_on=timezone.localdate(),
            method="visit",
            name_disclosure_agreed=False,
        )


def test_hearing_record_return_on_behalf(world):
    submitted(world, "c")
    enrolment = world["enrolments"]["c"]

    response = client_for(world["staff"]["c"]).post(
        reverse("events:hearing_record_approval", args=[enrolment.pk]),
        {"action": "return", "return-comment": "電話で修正依頼：従業員数を直す"},
    )

    sheet = sheet_of(enrolment)
    assert (response.status_code, sheet.status, sheet.return_comment) == (
        302,
        "returned",
        "電話で修正依頼：従業員数を直す",
    )


# --- staff pages ------------------------------------------------------------------------------------------


def test_hearing_detail_shows_internal_notes_to_own_bank(world):
    fill(world)

    response = client_for(world["admin_a"]).get(reverse("events:hearing_detail", args=[world["enrolments"]["a"].pk]))

    assert NOTES in response.content.decode()


# --- the coordinator ----------------------------------------------------------------------------------------


def test_coordinator_hearing_shows_approved_sheet_without_internal_notes(world):
    sheet = approved_hearing(world["enrolments"]["a"])

    response = client_for(world["coordinator"]).get(
        reverse("events:coordinator_hearing", args=[world["enrolments"]["a"].pk])
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "販路拡大の具体策が必要" in body
    assert sheet.internal_notes not in body
    assert "内部メモ" not in body


def test_coordinator_hearing_saves_summary(world):
    approved_hearing(world["enrolments"]["a"], title="", summary="")
    enrolment = world["enrolments"]["a"]

    response = client_for(world["coordinator"]).post(
        reverse("events:coordinator_hearing", args=[enrolment.pk]),
        {"public_title": "量販店への販路開拓", "public_summary": "食品製造業。首都圏の量販店に販路を広げたい。"},
    )

    sheet = sheet_of(enrolment)
    assert response.status_code == 302
    assert (sheet.public_title, sheet.show_name, sheet.summary_updated_by, sheet.is_publishable) == (
        "量販店への販路開拓",
        False,
        world["coordinator"],
        True,
    )


def test_coordinator_hearing_show_name_ignored_without_agreement(world):
    approved_hearing(world["enrolments"]["a"])
    enrolment = world["enrolments"]["a"]

    client_for(world["coordinator"]).post(
        reverse("events:coordinator_hearing", args=[enrolment.pk]),
        {"public_title": "見出し", "public_summary": "概要", "show_name": "on"},
    )

    assert sheet_of(enrolment).show_name is False


def test_hearing_summary_show_name_without_agreement_refused(world):
    sheet = approved_hearing(world["enrolments"]["a"], show_name=False)

    with pytest.raises(HearingError) as error:
        hearing_summary_update(
            sheet=sheet, by=world["coordinator"], public_title="見出し", public_summary="概要", show_name=True
        )

    assert error.value.message == "企業が企業名の公開に同意していないため、企業名は表示できません。"
    assert sheet_of(world["enrolments"]["a"]).show_name is False


def test_hearing_summary_show_name_with_agreement_allowed(world):
    sheet = approved_hearing(world["enrolments"]["a"], show_name=False)
    sheet.name_disclosure_agreed = True
    sheet.save()

    sheet = hearing_summary_update(
        sheet=sheet, by=world["coordinator"], public_title="見出し", public_summary="概要", show_name=True
    )

    assert sheet_of(world["enrolments"]["a"]).show_name is True


def test_hearing_summary_before_approval_refused(world):
    sheet = submitted(world)

    with pytest.raises(HearingError):
        hearing_summary_update(
            sheet=sheet, by=world["coordinator"], public_title="a", public_summary="b", show_name=False
        )


def test_hearing_summary_other_coordinator_refused(world):
    sheet = approved_hearing(world["enrolments"]["a"])

    with pytest.raises(HearingError):
        hearing_summary_update(
            sheet=sheet, by=world["other_coordinator"], public_title="a", public_summary="b", show_name=False
        )


@pytest.mark.parametrize("who", ["other_coordinator", "staff_a", "contact_a", "senior"])
def test_coordinator_pages_others_get_404(world, who):
    user = {
        "other_coordinator": world["other_coordinator"],
        "staff_a": world["staff"]["a"],
        "contact_a": world["contacts"]["a"],
        "senior": world["senior"],
    }[who]
    client = client_for(user)

    statuses = (
        client.get(reverse("events:coordinator_hearing_list", args=[world["event"].pk])).status_code,
        client.get(reverse("events:coordinator_hearing", args=[world["enrolments"]["a"].pk])).status_code,
    )

    assert statuses == (404, 404)


def test_coordinator_hearing_list_shows_every_host(world):
    response = client_for(world["coordinator"]).get(
        reverse("events:coordinator_hearing_list", args=[world["event"].pk])
    )

    rows = response.context["rows"]
    assert [(r["enrolment"].institution.name, r["label"]) for r in rows] == [
        ("A信用金庫", "A社"),
        ("B信用金庫", "B社"),
        ("C信用金庫", "C社"),
    ]


def test_coordinator_hearing_list_queries_constant(world):
    client = client_for(world["coordinator"])
    url = reverse("events:coordinator_hearing_list", args=[world["event"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as three_rows:
        client.get(url)
    for n in range(7):
        enrolment = enrol_company(world["event"], institution=world["banks"]["abc"[n % 3]])
        approved_hearing(enrolment)

    with CaptureQueriesContext(connection) as ten_rows:
        response = client.get(url)

    assert len(response.context["rows"]) == 10
    assert len(ten_rows.captured_queries) == len(three_rows.captured_queries)


def test_coordinator_hearing_list_queries_constant_one_row():
    world = three_bank_event()
    # Start from one enrolment only, as the list-view rule asks (1 row against 10).
    from events.models import EventCompany

    with arranging():
        EventCompany.objects.filter(pk__in=[world["enrolments"]["b"].pk, world["enrolments"]["c"].pk]).delete()
    client = client_for(world["coordinator"])
    url = reverse("events:coordinator_hearing_list", args=[world["event"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one_row:
        client.get(url)
    for n in range(9):
        enrol_company(world["event"], institution=world["banks"]["abc"[n % 3]])

    with CaptureQueriesContext(connection) as ten_rows:
        response = client.get(url)

    assert len(response.context["rows"]) == 10
    assert len(ten_rows.captured_queries) == len(one_row.captured_queries)


def test_contact_for_company_in_two_banks_sees_both(world):
    # One president, client of two banks: both banks' enrolments appear on their own page.
    contact = company_contact(world["companies"]["c"])
    from participants.models import CompanyContact

    with arranging():
        CompanyContact.objects.create(company=world["companies"]["b"], user=contact)

    response = client_for(contact).get(reverse("events:company_home"))

    assert sorted(e.company.name for e in response.context["rows"]) == ["株式会社秘密の繊維C", "株式会社秘密の食品B"]


# --- dashboard panels -------------------------------------------------------------------------------------


def test_dashboard_company_contact_sees_sheet_waiting_for_approval(world):
    submitted(world)

    response = client_for(world["contacts"]["a"]).get(reverse("dashboard"))

    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("events:company_hearing", args=[world["enrolments"]["a"].pk]) in body


def test_dashboard_staff_sees_own_open_sheets_only(world):
    response = client_for(world["staff"]["b"]).get(reverse("dashboard"))

    body = response.content.decode()
    assert reverse("events:hearing_detail", args=[world["enrolments"]["b"].pk]) in body
    assert "株式会社秘密の精密A" not in body
