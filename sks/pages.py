"""The registry of pages: the main menu and the dashboard's next steps, declared once by each app.

An app lists its pages in its `pages.py` and calls `register_page` / `register_step` from its
AppConfig.ready(). Who sees an entry is not restated here: it is read from the page's view, whose
`@role_required(...)` records its roles (`required_roles`). `visible` only narrows that further (for
instance, institution admins reach the invitations from the staff page, so the menu leaves them out).
sks imports no app: the apps come to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import get_script_prefix, resolve, reverse
from django.utils.functional import Promise

from .access import user_has_any_role

Visible = Callable[[Any], bool]
Text = str | Promise


@dataclass(frozen=True)
class Page:
    """A menu link."""

    url_name: str
    label: Text
    order: int
    visible: Visible | None = None


@dataclass(frozen=True)
class Step:
    """A "next step" card on the dashboard."""

    url_name: str
    title: Text
    text: Text
    label: Text
    order: int
    visible: Visible | None = None
    # A second way to do the same step (another page), offered beside the first as a lighter button.
    other_url_name: str | None = None
    other_label: Text = ""


_PAGES: dict[str, Page] = {}
_STEPS: dict[str, Step] = {}


def register_page(url_name: str, *, label: Text, order: int, visible: Visible | None = None) -> None:
    """Put a page in the main menu (at `order`, lowest first). Registering the same name again replaces it."""
    _PAGES[url_name] = Page(url_name=url_name, label=label, order=order, visible=visible)


def register_step(
    url_name: str,
    *,
    title: Text,
    text: Text,
    label: Text,
    order: int,
    visible: Visible | None = None,
    other_url_name: str | None = None,
    other_label: Text = "",
) -> None:
    """Put a next step on the dashboard of everyone the page's view lets in (at `order`, lowest first).
    `other_url_name` offers a second page for the same step (shown to those its view lets in)."""
    _STEPS[url_name] = Step(
        url_name=url_name,
        title=title,
        text=text,
        label=label,
        order=order,
        visible=visible,
        other_url_name=other_url_name,
        other_label=other_label,
    )


def registered_pages() -> list[Page]:
    return sorted(_PAGES.values(), key=lambda page: page.order)


def registered_steps() -> list[Step]:
    return sorted(_STEPS.values(), key=lambda step: step.order)


@cache
def page_roles(url_name: str) -> frozenset[str]:
    """The roles the page's view admits, from its `@role_required`. A page without them cannot be listed:
    the menu would have to guess who may open it."""
    view = resolve(reverse(url_name)).func
    roles = getattr(view, "required_roles", None)
    if not roles:
        raise ImproperlyConfigured(f"{url_name}: its view declares no roles (use sks.access.role_required)")
    return frozenset(roles)


def page_url(url_name: str) -> str:
    """The address of a page whose URL takes no arguments (the registered pages, the dashboard, the admin site),
    reversed once per process and script prefix: the menu and the dashboard's steps ask for a dozen on every
    page."""
    return _page_url(url_name, get_script_prefix())


@cache
def _page_url(url_name: str, prefix: str) -> str:
    return reverse(url_name)  # under `prefix`, the request's script prefix that reverse() reads


def forget_page_urls(*, setting: str, **kwargs: Any) -> None:
    """Receiver of `setting_changed` (connected by SksConfig.ready())."""
    if setting == "ROOT_URLCONF":
        _page_url.cache_clear()


def _shown(user: Any, url_name: str, visible: Visible | None) -> bool:
    return user_has_any_role(user, page_roles(url_name)) and (visible is None or visible(user))


def menu_for(user: Any) -> list[tuple[str, str]]:
    """(url, label) of every registered page this user may open, in menu order."""
    return [
        (page_url(page.url_name), str(page.label))
        for page in registered_pages()
        if _shown(user, page.url_name, page.visible)
    ]


def _step_card(user: Any, step: Step) -> dict[str, str]:
    card = {"title": str(step.title), "text": str(step.text), "url": page_url(step.url_name), "label": str(step.label)}
    if step.other_url_name and user_has_any_role(user, page_roles(step.other_url_name)):
        card["other_url"] = page_url(step.other_url_name)
        card["other_label"] = str(step.other_label)
    return card


def steps_for(user: Any) -> list[dict[str, str]]:
    """The dashboard's next steps for this user's roles, in order."""
    return [_step_card(user, step) for step in registered_steps() if _shown(user, step.url_name, step.visible)]
