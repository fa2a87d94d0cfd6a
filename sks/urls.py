from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from participants.views import accounts, dashboard
from sks import views

# The Django admin signs in through allauth, so it gets the same rate limits and MFA.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # django-stubs types AdminSite.login as a method; wrapping it is the point
admin.site.site_header = "SKS 管理サイト"
admin.site.site_title = "SKS 管理サイト"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Django's i18n/setlang/, wrapped so that the choice is also saved on the account (mail language).
    path("i18n/setlang/", accounts.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("participants.urls")),
    path("events/", include("events.urls")),
    path("timetables/", include("matching.urls")),
    path("alumni/", include("alumni.urls")),
    path("regional/", include("regional.urls")),
]

handler403 = "sks.views.error_403"
handler404 = "sks.views.error_404"
handler500 = "django.views.defaults.server_error"
