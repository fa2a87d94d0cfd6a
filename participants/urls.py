from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("companies/", views.company_list, name="company_list"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("staff/invitations/", views.invitation_list, name="invitation_list"),
    path("staff/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("profile/", views.senior_profile_edit, name="senior_profile_edit"),
]
