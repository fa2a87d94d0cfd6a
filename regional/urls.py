from django.urls import path

from .views import chapters, meetings, projects

app_name = "regional"

# One block per area; keep each area's routes together.
urlpatterns: list = [
    # --- networks and chapters ---
    path("", chapters.home, name="home"),
    path("networks/<int:pk>/join/", chapters.network_join, name="network_join"),
    path("chapters/<int:pk>/join/", chapters.chapter_join, name="chapter_join"),
    path("chapters/<int:pk>/", chapters.chapter_detail, name="chapter_detail"),
    path("chapters/<int:pk>/posts/", chapters.post_create, name="post_create"),
    path("chapters/<int:pk>/members/", chapters.chapter_members, name="chapter_members"),
    path("memberships/<int:pk>/", chapters.membership_update, name="membership_update"),
    # --- dialogue meetings ---
    path("chapters/<int:pk>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/rsvp/", meetings.meeting_rsvp_view, name="meeting_rsvp"),
    path("meetings/<int:pk>/checkin/", meetings.meeting_checkin, name="meeting_checkin"),
    path("meetings/<int:pk>/walk-in/", meetings.meeting_walk_in_view, name="meeting_walk_in"),
    path("rsvps/<int:pk>/checkin/", meetings.meeting_checkin_member, name="meeting_checkin_member"),
    path("meetings/<int:pk>/groups/", meetings.meeting_groups, name="meeting_groups"),
    path("meetings/<int:pk>/print/<str:sheet>/", meetings.meeting_print, name="meeting_print"),
    # --- connections and stories ---
    path("connections/", chapters.connection_list, name="connection_list"),
    path("meetings/<int:pk>/connect/<int:member_pk>/", chapters.connection_create, name="connection_create"),
    path("connections/<int:member_pk>/remove/", chapters.connection_delete, name="connection_delete"),
    path("stories/", chapters.story_list, name="story_list"),
    path("stories/new/", chapters.story_new, name="story_new"),
    path("stories/<int:pk>/", chapters.story_detail, name="story_detail"),
    # --- public-private projects ---
    path("challenges/", projects.challenge_list, name="challenge_list"),
    path("challenges/new/", projects.challenge_new, name="challenge_new"),
    path("challenges/<int:pk>/", projects.challenge_detail, name="challenge_detail"),
    path("challenges/<int:pk>/close/", projects.challenge_close_view, name="challenge_close"),
    path("challenges/<int:pk>/apply/", projects.challenge_apply, name="challenge_apply"),
    path("applications/<int:pk>/accept/", projects.application_accept_view, name="application_accept"),
    path("applications/<int:pk>/decline/", projects.application_decline_view, name="application_decline"),
    path("challenges/<int:pk>/campaign/", projects.campaign_new, name="campaign_new"),
    path("challenges/<int:pk>/contributions/", projects.contribution_new, name="contribution_new"),
    path("challenges/<int:pk>/volunteers/", projects.volunteer_new, name="volunteer_new"),
    path("challenges/<int:pk>/activities/", projects.activity_new, name="activity_new"),
    path("challenges/<int:pk>/updates/", projects.update_new, name="update_new"),
    path("challenges/<int:pk>/follow/", projects.follow, name="challenge_follow"),
]
