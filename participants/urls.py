from django.urls import path

from .views import accounts, companies, seniors

app_name = "participants"

# One block per area; keep each area's routes together.
urlpatterns = [
    # --- accounts and invitations ---
    path("staff/invitations/", accounts.invitation_list, name="invitation_list"),
    path("staff/invitations/<int:pk>/revoke/", accounts.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    # --- companies ---
    path("companies/", companies.company_list, name="company_list"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    # --- seniors ---
    path("profile/", seniors.senior_profile_edit, name="senior_profile_edit"),
    # --- search ---
    # --- institution staff and branches ---
]
