from django.urls import path

from .views import build, eventday, printing, publish, repair

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
    # --- after the event (statistics) ---
    # --- after the event (follow-up, survey) ---
]
