"""The in-app inbox (お知らせ), notify() with its email, the header badge, the dashboard panel, and the
language switch that decides the language of a user's mail."""

from __future__ import annotations

from smtplib import SMTPServerDisconnected

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail.backends.locmem import EmailBackend
from django.test import RequestFactory
from django.urls import reverse

from participants.context_processors import notifications
from participants.models import Notification, User
from participants.services import notification_create, notify
from sks.celery import app
from sks.roles import Role
from tests.factories import senior_user, staff_user

pytestmark = pytest.mark.django_db


def note(user, title: str = "お知らせ", **fields) -> Notification:
    return notification_create(user=user, kind=fields.pop("kind", "test"), title=title, body="本文", **fields)


# --- notify(): in the inbox, and mailed on commit in the user's language ---


@pytest.mark.parametrize(("language", "deadline"), [("ja", "2026年3月16日"), ("en", "March 16, 2026")])
def test_notify_renders_in_the_users_language_and_mails_on_commit(
    language, deadline, django_capture_on_commit_callbacks, mailoutbox
):
    user = senior_user(name="山田 太郎", language=language)
    context = {"event_title": "春の交流会", "deadline": "2026-03-16", "event_date": "2026-05-15", "days_left": 3}

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            user=user,
            kind="application_not_submitted_3",
            template="reminders/application_not_submitted",
            context=context,
            url="/dashboard/",
        )
        sent_before_commit = len(mailoutbox)

    assert (sent_before_commit, len(mailoutbox), mailoutbox[0].to) == (0, 1, [user.email])
    assert mailoutbox[0].subject == "[SKS] " + notification.title
    assert mailoutbox[0].body == notification.body
    assert deadline in notification.body
    assert settings.SITE_URL + "/dashboard/" in notification.body
    assert (notification.user, notification.url, notification.read_at) == (user, "/dashboard/", None)


def test_notify_without_email_only_fills_the_inbox(django_capture_on_commit_callbacks, mailoutbox):
    user = senior_user()

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=user,
            kind="checklist_due",
            template="reminders/checklist_due",
            context={"event_title": "交流会", "item_title": "会場", "deadline": "2026-03-16"},
            email=False,
        )

    assert (mailoutbox, Notification.objects.filter(user=user).count()) == ([], 1)


def test_notification_email_retried_after_an_smtp_error(django_capture_on_commit_callbacks, mailoutbox, monkeypatch):
    user = senior_user()
    send_messages = EmailBackend.send_messages
    failures = []

    def fail_once(self, messages):
        if not failures:
            failures.append(1)
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fail_once)
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False  # in-process, Celery retries only when it does not propagate
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify(
                user=user,
                kind="checklist_due",
                template="reminders/checklist_due",
                context={"event_title": "交流会", "item_title": "会場", "deadline": "2026-03-16"},
            )
    finally:
        app.conf.task_eager_propagates = propagates

    assert (failures, len(mailoutbox)) == ([1], 1)


# --- the inbox ---


def test_notification_list_shows_own_notifications_newest_first(login_as):
    user, other = senior_user(), senior_user()
    note(user, "古いお知らせ")
    note(user, "新しいお知らせ")
    note(other, "他人のお知らせ")

    html = login_as(user).get(reverse("participants:notification_list")).content.decode()

    assert html.index("新しいお知らせ") < html.index("古いお知らせ")
    assert "他人のお知らせ" not in html


def test_notification_list_highlights_unread(login_as):
    user = senior_user()
    read = note(user, "既読のお知らせ")
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00:00+09:00")
    note(user, "未読のお知らせ")

    html = login_as(user).get(reverse("participants:notification_list")).content.decode()

    assert html.count("notification-unread") == 1
    assert html.index("notification-unread") < html.index("未読のお知らせ") < html.index("既読のお知らせ")


def test_notification_list_is_paginated(login_as):
    user = senior_user()
    for i in range(31):
        note(user, f"お知らせ{i:02d}")

    client = login_as(user)
    first = client.get(reverse("participants:notification_list")).content.decode()
    second = client.get(reverse("participants:notification_list") + "?page=2").content.decode()

    assert ("お知らせ30" in first, "お知らせ00" in first, "お知らせ00" in second) == (True, False, True)


def test_notification_list_queries_constant(login_as, django_assert_max_num_queries):
    user = senior_user()
    note(user)
    client = login_as(user)
    with django_assert_max_num_queries(13) as one_row:
        client.get(reverse("participants:notification_list"))
    for _ in range(9):
        note(user)

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        client.get(reverse("participants:notification_list"))


def test_notification_read_marks_read_and_opens_its_page(login_as):
    user = senior_user()
    notification = note(user, url="/profile/")

    response = login_as(user).post(reverse("participants:notification_read", args=[notification.pk]))

    notification.refresh_from_db()
    assert (response.status_code, response.url) == (302, "/profile/")
    assert notification.read_at is not None


@pytest.mark.parametrize("url", ["", "https://evil.example/phish", "//evil.example/", "javascript:alert(1)"])
def test_notification_read_goes_back_to_the_list_unless_a_local_page(url, login_as):
    user = senior_user()
    notification = note(user, url=url)

    response = login_as(user).post(reverse("participants:notification_read", args=[notification.pk]))

    assert (response.status_code, response.url) == (302, reverse("participants:notification_list"))


def test_notification_read_of_someone_elses_is_404_and_leaves_it_unread(login_as):
    owner, intruder = staff_user(Role.BANK_STAFF), staff_user(Role.BANK_STAFF)
    notification = note(owner)

    response = login_as(intruder).post(reverse("participants:notification_read", args=[notification.pk]))

    notification.refresh_from_db()
    assert (response.status_code, notification.read_at) == (404, None)


def test_notification_read_needs_post(login_as):
    user = senior_user()
    notification = note(user)

    response = login_as(user).get(reverse("participants:notification_read", args=[notification.pk]))

    assert response.status_code == 405


def test_notification_read_all_marks_only_own(login_as):
    user, other = senior_user(), senior_user()
    note(user)
    note(user)
    theirs = note(other)

    response = login_as(user).post(reverse("participants:notification_read_all"))

    assert response.status_code == 302
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


# --- the header badge ---


def test_header_badge_counts_unread(login_as):
    user = senior_user()
    note(user)
    note(user)
    Notification.objects.filter(pk=note(user).pk).update(read_at="2026-01-01T00:00:00+09:00")

    html = login_as(user).get(reverse("participants:notification_list")).content.decode()

    assert '<span class="badge rounded-pill text-bg-warning">2<span class="visually-hidden">' in html


def test_header_badge_hidden_with_nothing_unread(login_as):
    html = login_as(senior_user()).get(reverse("participants:notification_list")).content.decode()

    assert reverse("participants:notification_list") in html
    assert "text-bg-warning" not in html


def test_header_badge_costs_anonymous_users_no_query(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        context = notifications(request)

    assert context == {}


# --- the dashboard panel ---


def test_dashboard_panel_lists_unread_notifications(login_as):
    user = senior_user()
    note(user, "面談の時間が決まりました")

    html = login_as(user).get(reverse("dashboard")).content.decode()

    assert "新しいお知らせ" in html
    assert "面談の時間が決まりました" in html


def test_dashboard_panel_absent_with_nothing_unread(login_as):
    html = login_as(senior_user()).get(reverse("dashboard")).content.decode()

    assert "新しいお知らせ" not in html


def test_dashboard_panel_shows_coordinators_the_reminder_copies(login_as):
    coordinator = staff_user(Role.COORDINATOR)
    note(coordinator, "【写し】ヒアリングシートの提出", is_copy=True)

    html = login_as(coordinator).get(reverse("dashboard")).content.decode()

    assert "担当者に送ったリマインダー（写し）" in html
    assert "【写し】ヒアリングシートの提出" in html


@pytest.mark.parametrize("copies", [3, 60])
def test_dashboard_panel_lists_the_latest_of_each_kind_read_together_or_apart(copies):
    # A coordinator's notifications and copies come from one read; with more copies than that read takes,
    # the notifications are read again on their own: the panel is the same either way.
    from participants.selectors.notifications import PANEL_SIZE, notification_panel_for

    coordinator = staff_user(Role.COORDINATOR)
    own = [note(coordinator, f"お知らせ{i}") for i in range(7)]
    sent = [note(coordinator, f"【写し】{i}", is_copy=True) for i in range(copies)]
    newest = sorted(own + sent, key=lambda n: (n.created_at, n.pk), reverse=True)

    panel = notification_panel_for(user=User.objects.get(pk=coordinator.pk))

    assert panel.unread == [n for n in newest if not n.is_copy][:PANEL_SIZE]
    assert panel.copies == [n for n in newest if n.is_copy][:PANEL_SIZE]


def test_dashboard_panel_reads_nothing_when_the_badge_says_nothing_is_unread(django_assert_num_queries):
    from participants.selectors.notifications import notification_panel_for, notification_unread_count

    coordinator = User.objects.get(pk=staff_user(Role.COORDINATOR).pk)
    coordinator.roles  # noqa: B018  (the request has read them already)
    notification_unread_count(user=coordinator)  # the header badge, cached

    with django_assert_num_queries(0):
        assert not notification_panel_for(user=coordinator)


# --- the language switch remembers the choice on the account ---


def test_language_switch_saves_the_users_language(login_as):
    user = senior_user()

    response = login_as(user).post(reverse("set_language"), {"language": "en", "next": reverse("dashboard")})

    user.refresh_from_db()
    assert (response.status_code, response.url, user.language) == (302, reverse("dashboard"), "en")


def test_language_switch_ignores_an_unknown_language(login_as):
    user = senior_user()

    login_as(user).post(reverse("set_language"), {"language": "xx", "next": reverse("dashboard")})

    assert User.objects.get(pk=user.pk).language == "ja"


def test_language_switch_works_signed_out(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert (response.status_code, response.cookies["django_language"].value) == (302, "en")


def test_header_badge_follows_reading(login_as):
    user = senior_user()
    first = note(user)
    note(user)
    client = login_as(user)
    client.get(reverse("participants:notification_list"))  # the count is cached now

    client.post(reverse("participants:notification_read", args=[first.pk]))
    html = client.get(reverse("participants:notification_list")).content.decode()

    assert '<span class="badge rounded-pill text-bg-warning">1<span class="visually-hidden">' in html
