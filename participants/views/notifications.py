"""The in-app inbox (お知らせ): every signed-in user's own notifications (its dashboard panel: participants.panels).

Everyone who signs in has an inbox; a notification of someone else's answers 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sks.access import signed_in_user

from .. import selectors, services

PAGE_SIZE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = Paginator(selectors.notification_list_for(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "participants/notification_list.html", {"page": page})


def _is_local_path(url: str) -> bool:
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read and open what it is about (only a page of this site)."""
    notification = selectors.access_notification(user=signed_in_user(request), pk=pk)
    services.notification_mark_read(notification=notification)
    if notification.url and _is_local_path(notification.url):
        return redirect(notification.url)
    return redirect("participants:notification_list")


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=signed_in_user(request))
    if count:
        messages.success(request, _("%(count)s件のお知らせを既読にしました。") % {"count": count})
    return redirect("participants:notification_list")
