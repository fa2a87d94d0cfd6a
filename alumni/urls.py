from django.urls import path

from . import views

app_name = "alumni"

urlpatterns = [
    path("", views.home, name="home"),
    path("create/", views.network_create, name="network_create"),
    path("join/<str:code>/", views.join, name="join"),
    path("<int:network>/", views.network_home, name="network_home"),
    path("<int:network>/members/", views.directory, name="directory"),
    path("<int:network>/members/<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:network>/members/<int:pk>/contact/", views.member_contact, name="member_contact"),
    path("<int:network>/profile/", views.profile_edit, name="profile_edit"),
    path("<int:network>/leave/", views.leave, name="leave"),
    path("<int:network>/my-data/", views.my_data, name="my_data"),
    path("<int:network>/news/", views.news_list, name="news_list"),
    path("<int:network>/news/<int:pk>/", views.news_detail, name="news_detail"),
    path("<int:network>/news/<int:news>/files/<int:pk>/", views.news_attachment, name="news_attachment"),
    path("<int:network>/feedback/", views.feedback, name="feedback"),
    path("<int:network>/posts/", views.post_list, name="post_list"),
    path("<int:network>/posts/new/", views.post_create, name="post_create"),
    path("<int:network>/posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("<int:network>/posts/<int:pk>/interest/", views.post_interest, name="post_interest"),
    path("<int:network>/meetups/", views.meetup_list, name="meetup_list"),
    path("<int:network>/meetups/<int:pk>/", views.meetup_detail, name="meetup_detail"),
    path("<int:network>/meetups/<int:pk>/rsvp/", views.meetup_rsvp, name="meetup_rsvp"),
    path("<int:network>/meetups/<int:pk>/survey/", views.meetup_survey, name="meetup_survey"),
    path("<int:network>/meetups/<int:pk>/worksheet/", views.meetup_worksheet, name="meetup_worksheet"),
    path("<int:network>/staff-digest/", views.staff_digest, name="staff_digest"),
    path("<int:network>/senior/", views.senior_bridge, name="senior_bridge"),
    path("<int:network>/conflicts/", views.conflicts, name="conflicts"),
    path("<int:network>/conflicts/<int:pk>/remove/", views.conflict_remove, name="conflict_remove"),
    # the office
    path("<int:network>/office/roster/", views.office_roster, name="office_roster"),
    path("<int:network>/office/approvals/", views.office_approvals, name="office_approvals"),
    path("<int:network>/office/approvals/<int:pk>/", views.office_decide, name="office_decide"),
    path("<int:network>/office/news/", views.office_news, name="office_news"),
    path("<int:network>/office/news/new/", views.office_news_edit, name="office_news_create"),
    path("<int:network>/office/news/<int:pk>/", views.office_news_edit, name="office_news_edit"),
    path("<int:network>/office/feedback/", views.office_feedback, name="office_feedback"),
    path("<int:network>/office/feedback/<int:pk>/", views.office_feedback_answer, name="office_feedback_answer"),
    path("<int:network>/office/digest/", views.office_digest, name="office_digest"),
    path("<int:network>/office/digest/<int:pk>/", views.office_digest_decide, name="office_digest_decide"),
    path("<int:network>/office/meetups/new/", views.office_meetup_create, name="office_meetup_create"),
    path("<int:network>/office/meetups/<int:pk>/", views.office_checkin, name="office_checkin"),
    path(
        "<int:network>/office/meetups/<int:pk>/checkin/<int:rsvp>/",
        views.office_checkin_mark,
        name="office_checkin_mark",
    ),
]
