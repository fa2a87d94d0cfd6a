"""Assertions shared by every app's tests."""

from __future__ import annotations

from django.test import Client

from participants.models import User


def assert_isolated(url: str, *, owner: User, outsider: User, method: str = "get") -> None:
    """The owner's institution gets the page; staff of another institution get 404, as if it were missing."""
    own = Client()
    own.force_login(owner)
    own_response = getattr(own, method)(url)
    assert own_response.status_code in (200, 302), f"owner got {own_response.status_code} for {url}"

    other = Client()
    other.force_login(outsider)
    other_response = getattr(other, method)(url)
    assert other_response.status_code == 404, f"another institution's staff got {other_response.status_code} for {url}"
