from django.urls import path

from .views import accounts, companies, contacts, notifications, search, seniors, staff

app_name = "participants"

# One block per area; keep each area's routes together.
urlpatterns = [
    # --- accounts and invitations ---
    path("staff/invitations/", accounts.invitation_list, name="invitation_list"),
    path("staff/invitations/<int:pk>/revoke/", accounts.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("account/delete/", accounts.account_delete, name="account_delete"),
    # --- companies ---
    path("companies/", companies.company_list, name="company_list"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    path("companies/new/", companies.company_create, name="company_create"),
    path("companies/<int:pk>/edit/", companies.company_edit, name="company_edit"),
    path("companies/import/", companies.company_import, name="company_import"),
    path("companies/import/<str:token>/", companies.company_import_confirm, name="company_import_confirm"),
    path("companies/export/", companies.company_export, name="company_export"),
    # --- seniors ---
    path("profile/", seniors.senior_profile_edit, name="senior_profile_edit"),
    path("profile/step/<int:step>/", seniors.senior_profile_step, name="senior_profile_step"),
    path("profile/pledge/", seniors.senior_pledge, name="senior_pledge"),
    path("profile/consent/", seniors.senior_consent, name="senior_consent"),
    path("profile/consent/withdraw/", seniors.senior_consent_withdraw, name="senior_consent_withdraw"),
    path("profile/data/", seniors.senior_data_export, name="senior_data_export"),
    path("profile/data.json", seniors.senior_data_export_json, name="senior_data_export_json"),
    path("profile/delete/", seniors.senior_delete, name="senior_delete"),
    # --- search ---
    path("seniors/search/", search.senior_search, name="senior_search"),
    path("seniors/<int:pk>/", search.senior_detail, name="senior_detail"),
    path("seniors/<int:pk>/provisions/", search.senior_provisions, name="senior_provisions"),
    # --- institution staff and branches ---
    path("institution/branches/", staff.branch_list, name="branch_list"),
    path("institution/branches/add/", staff.branch_create, name="branch_create"),
    path("institution/branches/<int:pk>/edit/", staff.branch_edit, name="branch_edit"),
    path("institution/branches/<int:pk>/delete/", staff.branch_delete, name="branch_delete"),
    path("institution/staff/", staff.staff_list, name="staff_list"),
    path("institution/staff/<int:pk>/edit/", staff.staff_edit, name="staff_edit"),
    path("institution/staff/<int:pk>/deactivate/", staff.staff_deactivate, name="staff_deactivate"),
    path("institution/staff/<int:pk>/reactivate/", staff.staff_reactivate, name="staff_reactivate"),
    # --- company contacts ---
    path("companies/<int:pk>/contacts/invite/", contacts.company_contact_invite, name="company_contact_invite"),
    # --- notifications ---
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
]
