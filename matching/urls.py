from django.urls import path

from .views import build, eventday, fit, followup, printing, publish, repair, statistics, survey

app_name = "matching"

# One block per area; keep each area's routes together.
urlpatterns: list = [
    # --- timetables (build) ---
    path("event/<int:pk>/", build.timetable_list, name="timetable_list"),
    path("<int:pk>/", build.timetable_detail, name="timetable_detail"),
    path("<int:pk>/progress/", build.timetable_progress, name="timetable_progress"),
    path("<int:pk>/resolve/", build.timetable_resolve, name="timetable_resolve"),
    path("<int:pk>/compare/", build.timetable_compare, name="timetable_compare"),
    path("<int:pk>/meetings/add/", build.meeting_add, name="meeting_add"),
    path("meetings/<int:pk>/edit/", build.meeting_edit, name="meeting_edit"),
    # --- timetables (publish) ---
    path("my-schedule/", publish.my_schedule, name="my_schedule"),
    path("my-schedule/<int:pk>.ics", publish.my_schedule_ics, name="my_schedule_ics"),
    path("<int:pk>/publish/", publish.timetable_publish, name="timetable_publish"),
    # --- timetables (print) ---
    path("<int:pk>/print/grid.pdf", printing.print_grid, name="print_grid"),
    path("<int:pk>/print/tables.pdf", printing.print_tables, name="print_tables"),
    path("<int:pk>/print/seniors.pdf", printing.print_seniors, name="print_seniors"),
    path("<int:pk>/print/staff.pdf", printing.print_staff, name="print_staff"),
    path("<int:pk>/print/timetable.xlsx", printing.print_xlsx, name="print_xlsx"),
    # --- event day (repair) ---
    path("event/<int:pk>/repair/", repair.repair, name="repair"),
    # --- event day (check-in) ---
    path("event/<int:pk>/checkin/", eventday.checkin, name="checkin"),
    path("event/<int:pk>/checkin/counts/", eventday.checkin_counts_partial, name="checkin_counts"),
    path("event/<int:pk>/checkin/senior/<int:senior_pk>/", eventday.checkin_senior, name="checkin_senior"),
    path("event/<int:pk>/checkin/company/<int:enrolment_pk>/", eventday.checkin_company, name="checkin_company"),
    path("event/<int:pk>/walk-in/", eventday.walkin, name="walkin"),
    # --- after the event (results, second interviews, agreements) ---
    path("event/<int:pk>/followup/", followup.followup_tables, name="followup_tables"),
    path("event/<int:pk>/results/", followup.event_results, name="event_results"),
    path("event/<int:pk>/results/propose/", followup.second_interviews_propose, name="second_interviews_propose"),
    path("results/<int:pk>/propose/", followup.second_interview_propose, name="second_interview_propose"),
    path("followup/table/<int:pk>/", followup.result_table, name="result_table"),
    path("followup/table/<int:pk>/senior/<int:senior_pk>/", followup.result_record, name="result_record"),
    path("my-schedule/wish/<int:enrolment_pk>/", followup.senior_wish, name="senior_wish"),
    path("second-interviews/", followup.second_interview_list, name="second_interview_list"),
    path("second-interviews/<int:pk>/", followup.second_interview_detail, name="second_interview_detail"),
    path("second-interviews/<int:pk>/<slug:step>/", followup.second_interview_step, name="second_interview_step"),
    path("agreements/", followup.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", followup.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/kind/", followup.agreement_change_kind, name="agreement_change_kind"),
    # --- after the event (statistics) ---
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/export/", statistics.statistics_export, name="statistics_export"),
    # --- after the event (follow-up, survey) ---
    path("event/<int:pk>/survey/", survey.survey, name="survey"),
    path("event/<int:pk>/survey/results/", survey.survey_results, name="survey_results"),
    # --- fit (あなたに合いそうな課題, suggested seniors) ---
    path("fit/event/<int:pk>/", fit.fit_senior_event, name="fit_senior_event"),
    path("fit/enrolment/<int:pk>/", fit.fit_enrolment_suggestions, name="fit_enrolment_suggestions"),
    path("fit/event/<int:pk>/thin/", fit.fit_thin_issues, name="fit_thin_issues"),
    path("fit/opt-out/<str:token>/", fit.fit_mail_opt_out, name="fit_mail_opt_out"),
]
