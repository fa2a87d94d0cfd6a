"""The permission matrix, in the style of pretix's: every URL pattern of the project has a row.

A row says what each kind of user gets for the page (HTTP status of a plain request). The test fails
when a URL pattern has no row, so every new view must state who may see it. Columns:

    anon    not signed in
    senior  a 新現役
    staff   bank staff of institution A (which owns the fixtures)
    admin   institution admin of institution A
    coord   coordinator
    alumni  alumni office staff
    lg      local government staff
    other   bank staff of institution B (another institution)

404 means "not for you" as well as "missing" (DESIGN.md: anything not allowed answers 404).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from participants.services import invitation_create
from sks.roles import Role
from tests import factories
from tests.access import arranging
from tests.factories import (
    BranchFactory,
    CompanyFactory,
    OrganizationFactory,
    approved_hearing,
    company_import_token,
    enrol_company,
    make_event,
    searchable_senior,
    senior_user,
    staff_user,
)

COLUMNS = ("anon", "senior", "staff", "admin", "coord", "alumni", "lg", "other")


@dataclass(frozen=True)
class Row:
    expect: tuple[int, ...]
    url: Callable[[dict[str, Any]], str] | None = None
    method: str = "get"
    note: str = field(default="")

    def __post_init__(self) -> None:
        assert len(self.expect) == len(COLUMNS)


def everyone(status: int) -> tuple[int, ...]:
    return (status,) * len(COLUMNS)


def signed_in(anon: int, status: int) -> tuple[int, ...]:
    return (anon,) + (status,) * (len(COLUMNS) - 1)


#                     anon senior staff admin coord alumni lg  other
ROWS: dict[str, Row] = {
    "home": Row(signed_in(200, 302)),
    "dashboard": Row(signed_in(302, 200)),
    "healthz": Row(everyone(200)),
    "favicon": Row(everyone(302), note="a redirect to the static icon"),
    "set_language": Row(everyone(302), note="GET only redirects; the switch is a POST form"),
    # allauth: signed-in users are sent away from the entrance pages.
    "account_login": Row(signed_in(200, 302)),
    "account_logout": Row(signed_in(302, 200)),
    "account_inactive": Row(everyone(200)),
    "account_signup": Row(signed_in(200, 302)),
    "account_reauthenticate": Row(signed_in(302, 200)),
    "account_email": Row(signed_in(302, 200)),
    "account_email_verification_sent": Row(everyone(200)),
    "account_change_password": Row(signed_in(302, 200)),
    "account_set_password": Row(signed_in(302, 302), note="demo users have passwords: sent to change"),
    "account_reset_password": Row(everyone(200)),
    "account_reset_password_done": Row(everyone(200)),
    "account_reset_password_from_key": Row(
        everyone(200), url=lambda c: reverse("account_reset_password_from_key", args=["1", "bad-key"])
    ),
    "account_reset_password_from_key_done": Row(everyone(200)),
    "account_confirm_login_code": Row(everyone(302), note="login by code is off"),
    "account_confirm_email": Row(
        everyone(200), url=lambda c: reverse("account_confirm_email", args=["not-a-real-key"])
    ),
    "mfa_index": Row(signed_in(302, 200)),
    "mfa_authenticate": Row(everyone(302), note="only inside a login in progress"),
    "mfa_reauthenticate": Row((302, 302, 200, 200, 200, 200, 200, 200), note="senior has no MFA to use"),
    "mfa_activate_totp": Row(everyone(302), note="senior: reauthenticate first; staff: already enrolled"),
    "mfa_deactivate_totp": Row((302, 404, 302, 302, 302, 302, 302, 302), note="senior has none to deactivate"),
    "mfa_view_recovery_codes": Row(
        (302, 404, 302, 302, 302, 302, 302, 302), note="senior has none; staff reauthenticate"
    ),
    "mfa_generate_recovery_codes": Row((302, 302, 302, 302, 302, 302, 302, 302), note="reauthentication first"),
    "mfa_download_recovery_codes": Row(
        (302, 404, 302, 302, 302, 302, 302, 302), note="senior has none; staff reauthenticate"
    ),
    "usersessions_list": Row(signed_in(302, 200)),
    #                                   anon senior staff admin coord alumni lg  other
    "participants:company_list": Row((302, 404, 200, 200, 404, 404, 404, 200), note="other sees only its own"),
    "participants:company_detail": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:company_detail", args=[c["company"].pk]),
    ),
    "participants:invitation_list": Row((302, 404, 404, 200, 200, 404, 404, 404)),
    "participants:invitation_revoke": Row(
        (302, 404, 404, 302, 302, 404, 404, 404),
        url=lambda c: reverse("participants:invitation_revoke", args=[c["invitation"].pk]),
        method="post",
    ),
    "participants:invitation_accept": Row(
        everyone(200), url=lambda c: reverse("participants:invitation_accept", args=[c["token"]])
    ),
    "participants:senior_profile_edit": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    # --- companies ---
    "participants:company_create": Row((302, 404, 200, 200, 404, 404, 404, 200), note="other registers for its own"),
    "participants:company_edit": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:company_edit", args=[c["company"].pk]),
    ),
    "participants:company_import": Row((302, 404, 200, 200, 404, 404, 404, 200), note="other imports into its own"),
    "participants:company_import_confirm": Row(
        (302, 404, 200, 404, 404, 404, 404, 404),
        url=lambda c: reverse("participants:company_import_confirm", args=[company_import_token(c["users"]["staff"])]),
        note="the uploader only: a colleague of the same institution gets 404 too",
    ),
    "participants:company_export": Row((302, 404, 200, 200, 404, 404, 404, 200), note="other exports only its own"),
    # --- seniors ---
    # A senior's own pages: only the senior themself; everyone else 404, anonymous users to the login.
    "participants:senior_profile_step": Row(
        (302, 200, 404, 404, 404, 404, 404, 404),
        url=lambda c: reverse("participants:senior_profile_step", args=[1]),
    ),
    "participants:senior_pledge": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    "participants:senior_consent": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    "participants:senior_consent_withdraw": Row(
        (302, 302, 404, 404, 404, 404, 404, 404), method="post", note="senior: back to the consent page"
    ),
    "participants:senior_data_export": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    "participants:senior_data_export_json": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    "participants:account_delete": Row(
        (302, 302, 404, 404, 404, 404, 404, 404), note="for people without a role; a senior is sent to senior_delete"
    ),
    "participants:senior_delete": Row((302, 200, 404, 404, 404, 404, 404, 404), note="GET: the confirmation page"),
    # --- search ---
    "participants:senior_search": Row((302, 404, 200, 200, 200, 404, 404, 200)),
    "participants:senior_detail": Row(
        (302, 404, 200, 200, 200, 404, 404, 200),
        url=lambda c: reverse("participants:senior_detail", args=[searchable_senior().pk]),
        note="seniors belong to no institution: every institution's staff may see a consenting senior",
    ),
    "participants:senior_provisions": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("participants:senior_provisions", args=[searchable_senior().pk]),
    ),
    # --- institution staff and branches ---
    "participants:branch_list": Row((302, 404, 404, 200, 404, 404, 404, 404)),
    "participants:branch_create": Row((302, 404, 404, 200, 404, 404, 404, 404)),
    "participants:branch_edit": Row(
        (302, 404, 404, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:branch_edit", args=[c["company"].branch.pk]),
    ),
    "participants:branch_delete": Row(
        (302, 404, 404, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:branch_delete", args=[c["company"].branch.pk]),
        note="the confirmation page; this branch is in use, so it explains why it stays",
    ),
    "participants:staff_list": Row((302, 404, 404, 200, 404, 404, 404, 404)),
    "participants:staff_edit": Row(
        (302, 404, 404, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:staff_edit", args=[c["users"]["staff"].memberships.get().pk]),
    ),
    "participants:staff_deactivate": Row(
        (302, 404, 404, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:staff_deactivate", args=[c["users"]["staff"].memberships.get().pk]),
        note="the confirmation page",
    ),
    "participants:staff_reactivate": Row(
        (302, 404, 404, 302, 404, 404, 404, 404),
        url=lambda c: reverse("participants:staff_reactivate", args=[c["users"]["staff"].memberships.get().pk]),
        method="post",
        note="already active: the admin is told so and sent back to the list",
    ),
    # --- events (setup) ---
    # Coordinator pages: only the coordinators of the event's coordinator organisation (the world coord).
    "events:event_list": Row((302, 404, 404, 404, 200, 404, 404, 404)),
    "events:event_create": Row((302, 404, 404, 404, 200, 404, 404, 404)),
    "events:event_detail": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("events:event_detail", args=[c["event"].pk]),
    ),
    "events:event_edit": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("events:event_edit", args=[c["event"].pk]),
        note="published: still editable until held",
    ),
    "events:event_transition": Row(
        (302, 404, 404, 404, 302, 404, 404, 404),
        url=lambda c: reverse("events:event_transition", args=[c["event"].pk]),
        method="post",
        note="no action posted: the coordinator is told so and sent back to the event",
    ),
    "events:checklist": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("events:checklist", args=[c["event"].pk]),
    ),
    "events:checklist_item_add": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("events:checklist_item_add", args=[c["event"].pk]),
        note="GET: the form on its own page",
    ),
    "events:checklist_item_edit": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse(
            "events:checklist_item_edit",
            args=[c["event"].checklist.create(kind="custom", title="名札の準備", due_date=c["event"].date).pk],
        ),
    ),
    "events:checklist_item_toggle": Row(
        (302, 404, 404, 404, 302, 404, 404, 404),
        url=lambda c: reverse(
            "events:checklist_item_toggle",
            args=[c["event"].checklist.create(kind="custom", title="名札の準備", due_date=c["event"].date).pk],
        ),
        method="post",
    ),
    # --- events (hearing) ---
    # Host banks' staff: the event is a joint event of A and B, so B's staff ("other") reach the event's pages
    # but never A's enrolment and hearing sheet. The world's sheet is approved: editing, submitting and
    # recording an approval send A's staff back to the sheet (302). Company contacts have no column: every
    # column gets 404 on their pages.
    "events:staff_event_list": Row((302, 404, 200, 200, 404, 404, 404, 200), note="other sees its own hosted events"),
    "events:staff_event_detail": Row(
        (302, 404, 200, 200, 404, 404, 404, 200),
        url=lambda c: reverse("events:staff_event_detail", args=[c["event"].pk]),
        note="other is a co-host: it sees the event and only its own enrolments",
    ),
    "events:enrolment_create": Row(
        (302, 404, 200, 200, 404, 404, 404, 200),
        url=lambda c: reverse("events:enrolment_create", args=[c["event"].pk]),
        note="published event: the page says enrolment is closed",
    ),
    "events:enrolment_edit": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("events:enrolment_edit", args=[c["enrolment"].pk]),
    ),
    "events:hearing_detail": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("events:hearing_detail", args=[c["enrolment"].pk]),
    ),
    "events:hearing_edit": Row(
        (302, 404, 302, 302, 404, 404, 404, 404),
        url=lambda c: reverse("events:hearing_edit", args=[c["enrolment"].pk]),
        note="approved sheet: back to the read view",
    ),
    "events:hearing_submit": Row(
        (302, 404, 302, 302, 404, 404, 404, 404),
        url=lambda c: reverse("events:hearing_submit", args=[c["enrolment"].pk]),
        method="post",
        note="approved sheet: refused with a message",
    ),
    "events:hearing_record_approval": Row(
        (302, 404, 302, 302, 404, 404, 404, 404),
        url=lambda c: reverse("events:hearing_record_approval", args=[c["enrolment"].pk]),
        note="already approved: back to the read view",
    ),
    "events:company_home": Row((302, 404, 404, 404, 404, 404, 404, 404), note="company contacts only"),
    "events:company_hearing": Row(
        (302, 404, 404, 404, 404, 404, 404, 404),
        url=lambda c: reverse("events:company_hearing", args=[c["enrolment"].pk]),
        note="company contacts of the enrolled company only",
    ),
    "events:coordinator_hearing_list": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("events:coordinator_hearing_list", args=[c["event"].pk]),
    ),
    "events:coordinator_hearing": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("events:coordinator_hearing", args=[c["enrolment"].pk]),
    ),
    "events:issue_list_print": Row(
        (302, 404, 200, 200, 200, 404, 404, 200),
        url=lambda c: reverse("events:issue_list_print", args=[c["event"].pk]),
        note="published: every host's staff may print the anonymised list",
    ),
    # company contacts (participants)
    "participants:company_contact_invite": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("participants:company_contact_invite", args=[c["company"].pk]),
    ),
    # --- events (selection) ---
    # The world senior has the pledge in force (no standing consent); the event is published.
    # Factories are imported inside the lambdas: this block may not touch the file's import list.
    "events:senior_event_list": Row((302, 200, 404, 404, 404, 404, 404, 404)),
    "events:senior_issue_list": Row(
        (302, 200, 404, 404, 404, 404, 404, 404),
        url=lambda c: reverse("events:senior_issue_list", args=[c["event"].pk]),
        note="behind the pledge gate, which the world senior has passed",
    ),
    "events:senior_application": Row(
        (302, 200, 404, 404, 404, 404, 404, 404),
        url=lambda c: reverse("events:senior_application", args=[c["event"].pk]),
    ),
    "events:senior_application_submit": Row(
        (302, 302, 404, 404, 404, 404, 404, 404),
        url=lambda c: reverse("events:senior_application_submit", args=[c["event"].pk]),
        method="post",
        note="senior: nothing chosen yet, told so and sent back to the application",
    ),
    "events:senior_application_withdraw": Row(
        (302, 302, 404, 404, 404, 404, 404, 404),
        url=lambda c: reverse("events:senior_application_withdraw", args=[c["event"].pk]),
        method="post",
        note="senior: no application to withdraw, told so",
    ),
    "events:staff_applicants": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("events:staff_applicants", args=[c["enrolment"].pk]),
        note="other: bank B hosts the same joint event but never sees A's company",
    ),
    "events:applicant_profile": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("events:applicant_profile", args=[factories.matrix_choice(c).pk]),
        note="no standing consent: the proposal is shown, the profile is not",
    ),
    "events:choice_decide": Row(
        (302, 404, 302, 302, 404, 404, 404, 404),
        url=lambda c: reverse("events:choice_decide", args=[factories.matrix_choice(c).pk]),
        method="post",
        note="no decision given: told so, back to the applicants",
    ),
    "events:staff_invite": Row(
        (302, 404, 200, 200, 404, 404, 404, 404),
        url=lambda c: reverse("events:staff_invite", args=[c["enrolment"].pk]),
    ),
    "events:invitation_withdraw": Row(
        (302, 404, 302, 302, 404, 404, 404, 404),
        url=lambda c: reverse("events:invitation_withdraw", args=[factories.matrix_invitation(c).pk]),
        method="post",
        note="staff withdraws it; the admin is then told it is already withdrawn",
    ),
    "events:coordinator_selection": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("events:coordinator_selection", args=[c["event"].pk]),
    ),
    # --- timetables (build) ---
    # Coordinator of the event only; timetables are created lazily in the lambdas (the world is shared).
    "matching:timetable_list": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:timetable_list", args=[c["event"].pk]),
    ),
    "matching:timetable_detail": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:timetable_detail", args=[factories.make_timetable(c["event"]).pk]),
    ),
    "matching:timetable_progress": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:timetable_progress", args=[factories.make_timetable(c["event"]).pk]),
    ),
    "matching:timetable_compare": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:timetable_compare", args=[factories.make_timetable(c["event"]).pk]),
    ),
    "matching:timetable_resolve": Row(
        (302, 404, 404, 404, 302, 404, 404, 404),
        url=lambda c: reverse("matching:timetable_resolve", args=[factories.make_timetable(c["event"]).pk]),
        method="post",
        note="coord: the world event is only 'published', refused with a message and sent back",
    ),
    "matching:meeting_add": Row(
        (302, 404, 404, 404, 302, 404, 404, 404),
        url=lambda c: reverse("matching:meeting_add", args=[factories.make_timetable(c["event"]).pk]),
        method="post",
        note="coord: nothing chosen, told so",
    ),
    "matching:meeting_edit": Row(
        (302, 404, 404, 404, 302, 404, 404, 404),
        url=lambda c: reverse(
            "matching:meeting_edit",
            args=[
                factories.make_timetable(c["event"], [(c["enrolment"], c["senior_profile"], 0, "mutual")])
                .meetings.get()
                .pk
            ],
        ),
        method="post",
        note="coord: no action given, told so",
    ),
    # --- timetables (publish) ---
    "matching:my_schedule": Row(
        (302, 200, 200, 200, 404, 404, 404, 200), note="seniors, bank staff, company contacts; empty state if none"
    ),
    "matching:my_schedule_ics": Row(
        (302, 200, 200, 404, 404, 404, 404, 404),
        url=lambda c: reverse(
            "matching:my_schedule_ics",
            args=[
                factories.make_timetable(
                    c["event"], [(c["enrolment"], c["senior_profile"], 0, "mutual")], status="published"
                ).pk
            ],
        ),
        note="the senior and the attending staff meet in it; anyone without a meeting gets 404",
    ),
    "matching:timetable_publish": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:timetable_publish", args=[factories.make_timetable(c["event"]).pk]),
        note="the event's coordinator: the confirm page (the world event is not yet in selection: refused there)",
    ),
    # --- timetables (print) ---
    # A published timetable is created lazily per row (hosts' staff print published versions only).
    "matching:print_grid": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:print_grid", args=[factories.print_matrix_timetable_pk(c)]),
        note="coordinator only (the whole grid)",
    ),
    "matching:print_tables": Row(
        (302, 404, 200, 200, 200, 404, 404, 200),
        url=lambda c: reverse("matching:print_tables", args=[factories.print_matrix_timetable_pk(c)]),
        note="hosts' staff: own institution's tables only (other: none of A's)",
    ),
    "matching:print_seniors": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:print_seniors", args=[factories.print_matrix_timetable_pk(c)]),
        note="coordinator only (every senior's itinerary)",
    ),
    "matching:print_staff": Row(
        (302, 404, 200, 200, 200, 404, 404, 200),
        url=lambda c: reverse("matching:print_staff", args=[factories.print_matrix_timetable_pk(c)]),
        note="hosts' staff: own institution's staff routes only",
    ),
    "matching:print_xlsx": Row(
        (302, 404, 200, 200, 200, 404, 404, 200),
        url=lambda c: reverse("matching:print_xlsx", args=[factories.print_matrix_timetable_pk(c)]),
        note="hosts' staff: workbook of own institution's tables only",
    ),
    # --- event day (check-in) ---
    # Coordinator of the event only (bank staff of the host banks too get 404).
    "matching:checkin": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:checkin", args=[c["event"].pk]),
    ),
    "matching:checkin_counts": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:checkin_counts", args=[c["event"].pk]),
    ),
    "matching:checkin_senior": Row(
        (302, 404, 404, 404, 302, 404, 404, 404),
        url=lambda c: reverse("matching:checkin_senior", args=[c["event"].pk, c["senior_profile"].pk]),
        method="post",
        note="coord: no action posted, told so and sent back",
    ),
    "matching:checkin_company": Row(
        (302, 404, 404, 404, 302, 404, 404, 404),
        url=lambda c: reverse("matching:checkin_company", args=[c["event"].pk, c["enrolment"].pk]),
        method="post",
        note="coord: no action posted, told so and sent back",
    ),
    "matching:walkin": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:walkin", args=[c["event"].pk]),
    ),
    # --- event day (repair) ---
    "matching:repair": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:repair", args=[c["event"].pk]),
        note="the event's coordinator only (no published timetable in the world: the page says so)",
    ),
    # --- after the event (results, second interviews, agreements) ---
    # Hosts' staff see their own institution's tables and rows; the event's coordinator sees all of them.
    "matching:followup_tables": Row(
        (302, 404, 200, 200, 200, 404, 404, 200),
        url=lambda c: reverse("matching:followup_tables", args=[c["event"].pk]),
        note="B is a host too: its staff get the page with none of A's tables",
    ),
    "matching:event_results": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:event_results", args=[c["event"].pk]),
    ),
    "matching:second_interviews_propose": Row(
        (302, 404, 404, 404, 302, 404, 404, 404),
        url=lambda c: reverse("matching:second_interviews_propose", args=[c["event"].pk]),
        method="post",
        note="coord: the world event is not held yet, refused with a message and sent back",
    ),
    "matching:second_interview_propose": Row(
        (302, 404, 404, 404, 302, 404, 404, 404),
        url=lambda c: reverse("matching:second_interview_propose", args=[factories.followup_matrix_result(c).pk]),
        method="post",
        note="coord: proposes the maybe/maybe pair",
    ),
    "matching:result_table": Row(
        (302, 404, 200, 200, 200, 404, 404, 404),
        url=lambda c: reverse("matching:result_table", args=[c["enrolment"].pk]),
        note="coord: outcomes and the senior's wish, never the bank's memo (tests/matching/test_results.py)",
    ),
    "matching:result_record": Row(
        (302, 404, 400, 400, 400, 404, 404, 404),
        url=lambda c: reverse(
            "matching:result_record", args=[factories.followup_matrix_result(c).enrolment_id, c["senior_profile"].pk]
        ),
        method="post",
        note="nothing chosen: the table page again with the error; coord records outcomes, never the memo",
    ),
    "matching:senior_wish": Row(
        (302, 200, 404, 404, 404, 404, 404, 404),
        url=lambda c: reverse("matching:senior_wish", args=[factories.followup_matrix_result(c).enrolment_id]),
        note="the senior who met the table only",
    ),
    "matching:second_interview_list": Row(
        (302, 404, 200, 200, 200, 404, 404, 200), note="other sees only its own institution's"
    ),
    "matching:second_interview_detail": Row(
        (302, 404, 200, 200, 200, 404, 404, 404),
        url=lambda c: reverse("matching:second_interview_detail", args=[factories.followup_matrix_si(c).pk]),
    ),
    "matching:second_interview_step": Row(
        (302, 404, 400, 400, 400, 404, 404, 404),
        url=lambda c: reverse("matching:second_interview_step", args=[factories.followup_matrix_si(c).pk, "held"]),
        method="post",
        note="a proposed one cannot be marked held: the detail page with the refusal",
    ),
    "matching:agreement_list": Row((302, 404, 200, 200, 200, 404, 404, 200), note="other sees only its own"),
    "matching:agreement_detail": Row(
        (302, 404, 200, 200, 200, 404, 404, 404),
        url=lambda c: reverse("matching:agreement_detail", args=[factories.followup_matrix_agreement(c).pk]),
    ),
    "matching:agreement_change_kind": Row(
        (302, 404, 400, 400, 400, 404, 404, 404),
        url=lambda c: reverse("matching:agreement_change_kind", args=[factories.followup_matrix_agreement(c).pk]),
        method="post",
        note="nothing chosen: the detail page with the error",
    ),
    # --- after the event (statistics) ---
    "matching:statistics": Row(
        (302, 404, 200, 200, 200, 404, 200, 200), note="each sees its own scope (bank: its institution; lg: region)"
    ),
    "matching:statistics_export": Row(
        (302, 404, 200, 200, 200, 404, 200, 200),
        url=lambda c: reverse("matching:statistics_export") + "?format=csv&table=year",
        note="the same scope as the page",
    ),
    # --- after the event (follow-up, survey) ---
    # Participants of the event's published timetable only (the senior and A's attending staff).
    "matching:survey": Row(
        (302, 200, 200, 404, 404, 404, 404, 404),
        url=lambda c: reverse("matching:survey", args=[factories.survey_matrix_event_pk(c)]),
        note="admin of A did not attend a table: not a participant",
    ),
    "matching:survey_results": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:survey_results", args=[factories.survey_matrix_event_pk(c)]),
        note="the event's coordinator only (hosts too get 404)",
    ),
    # --- notifications ---
    "participants:notification_list": Row(signed_in(302, 200), note="everyone's own inbox"),
    "participants:notification_read": Row(
        (302, 404, 302, 404, 404, 404, 404, 404),
        url=lambda c: reverse(
            "participants:notification_read",
            args=[c["users"]["staff"].notifications.create(kind="test", title="お知らせ", url="/dashboard/").pk],
        ),
        method="post",
        note="the staff user's own notification: opened (302); anyone else's answers 404",
    ),
    "participants:notification_read_all": Row(signed_in(302, 302), method="post", note="own inbox, back to it"),
    # --- regional networks ---
    # tests/regional/helpers.regional_world: lg organises 静岡支部, staff is a member; nobody else is in a chapter.
    #                                   anon senior staff admin coord alumni lg  other
    "regional:home": Row(signed_in(302, 200), note="every signed-in user may see the networks and join one"),
    "regional:network_join": Row(
        signed_in(302, 200),
        url=lambda c: reverse("regional:network_join", args=[_regional(c)["chapter"].network_id]),
    ),
    "regional:chapter_join": Row(
        (302, 404, 302, 404, 404, 404, 302, 404),
        url=lambda c: reverse("regional:chapter_join", args=[_regional(c)["chapter"].pk]),
        method="post",
        note="network members only (already members: told so)",
    ),
    "regional:chapter_detail": Row(
        (302, 404, 200, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:chapter_detail", args=[_regional(c)["chapter"].pk]),
    ),
    "regional:post_create": Row(
        (302, 404, 400, 404, 404, 404, 400, 404),
        url=lambda c: reverse("regional:post_create", args=[_regional(c)["chapter"].pk]),
        method="post",
        note="members: nothing written, the page again with the error",
    ),
    "regional:chapter_members": Row(
        (302, 404, 200, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:chapter_members", args=[_regional(c)["chapter"].pk]),
    ),
    "regional:membership_update": Row(
        (302, 404, 404, 404, 404, 404, 302, 404),
        url=lambda c: reverse("regional:membership_update", args=[_regional(c)["membership"].pk]),
        method="post",
        note="the chapter's organiser: no action posted, told so",
    ),
    "regional:meeting_new": Row(
        (302, 404, 404, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:meeting_new", args=[_regional(c)["chapter"].pk]),
    ),
    "regional:meeting_detail": Row(
        (302, 404, 200, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:meeting_detail", args=[_regional(c)["meeting"].pk]),
    ),
    "regional:meeting_edit": Row(
        (302, 404, 404, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:meeting_edit", args=[_regional(c)["meeting"].pk]),
    ),
    "regional:meeting_rsvp": Row(
        (302, 404, 302, 404, 404, 404, 302, 404),
        url=lambda c: reverse("regional:meeting_rsvp", args=[_regional(c)["meeting"].pk]),
        method="post",
    ),
    "regional:meeting_checkin": Row(
        (302, 404, 404, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:meeting_checkin", args=[_regional(c)["meeting"].pk]),
    ),
    "regional:meeting_walk_in": Row(
        (302, 404, 404, 404, 404, 404, 400, 404),
        url=lambda c: reverse("regional:meeting_walk_in", args=[_regional(c)["meeting"].pk]),
        method="post",
        note="organiser: nobody chosen, the check-in page with the error",
    ),
    "regional:meeting_checkin_member": Row(
        (302, 404, 404, 404, 404, 404, 302, 404),
        url=lambda c: reverse("regional:meeting_checkin_member", args=[_regional(c)["rsvp"].pk]),
        method="post",
        note="organiser: no round given, told so",
    ),
    "regional:meeting_groups": Row(
        (302, 404, 404, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:meeting_groups", args=[_regional(c)["meeting"].pk]),
    ),
    "regional:meeting_print": Row(
        (302, 404, 404, 404, 404, 404, 302, 404),
        url=lambda c: reverse("regional:meeting_print", args=[_regional(c)["meeting"].pk, "cards"]),
        note="organiser: no groups formed yet, sent to the groups page",
    ),
    "regional:connection_list": Row(signed_in(302, 200), note="everyone's own list"),
    "regional:connection_create": Row(
        (302, 404, 302, 404, 404, 404, 302, 404),
        url=lambda c: reverse(
            "regional:connection_create", args=[_regional(c)["meeting"].pk, _regional(c)["member"].pk]
        ),
        method="post",
        note="staff marking themself is told no; lg marks staff",
    ),
    "regional:connection_delete": Row(
        (302, 404, 302, 404, 404, 404, 404, 404),
        url=lambda c: reverse("regional:connection_delete", args=[_regional_connection(c)]),
        method="post",
        note="staff removes the one they marked; nobody else marked that member",
    ),
    "regional:story_list": Row(signed_in(302, 200), note="non-members: an empty library"),
    "regional:story_new": Row(
        (302, 404, 200, 404, 404, 404, 200, 404),
        url=lambda c: _regional(c) and reverse("regional:story_new"),
        note="members of a chapter post to their network's library",
    ),
    "regional:story_detail": Row(
        (302, 404, 200, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:story_detail", args=[_regional(c)["story"].pk]),
    ),
    # --- public-private projects ---
    # lg's government posted the challenge; A's bank is its accepted partner (staff and admin of A).
    "regional:challenge_list": Row(signed_in(302, 200), note="challenges are public to signed-in users"),
    "regional:challenge_new": Row((302, 404, 404, 404, 404, 404, 200, 404)),
    "regional:challenge_detail": Row(
        signed_in(302, 200), url=lambda c: reverse("regional:challenge_detail", args=[_regional(c)["challenge"].pk])
    ),
    "regional:challenge_close": Row(
        (302, 404, 404, 404, 404, 404, 302, 404),
        url=lambda c: reverse("regional:challenge_close", args=[_regional(c)["challenge"].pk]),
        method="post",
    ),
    "regional:challenge_apply": Row(
        (302, 404, 200, 200, 404, 200, 404, 200),
        url=lambda c: reverse("regional:challenge_apply", args=[_regional(c)["challenge"].pk]),
        note="staff of an organisation that may partner (not a government or coordinator)",
    ),
    "regional:application_accept": Row(
        (302, 404, 404, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:application_accept", args=[_regional(c)["application"].pk]),
        note="the challenge's government (the page; this one is already accepted)",
    ),
    "regional:application_decline": Row(
        (302, 404, 404, 404, 404, 404, 302, 404),
        url=lambda c: reverse("regional:application_decline", args=[_regional(c)["application"].pk]),
        method="post",
        note="already accepted: told so",
    ),
    "regional:campaign_new": Row(
        (302, 404, 404, 404, 404, 404, 200, 404),
        url=lambda c: reverse("regional:campaign_new", args=[_regional(c)["challenge"].pk]),
    ),
    "regional:contribution_new": Row(
        (302, 404, 400, 400, 404, 404, 404, 404),
        url=lambda c: reverse("regional:contribution_new", args=[_regional(c)["challenge"].pk]),
        method="post",
        note="accepted partner's staff: nothing given, the form with its errors",
    ),
    "regional:volunteer_new": Row(
        (302, 404, 302, 302, 404, 404, 404, 404),
        url=lambda c: reverse("regional:volunteer_new", args=[_regional(c)["challenge"].pk]),
        method="post",
        note="accepted partner's staff: no organisation chosen, told so",
    ),
    "regional:activity_new": Row(
        (302, 404, 400, 400, 404, 404, 400, 404),
        url=lambda c: reverse("regional:activity_new", args=[_regional(c)["challenge"].pk]),
        method="post",
        note="the government and accepted partners: nothing given, the form with its errors",
    ),
    "regional:update_new": Row(
        (302, 404, 400, 400, 404, 404, 400, 404),
        url=lambda c: reverse("regional:update_new", args=[_regional(c)["challenge"].pk]),
        method="post",
        note="the government and accepted partners: nothing given, the form with its errors",
    ),
    "regional:challenge_follow": Row(
        signed_in(302, 302),
        url=lambda c: reverse("regional:challenge_follow", args=[_regional(c)["challenge"].pk]),
        method="post",
        note="anyone signed in may follow a public challenge",
    ),
    # --- alumni networks ---
    # A closed network: only its verified members and its office get in (tests/alumni/test_closed_network.py
    # checks members and other networks too). The alumni column is the office of the network built by
    # factories.alumni_matrix; every other column is an outsider.
    "alumni:home": Row(
        (302, 404, 404, 404, 404, 200, 404, 404), note="the office's organisation has no network yet: the form"
    ),
    "alumni:network_create": Row(
        (302, 404, 404, 404, 404, 404, 404, 404),
        url=lambda c: (factories.alumni_matrix(c), reverse("alumni:network_create"))[1],
        method="post",
        note="the office's organisation already has its network",
    ),
    "alumni:join": Row(
        everyone(200),
        url=lambda c: reverse("alumni:join", args=[factories.alumni_matrix(c)["network"].join_code]),
        note="the signup link the office hands out (a wrong code is 404)",
    ),
    **{
        f"alumni:{name}": Row(
            (302, 404, 404, 404, 404, office, 404, 404),
            url=lambda c, name=name, args=args: reverse(f"alumni:{name}", args=args(factories.alumni_matrix(c))),
            method=method,
            note=note,
        )
        for name, args, method, office, note in [
            ("network_home", lambda a: [a["network"].pk], "get", 200, ""),
            ("directory", lambda a: [a["network"].pk], "get", 200, ""),
            ("member_detail", lambda a: [a["network"].pk, a["member"].pk], "get", 200, ""),
            ("member_contact", lambda a: [a["network"].pk, a["member"].pk], "get", 404, "members only"),
            ("profile_edit", lambda a: [a["network"].pk], "get", 404, "members only"),
            ("leave", lambda a: [a["network"].pk], "get", 404, "members only"),
            ("my_data", lambda a: [a["network"].pk], "get", 404, "members only"),
            ("news_list", lambda a: [a["network"].pk], "get", 200, ""),
            ("news_detail", lambda a: [a["network"].pk, a["news"].pk], "get", 200, ""),
            ("news_attachment", lambda a: [a["network"].pk, a["news"].pk, a["attachment"].pk], "get", 200, ""),
            ("feedback", lambda a: [a["network"].pk], "get", 404, "members only"),
            ("post_list", lambda a: [a["network"].pk], "get", 200, ""),
            ("post_create", lambda a: [a["network"].pk], "get", 404, "members only"),
            ("post_detail", lambda a: [a["network"].pk, a["post"].pk], "get", 200, ""),
            ("post_interest", lambda a: [a["network"].pk, a["post"].pk], "post", 404, "members only"),
            ("meetup_list", lambda a: [a["network"].pk], "get", 200, ""),
            ("meetup_detail", lambda a: [a["network"].pk, a["meetup"].pk], "get", 200, ""),
            ("meetup_rsvp", lambda a: [a["network"].pk, a["meetup"].pk], "post", 404, "members only"),
            ("meetup_survey", lambda a: [a["network"].pk, a["meetup"].pk], "get", 404, "checked-in members only"),
            ("meetup_worksheet", lambda a: [a["network"].pk, a["meetup"].pk], "get", 404, "members going only"),
            ("senior_bridge", lambda a: [a["network"].pk], "get", 404, "members only"),
            ("conflicts", lambda a: [a["network"].pk], "get", 404, "members only"),
            ("conflict_remove", lambda a: [a["network"].pk, a["conflict"].pk], "post", 404, "the member's own only"),
            ("help_list", lambda a: [a["network"].pk], "get", 200, ""),
            ("help_detail", lambda a: [a["network"].pk, a["help"].pk], "get", 200, ""),
            ("office_help_create", lambda a: [a["network"].pk], "get", 200, ""),
            (
                "office_help_outcome",
                lambda a: [a["network"].pk, a["help"].pk, a["help_interest"].pk],
                "post",
                302,
                "nothing chosen: told so, back to the request",
            ),
            ("office_help_close", lambda a: [a["network"].pk, a["help"].pk], "post", 302, "closed: back"),
            ("office_outcomes", lambda a: [a["network"].pk], "get", 200, ""),
            ("staff_digest", lambda a: [a["network"].pk], "get", 200, "the organisation's current staff"),
            ("office_roster", lambda a: [a["network"].pk], "get", 200, ""),
            ("office_approvals", lambda a: [a["network"].pk], "get", 200, ""),
            ("office_decide", lambda a: [a["network"].pk, a["pending"].pk], "post", 302, "rejected: back to the queue"),
            ("office_news", lambda a: [a["network"].pk], "get", 200, ""),
            ("office_news_create", lambda a: [a["network"].pk], "get", 200, ""),
            ("office_news_edit", lambda a: [a["network"].pk, a["news"].pk], "get", 200, ""),
            ("office_feedback", lambda a: [a["network"].pk], "get", 200, ""),
            ("office_feedback_answer", lambda a: [a["network"].pk, a["feedback"].pk], "get", 200, ""),
            ("office_digest", lambda a: [a["network"].pk], "get", 200, ""),
            ("office_digest_decide", lambda a: [a["network"].pk, a["post"].pk], "post", 302, "declined: back"),
            ("office_meetup_create", lambda a: [a["network"].pk], "get", 200, ""),
            ("office_checkin", lambda a: [a["network"].pk, a["meetup"].pk], "get", 200, ""),
            (
                "office_checkin_mark",
                lambda a: [a["network"].pk, a["meetup"].pk, a["rsvp"].pk],
                "post",
                302,
                "checked in: back to the list",
            ),
        ]
    },
    # --- fit (あなたに合いそうな課題, suggested seniors) ---
    "matching:fit_senior_event": Row(
        (302, 200, 404, 404, 404, 404, 404, 404),
        url=lambda c: reverse("matching:fit_senior_event", args=[c["event"].pk]),
        note="the senior's own list, behind the pledge gate (passed by the world senior)",
    ),
    "matching:fit_enrolment_suggestions": Row(
        (302, 404, 200, 200, 200, 404, 404, 404),
        url=lambda c: reverse("matching:fit_enrolment_suggestions", args=[c["enrolment"].pk]),
        note="A's company: A's staff and the event's coordinator; B hosts the same event but gets 404",
    ),
    "matching:fit_thin_issues": Row(
        (302, 404, 404, 404, 200, 404, 404, 404),
        url=lambda c: reverse("matching:fit_thin_issues", args=[c["event"].pk]),
        note="the event's coordinator only",
    ),
    "matching:fit_mail_opt_out": Row(
        everyone(200),
        url=lambda c: reverse("matching:fit_mail_opt_out", args=[factories.fit_opt_out_token(c)]),
        note="the signed token is the authority (no login); GET only shows the button",
    ),
}


def _regional(world: dict[str, Any]) -> dict[str, Any]:
    from tests.regional.helpers import regional_world

    return regional_world(world)


def _regional_connection(world: dict[str, Any]) -> int:
    from regional.models import Connection

    r = _regional(world)
    Connection.objects.create(owner=r["member"], other=r["organiser"])
    return r["organiser"].pk


# The Django admin: one row for its whole namespace, checked on its index and login pages.
# Only platform operators (is_staff, with MFA) get in; signed-in non-staff are refused by allauth's
# secure_admin_login.
NAMESPACE_ROWS: dict[str, dict[str, Row]] = {
    "admin": {
        "admin:index": Row(everyone(302)),
        "admin:login": Row(signed_in(302, 403)),
    },
}


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from _walk(pattern, ns)
        elif isinstance(pattern, URLPattern):
            yield ":".join(filter(None, [namespace, pattern.name or "<unnamed>"]))


def all_url_names() -> list[str]:
    return sorted(set(_walk(get_resolver())))


def test_every_url_pattern_has_a_row():
    missing = [name for name in all_url_names() if name not in ROWS and name.split(":")[0] not in NAMESPACE_ROWS]

    assert missing == [], "add a row to ROWS in tests/test_permission_matrix.py for: " + ", ".join(missing)


def test_no_row_without_a_url_pattern():
    names = set(all_url_names())
    assert sorted(set(ROWS) - names) == []


def _build_world() -> dict[str, Any]:
    bank_a, bank_b = OrganizationFactory(name="A信用金庫"), OrganizationFactory(name="B銀行")
    admin_a = staff_user(Role.INSTITUTION_ADMIN, bank_a)
    users = {
        "anon": None,
        "senior": senior_user(),
        "staff": staff_user(Role.BANK_STAFF, bank_a),
        "admin": admin_a,
        "coord": staff_user(Role.COORDINATOR),
        "alumni": staff_user(Role.ALUMNI_OFFICE, OrganizationFactory(name="政策金融公庫")),
        "lg": staff_user(Role.LOCAL_GOVERNMENT),
        "other": staff_user(Role.BANK_STAFF, bank_b),
    }
    company = CompanyFactory(institution=bank_a, branch=BranchFactory(organization=bank_a))
    invitation, token = invitation_create(
        by=admin_a, email="invited@example.jp", organization=bank_a, role=Role.BANK_STAFF
    )
    # A joint event of institutions A and B, coordinated by the coordinator's organisation, with the issue
    # list published; A's company is enrolled (attended by A's staff) with an approved hearing sheet.
    from participants.models import PledgeAcceptance, PledgeVersion

    coord_org = users["coord"].active_memberships[0].organization
    event = make_event(coordinator_org=coord_org, hosts=[bank_a, bank_b], status="published")
    enrolment = enrol_company(event, company=company, staff=users["staff"])
    sheet = approved_hearing(enrolment)
    senior_profile = users["senior"].senior_profile
    PledgeAcceptance.objects.create(
        senior=senior_profile, pledge=PledgeVersion.objects.order_by("-effective_from").first()
    )
    return {
        "users": users,
        "company": company,
        "invitation": invitation,
        "token": token,
        "event": event,
        "enrolment": enrolment,
        "sheet": sheet,
        "senior_profile": senior_profile,
    }


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """The world, built once for the module inside a transaction that is rolled back at its end.

    Each row's test runs inside it in a savepoint of its own (the `db` fixture), rolled back after the row,
    so every row starts from this same world, as if it had been built for that row alone.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with arranging():
            world = _build_world()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_once, db) -> dict[str, Any]:
    # A copy per row, as TestCase.setUpTestData gives: a row that changes an instance in memory (a login
    # sets last_login) leaves the next row's instances as built.
    return copy.deepcopy(_world_once)


ALL_ROWS = {**ROWS, **{k: v for rows in NAMESPACE_ROWS.values() for k, v in rows.items()}}


@pytest.mark.parametrize("name", sorted(ALL_ROWS))
def test_permission_matrix(world, name):
    row = ALL_ROWS[name]
    url = row.url(world) if row.url else reverse(name)
    got = []
    for column in COLUMNS:
        client = Client()
        user = world["users"][column]
        if user is not None:
            client.force_login(user)
        got.append(getattr(client, row.method)(url).status_code)

    assert dict(zip(COLUMNS, got, strict=True)) == dict(zip(COLUMNS, row.expect, strict=True))
