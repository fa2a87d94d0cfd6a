"""Panels that other apps add to the dashboard (a registry: participants must not import the apps above it).

A panel is a function `(request, user) -> Panel | None`; `events` registers its panels in
`EventsConfig.ready()`. The dashboard renders each returned panel's template with its context, in order.
A panel that asks the user to do something also gives that as its `step` (see `next_step`): the dashboard
puts it among the next steps, so that what the panel asks and what the dashboard says to do next agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    step: dict[str, str] | None = None
    # Where the step stands among the panels' steps (default: the panel's own order).
    step_order: int | None = None


def next_step(*, title: str, text: str, url: str, label: str) -> dict[str, str]:
    """A "next step" card: what to do, why, and the button that does it."""
    return {"title": title, "text": text, "url": url, "label": label}


PanelFunction = Callable[[HttpRequest, Any], "Panel | None"]

_PANELS: list[PanelFunction] = []


def register_dashboard_panel(function: PanelFunction) -> PanelFunction:
    if function not in _PANELS:
        _PANELS.append(function)
    return function


def panel_steps(panels: list[Panel]) -> list[dict[str, str]]:
    """The steps the panels ask for, in their step order."""
    asking = [p for p in panels if p.step]
    asking.sort(key=lambda p: p.order if p.step_order is None else p.step_order)
    return [p.step for p in asking if p.step]


def dashboard_panels(request: HttpRequest, user: Any) -> list[Panel]:
    panels = [p for p in (function(request, user) for function in _PANELS) if p is not None]
    return sorted(panels, key=lambda p: p.order)
