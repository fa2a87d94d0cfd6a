from django.urls import path

from .views import events, hearings, selection

app_name = "events"

# One block per area; keep each area's routes together.
urlpatterns: list = [
    # --- events (setup) ---
    path("manage/", events.event_list, name="event_list"),
    path("manage/new/", events.event_create_view, name="event_create"),
    path("manage/<int:pk>/", events.event_detail, name="event_detail"),
    path("manage/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("manage/<int:pk>/transition/", events.event_transition, name="event_transition"),
    path("manage/<int:pk>/checklist/", events.checklist, name="checklist"),
    path("manage/<int:pk>/checklist/add/", events.checklist_item_add_view, name="checklist_item_add"),
    path("manage/checklist/<int:pk>/edit/", events.checklist_item_edit, name="checklist_item_edit"),
    path("manage/checklist/<int:pk>/toggle/", events.checklist_item_toggle, name="checklist_item_toggle"),
    # --- events (hearing) ---
    path("staff/", hearings.staff_event_list, name="staff_event_list"),
    path("staff/<int:pk>/", hearings.staff_event_detail, name="staff_event_detail"),
    path("staff/<int:pk>/enrol/", hearings.enrolment_create, name="enrolment_create"),
    path("enrolments/<int:pk>/edit/", hearings.enrolment_edit, name="enrolment_edit"),
    path("enrolments/<int:pk>/hearing/", hearings.hearing_detail, name="hearing_detail"),
    path("enrolments/<int:pk>/hearing/edit/", hearings.hearing_edit, name="hearing_edit"),
    path("enrolments/<int:pk>/hearing/submit/", hearings.hearing_submit, name="hearing_submit"),
    path("enrolments/<int:pk>/hearing/approval/", hearings.hearing_record_approval, name="hearing_record_approval"),
    path("company/", hearings.company_home, name="company_home"),
    path("company/hearings/<int:pk>/", hearings.company_hearing, name="company_hearing"),
    path("manage/<int:pk>/hearings/", hearings.coordinator_hearing_list, name="coordinator_hearing_list"),
    path("manage/hearings/<int:pk>/", hearings.coordinator_hearing, name="coordinator_hearing"),
    path("<int:pk>/issues/print/", hearings.issue_list_print, name="issue_list_print"),
    # --- events (selection) ---
    path("apply/", selection.senior_event_list, name="senior_event_list"),
    path("<int:pk>/issues/", selection.senior_issue_list, name="senior_issue_list"),
    path("<int:pk>/apply/", selection.senior_application, name="senior_application"),
    path("<int:pk>/apply/submit/", selection.senior_application_submit, name="senior_application_submit"),
    path("<int:pk>/apply/withdraw/", selection.senior_application_withdraw, name="senior_application_withdraw"),
    path("enrolments/<int:pk>/applicants/", selection.staff_applicants, name="staff_applicants"),
    path("choices/<int:pk>/", selection.applicant_profile, name="applicant_profile"),
    path("choices/<int:pk>/decide/", selection.choice_decide, name="choice_decide"),
    path("enrolments/<int:pk>/invite/", selection.staff_invite, name="staff_invite"),
    path("invitations/<int:pk>/withdraw/", selection.invitation_withdraw, name="invitation_withdraw"),
    path("<int:pk>/selection/", selection.coordinator_selection, name="coordinator_selection"),
]
